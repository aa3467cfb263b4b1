/**
 * The numbers behind the capacity pictures, from the same core functions the `ip-pool-exhaustion` detector judges by
 * (so a bar and a finding never disagree): subnet headroom with what node groups need at maximum size, and each node
 * group's maxPods against the pod IPs its instance type holds with and without the SGP trunk.
 */
import {
  clusterSubnets,
  cniSettingsOf,
  computeMaxPods,
  effectiveMaxPods,
  groupNeed,
  type Inventory,
  sgpStatus,
  subnetHeadroomOf,
} from '@podnet-guard/core';

export interface SubnetBar {
  subnetId: string;
  cidr: string;
  availabilityZone?: string;
  usable: number;
  used: number;
  reserved: number;
  freeIps: number;
  /** Addresses the node groups on this subnet need to reach their maximum size. */
  neededIps: number;
  prefixDelegation: boolean;
  /** Aligned /28 blocks in the subnet, free ones, and the ones needed at maximum size (prefix delegation). */
  totalBlocks: number;
  freeBlocks: number;
  neededBlocks: number;
  /** Node groups whose need was counted, with the arithmetic. */
  needs: { nodeGroup: string; ips: number; blocks: number; formula: string }[];
  short: boolean;
}

export interface CapacityBar {
  nodeGroup: string;
  instanceType: string;
  maxPods: number;
  maxPodsSource: string;
  /** Pod IPs a node holds without SGP, and with the trunk ENI taking one ENI slot. */
  capacity: number;
  capacitySgp: number;
  formula: string;
  formulaSgp: string;
  /** Whether the cluster runs SGP: decides which capacity maxPods is judged against. */
  sgp: boolean | 'unknown';
  /** False for types that cannot hold a trunk ENI (`t3`, `m4`, …): no SGP pod runs there at all. */
  trunkingCompatible: boolean | 'unknown';
  over: boolean;
}

/** Headroom of every subnet the cluster uses, in subnet id order. */
export function subnetBarsOf(inventory: Inventory, cluster: string): SubnetBar[] {
  const bars: SubnetBar[] = [];
  for (const [subnetId, clusters] of clusterSubnets(inventory)) {
    if (!clusters.includes(cluster)) continue;
    const headroom = subnetHeadroomOf(inventory, subnetId);
    if (!headroom) continue;
    const prefixDelegation = clusters.some((name) => cniSettingsOf(inventory, name).mode === 'prefix-delegation');
    const needs = inventory.nodeGroups.flatMap((group) => groupNeed(inventory, group, subnetId) ?? []);
    const neededIps = needs.reduce((sum, need) => sum + need.ips, 0);
    const neededBlocks = needs.reduce((sum, need) => sum + need.blocks, 0);
    const subnet = inventory.subnet(subnetId);
    bars.push({
      subnetId,
      cidr: headroom.cidr,
      ...(subnet?.availabilityZone ? { availabilityZone: subnet.availabilityZone } : {}),
      usable: headroom.usable,
      used: headroom.used + headroom.unseenUsed,
      reserved: headroom.reservedUnused,
      freeIps: headroom.freeIps,
      neededIps,
      prefixDelegation,
      totalBlocks: Math.floor(headroom.size / 16),
      freeBlocks: headroom.freeBlocks,
      neededBlocks,
      needs: needs.map((need) => ({
        nodeGroup: `${need.cluster}/${need.nodeGroup}`,
        ips: need.ips,
        blocks: need.blocks,
        formula: need.formula,
      })),
      short: neededIps > headroom.freeIps || (prefixDelegation && neededBlocks > headroom.freeBlocks),
    });
  }
  return bars;
}

/** maxPods against IP capacity for every (node group, instance type) of the cluster whose type is known. */
export function capacityBarsOf(inventory: Inventory, cluster: string): CapacityBar[] {
  const sgp = sgpStatus(inventory, cluster).enabled;
  const prefixDelegation = cniSettingsOf(inventory, cluster).mode === 'prefix-delegation';
  const bars: CapacityBar[] = [];
  const groups = inventory.nodeGroups
    .filter((group) => group.clusterName === cluster)
    .sort((a, b) => a.name.localeCompare(b.name));
  for (const group of groups) {
    for (const instanceType of group.instanceTypes) {
      const instanceTypeInfo = inventory.instanceTypes.find((type) => type.instanceType === instanceType);
      try {
        const options = { prefixDelegation, ...(instanceTypeInfo ? { instanceTypeInfo } : {}) };
        const plain = computeMaxPods(instanceType, options);
        const trunk = computeMaxPods(instanceType, { ...options, sgp: true });
        const effective = effectiveMaxPods(inventory, group, instanceType, prefixDelegation);
        const judged = sgp === true ? trunk.maxPods : plain.maxPods;
        bars.push({
          nodeGroup: group.name,
          instanceType,
          maxPods: effective.value,
          maxPodsSource: effective.source,
          capacity: plain.maxPods,
          capacitySgp: trunk.maxPods,
          formula: plain.formula,
          formulaSgp: trunk.formula,
          sgp,
          trunkingCompatible: plain.trunkingCompatible,
          over: effective.value > judged,
        });
      } catch {
        // An instance type nobody knows has no capacity to draw; the detector reports what it could not judge.
      }
    }
  }
  return bars;
}
