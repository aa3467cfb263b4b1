/**
 * `trunk-create-failed`: the VPC resource controller could not create a trunk ENI, so the nodes waiting for it run no
 * pod with its own security groups. A later successful trunk creation in the same cluster and subnet resolves it.
 */
import { branchCapacity, canTrunk } from '../../capacity/trunk.ts';
import { eventEvidence } from '../../findings/build.ts';
import { clusterOfEniTags } from '../../inventory/classify.ts';
import { nodesOf, trunkOf } from '../../inventory/node-queries.ts';
import { ownerOfSubnet } from '../../inventory/queries.ts';
import { isTrunkCreation, sgpStatus, TRUNK_ENI_DESCRIPTIONS } from '../../inventory/sgp.ts';
import { plural } from '../../render/wording.ts';
import type { Finding } from '../../types/finding.ts';
import type { Node } from '../../types/inventory.ts';
import { type DetectorContext, defineRule, type EventOfKind, type RuleDefinition } from '../define.ts';
import { EC2 } from './calls.ts';
import { errorMeaning } from './error-meanings.ts';
import { describeSgp, nodesBlast, resolvedTrunkFinding, subnetState, trunkFinding } from './findings.ts';

const RULE = {
  id: 'trunk-create-failed',
  severity: 'high',
  title: 'Trunk ENI could not be created',
  description:
    'CreateNetworkInterface of a trunk ENI failed (no free IPs, missing AmazonEKSVPCResourceController permission, ENI quota): SGP pods cannot start on the node that waits for it.',
} as const satisfies RuleDefinition;

type Created = EventOfKind<'network-interface-created'>;

export const trunkCreateFailed = defineRule({
  ...RULE,
  reads: [
    'DescribeAddon',
    'DescribeCluster',
    'DescribeInstanceTypes',
    'DescribeInstances',
    'DescribeNetworkInterfaces',
    'DescribeSubnets',
  ],
  events: {
    on: [
      {
        source: EC2,
        eventName: 'CreateNetworkInterface',
        filters: [
          // Trunk creations, successful too: they are rare (one per node) and resolve earlier failures.
          { requestParameters: { interfaceType: ['trunk'] } },
          { requestParameters: { description: [...TRUNK_ENI_DESCRIPTIONS] } },
        ],
      },
    ],
    kinds: ['network-interface-created'],
    // A successful trunk creation only resolves: no describe.
    needsInventory: (event) => event.errorCode !== undefined && isTrunkCreation(event),
    evaluate: (event, context) => (isTrunkCreation(event) ? judgeTrunkCreation(event, context) : []),
  },
});

function judgeTrunkCreation(event: Created, context: DetectorContext): Finding[] {
  const detail = event.detail;
  const tagged = clusterOfEniTags(detail.tags);
  // Keyed by what the event itself says, so a success judged without live state resolves the same finding.
  const subject = `${tagged ?? 'unknown'}|${detail.subnetId ?? 'unknown'}`;
  if (event.errorCode === undefined) {
    return [
      resolvedTrunkFinding(RULE, subject, {
        event,
        context,
        what: `a trunk ENI was created in ${detail.subnetId ?? 'the subnet'}`,
        resources: [{ type: 'subnet', id: detail.subnetId ?? 'unknown' }],
      }),
    ];
  }
  const cluster = tagged ?? ownerOfSubnet(context.inventory, detail.subnetId);
  return [trunkCreateFailure(event, context, subject, cluster)];
}

/** Trunk-capable nodes of the cluster (in the call's subnet, when it names one) that have no trunk yet. */
function nodesWaitingForTrunk(context: DetectorContext, cluster: string, subnetId: string | undefined): Node[] {
  const { inventory } = context;
  return nodesOf(inventory, { cluster }).filter(
    (node) =>
      (subnetId === undefined || node.instance.subnetId === subnetId) &&
      trunkOf(inventory, node) === undefined &&
      canTrunk(node.instance.instanceType, inventory.instanceTypes),
  );
}

function trunkCreateFailure(
  event: Created,
  context: DetectorContext,
  subject: string,
  cluster: string | undefined,
): Finding {
  const { inventory } = context;
  const detail = event.detail;
  const meaning = errorMeaning(event.errorCode);
  const waiting = cluster ? nodesWaitingForTrunk(context, cluster, detail.subnetId) : [];
  const lost = branchCapacity(
    waiting.map((node) => node.instance.instanceType),
    inventory.instanceTypes,
  );
  const sgp = cluster ? sgpStatus(inventory, cluster, event) : undefined;
  const impact = waiting.length
    ? `${plural(waiting.length, 'node')} there ${waiting.length === 1 ? 'has' : 'have'} no trunk ENI and cannot run pods with their own security groups (${lost} branch ENIs of capacity lost).`
    : 'The node that waits for it cannot run pods with their own security groups.';
  return trunkFinding(RULE, {
    subject,
    title: `${RULE.title}: ${cluster ?? 'unknown cluster'} (${event.errorCode})`,
    summary: `The VPC resource controller could not create a trunk ENI${cluster ? ` for cluster ${cluster}` : ''} in ${detail.subnetId ?? 'its subnet'}: ${event.errorCode}, ${meaning.meaning}. ${impact}${sgp ? ` ${describeSgp(sgp)}` : ''}`,
    clusters: cluster ? [cluster] : [],
    resources: [
      ...(detail.subnetId ? [{ type: 'subnet' as const, id: detail.subnetId }] : []),
      ...(cluster ? [{ type: 'cluster' as const, id: cluster }] : []),
    ],
    blastRadius: nodesBlast(waiting),
    evidence: {
      ...eventEvidence(event),
      ...subnetState(context, detail.subnetId),
      details: {
        errorMeaning: meaning.meaning,
        subnetId: detail.subnetId,
        securityGroups: detail.groupIds,
        branchCapacityLost: lost,
        ...(sgp ? { sgpSignals: sgp.signals } : {}),
      },
    },
    recommendation: { text: meaning.action, links: meaning.links },
    context,
    event,
  });
}
