/**
 * `egress-widened`: a node SG whose egress was restricted now allows all traffic to anywhere, so every pod on its
 * nodes can reach any destination. Judged from the change only (the widening is the event): a scan cannot tell a
 * widened SG from one that was always open, so a sweep never resolves it.
 */
import type { CloudTrailEvent } from '../../cloudtrail/types.ts';
import { eventEvidence } from '../../findings/build.ts';
import { normalizeCidr } from '../../inventory/cidr.ts';
import { LINKS } from '../../render/links.ts';
import type { Finding } from '../../types/finding.ts';
import { type DetectorContext, defineRule } from '../define.ts';
import {
  judgeSgChanges,
  NODE_SG_FACTS,
  needsLiveState,
  type RulesAdded,
  type RulesRevoked,
  SG_CHANGE_CALLS,
  SG_CHANGE_KINDS,
} from './changes.ts';
import { blastRadius, groupLabel, type NodeSgDraft, nodeSgFinding, resolvedFinding, ruleDetail } from './finding.ts';
import {
  ALL_TRAFFIC,
  describePeer,
  describePorts,
  fromInventoryRule,
  type RuleShape,
  ruleShapeKey,
} from './sg-rule-analysis.ts';

export const egressWidened = defineRule({
  id: 'egress-widened',
  severity: 'medium',
  title: 'Node security group egress widened to everything',
  description: 'A node SG whose egress was restricted now allows all traffic to anywhere.',
  reads: NODE_SG_FACTS,
  events: {
    on: SG_CHANGE_CALLS.egress,
    kinds: SG_CHANGE_KINDS,
    needsInventory: needsLiveState,
    evaluate: judgeSgChanges('egress', {
      added: judgeEgress,
      revoked: onRevoke,
      deleted: (event, groupId, context): Finding[] => [
        resolvedFinding(egressWidened.rule, groupId, groupId, { event, context }),
      ],
    }),
  },
});

function judgeEgress(event: CloudTrailEvent, added: RulesAdded, context: DetectorContext): Finding[] {
  const { inventory } = context;
  const { groupId } = added;
  if (!inventory.isNodeSecurityGroup(groupId)) return [];
  const open = added.rules.filter(isAllOpenEgress);
  if (open.length === 0) return [];
  const addedIds = new Set(added.rules.flatMap((rule) => (rule.ruleId ? [rule.ruleId] : [])));
  const addedShapes = new Set(added.rules.map(ruleShapeKey));
  const before = inventory
    .rulesOf(groupId, 'egress')
    .map(fromInventoryRule)
    .filter((rule) => !(rule.ruleId && addedIds.has(rule.ruleId)) && !addedShapes.has(ruleShapeKey(rule)));
  const known = inventory.knows('DescribeSecurityGroupRules') || inventory.knows('DescribeSecurityGroups');
  if (before.some(isAllOpenEgress)) return [];
  const exposure = inventory.exposureOf(groupId);
  const draft: NodeSgDraft = {
    subject: groupId,
    about: groupId,
    summary: `${groupLabel(groupId, inventory)} had restricted egress and now allows ${open.map((rule) => `${describePorts(rule)} to ${describePeer(rule.peer)}`).join(', ')}. Every pod on ${exposure.nodes.length} node(s) (up to ${exposure.podIps} pod IPs) can now reach any destination${known ? '' : ' (previous egress rules were not known)'}.`,
    clusters: exposure.clusters,
    resources: [{ type: 'security-group', id: groupId }],
    blastRadius: blastRadius(exposure),
    evidence: {
      ...eventEvidence(event),
      ...(known ? {} : { state: 'previous egress rules unknown: DescribeSecurityGroupRules missing' }),
      details: { rules: open.map(ruleDetail), previousEgress: before.map(ruleDetail) },
    },
    recommendation: {
      text: 'Restore the restricted egress. If some pods need wider egress, give them their own security group (security groups for pods) or a Kubernetes network policy instead of widening the node SG for all pods.',
      links: [LINKS.securityGroupsForPods, LINKS.networkPolicies, LINKS.dedicatedNodeGroups],
    },
  };
  return [nodeSgFinding(egressWidened.rule, draft, { event, context })];
}

/** Resolved when the revoke leaves a node SG with no all-open egress and removed one (or rules it cannot see). */
function onRevoke(event: CloudTrailEvent, change: RulesRevoked, context: DetectorContext): Finding[] {
  const { groupId, revoked, unresolvedIds, remaining } = change;
  if (!context.inventory.isNodeSecurityGroup(groupId) || remaining.some(isAllOpenEgress)) return [];
  if (unresolvedIds.length === 0 && !revoked.some(isAllOpenEgress)) return [];
  return [resolvedFinding(egressWidened.rule, groupId, groupId, { event, context })];
}

function isAllOpenEgress(rule: RuleShape): boolean {
  if (rule.protocol !== ALL_TRAFFIC) return false;
  if (rule.peer.kind !== 'ipv4' && rule.peer.kind !== 'ipv6') return false;
  const cidr = normalizeCidr(rule.peer.cidr);
  return cidr === '0.0.0.0/0' || cidr === '::/0';
}
