/**
 * `subnet-exhausted`: an ENI, IP, prefix or instance request failed in a cluster subnet for want of free addresses
 * or free aligned /28 blocks. Seen only in events (a failed call), so a sweep never resolves it.
 */
import { subnetHeadroomOf } from '../../capacity/subnet-headroom.ts';
import type { CloudTrailEvent } from '../../cloudtrail/types.ts';
import { unique } from '../../collections.ts';
import { eventEvidence } from '../../findings/build.ts';
import { clusterFromTags, clusterOfEniTags } from '../../inventory/classify.ts';
import { clustersOfSubnet } from '../../inventory/queries.ts';
import type { Finding } from '../../types/finding.ts';
import type { Inventory } from '../../types/inventory.ts';
import { type DetectorContext, defineRule, type RuleDefinition } from '../define.ts';
import {
  actorLabel,
  classifyEvent,
  fleetSubnetErrors,
  ON_IP_REQUEST_FAILED,
  ON_LAUNCH_NO_ADDRESSES,
  stripPrefix,
} from './events.ts';
import { buildFinding, describeHeadroom, headroomDetails, LINKS, subnetBlast } from './finding.ts';

const SUBNET_EXHAUSTED = {
  id: 'subnet-exhausted',
  severity: 'high',
  title: 'Cluster subnet out of addresses',
  description:
    'An ENI, IP, prefix or instance request failed in a cluster subnet for want of free addresses or free /28 blocks: pods or nodes cannot start there.',
} as const satisfies RuleDefinition;

export const subnetExhausted = defineRule({
  ...SUBNET_EXHAUSTED,
  reads: [
    'DescribeSubnets',
    'DescribeNetworkInterfaces',
    'DescribeInstances',
    'DescribeSubnetCidrReservations',
    'DescribeCluster',
    'DescribeNodegroup',
  ],
  events: {
    on: [...ON_IP_REQUEST_FAILED, ...ON_LAUNCH_NO_ADDRESSES],
    kinds: ['network-interface-created', 'private-ips-assigned', 'instances-launched'],
    needsInventory: (event) => classifyEvent(event) === 'subnet',
    evaluate: (event, context) => (classifyEvent(event) === 'subnet' ? onSubnetFailure(event, context) : []),
  },
});

/** One failed request in one subnet: the call's own error, or one failed override of an instant fleet. */
interface SubnetFailure {
  subnetId: string;
  code: string;
  message?: string;
  instanceType?: string;
}

const SUBNET_IN_MESSAGE = /subnet '?(subnet-[0-9a-f]+)'?/i;
const subnetInMessage = (message: string | undefined) => SUBNET_IN_MESSAGE.exec(message ?? '')?.[1];

/** The subnets the call failed in, with the error each reported. */
function subnetFailures(event: CloudTrailEvent, inventory: Inventory): SubnetFailure[] {
  const detail = event.detail;
  const failures: SubnetFailure[] = [];
  const code = event.errorCode;
  if (code !== undefined) {
    const subnets: string[] = [];
    if (detail.kind === 'network-interface-created' && detail.subnetId) subnets.push(detail.subnetId);
    if (detail.kind === 'private-ips-assigned') {
      const subnetId = inventory.networkInterface(detail.networkInterfaceId)?.subnetId;
      if (subnetId) subnets.push(subnetId);
    }
    if (detail.kind === 'instances-launched') subnets.push(...detail.subnetIds);
    // Live state may not know the ENI yet; EC2 names the subnet in its message.
    const named = subnetInMessage(event.errorMessage);
    if (subnets.length === 0 && named) subnets.push(named);
    for (const subnetId of unique(subnets))
      failures.push({ subnetId, code, ...(event.errorMessage ? { message: event.errorMessage } : {}) });
  }
  for (const error of fleetSubnetErrors(event)) {
    const subnetId = error.subnetId ?? subnetInMessage(error.errorMessage);
    if (subnetId)
      failures.push({
        subnetId,
        code: error.errorCode,
        ...(error.errorMessage ? { message: error.errorMessage } : {}),
        ...(error.instanceType ? { instanceType: error.instanceType } : {}),
      });
  }
  return failures;
}

/** The cluster the call itself names (ENI tags, launch tags, or the ENI's node), when it names one. */
function clusterOfEvent(event: CloudTrailEvent, inventory: Inventory): string | undefined {
  const detail = event.detail;
  if (detail.kind === 'network-interface-created') return clusterOfEniTags(detail.tags);
  if (detail.kind === 'instances-launched') return clusterFromTags(detail.tags);
  if (detail.kind === 'private-ips-assigned') {
    const eni = inventory.networkInterface(detail.networkInterfaceId);
    const node = eni?.attachment?.instanceId ? inventory.node(eni.attachment.instanceId) : undefined;
    return node?.cluster ?? (eni ? clusterOfEniTags(eni.tags) : undefined);
  }
  return undefined;
}

/** One finding per cluster subnet the call failed in; subnets no cluster uses are not this guard's business. */
function onSubnetFailure(event: CloudTrailEvent, context: DetectorContext): Finding[] {
  const { inventory } = context;
  const eventCluster = clusterOfEvent(event, inventory);
  const bySubnet = new Map<string, SubnetFailure[]>();
  for (const failure of subnetFailures(event, inventory))
    bySubnet.set(failure.subnetId, [...(bySubnet.get(failure.subnetId) ?? []), failure]);
  const findings: Finding[] = [];
  for (const [subnetId, list] of bySubnet) {
    const clusters = unique([...clustersOfSubnet(inventory, subnetId), ...(eventCluster ? [eventCluster] : [])]);
    if (clusters.length > 0) findings.push(subnetFinding(subnetId, clusters, list, event, context));
  }
  return findings;
}

function subnetFinding(
  subnetId: string,
  clusters: string[],
  list: SubnetFailure[],
  event: CloudTrailEvent,
  context: DetectorContext,
): Finding {
  const { inventory } = context;
  const headroom = subnetHeadroomOf(inventory, subnetId);
  const codes = unique(list.map((failure) => stripPrefix(failure.code)));
  const fragmented = codes.includes('InsufficientCidrBlocks') || codes.includes('InvalidParameterValue');
  const fragmentNote =
    fragmented && headroom && headroom.freeIps >= 16
      ? ` The subnet still has ${headroom.freeIps} free IPs but ${headroom.freeBlocks} free aligned /28 blocks: it is fragmented, and prefix delegation needs whole blocks.`
      : '';
  const types = unique(list.flatMap((failure) => failure.instanceType ?? []));
  return buildFinding(SUBNET_EXHAUSTED, {
    subject: subnetId,
    summary: `${event.eventName} by ${actorLabel(event)} failed with ${codes.join(', ')} in ${subnetId}, a subnet of cluster ${clusters.join(', ')}${types.length ? ` (instance types ${types.join(', ')})` : ''}: new pods or nodes cannot get addresses there. Now: ${describeHeadroom(subnetId, headroom)}.${fragmentNote}`,
    clusters,
    resources: [{ type: 'subnet', id: subnetId }],
    blastRadius: subnetBlast(inventory, subnetId, clusters),
    evidence: {
      ...eventEvidence(event, list[0] ? { code: list[0].code, message: list[0].message } : undefined),
      state: describeHeadroom(subnetId, headroom),
      details: {
        subnetId,
        errors: list.map((failure) => ({
          errorCode: failure.code,
          ...(failure.message ? { errorMessage: failure.message } : {}),
          ...(failure.instanceType ? { instanceType: failure.instanceType } : {}),
        })),
        ...headroomDetails(headroom),
      },
    },
    recommendation: {
      text: fragmented
        ? 'Reserve space for prefixes: create a subnet CIDR reservation of type prefix (or a new subnet) so /28 blocks stay whole, and spread node groups over subnets with room. Freeing single addresses does not help a fragmented subnet.'
        : 'Give the cluster more room: add subnets (or a secondary VPC CIDR with custom networking) to the node groups and Karpenter, lower WARM_IP_TARGET/WARM_ENI_TARGET so idle nodes hold fewer addresses, or use prefix delegation with a prefix reservation.',
      links: [LINKS.prefixDelegation, LINKS.subnetReservations, LINKS.customNetworking],
    },
    context,
    event,
  });
}
