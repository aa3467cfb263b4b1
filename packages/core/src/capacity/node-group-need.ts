/**
 * What a node group still needs from a subnet to reach its maximum size: the subnet side of `subnet-headroom-low` and
 * of the report's subnet bars, so a finding and a bar never disagree. Pure over the inventory.
 */

import { nodesOf } from '../inventory/node-queries.ts';
import { sgpStatus } from '../inventory/sgp.ts';
import type { Inventory, NodeGroup, SnapshotKey } from '../types/inventory.ts';
import { effectiveMaxPods } from './effective-max-pods.ts';
import { cniSettingsOf, nodeIpNeed } from './subnet-headroom.ts';

/** What a node group needs from one of its subnets to reach its maximum size (see {@link groupNeed}). */
/** What a node group's need (its nodes, effective maxPods and CNI settings) is worked out from. */
export const NODE_GROUP_NEED_READS = [
  'DescribeNetworkInterfaces',
  'DescribeInstances',
  'DescribeInstanceTypes',
  'DescribeLaunchTemplateVersions',
  'DescribeAutoScalingGroups',
  'DescribeCluster',
  'DescribeNodegroup',
  'DescribeAddon',
] as const satisfies readonly SnapshotKey[];

export interface GroupNeed {
  nodeGroup: string;
  cluster: string;
  instanceType: string;
  /** Nodes the group may still add, and this subnet's share of them. */
  growth: number;
  nodesHere: number;
  ips: number;
  blocks: number;
  formula: string;
}

/**
 * What a node group still needs from one of its subnets to reach its maximum size, spread evenly over its subnets; the
 * worst of its instance types (a type nobody knows gives no need). Undefined when the group does not use the subnet,
 * has no maximum or is at it.
 *
 * @example
 * groupNeed(inventory, inventory.nodeGroup('prod', 'ng-sgp')!, 'subnet-0f00000000000000f')?.ips; // 46
 */
export function groupNeed(inventory: Inventory, group: NodeGroup, subnetId: string): GroupNeed | undefined {
  const max = group.scaling.maxSize;
  if (max === undefined || !group.subnets.includes(subnetId)) return undefined;
  const current = nodesOf(inventory, { cluster: group.clusterName, nodeGroup: group.name }).length;
  const growth = Math.max(0, max - current);
  const nodesHere = Math.ceil(growth / Math.max(1, group.subnets.length));
  if (nodesHere === 0) return undefined;
  const cni = cniSettingsOf(inventory, group.clusterName);
  const sgp = sgpStatus(inventory, group.clusterName).enabled === true;
  let worst: GroupNeed | undefined;
  for (const instanceType of group.instanceTypes) {
    const typeInfo = inventory.instanceTypes.find((type) => type.instanceType === instanceType);
    try {
      const maxPods = effectiveMaxPods(inventory, group, instanceType, cni.mode === 'prefix-delegation').value;
      const need = nodeIpNeed(instanceType, {
        mode: cni.mode,
        sgp,
        maxPods,
        warmPrefixTarget: cni.warmPrefixTarget,
        ...(typeInfo ? { instanceTypeInfo: typeInfo } : {}),
      });
      const candidate: GroupNeed = {
        nodeGroup: group.name,
        cluster: group.clusterName,
        instanceType,
        growth,
        nodesHere,
        ips: need.ips * nodesHere,
        blocks: need.blocks * nodesHere,
        formula: `${nodesHere} node(s) × ${need.formula}`,
      };
      if (!worst || candidate.ips + candidate.blocks * 16 > worst.ips + worst.blocks * 16) worst = candidate;
    } catch {
      // A type nobody knows (or prefix delegation on Xen) gives no need; the percentage rule still judges the subnet.
    }
  }
  return worst;
}
