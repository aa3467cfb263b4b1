/**
 * The ingress family: `world-open-ingress`, `public-wide-ingress` and `sensitive-port-ingress` judge a node SG's
 * ingress rules together (ingress-judgement.ts): one rule that trips several of them is one finding of the first,
 * with the others in `alsoTripped`. Every pod on the SG's nodes shares the SG, so an open node SG opens every pod.
 * The same judgement runs for pod SGs (pod-sg-ingress.ts) through an `IngressScope`: which SGs it judges, its rule
 * definitions, and how it says who is exposed.
 */
import type { CloudTrailEvent } from '../../cloudtrail/types.ts';
import { sortedUnique } from '../../collections.ts';
import { eventEvidence } from '../../findings/build.ts';
import { podSgExposure, sgpPodsOnNodes } from '../../inventory/pod-queries.ts';
import { sgpStatus } from '../../inventory/sgp.ts';
import { revokeRulesRemediation } from '../../remediation/targets.ts';
import { LINKS } from '../../render/links.ts';
import type { BlastRadius, Finding, Link } from '../../types/finding.ts';
import type { Inventory, Node } from '../../types/inventory.ts';
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

/**
 * What tells the members of the ingress family apart (node SGs here, pod SGs in pod-sg-ingress.ts): which SGs they
 * judge, their rule definitions, and how they write a finding. The judgement itself (ingress-judgement.ts) is shared.
 */
export interface IngressScope {
  definitions: Record<IngressRuleId, RuleDefinition>;
  /** True when the scope judges this SG's ingress. */
  judges(groupId: string, inventory: Inventory): boolean;
  /** True when an added rule is reported elsewhere (a node group's remote access). */
  reportedElsewhere?(event: CloudTrailEvent, added: RulesAdded, inventory: Inventory): boolean;
  finding(groupId: string, trip: IngressTrip, base: FindingBase): Finding;
}

/** The scope's rule ids switched off, as the shared judgement names them (it judges world-open, public-wide, …). */
function scopedContext(scope: IngressScope, context: DetectorContext): DetectorContext {
  const off = INGRESS_RULES.filter((rule) => context.config.disabledRules.includes(scope.definitions[rule].id));
  return { ...context, config: { ...context.config, disabledRules: off } };
}

/** A family's events and scan, from its scope. */
export function ingressFamily(scope: IngressScope) {
  return {
    evaluate: judgeSgChanges('ingress', {
      added: (event, added, context) => onIngressAdded(scope, event, added, context),
      revoked: (event, change, context) => onIngressRevoked(scope, event, change, context),
      deleted: (event, groupId, context) =>
        INGRESS_RULES.map((rule) => resolvedFinding(scope.definitions[rule], groupId, groupId, { event, context })),
    }),
    scan: (context: DetectorContext): Finding[] => {
      const { inventory } = context;
      const judging = scopedContext(scope, context);
      return inventory.securityGroups.flatMap((group) => {
        if (!scope.judges(group.id, inventory)) return [];
        const rules = inventory.rulesOf(group.id, 'ingress').map(fromInventoryRule);
        return ingressTrips(group.id, rules, [], judging).map((trip) => scope.finding(group.id, trip, { context }));
      });
    },
  };
}

const NODE_SCOPE: IngressScope = {
  definitions: DEFINITION,
  judges: (groupId, inventory) => inventory.isNodeSecurityGroup(groupId),
  // EKS's SSH rule for a node group's remote access is that node group's finding.
  reportedElsewhere: (event, added, inventory) => remoteAccessOpenedBy(event, added, inventory) !== undefined,
  finding: (groupId, trip, base) => nodeIngressFinding(groupId, trip, base),
};

const NODE_FAMILY = ingressFamily(NODE_SCOPE);

/** The reads of the ingress family: what decides who an SG exposes, its VPC's CIDRs and the prefix lists. */
export const INGRESS_READS = [...NODE_SG_FACTS, 'DescribeVpcs', 'GetManagedPrefixListEntries'] as const;

export const nodeSgIngress = defineRuleFamily({
  rules: INGRESS_DEFINITIONS,
  reads: INGRESS_READS,
  events: {
    on: SG_CHANGE_CALLS.ingress,
    kinds: SG_CHANGE_KINDS,
    needsInventory: needsLiveState,
    evaluate: NODE_FAMILY.evaluate,
  },
  scan: NODE_FAMILY.scan,
});

function onIngressAdded(
  scope: IngressScope,
  event: CloudTrailEvent,
  added: RulesAdded,
  context: DetectorContext,
): Finding[] {
  const { inventory } = context;
  const { groupId } = added;
  if (scope.reportedElsewhere?.(event, added, inventory)) return [];
  if (!scope.judges(groupId, inventory)) return [];
  const addedShapes = new Set(added.rules.map(ruleShapeKey));
  const existing = inventory
    .rulesOf(groupId, 'ingress')
    .map(fromInventoryRule)
    .filter((rule) => !addedShapes.has(ruleShapeKey(rule)));
  const author = { kind: 'event', actor: event.actor } as const;
  return ingressTrips(groupId, added.rules, existing, scopedContext(scope, context), author).map((trip) =>
    scope.finding(groupId, trip, { event, context }),
  );
}

/** Resolves each rule the revoked rules tripped and the remaining ones no longer do. */
function onIngressRevoked(
  scope: IngressScope,
  event: CloudTrailEvent,
  change: RulesRevoked,
  context: DetectorContext,
): Finding[] {
  const { groupId, revoked, unresolvedIds, remaining } = change;
  if (!scope.judges(groupId, context.inventory)) return [];
  const judging = scopedContext(scope, context);
  const trippedBy = (trips: IngressTrip[]) => new Set(trips.flatMap((trip) => [trip.rule, ...trip.alsoTripped]));
  const stillTripped = trippedBy(ingressTrips(groupId, remaining, [], judging));
  // Rules revoked by an id live state no longer knows may have tripped any of them.
  const revokedTripped =
    unresolvedIds.length > 0
      ? new Set<IngressRuleId>(INGRESS_RULES)
      : trippedBy(ingressTrips(groupId, revoked, remaining, judging));
  return INGRESS_RULES.filter((rule) => revokedTripped.has(rule) && !stillTripped.has(rule)).map((rule) =>
    resolvedFinding(scope.definitions[rule], groupId, groupId, { event, context }),
  );
}

/** What differs between a node SG's and a pod SG's ingress finding: who is exposed, and what to do. */
export interface IngressView {
  /** What the SG is, what it admits and who that exposes (an expected cause and Kubernetes' claims follow). */
  summary: string;
  clusters: string[];
  blastRadius: BlastRadius;
  details: Record<string, unknown>;
  recommendation: { text: string; links: Link[] };
  /** What the remediation revokes the rules as (`world-open-ingress on a node SG`). */
  remediationReason: string;
}

/** An ingress finding: the rules it lists, the evidence and remediation, and what the scope says of who is exposed. */
export function ingressFinding(
  definitions: Record<IngressRuleId, RuleDefinition>,
  groupId: string,
  trip: IngressTrip,
  base: FindingBase,
  view: IngressView,
): Finding {
  const { inventory } = base.context;
  const definition = definitions[trip.rule];
  // A finding is stored in one DynamoDB item (400 KB) and sent in one SNS message (256 KB): it lists at most
  // MAX_LISTED_RULES rules and counts the rest (the CloudTrail event lists them all).
  const listed = trip.rules.slice(0, MAX_LISTED_RULES);
  const details = listed.map(ruleDetail);
  const unlisted = trip.rules.length - listed.length;
  const draft: NodeSgDraft = {
    subject: groupId,
    about: groupId,
    severity: trip.severity,
    summary: `${view.summary}${trip.expectedBecause ? ` Expected: ${trip.expectedBecause}` : ''}${trip.kubernetesClaims.map((claim) => ` ${claim}`).join('')}`,
    clusters: view.clusters,
    resources: [
      { type: 'security-group', id: groupId },
      ...listed.flatMap((rule) => (rule.ruleId ? [{ type: 'security-group-rule' as const, id: rule.ruleId }] : [])),
    ],
    blastRadius: view.blastRadius,
    evidence: {
      ...(base.event ? eventEvidence(base.event) : { state: `${groupId} ingress rules (DescribeSecurityGroupRules)` }),
      details: {
        rules: details,
        ...(unlisted > 0 ? { rulesTotal: trip.rules.length, rulesNotListed: unlisted } : {}),
        ...(trip.sensitivePorts.length ? { sensitivePorts: trip.sensitivePorts } : {}),
        ...(trip.alsoTripped.length ? { alsoTripped: trip.alsoTripped.map((rule) => definitions[rule].id) } : {}),
        ...(trip.kubernetesClaims.length ? { kubernetesClaimsNotBelieved: trip.kubernetesClaims } : {}),
        ...view.details,
      },
    },
    ...(trip.expectedBecause ? { expectedBecause: trip.expectedBecause } : {}),
    recommendation: trip.expectedBecause
      ? {
          text: 'Nothing to do if the LoadBalancer Service is meant to be public. Otherwise set spec.loadBalancerSourceRanges on the Service.',
          links: [LINKS.loadBalancerSourceRanges],
        }
      : view.recommendation,
    // Revoking more rules than a finding can list is for a person to do from the event, not a partial machine edit.
    ...(unlisted === 0
      ? { remediation: revokeRulesRemediation(groupId, details, 'ingress', view.remediationReason, inventory) }
      : {}),
  };
  return nodeSgFinding(definition, draft, base);
}

/**
 * A node SG's ingress finding. Every pod on its nodes shares it (`podIps`). `sgpPods`: when branch ENIs carry the SG
 * too, those SGP pods, exposed as well and counted apart; otherwise the SGP pods on these nodes, which the rule does
 * not reach (their branch ENIs' SGs govern what reaches them).
 */
function nodeIngressFinding(groupId: string, trip: IngressTrip, base: FindingBase): Finding {
  const { inventory } = base.context;
  const exposure = inventory.exposureOf(groupId);
  const pods = podSgExposure(inventory, groupId);
  const exposedSgp = pods.branchEnis.length;
  const notReached = sgpPodsOnNodes(inventory, exposure.nodes, groupId);
  const nodes = unionNodes(exposure.nodes, pods.nodes);
  const clusters = sortedUnique([...exposure.clusters, ...pods.clusters]);
  const sgpText =
    exposedSgp > 0
      ? ` ${exposedSgp} pod(s) with their own security groups carry it on their branch ENIs and are reachable too (counted apart).`
      : notReached > 0
        ? ` ${notReached} pod(s) with their own security groups on those nodes are not reached by it (counted apart).`
        : '';
  // Branch ENIs come and go with pods: an SG no branch ENI carries now was not judged as a pod SG.
  const sgpCluster = exposedSgp === 0 && clusters.some((cluster) => sgpStatus(inventory, cluster).enabled === true);
  const radius = blastRadius(exposure);
  // The shared builder adds the reads that were missing.
  const unknown = sgpCluster ? [NOT_A_POD_SG_NOW] : [];
  return ingressFinding(DEFINITION, groupId, trip, base, {
    summary: `${groupLabel(groupId, inventory)}, a node SG of ${describeExposure(exposure)}, admits ${describeRules(trip.rules)}. Every pod on those nodes shares it and is reachable from ${REACH[trip.rule]}: ${exposure.nodes.length} node(s), up to ${exposure.podIps} pod IPs.${sgpText}`,
    clusters,
    blastRadius: {
      ...radius,
      nodes: nodes.length,
      nodeGroups: sortedUnique([...exposure.nodeGroups, ...pods.nodeGroups]),
      sgpPods: exposedSgp > 0 ? exposedSgp : notReached,
      nodeIds: nodes.slice(0, 20).map((node) => node.instance.id),
      ...(unknown.length ? { unknown } : {}),
    },
    details: {
      nodeSecurityGroupBecause: inventory.nodeSecurityGroupReasons(groupId).map((reason) => reason.kind),
      ...(exposedSgp > 0 ? { sgpPodsExposed: exposedSgp } : {}),
      ...(notReached > 0 ? { sgpPodsNotReached: notReached } : {}),
    },
    recommendation: ingressRecommendation(trip.sensitivePorts),
    remediationReason: `${trip.rule} on a node SG`,
  });
}

/** What `unknown[]` says on a node SG finding of an SGP cluster when no branch ENI carries the SG now. */
export const NOT_A_POD_SG_NOW = 'SGP pods given this SG later (no branch ENI carries it now: not judged as a pod SG)';

/** Nodes of both lists, once each, sorted by instance id. */
export function unionNodes(a: readonly Node[], b: readonly Node[]): Node[] {
  const byId = new Map([...a, ...b].map((node) => [node.instance.id, node]));
  return [...byId.values()].sort((x, y) => x.instance.id.localeCompare(y.instance.id));
}
