/**
 * `subnet-headroom-low`: a cluster subnet has fewer free IPs (or, under prefix delegation, free aligned /28 blocks)
 * than its node groups need at maximum size, or less than the configured percentage. Judged from state by the scan,
 * and when a node group is created or given a new maximum size.
 */
import { type GroupNeed, groupNeed, NODE_GROUP_NEED_READS } from '../../capacity/node-group-need.ts';
import { cniSettingsOf, type SubnetHeadroom, subnetHeadroomOf } from '../../capacity/subnet-headroom.ts';
import type { CloudTrailEvent } from '../../cloudtrail/types.ts';
import { unique } from '../../collections.ts';
import { eventEvidence } from '../../findings/build.ts';
import { clusterSubnets, clustersOfSubnet } from '../../inventory/queries.ts';
import { sgpStatus } from '../../inventory/sgp.ts';
import { prefixDelegationRemediation } from '../../remediation/prefix-delegation.ts';
import type { Finding, Severity } from '../../types/finding.ts';
import type { NodeGroup } from '../../types/inventory.ts';
import { type DetectorContext, defineRule, type RuleDefinition } from '../define.ts';
import { classifyEvent, ON_NODEGROUP_CHANGED } from './events.ts';
import { buildFinding, describeHeadroom, headroomDetails, LINKS, subnetBlast } from './finding.ts';
import { nodeGroupAfter } from './nodegroup-event.ts';

const SUBNET_HEADROOM_LOW = {
  id: 'subnet-headroom-low',
  severity: 'medium',
  title: 'Cluster subnet headroom low',
  description:
    'A cluster subnet has fewer free IPs (or, under prefix delegation, free aligned /28 blocks) than its node groups need at maximum size, or less than the configured percentage.',
} as const satisfies RuleDefinition;

/** Below this share of free space the subnet is about to fail calls: the finding is raised to high. */
const CRITICAL_PERCENT = 5;

export const subnetHeadroomLow = defineRule({
  ...SUBNET_HEADROOM_LOW,
  reads: [...NODE_GROUP_NEED_READS, 'DescribeSubnets', 'DescribeSubnetCidrReservations'],
  events: {
    on: ON_NODEGROUP_CHANGED,
    kinds: ['nodegroup-changed'],
    needsInventory: (event) => classifyEvent(event) === 'nodegroup',
    evaluate: (event, context) => {
      if (classifyEvent(event) !== 'nodegroup') return [];
      const group = nodeGroupAfter(event.detail, context.inventory);
      return group.subnets.flatMap((subnetId) => {
        const clusters = unique([...clustersOfSubnet(context.inventory, subnetId), group.clusterName]).sort();
        return judgeSubnetHeadroom(subnetId, clusters, context, event, group) ?? [];
      });
    },
  },
  scan: (context) =>
    [...clusterSubnets(context.inventory)].flatMap(
      ([subnetId, clusters]) => judgeSubnetHeadroom(subnetId, clusters, context, undefined) ?? [],
    ),
});

/** Why a subnet is short, with the numbers behind it. */
interface HeadroomVerdict {
  headroom: SubnetHeadroom;
  prefixMode: boolean;
  percent: number;
  needs: GroupNeed[];
  needIps: number;
  needBlocks: number;
  reasons: string[];
}

/** Judges one subnet; `override` is a node group as a call just left it, in place of its live state. */
function headroomVerdict(
  subnetId: string,
  clusters: string[],
  context: DetectorContext,
  override?: NodeGroup,
): HeadroomVerdict | undefined {
  const { inventory, config } = context;
  const headroom = subnetHeadroomOf(inventory, subnetId);
  if (!headroom) return undefined;
  const prefixMode = clusters.some((cluster) => cniSettingsOf(inventory, cluster).mode === 'prefix-delegation');
  const groups = inventory.nodeGroups
    .filter((group) => !(override && group.clusterName === override.clusterName && group.name === override.name))
    .concat(override ? [override] : []);
  const needs = groups.flatMap((group) => groupNeed(inventory, group, subnetId) ?? []);
  const needIps = needs.reduce((sum, need) => sum + need.ips, 0);
  const needBlocks = needs.reduce((sum, need) => sum + need.blocks, 0);
  // Under prefix delegation what pods can use is whole /28 blocks, not single addresses.
  const podRoom = prefixMode ? headroom.freeBlocks * 16 : headroom.freeIps;
  const percent = headroom.usable === 0 ? 0 : Math.round((podRoom / headroom.usable) * 1000) / 10;
  const reasons: string[] = [];
  if (percent < config.subnetHeadroomPercent)
    reasons.push(
      `${percent} % ${prefixMode ? 'of its space is in free /28 blocks' : 'of its addresses are free'}, below ${config.subnetHeadroomPercent} %`,
    );
  if (needIps > headroom.freeIps)
    reasons.push(`its node groups need ${needIps} IPs to reach their maximum size, ${headroom.freeIps} are free`);
  if (needBlocks > headroom.freeBlocks)
    reasons.push(
      `its node groups need ${needBlocks} /28 blocks to reach their maximum size, ${headroom.freeBlocks} are free`,
    );
  if (reasons.length === 0) return undefined;
  return { headroom, prefixMode, percent, needs, needIps, needBlocks, reasons };
}

function judgeSubnetHeadroom(
  subnetId: string,
  clusters: string[],
  context: DetectorContext,
  event: CloudTrailEvent | undefined,
  override?: NodeGroup,
): Finding | undefined {
  const verdict = headroomVerdict(subnetId, clusters, context, override);
  if (!verdict) return undefined;
  const { inventory, config } = context;
  const { headroom, prefixMode, needs, needIps, needBlocks } = verdict;
  const severity: Severity = verdict.percent < CRITICAL_PERCENT ? 'high' : SUBNET_HEADROOM_LOW.severity;
  // One cluster on the subnet: prefix delegation is its setting to change, when the checks say it is safe.
  const prefixFix =
    clusters.length === 1 && !prefixMode
      ? prefixDelegationRemediation(inventory, clusters[0]!, sgpStatus(inventory, clusters[0]!).enabled === true)
      : undefined;
  return buildFinding(SUBNET_HEADROOM_LOW, {
    subject: subnetId,
    severity,
    summary: `${describeHeadroom(subnetId, headroom)}, used by cluster ${clusters.join(', ')}${prefixMode ? ' (prefix delegation)' : ''}: ${verdict.reasons.join('; ')}.`,
    clusters,
    resources: [{ type: 'subnet', id: subnetId }],
    blastRadius: subnetBlast(inventory, subnetId, clusters),
    evidence: {
      ...(event
        ? eventEvidence(event)
        : { state: `${subnetId}: DescribeSubnets, DescribeNetworkInterfaces, DescribeSubnetCidrReservations` }),
      details: {
        ...headroomDetails(headroom),
        mode: prefixMode ? 'prefix-delegation' : 'secondary-ip',
        threshold: config.subnetHeadroomPercent,
        needIps,
        needBlocks,
        needs: needs.map((need) => ({ ...need })),
      },
    },
    recommendation: {
      text: prefixMode
        ? 'Keep /28 blocks whole: create a subnet CIDR reservation of type prefix for the pods, or add subnets with room to the node groups; lower maxSize until then.'
        : 'Add subnets with room (or a secondary VPC CIDR with custom networking) to the node groups, lower WARM_ENI_TARGET/WARM_IP_TARGET, or use prefix delegation; lower maxSize until then.',
      links: [LINKS.prefixDelegation, LINKS.subnetReservations, LINKS.customNetworking],
    },
    ...(prefixFix && 'remediation' in prefixFix ? { remediation: prefixFix.remediation } : {}),
    context,
    ...(event ? { event } : {}),
  });
}
