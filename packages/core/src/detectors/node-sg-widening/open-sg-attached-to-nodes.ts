/**
 * `open-sg-attached-to-nodes`: an SG that carries an open ingress rule (world-open or public-wide) is attached to a
 * node's ENI or instance, so every pod on that node is reachable the same way. Judged from the change only: in state
 * alone such an SG is a node SG, which the ingress family reports.
 */
import { unique } from '../../collections.ts';
import { eventEvidence } from '../../findings/build.ts';
import type { Finding, ResourceRef } from '../../types/finding.ts';
import { type DetectorContext, defineRule, type EventOfKind } from '../define.ts';
import { NODE_SG_FACTS, needsLiveState, ON } from './changes.ts';
import {
  blastRadius,
  describeRules,
  groupLabel,
  ingressRecommendation,
  type NodeSgDraft,
  nodeSgFinding,
  ruleDetail,
} from './finding.ts';
import { ingressTrips } from './ingress-judgement.ts';
import { fromInventoryRule } from './sg-rule-analysis.ts';

type GroupsChanged = EventOfKind<'eni-groups-changed' | 'instance-groups-changed'>;

export const openSgAttachedToNodes = defineRule({
  id: 'open-sg-attached-to-nodes',
  severity: 'high',
  title: 'Open security group attached to EKS nodes',
  description: 'A node ENI or instance gets an SG that carries an open ingress rule.',
  reads: [...NODE_SG_FACTS, 'DescribeVpcs', 'GetManagedPrefixListEntries'],
  events: {
    on: [ON.eniGroups, ON.instanceGroups],
    kinds: ['eni-groups-changed', 'instance-groups-changed'],
    needsInventory: needsLiveState,
    evaluate: (event, context) => onGroupsAttached(event, context),
  },
});

function onGroupsAttached(event: GroupsChanged, context: DetectorContext): Finding[] {
  // A failed call attached nothing.
  if (event.errorCode !== undefined) return [];
  const { detail } = event;
  const { inventory } = context;
  const instanceId =
    detail.kind === 'instance-groups-changed'
      ? detail.instanceId
      : inventory.networkInterface(detail.networkInterfaceId)?.attachment?.instanceId;
  const node = instanceId ? inventory.node(instanceId) : undefined;
  if (!node) return [];
  const target: ResourceRef =
    detail.kind === 'instance-groups-changed'
      ? { type: 'instance', id: detail.instanceId }
      : { type: 'network-interface', id: detail.networkInterfaceId };
  return detail.groupIds.flatMap((groupId) => {
    const rules = inventory.rulesOf(groupId, 'ingress').map(fromInventoryRule);
    const trips = ingressTrips(groupId, rules, [], context).filter((trip) => trip.expectedBecause === undefined);
    const worst =
      trips.find((trip) => trip.rule === 'world-open-ingress') ??
      trips.find((trip) => trip.rule === 'public-wide-ingress');
    if (!worst) return [];
    const exposure = inventory.exposureOf(groupId);
    const draft: NodeSgDraft = {
      subject: `${target.id}+${groupId}`,
      about: groupId,
      // SSH, RDP, kubelet, databases or all traffic open to the world on the attached SG: critical, as on a node SG.
      ...(worst.severity === 'critical' ? { severity: 'critical' } : {}),
      summary: `${groupLabel(groupId, inventory)} admits ${describeRules(worst.rules)} and was attached to node ${node.instance.id} (cluster ${node.cluster}${node.nodeGroup ? `, node group ${node.nodeGroup}` : ''}). Every pod on that node is now reachable the same way.`,
      clusters: [node.cluster],
      resources: [target, { type: 'security-group', id: groupId }, { type: 'instance', id: node.instance.id }],
      blastRadius: {
        ...blastRadius(exposure),
        nodes: Math.max(1, exposure.nodes.length),
        nodeGroups: unique([...(node.nodeGroup ? [node.nodeGroup] : []), ...exposure.nodeGroups]),
      },
      evidence: {
        ...eventEvidence(event),
        details: { groupIds: detail.groupIds, openRules: worst.rules.map(ruleDetail) },
      },
      recommendation: ingressRecommendation(worst.sensitivePorts),
    };
    return [nodeSgFinding(openSgAttachedToNodes.rule, draft, { event, context })];
  });
}
