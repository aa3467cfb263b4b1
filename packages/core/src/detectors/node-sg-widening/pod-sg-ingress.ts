/**
 * The pod SG ingress family: `pod-sg-world-open-ingress`, `pod-sg-public-wide-ingress` and
 * `pod-sg-sensitive-port-ingress`. With security groups for pods (SGP) a pod's inbound traffic is filtered by the SGs
 * on its branch ENI, not by the node SG, so an SG that branch ENIs carry is judged like a node SG (the same
 * judgement, ingress-judgement.ts, with the same CIDR normalisation and special-purpose ranges) and reported under
 * its own rule ids, so filters and allow-lists tell them apart. A pod SG is one that a branch ENI carries when the
 * event is judged: branch ENIs come and go with pods, and an SG none carries now is not judged as one. An SG that node
 * ENIs carry too is the node family's finding, which counts the SGP pods apart.
 */

import { podSgExposure } from '../../inventory/pod-queries.ts';
import { LINKS } from '../../render/links.ts';
import type { Finding } from '../../types/finding.ts';
import { defineRuleFamily, type RuleDefinition } from '../define.ts';
import { needsLiveState, SG_CHANGE_CALLS, SG_CHANGE_KINDS } from './changes.ts';
import { describeRules, type FindingBase, groupLabel } from './finding.ts';
import { INGRESS_READS, type IngressScope, ingressFamily, ingressFinding } from './ingress.ts';
import type { IngressRuleId, IngressTrip } from './ingress-judgement.ts';

export const POD_SG_INGRESS_DEFINITIONS = [
  {
    id: 'pod-sg-world-open-ingress',
    severity: 'high',
    title: 'Pod security group open to the internet',
    description:
      'An SG on SGP pods’ branch ENIs admits 0.0.0.0/0 or ::/0 (or CIDRs that together cover it): those pods are reachable.',
  },
  {
    id: 'pod-sg-public-wide-ingress',
    severity: 'medium',
    title: 'Pod security group open to a wide public range',
    description: 'An SG on SGP pods’ branch ENIs admits a global prefix broader than the configured length.',
  },
  {
    id: 'pod-sg-sensitive-port-ingress',
    severity: 'medium',
    title: 'Sensitive port on a pod security group opened beyond the VPC',
    description:
      'SSH, RDP, kubelet, etcd, database ports or all traffic on an SG of SGP pods’ branch ENIs, from outside the VPC.',
  },
] as const satisfies readonly RuleDefinition[];

const [WORLD, PUBLIC_WIDE, SENSITIVE] = POD_SG_INGRESS_DEFINITIONS;

/** The pod SG rule for each judgement the ingress judgement makes. */
const DEFINITION: Record<IngressRuleId, RuleDefinition> = {
  'world-open-ingress': WORLD,
  'public-wide-ingress': PUBLIC_WIDE,
  'sensitive-port-ingress': SENSITIVE,
};

const REACH: Record<IngressRuleId, string> = {
  'world-open-ingress': 'the internet',
  'public-wide-ingress': 'a wide public range',
  'sensitive-port-ingress': 'outside the VPC',
};

const POD_SCOPE: IngressScope = {
  definitions: DEFINITION,
  // Only branch ENIs carry it now: an SG on node ENIs too is the node family's finding (it counts these pods apart).
  judges: (groupId, inventory) =>
    podSgExposure(inventory, groupId).branchEnis.length > 0 && !inventory.isNodeSecurityGroup(groupId),
  finding: podSgIngressFinding,
};

const POD_FAMILY = ingressFamily(POD_SCOPE);

export const podSgIngress = defineRuleFamily({
  rules: POD_SG_INGRESS_DEFINITIONS,
  reads: INGRESS_READS,
  events: {
    on: SG_CHANGE_CALLS.ingress,
    kinds: SG_CHANGE_KINDS,
    needsInventory: needsLiveState,
    evaluate: POD_FAMILY.evaluate,
  },
  scan: POD_FAMILY.scan,
});

/** `sgpPods` here: the SGP pods whose branch ENIs carry the SG, the pods exposed. No node shares it: `podIps` 0. */
function podSgIngressFinding(groupId: string, trip: IngressTrip, base: FindingBase): Finding {
  const { inventory } = base.context;
  const pods = podSgExposure(inventory, groupId);
  const count = pods.branchEnis.length;
  const where = pods.clusters.length ? ` of cluster ${pods.clusters.join(', ')}` : '';
  const groups = pods.nodeGroups.length ? ` (node groups ${pods.nodeGroups.join(', ')})` : '';
  return ingressFinding(DEFINITION, groupId, trip, base, {
    summary: `${groupLabel(groupId, inventory)}, the security group of ${count} pod(s)${where} (security groups for pods), admits ${describeRules(trip.rules)}. Those pods' branch ENIs carry it and they are reachable from ${REACH[trip.rule]} wherever they have a route: ${count} pod(s) on ${pods.nodes.length} node(s)${groups}. The node SG does not govern their inbound traffic.`,
    clusters: pods.clusters,
    blastRadius: {
      nodes: pods.nodes.length,
      podIps: 0,
      podIpsIsUpperBound: true,
      nodeGroups: pods.nodeGroups,
      sgpPods: count,
      nodeIds: pods.nodes.slice(0, 20).map((node) => node.instance.id),
    },
    details: {
      branchEnis: pods.branchEnis.slice(0, 20).map((eni) => eni.id),
      sgpPodsExposed: count,
    },
    recommendation: {
      text: 'Revoke the rule and admit only what must reach these pods, from the narrowest source: put internet-facing pods behind a load balancer and admit the load balancer’s SG, and keep SSH, RDP and database ports closed to the internet. A pod SG that only the pods’ callers reach, and a data store that admits only this pod SG, is the target state of security groups for pods.',
      links: [LINKS.securityGroupsForPods, LINKS.securityGroupRequirements, LINKS.networkPolicies],
    },
    remediationReason: `${DEFINITION[trip.rule].id} on a pod SG`,
  });
}
