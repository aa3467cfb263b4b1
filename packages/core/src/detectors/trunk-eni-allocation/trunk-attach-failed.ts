/**
 * `trunk-attach-failed`: the VPC resource controller could not attach a trunk ENI to a node (usually: the CNI's warm
 * ENIs took the last slot of the default network card). The controller then deletes the trunk, so live state no
 * longer shows it. A later successful attach to the node resolves it.
 */
import { eniSlots, limitsOfType } from '../../capacity/trunk.ts';
import { eventEvidence } from '../../findings/build.ts';
import { clusterOfEniTags } from '../../inventory/classify.ts';
import type { Finding } from '../../types/finding.ts';
import { type DetectorContext, defineRule, type EventOfKind, type RuleDefinition } from '../define.ts';
import { attachesTrunk, byResourceController, EC2, EKS, FAILED, TRUNK_ATTACH_BY_CONTROLLER } from './calls.ts';
import { errorMeaning } from './error-meanings.ts';
import { nodesBlast, resolvedTrunkFinding, trunkFinding } from './findings.ts';

const RULE = {
  id: 'trunk-attach-failed',
  severity: 'high',
  title: 'Trunk ENI could not be attached',
  description:
    'AttachNetworkInterface of a trunk ENI by the VPC resource controller failed; the controller deletes the trunk, so live state no longer shows it.',
} as const satisfies RuleDefinition;

type Attached = EventOfKind<'network-interface-attached'>;

export const trunkAttachFailed = defineRule({
  ...RULE,
  reads: ['DescribeInstanceTypes', 'DescribeInstances', 'DescribeNetworkInterfaces'],
  events: {
    on: [
      {
        source: EC2,
        eventName: 'AttachNetworkInterface',
        filters: [TRUNK_ATTACH_BY_CONTROLLER, { ...FAILED, userAgent: [{ prefix: EKS }] }],
      },
    ],
    kinds: ['network-interface-attached'],
    needsInventory: (event) => event.errorCode !== undefined && byResourceController(event),
    evaluate: (event, context) => judgeTrunkAttach(event, context),
  },
});

function judgeTrunkAttach(event: Attached, context: DetectorContext): Finding[] {
  const detail = event.detail;
  if (!attachesTrunk(event, context.inventory)) return [];
  if (event.errorCode === undefined) {
    return [
      resolvedTrunkFinding(RULE, detail.instanceId, {
        event,
        context,
        what: `trunk ENI ${detail.networkInterfaceId} was attached to ${detail.instanceId}`,
        resources: [{ type: 'instance', id: detail.instanceId }],
      }),
    ];
  }
  return [trunkAttachFailure(event, context)];
}

function trunkAttachFailure(event: Attached, context: DetectorContext): Finding {
  const { inventory } = context;
  const detail = event.detail;
  const eni = inventory.networkInterface(detail.networkInterfaceId);
  const node = inventory.node(detail.instanceId);
  const instance = node?.instance ?? inventory.instance(detail.instanceId);
  const cluster = node?.cluster ?? (eni ? clusterOfEniTags(eni.tags) : undefined);
  const limits = instance ? limitsOfType(instance.instanceType, inventory.instanceTypes) : undefined;
  const slots = instance && limits ? eniSlots(inventory.networkInterfacesOf(instance.id), limits) : undefined;
  const meaning = errorMeaning(event.errorCode);
  const slotText = slots
    ? ` Its default network card holds ${slots.used} of ${slots.max} ENIs${slots.used >= slots.max ? ': the slots are full, the usual cause (the CNI took the last one for its warm ENIs)' : ''}.`
    : '';
  const lost = limits?.branchInterfaces ?? 0;
  return trunkFinding(RULE, {
    subject: detail.instanceId,
    title: `${RULE.title}: ${detail.instanceId} (${event.errorCode})`,
    summary: `The VPC resource controller could not attach trunk ENI ${detail.networkInterfaceId} to node ${detail.instanceId}${instance ? ` (${instance.instanceType}${node?.nodeGroup ? `, node group ${node.nodeGroup}` : ''})` : ''}${cluster ? ` of cluster ${cluster}` : ''}: ${event.errorCode}, ${meaning.meaning}. The controller deletes the trunk and the node runs no pod with its own security groups (${lost} branch ENIs of capacity lost).${slotText}`,
    clusters: cluster ? [cluster] : [],
    resources: [
      { type: 'instance', id: detail.instanceId },
      { type: 'network-interface', id: detail.networkInterfaceId },
    ],
    blastRadius: nodesBlast(node ? [node] : []),
    evidence: {
      ...eventEvidence(event),
      ...(slots
        ? { state: `${slots.used} of ${slots.max} ENIs attached on the default card (DescribeNetworkInterfaces)` }
        : {}),
      details: {
        errorMeaning: meaning.meaning,
        networkInterfaceId: detail.networkInterfaceId,
        ...(detail.deviceIndex !== undefined ? { deviceIndex: detail.deviceIndex } : {}),
        trunkJudgedBy: eni ? 'live ENI' : 'caller (the VPC resource controller deletes a trunk it could not attach)',
        branchCapacityLost: lost,
        ...(slots ? { eniSlots: slots } : {}),
      },
    },
    recommendation: { text: meaning.action, links: meaning.links },
    context,
    event,
  });
}
