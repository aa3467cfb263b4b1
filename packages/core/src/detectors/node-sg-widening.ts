/**
 * `node-sg-widening`: a change that widens what every pod on an EKS node can be reached from, or reach.
 *
 * With the VPC CNI every pod on a node uses the node's security group, so opening a node SG opens every pod on those
 * nodes, and an SG that admits a node SG admits every non-SGP pod on them. This detector joins the change to the
 * clusters, node groups, nodes and pod IPs it exposes.
 *
 * @example
 * const findings = nodeSgWidening.evaluateEvent(parsedEvent, { inventory, config, now });
 */
import type { CloudTrailEvent, RulePeer, SgRule, TrafficDirection } from '../cloudtrail/types.ts';
import {
  buildResolvedFinding,
  buildFinding as buildSharedFinding,
  eventEvidence,
  type FindingDraft,
  unique,
} from '../findings/build.ts';
import { LINKS } from '../findings/links.ts';
import { plural } from '../findings/wording.ts';
import { cidrContains, normalizeCidr } from '../inventory/cidr.ts';
import { restrictRemoteAccessRemediation, revokeRulesRemediation } from '../remediation/targets.ts';
import type { BlastRadius, Finding, Link, ResourceRef } from '../types/finding.ts';
import type { Inventory, NodeGroup, SgExposure } from '../types/inventory.ts';
import { type DetectorContext, monolithDetector, type RuleDefinition } from './define.ts';
import { INGRESS_RULES, type IngressRuleId, type IngressTrip, judgeIngress } from './ingress-judgement.ts';
import type { RuleAuthor } from './kubernetes-rules.ts';
import {
  ALL_TRAFFIC,
  describePeer,
  describePorts,
  fromInventoryRule,
  peerCidrs,
  peerKey,
  type RuleShape,
  ruleShapeKey,
} from './sg-rule-analysis.ts';

const DETECTOR = 'node-sg-widening' as const;

export const NODE_SG_RULES = [
  {
    id: 'world-open-ingress',
    severity: 'high',
    title: 'Node security group open to the internet',
    description:
      'A node SG admits 0.0.0.0/0 or ::/0 (or CIDRs that together cover it): every pod on its nodes is reachable.',
  },
  {
    id: 'public-wide-ingress',
    severity: 'medium',
    title: 'Node security group open to a wide public range',
    description: 'A node SG admits a global prefix broader than the configured length.',
  },
  {
    id: 'sensitive-port-ingress',
    severity: 'medium',
    title: 'Sensitive port on a node security group opened beyond the VPC',
    description: 'SSH, RDP, kubelet, etcd, database ports or all traffic on a node SG, from outside the VPC.',
  },
  {
    id: 'node-sg-granted-to-data-store',
    severity: 'high',
    title: 'Data store admits a node security group',
    description:
      'An SG that protects a data store (RDS, ElastiCache, …) admits a node SG: every non-SGP pod on those nodes can reach it.',
  },
  {
    id: 'node-sg-granted-to-sg',
    severity: 'medium',
    title: 'Security group admits a node security group',
    description: 'An SG admits a node SG as its source: every non-SGP pod on those nodes can reach what it protects.',
  },
  {
    id: 'pod-cidr-granted-to-data-store',
    severity: 'high',
    title: 'Data store admits the node and pod subnets',
    description:
      'A data-store SG admits a CIDR that contains node or pod subnets: the same exposure as admitting the node SG.',
  },
  {
    id: 'egress-widened',
    severity: 'medium',
    title: 'Node security group egress widened to everything',
    description: 'A node SG whose egress was restricted now allows all traffic to anywhere.',
  },
  {
    id: 'open-sg-attached-to-nodes',
    severity: 'high',
    title: 'Open security group attached to EKS nodes',
    description: 'A node ENI or instance gets an SG that carries an open ingress rule.',
  },
  {
    id: 'nodegroup-remote-access-open',
    severity: 'high',
    title: 'Node group SSH open to the internet',
    description:
      'A managed node group with SSH remote access and no source security groups: EKS opens port 22 to 0.0.0.0/0.',
  },
] as const satisfies readonly RuleDefinition[];

export type NodeSgRuleId = (typeof NODE_SG_RULES)[number]['id'];
const TITLES = Object.fromEntries(NODE_SG_RULES.map((rule) => [rule.id, rule.title])) as Record<NodeSgRuleId, string>;

const EC2 = 'ec2.amazonaws.com' as const;
const EKS = 'eks.amazonaws.com' as const;

export const nodeSgWidening = monolithDetector({
  id: DETECTOR,
  rules: NODE_SG_RULES,
  subscribes: [
    { source: EC2, eventName: 'AuthorizeSecurityGroupIngress' },
    { source: EC2, eventName: 'AuthorizeSecurityGroupEgress' },
    { source: EC2, eventName: 'RevokeSecurityGroupIngress' },
    { source: EC2, eventName: 'RevokeSecurityGroupEgress' },
    { source: EC2, eventName: 'ModifySecurityGroupRules' },
    { source: EC2, eventName: 'DeleteSecurityGroup' },
    {
      source: EC2,
      eventName: 'ModifyNetworkInterfaceAttribute',
      filters: [{ requestParameters: { groupSet: { items: { groupId: [{ exists: true }] } } } }],
    },
    {
      source: EC2,
      eventName: 'ModifyInstanceAttribute',
      filters: [{ requestParameters: { groupSet: { items: { groupId: [{ exists: true }] } } } }],
    },
    { source: EKS, eventName: 'CreateNodegroup' },
  ],
  reads: [
    'DescribeVpcs',
    'DescribeSecurityGroups',
    'DescribeSecurityGroupRules',
    'DescribeNetworkInterfaces',
    'DescribeInstances',
    'DescribeLaunchTemplateVersions',
    'GetManagedPrefixListEntries',
    'DescribeCluster',
    'DescribeNodegroup',
  ],
  needsInventory(event) {
    if (event.errorCode !== undefined) return false;
    const detail = event.detail;
    if (detail.kind === 'sg-rules-revoked') return detail.rules.length > 0 || detail.ruleIds.length > 0;
    if (detail.kind === 'nodegroup-changed') return false;
    return true;
  },
  evaluateEvent(event, context) {
    // A failed call changed nothing and widens nothing.
    if (event.errorCode !== undefined) return [];
    const detail = event.detail;
    switch (detail.kind) {
      case 'sg-rules-authorized':
        return onAuthorize(event, detail.direction, resolveGroupId(detail, context.inventory), detail.rules, context);
      case 'sg-rules-modified':
        return onModify(event, detail.groupId, detail.changes, context);
      case 'sg-rules-revoked':
        return onRevoke(event, detail.direction, resolveGroupId(detail, context.inventory), detail, context);
      case 'sg-deleted':
        return onDelete(event, resolveGroupId(detail, context.inventory), context);
      case 'eni-groups-changed':
      case 'instance-groups-changed':
        return onGroupsAttached(event, detail, context);
      case 'nodegroup-changed':
        return detail.operation === 'create' ? onNodegroupCreated(event, detail, context) : [];
      default:
        return [];
    }
  },
  scan(context) {
    return scanInventory(context);
  },
  // egress-widened and open-sg-attached-to-nodes are judged from a change only: a sweep never resolves them.
  scanRules: [
    'world-open-ingress',
    'public-wide-ingress',
    'sensitive-port-ingress',
    'node-sg-granted-to-data-store',
    'node-sg-granted-to-sg',
    'pod-cidr-granted-to-data-store',
    'nodegroup-remote-access-open',
  ],
});

function resolveGroupId(detail: { groupId?: string; groupName?: string }, inventory: Inventory): string | undefined {
  if (detail.groupId) return detail.groupId;
  // A call by group name (default VPC / EC2-Classic style) carries no id: resolve it from live state.
  return detail.groupName ? inventory.securityGroupIdByName(detail.groupName) : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Event paths

function onAuthorize(
  event: CloudTrailEvent,
  direction: TrafficDirection,
  groupId: string | undefined,
  rules: SgRule[],
  context: DetectorContext,
): Finding[] {
  if (!groupId) return [];
  const newRules = rules.map((rule, index) => ({ ...rule, ruleId: rule.ruleId ?? event.createdRuleIds?.[index] }));
  const findings: Finding[] = [];
  const { inventory } = context;

  if (direction === 'egress') {
    if (inventory.isNodeSecurityGroup(groupId)) findings.push(...judgeEgress(event, groupId, newRules, context));
    return findings;
  }

  const remote = remoteAccessNodegroup(event, groupId, inventory);
  if (remote && newRules.some((rule) => ruleCoversSsh(rule) && isWorldPeer(rule.peer))) {
    findings.push(remoteAccessFinding(remote, { event, groupId, context }));
    return findings;
  }

  if (inventory.isNodeSecurityGroup(groupId)) {
    const addedShapes = new Set(newRules.map(ruleShapeKey));
    const existing = inventory
      .rulesOf(groupId, 'ingress')
      .map(fromInventoryRule)
      .filter((rule) => !addedShapes.has(ruleShapeKey(rule)));
    for (const trip of ingressTrips(groupId, newRules, existing, context, { kind: 'event', actor: event.actor })) {
      findings.push(ingressFinding(groupId, trip, { event, context }));
    }
  }
  findings.push(...judgeReverseGrants(groupId, newRules, { event, context }));
  return findings;
}

function onModify(
  event: CloudTrailEvent,
  groupId: string,
  changes: { ruleId: string; rule: Omit<SgRule, 'ruleId'> }[],
  context: DetectorContext,
): Finding[] {
  const findings: Finding[] = [];
  const byDirection: Record<TrafficDirection, SgRule[]> = { ingress: [], egress: [] };
  const unknownDirection: string[] = [];
  for (const change of changes) {
    const live = context.inventory.rule(change.ruleId);
    // ModifySecurityGroupRules does not say the direction: live state does. When live state lacks the rule we judge it
    // as ingress (the direction that exposes pods) and say so.
    if (!live) unknownDirection.push(change.ruleId);
    byDirection[live?.direction ?? 'ingress'].push({ ...change.rule, ruleId: change.ruleId });
  }
  for (const direction of ['ingress', 'egress'] as const) {
    if (byDirection[direction].length === 0) continue;
    const produced = onAuthorize(event, direction, groupId, byDirection[direction], context);
    for (const finding of produced) {
      if (unknownDirection.length > 0) {
        finding.evidence.state = joinState(
          finding.evidence.state,
          `rule ${unknownDirection.join(', ')} not found in live state (DescribeSecurityGroupRules): judged as ingress`,
        );
      }
    }
    findings.push(...produced);
  }
  return findings;
}

function onRevoke(
  event: CloudTrailEvent,
  direction: TrafficDirection,
  groupId: string | undefined,
  detail: { rules: SgRule[]; ruleIds: string[] },
  context: DetectorContext,
): Finding[] {
  if (!groupId) return [];
  const { inventory } = context;
  // What was revoked: by shape, or by id (looked up in live state, which may already have dropped them).
  const revoked: RuleShape[] = [...detail.rules];
  const unresolvedIds: string[] = [];
  for (const ruleId of detail.ruleIds) {
    const live = inventory.rule(ruleId);
    if (live) revoked.push(fromInventoryRule(live));
    else unresolvedIds.push(ruleId);
  }
  if (revoked.length === 0 && unresolvedIds.length === 0) return [];
  const revokedIds = new Set([...unresolvedIds, ...revoked.flatMap((gone) => (gone.ruleId ? [gone.ruleId] : []))]);
  const revokedShapes = new Set(revoked.map(ruleShapeKey));
  const isRevoked = (rule: RuleShape) =>
    (rule.ruleId !== undefined && revokedIds.has(rule.ruleId)) || revokedShapes.has(ruleShapeKey(rule));
  const remaining = inventory
    .rulesOf(groupId, direction)
    .map(fromInventoryRule)
    .filter((rule) => !isRevoked(rule));
  const resolved: Finding[] = [];
  const base = { event, context };

  if (direction === 'egress') {
    if (inventory.isNodeSecurityGroup(groupId) && !remaining.some(isAllOpenEgress)) {
      if (unresolvedIds.length > 0 || revoked.some(isAllOpenEgress))
        resolved.push(resolvedFinding('egress-widened', groupId, groupId, base));
    }
    return resolved;
  }

  if (inventory.isNodeSecurityGroup(groupId)) {
    const stillTripped = new Set(
      ingressTrips(groupId, remaining, [], context).flatMap((t) => [t.rule, ...t.alsoTripped]),
    );
    const revokedTripped =
      unresolvedIds.length > 0
        ? new Set<IngressRuleId>(INGRESS_RULES)
        : new Set(ingressTrips(groupId, revoked, remaining, context).flatMap((t) => [t.rule, ...t.alsoTripped]));
    for (const rule of INGRESS_RULES) {
      if (revokedTripped.has(rule) && !stillTripped.has(rule))
        resolved.push(resolvedFinding(rule, groupId, groupId, base));
    }
  }
  // Reverse grants this revoke removed.
  for (const gone of revoked) {
    if (gone.peer.kind !== 'security-group' || !gone.peer.groupId) continue;
    const peerId = gone.peer.groupId;
    if (remaining.some((rule) => rule.peer.kind === 'security-group' && rule.peer.groupId === peerId)) continue;
    if (!inventory.isNodeSecurityGroup(peerId)) continue;
    const rule =
      inventory.protectedServices(groupId).length > 0 ? 'node-sg-granted-to-data-store' : 'node-sg-granted-to-sg';
    resolved.push(resolvedFinding(rule, groupId, `${groupId}<-${peerId}`, base));
  }
  if (inventory.protectedServices(groupId).length > 0) {
    const podCidrs = inventory.clusterSubnetCidrs();
    const grantsPods = (rule: RuleShape) =>
      (peerCidrs(rule.peer, inventory) ?? []).some((cidr) => podCidrs.some((pod) => cidrContains(cidr, pod)));
    if (revoked.some(grantsPods) && !remaining.some(grantsPods))
      resolved.push(resolvedFinding('pod-cidr-granted-to-data-store', groupId, groupId, base));
  }
  return resolved;
}

function onDelete(event: CloudTrailEvent, groupId: string | undefined, context: DetectorContext): Finding[] {
  if (!groupId) return [];
  const base = { event, context };
  const resolved = [...INGRESS_RULES, 'egress-widened' as const, 'pod-cidr-granted-to-data-store' as const].map(
    (rule) => resolvedFinding(rule, groupId, groupId, base),
  );
  for (const rule of context.inventory.rulesOf(groupId, 'ingress')) {
    if (rule.peer.kind === 'security-group' && rule.peer.groupId) {
      for (const grant of ['node-sg-granted-to-data-store', 'node-sg-granted-to-sg'] as const)
        resolved.push(resolvedFinding(grant, groupId, `${groupId}<-${rule.peer.groupId}`, base));
    }
  }
  return resolved;
}

function onGroupsAttached(
  event: CloudTrailEvent,
  detail:
    | { kind: 'eni-groups-changed'; networkInterfaceId: string; groupIds: string[] }
    | { kind: 'instance-groups-changed'; instanceId: string; groupIds: string[] },
  context: DetectorContext,
): Finding[] {
  const { inventory } = context;
  const instanceId =
    detail.kind === 'instance-groups-changed'
      ? detail.instanceId
      : inventory.networkInterface(detail.networkInterfaceId)?.attachment?.instanceId;
  const node = instanceId ? inventory.node(instanceId) : undefined;
  if (!node) return [];
  const findings: Finding[] = [];
  for (const groupId of detail.groupIds) {
    const rules = inventory.rulesOf(groupId, 'ingress').map(fromInventoryRule);
    const trips = ingressTrips(groupId, rules, [], context).filter((trip) => trip.expectedBecause === undefined);
    const worst =
      trips.find((trip) => trip.rule === 'world-open-ingress') ??
      trips.find((trip) => trip.rule === 'public-wide-ingress');
    if (!worst) continue;
    const target: ResourceRef =
      detail.kind === 'instance-groups-changed'
        ? { type: 'instance', id: detail.instanceId }
        : { type: 'network-interface', id: detail.networkInterfaceId };
    const exposure = inventory.exposureOf(groupId);
    const rulesText = describeRules(worst.rules);
    findings.push(
      buildFinding({
        rule: 'open-sg-attached-to-nodes',
        subject: `${target.id}+${groupId}`,
        severity: worst.severity === 'critical' ? 'critical' : 'high',
        title: `${TITLES['open-sg-attached-to-nodes']}: ${groupId}`,
        summary: `${groupLabel(groupId, inventory)} admits ${rulesText} and was attached to node ${node.instance.id} (cluster ${node.cluster}${node.nodeGroup ? `, node group ${node.nodeGroup}` : ''}). Every pod on that node is now reachable the same way.`,
        clusters: [node.cluster],
        resources: [target, { type: 'security-group', id: groupId }, { type: 'instance', id: node.instance.id }],
        blastRadius: {
          ...blastRadius(exposure, inventory),
          nodes: Math.max(1, exposure.nodes.length),
          nodeGroups: unique([...(node.nodeGroup ? [node.nodeGroup] : []), ...exposure.nodeGroups]),
        },
        evidence: {
          ...eventEvidence(event),
          details: { groupIds: detail.groupIds, openRules: worst.rules.map(ruleDetail) },
        },
        recommendation: ingressRecommendation(worst.sensitivePorts),
        context,
        event,
      }),
    );
  }
  return findings;
}

function onNodegroupCreated(
  event: CloudTrailEvent,
  detail: Extract<CloudTrailEvent['detail'], { kind: 'nodegroup-changed' }>,
  context: DetectorContext,
): Finding[] {
  const remote = detail.remoteAccess;
  if (!remote?.ec2SshKey || remote.sourceSecurityGroups.length > 0) return [];
  return [
    remoteAccessFinding(
      { cluster: detail.clusterName, nodegroup: detail.nodegroupName },
      { event, context, sshKey: remote.ec2SshKey },
    ),
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// Scan path: existing open rules and grants in state alone.

function scanInventory(context: DetectorContext): Finding[] {
  const { inventory } = context;
  const findings: Finding[] = [];
  const nodeSgs = new Set<string>();
  for (const group of inventory.securityGroups) {
    if (!inventory.isNodeSecurityGroup(group.id)) continue;
    nodeSgs.add(group.id);
    const rules = inventory.rulesOf(group.id, 'ingress').map(fromInventoryRule);
    for (const trip of ingressTrips(group.id, rules, [], context))
      findings.push(ingressFinding(group.id, trip, { context }));
  }
  for (const group of inventory.securityGroups) {
    if (nodeSgs.has(group.id)) continue;
    findings.push(
      ...judgeReverseGrants(group.id, inventory.rulesOf(group.id, 'ingress').map(fromInventoryRule), { context }),
    );
  }
  for (const nodegroup of inventory.nodeGroups) {
    const remote = nodegroup.remoteAccess;
    if (remote?.ec2SshKey && remote.sourceSecurityGroups.length === 0) {
      findings.push(
        remoteAccessFinding(
          { cluster: nodegroup.clusterName, nodegroup: nodegroup.name },
          { context, sshKey: remote.ec2SshKey },
        ),
      );
    }
  }
  return findings;
}

// ---------------------------------------------------------------------------------------------------------------
// Judgements

/** The ingress trips of a node SG's rules; existing rules (no event's caller made them) are judged as in a scan. */
function ingressTrips(
  groupId: string,
  added: readonly RuleShape[],
  existing: readonly RuleShape[],
  context: DetectorContext,
  author: RuleAuthor = { kind: 'scan' },
): IngressTrip[] {
  const { inventory, config } = context;
  return judgeIngress(groupId, added, existing, {
    inventory,
    config,
    vpcCidrs: vpcCidrsOf(groupId, inventory),
    author,
  });
}

function judgeEgress(event: CloudTrailEvent, groupId: string, added: RuleShape[], context: DetectorContext): Finding[] {
  const { inventory } = context;
  const open = added.filter(isAllOpenEgress);
  if (open.length === 0) return [];
  const addedIds = new Set(added.flatMap((rule) => (rule.ruleId ? [rule.ruleId] : [])));
  const addedShapes = new Set(added.map(ruleShapeKey));
  const before = inventory
    .rulesOf(groupId, 'egress')
    .map(fromInventoryRule)
    .filter((rule) => !(rule.ruleId && addedIds.has(rule.ruleId)) && !addedShapes.has(ruleShapeKey(rule)));
  const known = inventory.knows('DescribeSecurityGroupRules') || inventory.knows('DescribeSecurityGroups');
  if (before.some(isAllOpenEgress)) return [];
  const exposure = inventory.exposureOf(groupId);
  return [
    buildFinding({
      rule: 'egress-widened',
      subject: groupId,
      severity: 'medium',
      title: `${TITLES['egress-widened']}: ${groupId}`,
      summary: `${groupLabel(groupId, inventory)} had restricted egress and now allows ${open.map((rule) => `${describePorts(rule)} to ${describePeer(rule.peer)}`).join(', ')}. Every pod on ${exposure.nodes.length} node(s) (up to ${exposure.podIps} pod IPs) can now reach any destination${known ? '' : ' (previous egress rules were not known)'}.`,
      clusters: exposure.clusters,
      resources: [{ type: 'security-group', id: groupId }],
      blastRadius: blastRadius(exposure, inventory),
      evidence: {
        ...eventEvidence(event),
        ...(known ? {} : { state: 'previous egress rules unknown: DescribeSecurityGroupRules missing' }),
        details: { rules: open.map(ruleDetail), previousEgress: before.map(ruleDetail) },
      },
      recommendation: {
        text: 'Restore the restricted egress. If some pods need wider egress, give them their own security group (security groups for pods) or a Kubernetes network policy instead of widening the node SG for all pods.',
        links: [LINKS.securityGroupsForPods, LINKS.networkPolicies, LINKS.dedicatedNodeGroups],
      },
      context,
      event,
    }),
  ];
}

function isAllOpenEgress(rule: RuleShape): boolean {
  if (rule.protocol !== ALL_TRAFFIC) return false;
  if (rule.peer.kind !== 'ipv4' && rule.peer.kind !== 'ipv6') return false;
  const cidr = normalizeCidr(rule.peer.cidr);
  return cidr === '0.0.0.0/0' || cidr === '::/0';
}

/** An SG that now admits a node SG (or a CIDR holding node and pod subnets) as its source. */
function judgeReverseGrants(
  targetId: string,
  rules: RuleShape[],
  base: { event?: CloudTrailEvent; context: DetectorContext },
): Finding[] {
  const { inventory } = base.context;
  // A node SG admitting another node SG is how nodes talk to each other: not a widening.
  if (inventory.isNodeSecurityGroup(targetId)) return [];
  const services = inventory.protectedServices(targetId);
  const findings: Finding[] = [];
  const grantedBy = new Map<string, RuleShape[]>();
  for (const rule of rules) {
    if (rule.peer.kind !== 'security-group' || !rule.peer.groupId) continue;
    if (!inventory.isNodeSecurityGroup(rule.peer.groupId)) continue;
    grantedBy.set(rule.peer.groupId, [...(grantedBy.get(rule.peer.groupId) ?? []), rule]);
  }
  // With security groups for pods, a pod SG must admit the node SG so the kubelet's probes reach the pod (EKS guide).
  const podSg = inventory.networkInterfaces.some(
    (eni) => eni.interfaceType === 'branch' && eni.groupIds.includes(targetId),
  );
  for (const [nodeSgId, granted] of grantedBy) {
    const exposure = inventory.exposureOf(nodeSgId);
    const dataStore = services.length > 0;
    const rule = dataStore ? 'node-sg-granted-to-data-store' : 'node-sg-granted-to-sg';
    const ports = granted.map(describePorts).join(', ');
    const what = dataStore
      ? `${services.join(', ')} behind ${groupLabel(targetId, inventory)}`
      : groupLabel(targetId, inventory);
    findings.push(
      buildFinding({
        rule,
        subject: `${targetId}<-${nodeSgId}`,
        severity: dataStore ? 'high' : 'medium',
        title: `${TITLES[rule]}: ${targetId} admits ${nodeSgId}`,
        summary: `${what} ${base.event ? 'now admits' : 'admits'} node SG ${groupLabel(nodeSgId, inventory)} on ${ports}. Every pod that is not using its own security group on ${plural(exposure.nodes.length, 'node')}${exposure.nodeGroups.length ? ` (node groups ${exposure.nodeGroups.join(', ')})` : ''} of cluster ${exposure.clusters.join(', ') || 'unknown'} can reach it: up to ${exposure.podIps} pod IPs, whatever their IAM permissions.`,
        clusters: exposure.clusters,
        resources: [
          { type: 'security-group', id: targetId },
          { type: 'security-group', id: nodeSgId },
        ],
        blastRadius: { ...blastRadius(exposure, inventory), ...(dataStore ? { targetServices: services } : {}) },
        evidence: {
          ...(base.event
            ? eventEvidence(base.event)
            : { state: `${targetId} ingress rules (DescribeSecurityGroupRules)` }),
          details: {
            target: targetId,
            nodeSecurityGroup: nodeSgId,
            rules: granted.map(ruleDetail),
            protects: services,
          },
        },
        recommendation: {
          text: `Admit only the pods that need ${dataStore ? 'this data store' : 'this target'}: give them a dedicated security group with security groups for pods and admit that SG instead of the node SG; grant database access with IAM (IRSA or EKS Pod Identity) where the engine supports it; or run those pods on a dedicated node group with its own node SG.`,
          links: [
            LINKS.securityGroupsForPods,
            LINKS.podIdentity,
            LINKS.irsa,
            LINKS.dedicatedNodeGroups,
            LINKS.networkPolicies,
          ],
        },
        remediation: revokeRulesRemediation(
          targetId,
          granted.map(ruleDetail),
          'ingress',
          `admits node SG ${nodeSgId}`,
          inventory,
        ),
        expectedBecause:
          podSg && !dataStore
            ? `${targetId} is a pod security group (security groups for pods): it must admit the node SG for kubelet probes`
            : undefined,
        context: base.context,
        ...(base.event ? { event: base.event } : {}),
      }),
    );
  }
  if (services.length > 0) {
    const podCidrs = inventory.clusterSubnetCidrs();
    const cidrRules = rules.filter((rule) =>
      (peerCidrs(rule.peer, inventory) ?? []).some((cidr) => podCidrs.some((pod) => cidrContains(cidr, pod))),
    );
    if (cidrRules.length > 0) {
      const contained = podCidrs.filter((pod) =>
        cidrRules.some((rule) => (peerCidrs(rule.peer, inventory) ?? []).some((cidr) => cidrContains(cidr, pod))),
      );
      const exposure = exposureOfSubnets(contained, inventory);
      findings.push(
        buildFinding({
          rule: 'pod-cidr-granted-to-data-store',
          subject: targetId,
          severity: 'high',
          title: `${TITLES['pod-cidr-granted-to-data-store']}: ${targetId}`,
          summary: `${services.join(', ')} behind ${groupLabel(targetId, inventory)} admits ${cidrRules.map((rule) => `${describePeer(rule.peer)} on ${describePorts(rule)}`).join(', ')}, which contains the node and pod subnets ${contained.join(', ')}: every pod there can reach it (${exposure.nodes} node(s), up to ${exposure.podIps} pod IPs).`,
          clusters: exposure.clusters,
          resources: [{ type: 'security-group', id: targetId }],
          blastRadius: {
            nodes: exposure.nodes,
            podIps: exposure.podIps,
            podIpsIsUpperBound: true,
            nodeGroups: exposure.nodeGroups,
            sgpPods: exposure.sgpPods,
            targetServices: services,
          },
          evidence: {
            ...(base.event
              ? eventEvidence(base.event)
              : { state: `${targetId} ingress rules (DescribeSecurityGroupRules)` }),
            details: { rules: cidrRules.map(ruleDetail), podSubnets: contained, protects: services },
          },
          recommendation: {
            text: 'Admit only the pods that need the data store: a dedicated security group for those pods (security groups for pods) as the source, rather than a CIDR that spans every node and pod.',
            links: [LINKS.securityGroupsForPods, LINKS.podIdentity, LINKS.networkPolicies],
          },
          context: base.context,
          ...(base.event ? { event: base.event } : {}),
        }),
      );
    }
  }
  return findings;
}

function exposureOfSubnets(cidrs: string[], inventory: Inventory) {
  const subnetIds = new Set(
    inventory.subnets.filter((subnet) => cidrs.includes(subnet.cidr)).map((subnet) => subnet.id),
  );
  const nodes = new Set<string>();
  const nodeGroups = new Set<string>();
  const clusters = new Set<string>();
  let podIps = 0;
  let sgpPods = 0;
  for (const eni of inventory.networkInterfaces) {
    if (!eni.subnetId || !subnetIds.has(eni.subnetId)) continue;
    if (eni.interfaceType === 'branch') {
      sgpPods += 1;
      continue;
    }
    const node = eni.attachment?.instanceId ? inventory.node(eni.attachment.instanceId) : undefined;
    if (!node) continue;
    nodes.add(node.instance.id);
    clusters.add(node.cluster);
    if (node.nodeGroup) nodeGroups.add(node.nodeGroup);
    podIps += Math.max(0, eni.privateIps.length - 1) + eni.ipv4Prefixes.length * 16;
  }
  return { nodes: nodes.size, podIps, sgpPods, nodeGroups: [...nodeGroups].sort(), clusters: [...clusters].sort() };
}

// ---------------------------------------------------------------------------------------------------------------
// Remote access (EKS managed node groups)

function remoteAccessNodegroup(
  event: CloudTrailEvent,
  groupId: string,
  inventory: Inventory,
): { cluster: string; nodegroup: string } | undefined {
  const group = inventory.securityGroup(groupId);
  const byEks = event.actor.invokedBy === EKS || event.sourceIp === EKS;
  const named = group?.name.startsWith('eks-remoteAccess-') ?? false;
  if (!byEks && !named) return undefined;
  const owner = inventory.nodeGroups.find((ng: NodeGroup) => ng.remoteAccessSecurityGroup === groupId);
  if (owner) return { cluster: owner.clusterName, nodegroup: owner.name };
  const cluster = group?.tags['eks:cluster-name'];
  const nodegroup = group?.tags['eks:nodegroup-name'];
  if (cluster && nodegroup) return { cluster, nodegroup };
  return byEks || named ? { cluster: cluster ?? 'unknown', nodegroup: nodegroup ?? groupId } : undefined;
}

function ruleCoversSsh(rule: RuleShape): boolean {
  return (
    rule.protocol === ALL_TRAFFIC ||
    ((rule.protocol === 'tcp' || rule.protocol === '6') && (rule.fromPort ?? 0) <= 22 && 22 <= (rule.toPort ?? 65535))
  );
}

function isWorldPeer(peer: RulePeer): boolean {
  if (peer.kind !== 'ipv4' && peer.kind !== 'ipv6') return false;
  const cidr = normalizeCidr(peer.cidr);
  return cidr === '0.0.0.0/0' || cidr === '::/0';
}

function remoteAccessFinding(
  target: { cluster: string; nodegroup: string },
  base: { event?: CloudTrailEvent; context: DetectorContext; groupId?: string; sshKey?: string },
): Finding {
  const { inventory } = base.context;
  const nodes = inventory
    .nodes()
    .filter((node) => node.cluster === target.cluster && node.nodeGroup === target.nodegroup);
  return buildFinding({
    rule: 'nodegroup-remote-access-open',
    // Keyed by node group so CreateNodegroup and the SG rule EKS adds for it are one finding.
    subject: `nodegroup:${target.cluster}/${target.nodegroup}`,
    severity: 'high',
    title: `${TITLES['nodegroup-remote-access-open']}: ${target.cluster}/${target.nodegroup}`,
    summary: `Managed node group ${target.nodegroup} of cluster ${target.cluster} allows SSH${base.sshKey ? ` with key ${base.sshKey}` : ''} from any address (remote access without source security groups): EKS opens port 22 to 0.0.0.0/0 on its nodes${nodes.length ? ` (${nodes.length} node(s) now)` : ''}.`,
    clusters: [target.cluster],
    resources: [
      { type: 'nodegroup', id: `${target.cluster}/${target.nodegroup}` },
      ...(base.groupId ? [{ type: 'security-group' as const, id: base.groupId }] : []),
    ],
    blastRadius: {
      nodes: nodes.length,
      podIps: 0,
      podIpsIsUpperBound: true,
      nodeGroups: [target.nodegroup],
      sgpPods: 0,
      nodeIds: nodes.slice(0, 20).map((node) => node.instance.id),
    },
    evidence: {
      ...(base.event
        ? eventEvidence(base.event)
        : { state: `DescribeNodegroup remoteAccess of ${target.cluster}/${target.nodegroup}` }),
      details: { sourceSecurityGroups: [], ...(base.sshKey ? { ec2SshKey: base.sshKey } : {}) },
    },
    // One node group's remote access trips several rules (world-open, sensitive port): reported once, here.
    expectedBecause: base.groupId
      ? "EKS added this SSH rule for the node group's remote access; it is reported once, as nodegroup-remote-access-open"
      : undefined,
    recommendation: {
      text: 'Give the node group remote access source security groups (remoteAccess.sourceSecurityGroups), or drop SSH and use SSM Session Manager. Node group remote access cannot be changed in place: create a new node group and move the workloads.',
      links: [LINKS.remoteAccess, LINKS.securityGroupRequirements],
    },
    remediation: restrictRemoteAccessRemediation(target.cluster, target.nodegroup, [], inventory),
    context: base.context,
    ...(base.event ? { event: base.event } : {}),
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Finding assembly

/** Rules a finding lists (evidence, resources, remediation); the rest are counted. */
export const MAX_LISTED_RULES = 100;

function ingressFinding(
  groupId: string,
  trip: IngressTrip,
  base: { event?: CloudTrailEvent; context: DetectorContext },
): Finding {
  const { inventory } = base.context;
  const exposure = inventory.exposureOf(groupId);
  const rulesText = describeRules(trip.rules);
  // A finding is stored in one DynamoDB item (400 KB) and sent in one SNS message (256 KB): it lists at most
  // MAX_LISTED_RULES rules and counts the rest (the CloudTrail event lists them all).
  const listed = trip.rules.slice(0, MAX_LISTED_RULES);
  const details = listed.map(ruleDetail);
  const unlisted = trip.rules.length - listed.length;
  const reach =
    trip.rule === 'world-open-ingress'
      ? 'the internet'
      : trip.rule === 'public-wide-ingress'
        ? 'a wide public range'
        : 'outside the VPC';
  const sgp =
    exposure.sgpPodsLeavingVpc > 0
      ? ` ${exposure.sgpPodsLeavingVpc} pod(s) with their own security groups are counted apart.`
      : '';
  return buildFinding({
    rule: trip.rule,
    subject: groupId,
    severity: trip.severity,
    title: `${TITLES[trip.rule]}: ${groupId}`,
    summary: `${groupLabel(groupId, inventory)}, a node SG of ${describeExposure(exposure)}, admits ${rulesText}. Every pod on those nodes shares it and is reachable from ${reach}: ${exposure.nodes.length} node(s), up to ${exposure.podIps} pod IPs.${sgp}${trip.expectedBecause ? ` Expected: ${trip.expectedBecause}` : ''}${trip.kubernetesClaims.map((claim) => ` ${claim}`).join('')}`,
    clusters: exposure.clusters,
    resources: [
      { type: 'security-group', id: groupId },
      ...listed.flatMap((rule) => (rule.ruleId ? [{ type: 'security-group-rule' as const, id: rule.ruleId }] : [])),
    ],
    blastRadius: blastRadius(exposure, inventory),
    evidence: {
      ...(base.event ? eventEvidence(base.event) : { state: `${groupId} ingress rules (DescribeSecurityGroupRules)` }),
      details: {
        rules: details,
        ...(unlisted > 0 ? { rulesTotal: trip.rules.length, rulesNotListed: unlisted } : {}),
        ...(trip.sensitivePorts.length ? { sensitivePorts: trip.sensitivePorts } : {}),
        ...(trip.alsoTripped.length ? { alsoTripped: trip.alsoTripped } : {}),
        ...(trip.kubernetesClaims.length ? { kubernetesClaimsNotBelieved: trip.kubernetesClaims } : {}),
        nodeSecurityGroupBecause: inventory.nodeSecurityGroupReasons(groupId).map((reason) => reason.kind),
      },
    },
    ...(trip.expectedBecause ? { expectedBecause: trip.expectedBecause } : {}),
    recommendation: trip.expectedBecause
      ? {
          text: 'Nothing to do if the LoadBalancer Service is meant to be public. Otherwise set spec.loadBalancerSourceRanges on the Service.',
          links: [LINKS.loadBalancerSourceRanges],
        }
      : ingressRecommendation(trip.sensitivePorts),
    // Revoking more rules than a finding can list is for a person to do from the event, not a partial machine edit.
    ...(unlisted === 0
      ? { remediation: revokeRulesRemediation(groupId, details, 'ingress', `${trip.rule} on a node SG`, inventory) }
      : {}),
    context: base.context,
    ...(base.event ? { event: base.event } : {}),
  });
}

function ingressRecommendation(sensitivePorts: number[]): { text: string; links: Link[] } {
  return {
    text: `Revoke the rule and open only what must be reachable, from the narrowest source: put internet-facing pods behind a load balancer, give pods that need their own access a security group (security groups for pods), and limit pod-to-pod traffic with network policies${sensitivePorts.includes(22) ? '; reach nodes through SSM Session Manager rather than SSH' : ''}.`,
    links: [
      LINKS.securityGroupsForPods,
      LINKS.networkPolicies,
      LINKS.dedicatedNodeGroups,
      LINKS.securityGroupRequirements,
    ],
  };
}

/** Expected widening (Kubernetes' own rules) is reported at `info`; remote access keeps its severity (one cause). */
function buildFinding(draft: FindingDraft<NodeSgRuleId>): Finding {
  const severity = draft.expectedBecause && draft.rule !== 'nodegroup-remote-access-open' ? 'info' : draft.severity;
  return buildSharedFinding(DETECTOR, { ...draft, severity });
}

function resolvedFinding(
  rule: NodeSgRuleId,
  groupId: string,
  subject: string,
  base: { event: CloudTrailEvent; context: DetectorContext },
): Finding {
  return buildResolvedFinding(DETECTOR, {
    rule,
    subject,
    title: `Resolved: ${TITLES[rule]}: ${groupId}`,
    summary: `${base.event.eventName} on ${groupLabel(groupId, base.context.inventory)} removed what caused ${rule}.`,
    resources: [{ type: 'security-group', id: groupId }],
    event: base.event,
    context: base.context,
  });
}

function blastRadius(exposure: SgExposure, inventory: Inventory): BlastRadius {
  const unknown = (['DescribeNetworkInterfaces', 'DescribeInstances'] as const).filter((key) => !inventory.knows(key));
  return {
    nodes: exposure.nodes.length,
    podIps: exposure.podIps,
    podIpsIsUpperBound: true,
    nodeGroups: exposure.nodeGroups,
    sgpPods: exposure.sgpPods + exposure.sgpPodsLeavingVpc,
    nodeIds: exposure.nodes.slice(0, 20).map((node) => node.instance.id),
    ...(unknown.length ? { unknown } : {}),
  };
}

function describeExposure(exposure: SgExposure): string {
  if (exposure.clusters.length === 0) return 'EKS nodes';
  const groups = exposure.nodeGroups.length ? ` (node groups ${exposure.nodeGroups.join(', ')})` : '';
  return `cluster ${exposure.clusters.join(', ')}${groups}`;
}

function groupLabel(groupId: string, inventory: Inventory): string {
  const group = inventory.securityGroup(groupId);
  return group?.name ? `${groupId} (${group.name})` : groupId;
}

function vpcCidrsOf(groupId: string, inventory: Inventory): string[] {
  const vpcId = inventory.securityGroup(groupId)?.vpcId;
  const vpc = vpcId ? inventory.vpcs.find((candidate) => candidate.id === vpcId) : undefined;
  return vpc ? [...vpc.cidrs, ...vpc.ipv6Cidrs] : [];
}

function ruleDetail(rule: RuleShape): Record<string, unknown> {
  // Built field by field, in this key order: one finding may list thousands of rules.
  const detail: Record<string, unknown> = {};
  if (rule.ruleId) detail.ruleId = rule.ruleId;
  detail.protocol = rule.protocol;
  if (rule.fromPort !== undefined) detail.fromPort = rule.fromPort;
  if (rule.toPort !== undefined) detail.toPort = rule.toPort;
  detail.peer = describePeer(rule.peer);
  detail.peerKey = peerKey(rule.peer);
  if (rule.description) detail.description = rule.description;
  return detail;
}

/** The rules a summary names: the first few, then how many more (evidence.details.rules lists them all). */
function describeRules(rules: readonly RuleShape[]): string {
  const named = rules.slice(0, SUMMARY_RULES).map((rule) => `${describePorts(rule)} from ${describePeer(rule.peer)}`);
  const more = rules.length - named.length;
  return `${named.join(', ')}${more > 0 ? ` and ${more} more rule(s)` : ''}`;
}

/** A summary is read in seconds: one permission may carry thousands of CIDRs. */
const SUMMARY_RULES = 10;

function joinState(existing: string | undefined, more: string): string {
  return existing ? `${existing}; ${more}` : more;
}
