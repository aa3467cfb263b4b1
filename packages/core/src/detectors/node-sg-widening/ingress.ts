/**
 * The ingress family: `world-open-ingress`, `public-wide-ingress` and `sensitive-port-ingress` judge a node SG's
 * ingress rules together (ingress-judgement.ts): one rule that trips several of them is one finding of the first,
 * with the others in `alsoTripped`. Every pod on the SG's nodes shares the SG, so an open node SG opens every pod.
 */
import type { CloudTrailEvent } from '../../cloudtrail/types.ts';
import { eventEvidence } from '../../findings/build.ts';
import { revokeRulesRemediation } from '../../remediation/targets.ts';
import { LINKS } from '../../render/links.ts';
import type { Finding } from '../../types/finding.ts';
import { type DetectorContext, defineRuleFamily, type RuleDefinition } from '../define.ts';
import {
  judgeSgChanges,
  NODE_SG_FACTS,
  needsLiveState,
  type RulesAdded,
  type RulesRevoked,
  SG_CHANGE_CALLS,
  SG_CHANGE_KINDS,
} from './changes.ts';
import {
  blastRadius,
  describeExposure,
  describeRules,
  type FindingBase,
  groupLabel,
  ingressRecommendation,
  type NodeSgDraft,
  nodeSgFinding,
  resolvedFinding,
  ruleDetail,
} from './finding.ts';
import { INGRESS_RULES, type IngressRuleId, type IngressTrip, ingressTrips } from './ingress-judgement.ts';
import { remoteAccessOpenedBy } from './nodegroup-remote-access-open.ts';
import { fromInventoryRule, ruleShapeKey } from './sg-rule-analysis.ts';

export const INGRESS_DEFINITIONS = [
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
] as const satisfies readonly (RuleDefinition & { id: IngressRuleId })[];

const DEFINITION = Object.fromEntries(INGRESS_DEFINITIONS.map((rule) => [rule.id, rule])) as Record<
  IngressRuleId,
  (typeof INGRESS_DEFINITIONS)[number]
>;

/** Where a node SG tripping each rule is reachable from, as a summary says it. */
const REACH: Record<IngressRuleId, string> = {
  'world-open-ingress': 'the internet',
  'public-wide-ingress': 'a wide public range',
  'sensitive-port-ingress': 'outside the VPC',
};

/** Rules a finding lists (evidence, resources, remediation); the rest are counted. */
export const MAX_LISTED_RULES = 100;

export const nodeSgIngress = defineRuleFamily({
  rules: INGRESS_DEFINITIONS,
  reads: [...NODE_SG_FACTS, 'DescribeVpcs', 'GetManagedPrefixListEntries'],
  events: {
    on: SG_CHANGE_CALLS.ingress,
    kinds: SG_CHANGE_KINDS,
    needsInventory: needsLiveState,
    evaluate: judgeSgChanges('ingress', {
      added: onIngressAdded,
      revoked: onIngressRevoked,
      deleted: (event, groupId, context) =>
        INGRESS_DEFINITIONS.map((rule) => resolvedFinding(rule, groupId, groupId, { event, context })),
    }),
  },
  scan: (context) => {
    const { inventory } = context;
    return inventory.securityGroups.flatMap((group) => {
      if (!inventory.isNodeSecurityGroup(group.id)) return [];
      const rules = inventory.rulesOf(group.id, 'ingress').map(fromInventoryRule);
      return ingressTrips(group.id, rules, [], context).map((trip) => ingressFinding(group.id, trip, { context }));
    });
  },
});

function onIngressAdded(event: CloudTrailEvent, added: RulesAdded, context: DetectorContext): Finding[] {
  const { inventory } = context;
  const { groupId } = added;
  // EKS's SSH rule for a node group's remote access is that node group's finding.
  if (remoteAccessOpenedBy(event, added, inventory)) return [];
  if (!inventory.isNodeSecurityGroup(groupId)) return [];
  const addedShapes = new Set(added.rules.map(ruleShapeKey));
  const existing = inventory
    .rulesOf(groupId, 'ingress')
    .map(fromInventoryRule)
    .filter((rule) => !addedShapes.has(ruleShapeKey(rule)));
  const author = { kind: 'event', actor: event.actor } as const;
  return ingressTrips(groupId, added.rules, existing, context, author).map((trip) =>
    ingressFinding(groupId, trip, { event, context }),
  );
}

/** Resolves each rule the revoked rules tripped and the remaining ones no longer do. */
function onIngressRevoked(event: CloudTrailEvent, change: RulesRevoked, context: DetectorContext): Finding[] {
  const { groupId, revoked, unresolvedIds, remaining } = change;
  if (!context.inventory.isNodeSecurityGroup(groupId)) return [];
  const trippedBy = (trips: IngressTrip[]) => new Set(trips.flatMap((trip) => [trip.rule, ...trip.alsoTripped]));
  const stillTripped = trippedBy(ingressTrips(groupId, remaining, [], context));
  // Rules revoked by an id live state no longer knows may have tripped any of them.
  const revokedTripped =
    unresolvedIds.length > 0
      ? new Set<IngressRuleId>(INGRESS_RULES)
      : trippedBy(ingressTrips(groupId, revoked, remaining, context));
  return INGRESS_RULES.filter((rule) => revokedTripped.has(rule) && !stillTripped.has(rule)).map((rule) =>
    resolvedFinding(DEFINITION[rule], groupId, groupId, { event, context }),
  );
}

function ingressFinding(groupId: string, trip: IngressTrip, base: FindingBase): Finding {
  const { inventory } = base.context;
  const exposure = inventory.exposureOf(groupId);
  // A finding is stored in one DynamoDB item (400 KB) and sent in one SNS message (256 KB): it lists at most
  // MAX_LISTED_RULES rules and counts the rest (the CloudTrail event lists them all).
  const listed = trip.rules.slice(0, MAX_LISTED_RULES);
  const details = listed.map(ruleDetail);
  const unlisted = trip.rules.length - listed.length;
  const sgp =
    exposure.sgpPodsLeavingVpc > 0
      ? ` ${exposure.sgpPodsLeavingVpc} pod(s) with their own security groups are counted apart.`
      : '';
  const draft: NodeSgDraft = {
    subject: groupId,
    about: groupId,
    severity: trip.severity,
    summary: `${groupLabel(groupId, inventory)}, a node SG of ${describeExposure(exposure)}, admits ${describeRules(trip.rules)}. Every pod on those nodes shares it and is reachable from ${REACH[trip.rule]}: ${exposure.nodes.length} node(s), up to ${exposure.podIps} pod IPs.${sgp}${trip.expectedBecause ? ` Expected: ${trip.expectedBecause}` : ''}${trip.kubernetesClaims.map((claim) => ` ${claim}`).join('')}`,
    clusters: exposure.clusters,
    resources: [
      { type: 'security-group', id: groupId },
      ...listed.flatMap((rule) => (rule.ruleId ? [{ type: 'security-group-rule' as const, id: rule.ruleId }] : [])),
    ],
    blastRadius: blastRadius(exposure),
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
  };
  return nodeSgFinding(DEFINITION[trip.rule], draft, base);
}
