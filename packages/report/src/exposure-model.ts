/**
 * What each node security group of a cluster exposes, as a graph: public sources that reach the SG, the SG, the node
 * groups and nodes (with their pod IPs) it governs, and the SGs that admit it (data stores first). An edge is
 * dangerous when an open finding of medium severity or worse names both its ends, so the picture agrees with the
 * findings table and honours the allow-list.
 */
import {
  type Finding,
  type Inventory,
  isBranchEni,
  isPrivateCidr,
  isTrunkEni,
  type Node,
  SEVERITY_RANK,
  type SecurityGroup,
  type SecurityGroupRule,
  TRUNK_ENI_TAG,
} from '@podnet-guard/core';

export type GraphNodeKind = 'source' | 'node-sg' | 'nodegroup' | 'node' | 'more-nodes' | 'admitter';

export interface GraphNode {
  /** Unique within the cluster's graph: `sg:sg-…`, `ng:name`, `node:i-…`, `src:0.0.0.0/0`, `adm:sg-…`. */
  key: string;
  kind: GraphNodeKind;
  /** Untrusted account text (names, tags): escaped by the renderer. */
  label: string;
  /** The AWS id under the label, when the label is a name. */
  id?: string;
  detail: string;
  dangerous: boolean;
}

export interface GraphEdge {
  from: string;
  to: string;
  label?: string;
  dangerous: boolean;
}

export interface ExposureGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** Nodes drawn per node group; the rest are folded into one "+N more" box so large groups stay readable. */
export const NODES_SHOWN_PER_GROUP = 6;
/** Node boxes drawn per cluster at most (before "+N more" boxes): clusters with many node groups show fewer per group. */
const NODES_SHOWN_PER_CLUSTER = 48;
const NO_GROUP = '(no node group)';

/** Rules about a node SG open to public sources: they mark the SG's public ingress edges. */
const OPEN_INGRESS_RULES: ReadonlySet<string> = new Set([
  'world-open-ingress',
  'public-wide-ingress',
  'sensitive-port-ingress',
  'nodegroup-remote-access-open',
  'open-sg-attached-to-nodes',
]);

/** Findings that mark edges: open and at least medium (info and low never light the picture up). */
function alarming(findings: readonly Finding[]): Finding[] {
  return findings.filter((finding) => finding.status === 'open' && SEVERITY_RANK[finding.severity] >= 2);
}

function names(finding: Finding, type: string, id: string): boolean {
  return finding.resources.some((resource) => resource.type === type && resource.id === id);
}

/** The name people know an SG by (its Name tag, else its group name) and its id. */
export function securityGroupLabel(group: SecurityGroup | undefined, id: string): { label: string; id?: string } {
  const name = group?.tags.Name || group?.name;
  return name && name !== id ? { label: name, id } : { label: id };
}

function portText(rule: SecurityGroupRule): string {
  if (rule.protocol === '-1') return 'all traffic';
  if (rule.fromPort === undefined) return rule.protocol;
  const ports =
    rule.fromPort === rule.toPort || rule.toPort === undefined ? `${rule.fromPort}` : `${rule.fromPort}-${rule.toPort}`;
  return `${rule.protocol}/${ports}`;
}

/**
 * Pod IPs each node holds (secondary addresses and delegated prefixes, not counting trunk and branch ENIs) and its SGP
 * pods (branch ENIs on its trunks), indexed once per graph: large accounts have thousands of ENIs.
 */
function podIpsByNode(inventory: Inventory): (instanceId: string) => { podIps: number; sgpPods: number } {
  const podIps = new Map<string, number>();
  const trunkOwner = new Map<string, string>();
  for (const eni of inventory.networkInterfaces) {
    const instanceId = eni.attachment?.instanceId;
    if (!instanceId) continue;
    if (isTrunkEni(eni)) trunkOwner.set(eni.id, instanceId);
    else if (!isBranchEni(eni))
      podIps.set(
        instanceId,
        (podIps.get(instanceId) ?? 0) + Math.max(0, eni.privateIps.length - 1) + eni.ipv4Prefixes.length * 16,
      );
  }
  const sgpPods = new Map<string, number>();
  for (const eni of inventory.networkInterfaces) {
    const owner = isBranchEni(eni) ? trunkOwner.get(eni.tags[TRUNK_ENI_TAG] ?? '') : undefined;
    if (owner) sgpPods.set(owner, (sgpPods.get(owner) ?? 0) + 1);
  }
  return (instanceId) => ({ podIps: podIps.get(instanceId) ?? 0, sgpPods: sgpPods.get(instanceId) ?? 0 });
}

/** Node SGs of a cluster: SGs that are node SGs for it, or that govern its nodes. */
export function nodeSecurityGroupsOf(inventory: Inventory, cluster: string): string[] {
  return inventory.securityGroups
    .map((group) => group.id)
    .filter((id) => {
      const reasons = inventory.nodeSecurityGroupReasons(id);
      if (reasons.length === 0) return false;
      return (
        reasons.some((reason) => reason.cluster === cluster) || inventory.exposureOf(id).clusters.includes(cluster)
      );
    })
    .sort();
}

/** The graph of one cluster as it is drawn: nodes by key (a repeat only adds danger), edges in drawing order. */
interface GraphDraft {
  inventory: Inventory;
  cluster: string;
  /** The open findings that make an edge or node dangerous. */
  alarms: ReturnType<typeof alarming>;
  nodes: Map<string, GraphNode>;
  edges: GraphEdge[];
  drawnNodes: Set<string>;
  podIpsOfNode: ReturnType<typeof podIpsByNode>;
  shownPerGroup: number;
}

function addNode(draft: GraphDraft, node: GraphNode): void {
  const known = draft.nodes.get(node.key);
  if (known) known.dangerous ||= node.dangerous;
  else draft.nodes.set(node.key, node);
}

/** The exposure graph of one cluster. */
export function buildExposureGraph(inventory: Inventory, cluster: string, findings: readonly Finding[]): ExposureGraph {
  const groupCount = new Set(
    inventory
      .nodes()
      .filter((node) => node.cluster === cluster)
      .map((node) => node.nodeGroup ?? NO_GROUP),
  ).size;
  const draft: GraphDraft = {
    inventory,
    cluster,
    alarms: alarming(findings),
    nodes: new Map(),
    edges: [],
    drawnNodes: new Set(),
    podIpsOfNode: podIpsByNode(inventory),
    shownPerGroup: Math.max(1, Math.min(NODES_SHOWN_PER_GROUP, Math.floor(NODES_SHOWN_PER_CLUSTER / groupCount))),
  };
  for (const sgId of nodeSecurityGroupsOf(inventory, cluster)) {
    const exposure = inventory.exposureOf(sgId);
    const sgKey = `sg:${sgId}`;
    const clusterNodes = exposure.nodes.filter((node) => node.cluster === cluster);
    const sgpText = exposure.sgpPods > 0 ? `, ${exposure.sgpPods} SGP pod(s) apart` : '';
    addNode(draft, {
      key: sgKey,
      kind: 'node-sg',
      ...securityGroupLabel(inventory.securityGroup(sgId), sgId),
      detail: `${clusterNodes.length} node(s), up to ${exposure.podIps} pod IPs${sgpText}`,
      dangerous: false,
    });
    addPublicSources(draft, sgId);
    addNodeGroups(draft, sgId, clusterNodes);
    addAdmitters(draft, sgId);
  }
  const { nodes, edges } = draft;
  for (const edge of edges) if (edge.dangerous && edge.to.startsWith('sg:')) nodes.get(edge.to)!.dangerous = true;
  for (const edge of edges) if (edge.dangerous && edge.from.startsWith('sg:')) nodes.get(edge.from)!.dangerous = true;
  return { nodes: [...nodes.values()], edges: dedupeEdges(edges) };
}

/** Public sources: CIDRs outside private space (and prefix lists) that the node SG admits. */
function addPublicSources(draft: GraphDraft, sgId: string): void {
  const sgKey = `sg:${sgId}`;
  for (const rule of draft.inventory.rulesOf(sgId, 'ingress')) {
    const peer =
      rule.peer.kind === 'ipv4' || rule.peer.kind === 'ipv6'
        ? isPrivateCidr(rule.peer.cidr)
          ? undefined
          : rule.peer.cidr
        : rule.peer.kind === 'prefix-list'
          ? rule.peer.prefixListId
          : undefined;
    if (!peer) continue;
    const ruleId = rule.ruleId;
    // Findings name the rule when they know its id; a remote-access or attachment finding names only the SG.
    const dangerous = draft.alarms.some(
      (finding) =>
        names(finding, 'security-group-rule', ruleId) ||
        (OPEN_INGRESS_RULES.has(finding.rule) &&
          names(finding, 'security-group', sgId) &&
          !finding.resources.some((resource) => resource.type === 'security-group-rule')),
    );
    addNode(draft, { key: `src:${peer}`, kind: 'source', label: peer, detail: 'reaches in', dangerous });
    draft.edges.push({ from: `src:${peer}`, to: sgKey, label: portText(rule), dangerous });
  }
}

/** The node groups behind the node SG, and up to `shownPerGroup` of each group's nodes (each node drawn once). */
function addNodeGroups(draft: GraphDraft, sgId: string, clusterNodes: readonly Node[]): void {
  const sgKey = `sg:${sgId}`;
  const byGroup = new Map<string, Node[]>();
  for (const node of clusterNodes) {
    const group = node.nodeGroup ?? NO_GROUP;
    const members = byGroup.get(group);
    if (members) members.push(node);
    else byGroup.set(group, [node]);
  }
  for (const [group, members] of [...byGroup].sort(([a], [b]) => a.localeCompare(b))) {
    const groupKey = `ng:${group}`;
    const max = draft.inventory.nodeGroup(draft.cluster, group)?.scaling.maxSize;
    addNode(draft, {
      key: groupKey,
      kind: 'nodegroup',
      label: group,
      detail: `${members.length} node(s)${max !== undefined ? `, max ${max}` : ''}`,
      dangerous: false,
    });
    draft.edges.push({ from: sgKey, to: groupKey, dangerous: false });
    for (const node of members.slice(0, draft.shownPerGroup)) {
      const key = `node:${node.instance.id}`;
      if (draft.drawnNodes.has(key)) continue;
      draft.drawnNodes.add(key);
      const { podIps, sgpPods } = draft.podIpsOfNode(node.instance.id);
      addNode(draft, {
        key,
        kind: 'node',
        label: node.instance.id,
        id: node.instance.instanceType,
        detail: `${podIps} pod IPs${sgpPods ? `, ${sgpPods} SGP pod(s)` : ''}`,
        dangerous: false,
      });
      draft.edges.push({ from: groupKey, to: key, dangerous: false });
    }
    const hidden = members.length - draft.shownPerGroup;
    if (hidden > 0 && !draft.nodes.has(`more:${group}`)) {
      addNode(draft, {
        key: `more:${group}`,
        kind: 'more-nodes',
        label: `+${hidden} more`,
        detail: group,
        dangerous: false,
      });
      draft.edges.push({ from: groupKey, to: `more:${group}`, dangerous: false });
    }
  }
}

/** SGs that admit the node SG: every pod on those nodes reaches what they protect. */
function addAdmitters(draft: GraphDraft, sgId: string): void {
  const { inventory } = draft;
  const sgKey = `sg:${sgId}`;
  const admitters = inventory.securityGroupRules.filter(
    (rule) => rule.direction === 'ingress' && rule.peer.kind === 'security-group' && rule.peer.groupId === sgId,
  );
  for (const rule of admitters) {
    if (rule.groupId === sgId || inventory.isNodeSecurityGroup(rule.groupId)) continue;
    const services = inventory.protectedServices(rule.groupId);
    const dangerous = draft.alarms.some(
      (finding) => names(finding, 'security-group', rule.groupId) && names(finding, 'security-group', sgId),
    );
    addNode(draft, {
      key: `adm:${rule.groupId}`,
      kind: 'admitter',
      ...securityGroupLabel(inventory.securityGroup(rule.groupId), rule.groupId),
      detail: services.length > 0 ? `protects ${services.join(', ')}` : 'admits the node SG',
      dangerous,
    });
    draft.edges.push({ from: sgKey, to: `adm:${rule.groupId}`, label: portText(rule), dangerous });
  }
}

function dedupeEdges(edges: GraphEdge[]): GraphEdge[] {
  const seen = new Map<string, GraphEdge>();
  for (const edge of edges) {
    const key = `${edge.from}\u0000${edge.to}`;
    const known = seen.get(key);
    if (!known) seen.set(key, { ...edge });
    else {
      known.dangerous ||= edge.dangerous;
      if (edge.label && known.label !== edge.label)
        known.label = known.label ? `${known.label}, ${edge.label}` : edge.label;
    }
  }
  return [...seen.values()];
}
