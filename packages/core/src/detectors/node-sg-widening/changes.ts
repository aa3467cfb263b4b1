/**
 * What a security group call changed, read once for every `node-sg-widening` rule: the rules it added (authorize, or
 * modify with the direction from live state), the rules it revoked and what remains, the group it deleted; and
 * `judgeSgChanges`, which hands each change to the rule that judges it. Also the calls the rules subscribe to and when
 * an event needs live state.
 */
import type { CloudTrailEvent, SgRule, TrafficDirection } from '../../cloudtrail/types.ts';
import type { Finding } from '../../types/finding.ts';
import type { Inventory, SnapshotKey } from '../../types/inventory.ts';
import type { DetectorContext, EventOfKind, Subscription } from '../define.ts';
import { fromInventoryRule, type RuleShape, ruleShapeKey } from './sg-rule-analysis.ts';

const EC2 = 'ec2.amazonaws.com' as const;
export const EKS = 'eks.amazonaws.com' as const;

/** Only calls that set an ENI's or instance's security groups (the CNI's and Karpenter's other calls never route). */
const SETS_GROUPS = [{ requestParameters: { groupSet: { items: { groupId: [{ exists: true }] } } } }];

export const ON = {
  authorizeIngress: { source: EC2, eventName: 'AuthorizeSecurityGroupIngress' },
  authorizeEgress: { source: EC2, eventName: 'AuthorizeSecurityGroupEgress' },
  revokeIngress: { source: EC2, eventName: 'RevokeSecurityGroupIngress' },
  revokeEgress: { source: EC2, eventName: 'RevokeSecurityGroupEgress' },
  modifyRules: { source: EC2, eventName: 'ModifySecurityGroupRules' },
  deleteGroup: { source: EC2, eventName: 'DeleteSecurityGroup' },
  eniGroups: { source: EC2, eventName: 'ModifyNetworkInterfaceAttribute', filters: SETS_GROUPS },
  instanceGroups: { source: EC2, eventName: 'ModifyInstanceAttribute', filters: SETS_GROUPS },
  createNodegroup: { source: EKS, eventName: 'CreateNodegroup' },
} as const satisfies Record<string, Subscription>;

/** The calls that change one direction of an SG's rules, or delete the SG. */
export const SG_CHANGE_CALLS = {
  ingress: [ON.authorizeIngress, ON.modifyRules, ON.revokeIngress, ON.deleteGroup],
  egress: [ON.authorizeEgress, ON.modifyRules, ON.revokeEgress, ON.deleteGroup],
} as const;

/** The parsed kinds of those calls. */
export const SG_CHANGE_KINDS = ['sg-rules-authorized', 'sg-rules-modified', 'sg-rules-revoked', 'sg-deleted'] as const;
type SgChange = EventOfKind<(typeof SG_CHANGE_KINDS)[number]>;

/** How a rule judges one direction of SG rule changes, each change already read from the event and live state. */
export interface SgChangeJudge {
  added?: (event: CloudTrailEvent, added: RulesAdded, context: DetectorContext) => Finding[];
  revoked?: (event: CloudTrailEvent, change: RulesRevoked, context: DetectorContext) => Finding[];
  deleted?: (event: CloudTrailEvent, groupId: string, context: DetectorContext) => Finding[];
}

/** A rule's `evaluate` over the SG changes of one direction (deletion included), from its judge. */
export function judgeSgChanges(direction: TrafficDirection, judge: SgChangeJudge) {
  return (event: SgChange, context: DetectorContext): Finding[] => {
    const { inventory } = context;
    switch (event.detail.kind) {
      case 'sg-rules-authorized':
      case 'sg-rules-modified':
        return rulesAdded(event as EventOfKind<'sg-rules-authorized' | 'sg-rules-modified'>, inventory)
          .filter((added) => added.direction === direction)
          .flatMap((added) => noted(judge.added?.(event, added, context) ?? [], added.note));
      case 'sg-rules-revoked': {
        const change = rulesRevoked(event as EventOfKind<'sg-rules-revoked'>, inventory);
        return change?.direction === direction ? (judge.revoked?.(event, change, context) ?? []) : [];
      }
      case 'sg-deleted': {
        const groupId = deletedGroupId(event as EventOfKind<'sg-deleted'>, inventory);
        return groupId ? (judge.deleted?.(event, groupId, context) ?? []) : [];
      }
    }
  };
}

/**
 * What decides whether an SG is a node SG, and who it exposes: the groups and their rules, the ENIs and instances
 * that carry them, the launch templates, clusters and node groups that name them.
 */
export const NODE_SG_FACTS = [
  'DescribeSecurityGroups',
  'DescribeSecurityGroupRules',
  'DescribeNetworkInterfaces',
  'DescribeInstances',
  'DescribeLaunchTemplateVersions',
  'DescribeCluster',
  'DescribeNodegroup',
] as const satisfies readonly SnapshotKey[];

/**
 * Whether an event needs live state, from the event alone: a failed call changed nothing, a revoke that named no rule
 * revoked nothing, and a node group's remote access is in the call itself.
 */
export function needsLiveState(event: CloudTrailEvent): boolean {
  if (event.errorCode !== undefined) return false;
  const detail = event.detail;
  if (detail.kind === 'sg-rules-revoked') return detail.rules.length > 0 || detail.ruleIds.length > 0;
  if (detail.kind === 'nodegroup-changed') return false;
  return true;
}

export function resolveGroupId(
  detail: { groupId?: string; groupName?: string },
  inventory: Inventory,
): string | undefined {
  if (detail.groupId) return detail.groupId;
  // A call by group name (default VPC / EC2-Classic style) carries no id: resolve it from live state.
  return detail.groupName ? inventory.securityGroupIdByName(detail.groupName) : undefined;
}

/** Rules one call added to one SG in one direction. */
export interface RulesAdded {
  groupId: string;
  direction: TrafficDirection;
  rules: SgRule[];
  /** What the findings of these rules must say about how they were read (appended to `evidence.state`). */
  note?: string;
}

/** The rules an authorize or modify call added, by direction; [] for a failed call or an unknown group. */
export function rulesAdded(
  event: EventOfKind<'sg-rules-authorized' | 'sg-rules-modified'>,
  inventory: Inventory,
): RulesAdded[] {
  // A failed call changed nothing and widens nothing.
  if (event.errorCode !== undefined) return [];
  const detail = event.detail;
  if (detail.kind === 'sg-rules-modified') return rulesModified(detail, inventory);
  const groupId = resolveGroupId(detail, inventory);
  if (!groupId) return [];
  const rules = detail.rules.map((rule, index) => ({ ...rule, ruleId: rule.ruleId ?? event.createdRuleIds?.[index] }));
  return [{ groupId, direction: detail.direction, rules }];
}

function rulesModified(
  detail: Extract<CloudTrailEvent['detail'], { kind: 'sg-rules-modified' }>,
  inventory: Inventory,
): RulesAdded[] {
  const byDirection: Record<TrafficDirection, SgRule[]> = { ingress: [], egress: [] };
  const unknownDirection: string[] = [];
  for (const change of detail.changes) {
    const live = inventory.rule(change.ruleId);
    // ModifySecurityGroupRules does not say the direction: live state does. When live state lacks the rule we judge it
    // as ingress (the direction that exposes pods) and say so.
    if (!live) unknownDirection.push(change.ruleId);
    byDirection[live?.direction ?? 'ingress'].push({ ...change.rule, ruleId: change.ruleId });
  }
  if (!detail.groupId) return [];
  const note =
    unknownDirection.length > 0
      ? `rule ${unknownDirection.join(', ')} not found in live state (DescribeSecurityGroupRules): judged as ingress`
      : undefined;
  return (['ingress', 'egress'] as const)
    .filter((direction) => byDirection[direction].length > 0)
    .map((direction) => ({
      groupId: detail.groupId,
      direction,
      rules: byDirection[direction],
      ...(note ? { note } : {}),
    }));
}

/** Findings of added rules, with the note on how they were read (mutated: they are new). */
export function noted(findings: Finding[], note: string | undefined): Finding[] {
  if (note) for (const finding of findings) finding.evidence.state = joinState(finding.evidence.state, note);
  return findings;
}

function joinState(existing: string | undefined, more: string): string {
  return existing ? `${existing}; ${more}` : more;
}

/** What a revoke removed from one SG, and what of that direction remains. */
export interface RulesRevoked {
  groupId: string;
  direction: TrafficDirection;
  /** Revoked rules by shape, and those revoked by an id live state still knew. */
  revoked: RuleShape[];
  /** Ids live state no longer knows: revoked, shape unknown. */
  unresolvedIds: string[];
  remaining: RuleShape[];
}

/** What a revoke call removed; undefined when it failed, named an unknown group or revoked nothing. */
export function rulesRevoked(event: EventOfKind<'sg-rules-revoked'>, inventory: Inventory): RulesRevoked | undefined {
  if (event.errorCode !== undefined) return undefined;
  const { detail } = event;
  const groupId = resolveGroupId(detail, inventory);
  if (!groupId) return undefined;
  // What was revoked: by shape, or by id (looked up in live state, which may already have dropped them).
  const revoked: RuleShape[] = [...detail.rules];
  const unresolvedIds: string[] = [];
  for (const ruleId of detail.ruleIds) {
    const live = inventory.rule(ruleId);
    if (live) revoked.push(fromInventoryRule(live));
    else unresolvedIds.push(ruleId);
  }
  if (revoked.length === 0 && unresolvedIds.length === 0) return undefined;
  const revokedIds = new Set([...unresolvedIds, ...revoked.flatMap((gone) => (gone.ruleId ? [gone.ruleId] : []))]);
  const revokedShapes = new Set(revoked.map(ruleShapeKey));
  const isRevoked = (rule: RuleShape) =>
    (rule.ruleId !== undefined && revokedIds.has(rule.ruleId)) || revokedShapes.has(ruleShapeKey(rule));
  const remaining = inventory
    .rulesOf(groupId, detail.direction)
    .map(fromInventoryRule)
    .filter((rule) => !isRevoked(rule));
  return { groupId, direction: detail.direction, revoked, unresolvedIds, remaining };
}

/** The group a successful DeleteSecurityGroup removed. */
function deletedGroupId(event: EventOfKind<'sg-deleted'>, inventory: Inventory): string | undefined {
  if (event.errorCode !== undefined) return undefined;
  return resolveGroupId(event.detail, inventory);
}
