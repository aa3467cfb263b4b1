/**
 * Finding assembly shared by the trunk ENI rules: a finding takes its rule's usual severity unless it says otherwise,
 * an event's success resolves the finding its failure opened, and the blast radius is the nodes that cannot run SGP
 * pods.
 */
import type { CloudTrailEvent } from '../../cloudtrail/types.ts';
import { buildFinding, buildResolvedFinding, type FindingDraft } from '../../findings/build.ts';
import type { SgpStatus } from '../../inventory/sgp.ts';
import type { BlastRadius, Finding, ResourceRef } from '../../types/finding.ts';
import type { Node } from '../../types/inventory.ts';
import type { DetectorContext, RuleDefinition } from '../define.ts';
import { DETECTOR } from './calls.ts';

/** A draft of one rule's finding; `severity` only where the finding departs from the rule's usual one. */
export type TrunkFindingDraft = Omit<FindingDraft, 'rule' | 'severity'> & Partial<Pick<FindingDraft, 'severity'>>;

/** An open finding of `rule`, at the rule's severity unless the draft raises or lowers it. */
export function trunkFinding(rule: RuleDefinition, draft: TrunkFindingDraft): Finding {
  const { severity, ...rest } = draft;
  return buildFinding(DETECTOR, { ...rest, rule: rule.id, severity: severity ?? rule.severity });
}

/** The finding of `rule` about `subject` that a successful call resolves. */
export function resolvedTrunkFinding(
  rule: RuleDefinition,
  subject: string,
  base: { event: CloudTrailEvent; context: DetectorContext; what: string; resources: ResourceRef[] },
): Finding {
  return buildResolvedFinding(DETECTOR, {
    rule: rule.id,
    subject,
    title: `Resolved: ${rule.title}: ${subject}`,
    summary: `${base.event.eventName} succeeded: ${base.what}.`,
    resources: base.resources,
    event: base.event,
    context: base.context,
  });
}

/**
 * The nodes trunk trouble touches. Trunk trouble keeps pods with their own security groups from starting; other pods
 * keep their IPs, so no pod IP counts. Which facts were unknown is added by `buildFinding`.
 */
export function nodesBlast(nodes: readonly Node[]): BlastRadius {
  return {
    nodes: nodes.length,
    podIps: 0,
    podIpsIsUpperBound: true,
    nodeGroups: [...new Set(nodes.flatMap((node) => (node.nodeGroup ? [node.nodeGroup] : [])))].sort(),
    sgpPods: 0,
    nodeIds: nodes.slice(0, 20).map((node) => node.instance.id),
  };
}

/** "SGP is on (seen: …)." for a summary, or nothing when no signal was seen. */
export function describeSgp(sgp: SgpStatus): string {
  return sgp.signals.length ? `SGP is on (seen: ${sgp.signals.join('; ')}).` : '';
}

/** "subnet-… has N free IP address(es)" as evidence state, when the subnet is known. */
export function subnetState(context: DetectorContext, subnetId: string | undefined): { state?: string } {
  const subnet = subnetId ? context.inventory.subnet(subnetId) : undefined;
  return subnet
    ? { state: `${subnet.id} has ${subnet.availableIpAddressCount} free IP address(es) (DescribeSubnets)` }
    : {};
}
