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

/** The exposure graph of one cluster. */
export function buildExposureGraph(inventory: Inventory, cluster: string, findings: readonly Finding[]): ExposureGraph {
  const alarms = alarming(findings);
  const nodes = new Map<string, GraphNode>();
  const edges: GraphEdge[] = [];
  const add = (node: GraphNode) => {
    const known = nodes.get(node.key);
    if (known) known.dangerous ||= node.dangerous;
    else nodes.set(node.key, node);
  };
  const drawnNodes = new Set<string>();
  const podIpsOfNode = podIpsByNode(inventory);
  const groupCount = new Set(
    inventory
      .nodes()
      .filter((node) => node.cluster === cluster)
      .map((node) => node.nodeGroup ?? NO_GROUP),
  ).size;
  const shownPerGroup = Math.max(1, Math.min(NODES_SHOWN_PER_GROUP, Math.floor(NODES_SHOWN_PER_CLUSTER / groupCount)));

  for (const sgId of nodeSecurityGroupsOf(inventory, cluster)) {
    const exposure = inventory.exposureOf(sgId);
    const sgKey = `sg:${sgId}`;
    const clusterNodes = exposure.nodes.filter((node) => node.cluster === cluster);
    const sgpText = exposure.sgpPods > 0 ? `, ${exposure.sgpPods} SGP pod(s) apart` : '';
    add({
      key: sgKey,
      kind: 'node-sg',
      ...securityGroupLabel(inventory.securityGroup(sgId), sgId),
      detail: `${clusterNodes.length} node(s), up to ${exposure.podIps} pod IPs${sgpText}`,
      dangerous: false,
    });

    // Public sources: CIDRs outside private space (and prefix lists) that the SG admits.
    for (const rule of inventory.rulesOf(sgId, 'ingress')) {
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
      const dangerous = alarms.some(
        (finding) =>
          names(finding, 'security-group-rule', ruleId) ||
          (OPEN_INGRESS_RULES.has(finding.rule) &&
            names(finding, 'security-group', sgId) &&
            !finding.resources.some((resource) => resource.type === 'security-group-rule')),
      );
      add({ key: `src:${peer}`, kind: 'source', label: peer, detail: 'reaches in', dangerous });
      edges.push({ from: `src:${peer}`, to: sgKey, label: portText(rule), dangerous });
    }

    // Node groups and their nodes.
    const byGroup = new Map<string, Node[]>();
    for (const node of clusterNodes) {
      const group = node.nodeGroup ?? NO_GROUP;
      const members = byGroup.get(group);
      if (members) members.push(node);
      else byGroup.set(group, [node]);
    }
    for (const [group, members] of [...byGroup].sort(([a], [b]) => a.localeCompare(b))) {
      const groupKey = `ng:${group}`;
      const known = inventory.nodeGroup(cluster, group);
      const max = known?.scaling.maxSize;
      add({
        key: groupKey,
        kind: 'nodegroup',
        label: group,
        detail: `${members.length} node(s)${max !== undefined ? `, max ${max}` : ''}`,
        dangerous: false,
      });
      edges.push({ from: sgKey, to: groupKey, dangerous: false });
      members.slice(0, shownPerGroup).forEach((node) => {
        const key = `node:${node.instance.id}`;
        if (!drawnNodes.has(key)) {
          drawnNodes.add(key);
          const { podIps, sgpPods } = podIpsOfNode(node.instance.id);
          add({
            key,
            kind: 'node',
            label: node.instance.id,
            id: node.instance.instanceType,
            detail: `${podIps} pod IPs${sgpPods ? `, ${sgpPods} SGP pod(s)` : ''}`,
            dangerous: false,
          });
          edges.push({ from: groupKey, to: key, dangerous: false });
        }
      });
      const hidden = members.length - shownPerGroup;
      if (hidden > 0 && !nodes.has(`more:${group}`)) {
        add({ key: `more:${group}`, kind: 'more-nodes', label: `+${hidden} more`, detail: group, dangerous: false });
        edges.push({ from: groupKey, to: `more:${group}`, dangerous: false });
      }
    }

    // SGs that admit this node SG: every pod on those nodes reaches what they protect.
    const admitters = inventory.securityGroupRules.filter(
      (rule) => rule.direction === 'ingress' && rule.peer.kind === 'security-group' && rule.peer.groupId === sgId,
    );
    for (const rule of admitters) {
      if (rule.groupId === sgId || inventory.isNodeSecurityGroup(rule.groupId)) continue;
      const services = inventory.protectedServices(rule.groupId);
      const dangerous = alarms.some(
        (finding) => names(finding, 'security-group', rule.groupId) && names(finding, 'security-group', sgId),
      );
      add({
        key: `adm:${rule.groupId}`,
        kind: 'admitter',
        ...securityGroupLabel(inventory.securityGroup(rule.groupId), rule.groupId),
        detail: services.length > 0 ? `protects ${services.join(', ')}` : 'admits the node SG',
        dangerous,
      });
      edges.push({ from: sgKey, to: `adm:${rule.groupId}`, label: portText(rule), dangerous });
    }
  }
  for (const edge of edges) if (edge.dangerous && edge.to.startsWith('sg:')) nodes.get(edge.to)!.dangerous = true;
  for (const edge of edges) if (edge.dangerous && edge.from.startsWith('sg:')) nodes.get(edge.from)!.dangerous = true;
  return { nodes: [...nodes.values()], edges: dedupeEdges(edges) };
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
