/**
 * The reverse-grant family: an SG that admits a node SG (or a CIDR holding the node and pod subnets) admits every pod
 * on those nodes that has no security group of its own. `node-sg-granted-to-data-store` and `node-sg-granted-to-sg`
 * judge the same grant (a data store behind the target decides which), and `pod-cidr-granted-to-data-store` the same
 * data stores, so they are read from one pass over the target's rules.
 */
import type { CloudTrailEvent } from '../../cloudtrail/types.ts';
import { eventEvidence } from '../../findings/build.ts';
import { cidrContains } from '../../inventory/cidr.ts';
import { revokeRulesRemediation } from '../../remediation/targets.ts';
import { LINKS } from '../../render/links.ts';
import { plural } from '../../render/wording.ts';
import type { Finding } from '../../types/finding.ts';
import type { Inventory } from '../../types/inventory.ts';
import { type DetectorContext, defineRuleFamily } from '../define.ts';
import {
  judgeSgChanges,
  NODE_SG_FACTS,
  needsLiveState,
  type RulesRevoked,
  SG_CHANGE_CALLS,
  SG_CHANGE_KINDS,
} from './changes.ts';
import {
  blastRadius,
  type FindingBase,
  groupLabel,
  type NodeSgDraft,
  nodeSgFinding,
  resolvedFinding,
  ruleDetail,
} from './finding.ts';
import { remoteAccessOpenedBy } from './nodegroup-remote-access-open.ts';
import { describePeer, describePorts, fromInventoryRule, peerCidrs, type RuleShape } from './sg-rule-analysis.ts';

const TO_DATA_STORE = {
  id: 'node-sg-granted-to-data-store',
  severity: 'high',
  title: 'Data store admits a node security group',
  description:
    'An SG that protects a data store (RDS, ElastiCache, …) admits a node SG: every non-SGP pod on those nodes can reach it.',
} as const;
const TO_SG = {
  id: 'node-sg-granted-to-sg',
  severity: 'medium',
  title: 'Security group admits a node security group',
  description: 'An SG admits a node SG as its source: every non-SGP pod on those nodes can reach what it protects.',
} as const;
const POD_CIDR = {
  id: 'pod-cidr-granted-to-data-store',
  severity: 'high',
  title: 'Data store admits the node and pod subnets',
  description:
    'A data-store SG admits a CIDR that contains node or pod subnets: the same exposure as admitting the node SG.',
} as const;

export const reverseGrants = defineRuleFamily({
  rules: [TO_DATA_STORE, TO_SG, POD_CIDR],
  // Subnets: a data store's CIDR rule is judged by the node and pod subnets it contains.
  reads: [...NODE_SG_FACTS, 'GetManagedPrefixListEntries', 'DescribeSubnets'],
  events: {
    on: SG_CHANGE_CALLS.ingress,
    kinds: SG_CHANGE_KINDS,
    needsInventory: needsLiveState,
    evaluate: judgeSgChanges('ingress', {
      added: (event, added, context) =>
        // EKS's SSH rule for a node group's remote access is that node group's finding.
        remoteAccessOpenedBy(event, added, context.inventory)
          ? []
          : judgeReverseGrants(added.groupId, added.rules, { event, context }),
      revoked: onGrantsRevoked,
      deleted: onDelete,
    }),
  },
  scan: (context) => {
    const { inventory } = context;
    return inventory.securityGroups.flatMap((group) =>
      judgeReverseGrants(group.id, inventory.rulesOf(group.id, 'ingress').map(fromInventoryRule), { context }),
    );
  },
});

/** An SG that now admits a node SG (or a CIDR holding node and pod subnets) as its source. */
function judgeReverseGrants(targetId: string, rules: RuleShape[], base: FindingBase): Finding[] {
  const { inventory } = base.context;
  // A node SG admitting another node SG is how nodes talk to each other: not a widening.
  if (inventory.isNodeSecurityGroup(targetId)) return [];
  const services = inventory.protectedServices(targetId);
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
  const findings = [...grantedBy].map(([nodeSgId, granted]) =>
    nodeSgGrantFinding({ targetId, nodeSgId, granted, services, podSg }, base),
  );
  if (services.length > 0) findings.push(...podCidrFindings(targetId, rules, services, base));
  return findings;
}

function nodeSgGrantFinding(
  grant: { targetId: string; nodeSgId: string; granted: RuleShape[]; services: string[]; podSg: boolean },
  base: FindingBase,
): Finding {
  const { inventory } = base.context;
  const { targetId, nodeSgId, granted, services, podSg } = grant;
  const exposure = inventory.exposureOf(nodeSgId);
  const dataStore = services.length > 0;
  const what = dataStore
    ? `${services.join(', ')} behind ${groupLabel(targetId, inventory)}`
    : groupLabel(targetId, inventory);
  const draft: NodeSgDraft = {
    subject: `${targetId}<-${nodeSgId}`,
    about: `${targetId} admits ${nodeSgId}`,
    summary: `${what} ${base.event ? 'now admits' : 'admits'} node SG ${groupLabel(nodeSgId, inventory)} on ${granted.map(describePorts).join(', ')}. Every pod that is not using its own security group on ${plural(exposure.nodes.length, 'node')}${exposure.nodeGroups.length ? ` (node groups ${exposure.nodeGroups.join(', ')})` : ''} of cluster ${exposure.clusters.join(', ') || 'unknown'} can reach it: up to ${exposure.podIps} pod IPs, whatever their IAM permissions.`,
    clusters: exposure.clusters,
    resources: [
      { type: 'security-group', id: targetId },
      { type: 'security-group', id: nodeSgId },
    ],
    blastRadius: { ...blastRadius(exposure), ...(dataStore ? { targetServices: services } : {}) },
    evidence: {
      ...(base.event ? eventEvidence(base.event) : { state: `${targetId} ingress rules (DescribeSecurityGroupRules)` }),
      details: { target: targetId, nodeSecurityGroup: nodeSgId, rules: granted.map(ruleDetail), protects: services },
    },
    recommendation: {
      text: `Admit only the pods that need ${dataStore ? 'this data store' : 'this target'}: give them a dedicated security group with security groups for pods and admit that SG instead of the node SG (the target state: only those pods reach it); grant database access with IAM (IRSA or EKS Pod Identity) where the engine supports it; or run those pods on a dedicated node group with its own node SG.`,
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
  };
  return nodeSgFinding(dataStore ? TO_DATA_STORE : TO_SG, draft, base);
}

/** A data store's rules whose CIDR contains node or pod subnets: one finding naming those subnets. */
function podCidrFindings(targetId: string, rules: RuleShape[], services: string[], base: FindingBase): Finding[] {
  const { inventory } = base.context;
  const podCidrs = inventory.clusterSubnetCidrs();
  const cidrRules = rules.filter((rule) => grantsCidrs(rule, podCidrs, inventory));
  if (cidrRules.length === 0) return [];
  const contained = podCidrs.filter((pod) =>
    cidrRules.some((rule) => (peerCidrs(rule.peer, inventory) ?? []).some((cidr) => cidrContains(cidr, pod))),
  );
  const exposure = exposureOfSubnets(contained, inventory);
  const draft: NodeSgDraft = {
    subject: targetId,
    about: targetId,
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
      ...(base.event ? eventEvidence(base.event) : { state: `${targetId} ingress rules (DescribeSecurityGroupRules)` }),
      details: { rules: cidrRules.map(ruleDetail), podSubnets: contained, protects: services },
    },
    recommendation: {
      text: 'Admit only the pods that need the data store: a dedicated security group for those pods (security groups for pods) as the source, rather than a CIDR that spans every node and pod.',
      links: [LINKS.securityGroupsForPods, LINKS.podIdentity, LINKS.networkPolicies],
    },
  };
  return [nodeSgFinding(POD_CIDR, draft, base)];
}

/** True when the rule admits a CIDR that contains one of the node and pod subnets. */
function grantsCidrs(rule: RuleShape, podCidrs: string[], inventory: Inventory): boolean {
  return (peerCidrs(rule.peer, inventory) ?? []).some((cidr) => podCidrs.some((pod) => cidrContains(cidr, pod)));
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

/** Resolves the grants to node SGs this revoke removed, and the pod-CIDR grant when no such CIDR remains. */
function onGrantsRevoked(event: CloudTrailEvent, change: RulesRevoked, context: DetectorContext): Finding[] {
  const { inventory } = context;
  const { groupId, revoked, remaining } = change;
  const base = { event, context };
  const dataStore = inventory.protectedServices(groupId).length > 0;
  const resolved: Finding[] = [];
  for (const gone of revoked) {
    if (gone.peer.kind !== 'security-group' || !gone.peer.groupId) continue;
    const peerId = gone.peer.groupId;
    if (remaining.some((rule) => rule.peer.kind === 'security-group' && rule.peer.groupId === peerId)) continue;
    if (!inventory.isNodeSecurityGroup(peerId)) continue;
    resolved.push(resolvedFinding(dataStore ? TO_DATA_STORE : TO_SG, groupId, `${groupId}<-${peerId}`, base));
  }
  if (dataStore) {
    const podCidrs = inventory.clusterSubnetCidrs();
    const grantsPods = (rule: RuleShape) => grantsCidrs(rule, podCidrs, inventory);
    if (revoked.some(grantsPods) && !remaining.some(grantsPods))
      resolved.push(resolvedFinding(POD_CIDR, groupId, groupId, base));
  }
  return resolved;
}

function onDelete(event: CloudTrailEvent, groupId: string, context: DetectorContext): Finding[] {
  const base = { event, context };
  const resolved = [resolvedFinding(POD_CIDR, groupId, groupId, base)];
  for (const rule of context.inventory.rulesOf(groupId, 'ingress')) {
    if (rule.peer.kind === 'security-group' && rule.peer.groupId) {
      for (const grant of [TO_DATA_STORE, TO_SG])
        resolved.push(resolvedFinding(grant, groupId, `${groupId}<-${rule.peer.groupId}`, base));
    }
  }
  return resolved;
}
