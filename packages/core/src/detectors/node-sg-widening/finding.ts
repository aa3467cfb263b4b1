/**
 * How `node-sg-widening` writes its findings: the severity and title come from the rule's definition, so a rule file
 * states only what differs (a higher severity with its reason, an expected cause).
 */
import type { CloudTrailEvent } from '../../cloudtrail/types.ts';
import { buildResolvedFinding, buildFinding as buildSharedFinding, type FindingDraft } from '../../findings/build.ts';
import { LINKS } from '../../render/links.ts';
import type { BlastRadius, Finding, Link, Severity } from '../../types/finding.ts';
import type { Inventory, SgExposure } from '../../types/inventory.ts';
import type { DetectorContext, RuleDefinition } from '../define.ts';
import { describePeer, describePorts, peerKey, type RuleShape } from './sg-rule-analysis.ts';

export const DETECTOR = 'node-sg-widening' as const;

/** The event (absent in a scan) and evaluation a finding is built in. */
export interface FindingBase {
  event?: CloudTrailEvent;
  context: DetectorContext;
}

export type NodeSgDraft = Omit<FindingDraft, 'rule' | 'severity' | 'title' | 'context' | 'event'> & {
  /** What the title names after the rule's title (`<title>: <about>`). */
  about: string;
  /** A severity other than the rule's usual one, for a reason the finding gives (SSH open to the world). */
  severity?: Severity;
  /**
   * Keep the severity when `expectedBecause` is set: the cause is reported once elsewhere, not harmless. Otherwise an
   * expected widening (Kubernetes' own rules) is reported at `info`.
   */
  expectedKeepsSeverity?: boolean;
};

/** An open finding of `rule`, at the rule's severity unless the draft says otherwise. */
export function nodeSgFinding(rule: RuleDefinition, draft: NodeSgDraft, base: FindingBase): Finding {
  const { about, severity, expectedKeepsSeverity, ...rest } = draft;
  const usual = severity ?? rule.severity;
  return buildSharedFinding(DETECTOR, {
    ...rest,
    rule: rule.id,
    severity: draft.expectedBecause && !expectedKeepsSeverity ? 'info' : usual,
    title: `${rule.title}: ${about}`,
    context: base.context,
    ...(base.event ? { event: base.event } : {}),
  });
}

/** The finding an event resolves (same id as the open one: same rule and subject). */
export function resolvedFinding(
  rule: RuleDefinition,
  groupId: string,
  subject: string,
  base: { event: CloudTrailEvent; context: DetectorContext },
): Finding {
  return buildResolvedFinding(DETECTOR, {
    rule: rule.id,
    subject,
    title: `Resolved: ${rule.title}: ${groupId}`,
    summary: `${base.event.eventName} on ${groupLabel(groupId, base.context.inventory)} removed what caused ${rule.id}.`,
    resources: [{ type: 'security-group', id: groupId }],
    event: base.event,
    context: base.context,
  });
}

/**
 * Who a node SG exposes: its nodes, their pod IPs, node groups and SGP pods (counted apart). What could not be
 * counted (`unknown`) is added by the shared finding builder, in one place for every rule.
 */
export function blastRadius(exposure: SgExposure): BlastRadius {
  return {
    nodes: exposure.nodes.length,
    podIps: exposure.podIps,
    podIpsIsUpperBound: true,
    nodeGroups: exposure.nodeGroups,
    sgpPods: exposure.sgpPods + exposure.sgpPodsLeavingVpc,
    nodeIds: exposure.nodes.slice(0, 20).map((node) => node.instance.id),
  };
}

export function describeExposure(exposure: SgExposure): string {
  if (exposure.clusters.length === 0) return 'EKS nodes';
  const groups = exposure.nodeGroups.length ? ` (node groups ${exposure.nodeGroups.join(', ')})` : '';
  return `cluster ${exposure.clusters.join(', ')}${groups}`;
}

export function groupLabel(groupId: string, inventory: Inventory): string {
  const group = inventory.securityGroup(groupId);
  return group?.name ? `${groupId} (${group.name})` : groupId;
}

export function ruleDetail(rule: RuleShape): Record<string, unknown> {
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

/** A summary is read in seconds: one permission may carry thousands of CIDRs. */
const SUMMARY_RULES = 10;

/** The rules a summary names: the first few, then how many more (evidence.details.rules lists them all). */
export function describeRules(rules: readonly RuleShape[]): string {
  const named = rules.slice(0, SUMMARY_RULES).map((rule) => `${describePorts(rule)} from ${describePeer(rule.peer)}`);
  const more = rules.length - named.length;
  return `${named.join(', ')}${more > 0 ? ` and ${more} more rule(s)` : ''}`;
}

export function ingressRecommendation(sensitivePorts: number[]): { text: string; links: Link[] } {
  return {
    text: `Revoke the rule and open only what must be reachable, from the narrowest source: put internet-facing pods behind a load balancer, give pods that need their own access a security group (security groups for pods: a data store that admits only that pod SG, not the node SG, is the target state), and limit pod-to-pod traffic with network policies${sensitivePorts.includes(22) ? '; reach nodes through SSM Session Manager rather than SSH' : ''}.`,
    links: [
      LINKS.securityGroupsForPods,
      LINKS.networkPolicies,
      LINKS.dedicatedNodeGroups,
      LINKS.securityGroupRequirements,
    ],
  };
}
