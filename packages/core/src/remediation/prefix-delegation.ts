/**
 * When turning on VPC CNI prefix delegation is a safe fix for a subnet short of addresses, and with which maxPods.
 * Only for `subnet-headroom-low` (never `subnet-exhausted`: `InsufficientCidrBlocks` is the fragmentation prefix
 * delegation itself suffers from), and only when every node type of the cluster is Nitro by the limits table, the
 * VPC CNI add-on is 1.9.0 or later, and every subnet of the cluster's node groups has the free aligned /28 blocks the
 * groups need at maximum size: nodes × (⌈maxPods / 16⌉ + WARM_PREFIX_TARGET). Only new nodes get prefixes.
 */
import { findInstanceLimits } from '../capacity/instance-limits.ts';
import { computeMaxPods } from '../capacity/max-pods.ts';
import { cniSettingsOf, subnetHeadroomOf } from '../capacity/subnet-headroom.ts';
import type { Remediation } from '../types/finding.ts';
import type { Inventory, NodeGroup } from '../types/inventory.ts';

const MINIMUM_CNI: [number, number, number] = [1, 9, 0];

/** `v1.19.2-eksbuild.1` → [1, 19, 2]; undefined when unreadable. */
export function cniVersion(version: string | undefined): [number, number, number] | undefined {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version?.trim() ?? '');
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

function atLeast(version: [number, number, number], minimum: [number, number, number]): boolean {
  for (let i = 0; i < 3; i++) if (version[i] !== minimum[i]) return version[i]! > minimum[i]!;
  return true;
}

/** The maxPods a group's nodes get under prefix delegation (EKS cap, SGP trunk counted): the smallest of its types. */
function prefixMaxPods(group: NodeGroup, sgp: boolean, inventory: Inventory): number | undefined {
  let smallest: number | undefined;
  for (const type of group.instanceTypes) {
    const limits = findInstanceLimits(type);
    if (limits?.source !== 'table' || limits.hypervisor !== 'nitro') return undefined;
    const info = inventory.instanceTypes.find((candidate) => candidate.instanceType === type);
    const maxPods = computeMaxPods(type, {
      prefixDelegation: true,
      sgp,
      cap: 'eks',
      ...(info ? { instanceTypeInfo: info } : {}),
    }).maxPods;
    smallest = smallest === undefined ? maxPods : Math.min(smallest, maxPods);
  }
  return smallest;
}

/**
 * The enable-prefix-delegation remediation for one cluster, or why there is none (`reason`), checked over all the
 * subnets of the cluster's node groups (the setting is cluster-wide).
 */
export function prefixDelegationRemediation(
  inventory: Inventory,
  cluster: string,
  sgp: boolean,
): { remediation: Remediation } | { reason: string } {
  const cni = cniSettingsOf(inventory, cluster);
  if (cni.mode === 'prefix-delegation') return { reason: 'prefix delegation is already on' };
  const addon = inventory.addons.find((candidate) => candidate.clusterName === cluster && candidate.name === 'vpc-cni');
  const version = cniVersion(addon?.version);
  if (!version || !atLeast(version, MINIMUM_CNI))
    return { reason: `the vpc-cni add-on version (${addon?.version ?? 'unknown'}) is not known to be 1.9.0 or later` };
  const groups = inventory.nodeGroups.filter((group) => group.clusterName === cluster);
  if (groups.length === 0) return { reason: 'no node group of the cluster is known' };
  const maxPods: Record<string, number> = {};
  const blocksBySubnet = new Map<string, number>();
  for (const group of groups) {
    const value = prefixMaxPods(group, sgp, inventory);
    if (value === undefined)
      return { reason: `node group ${group.name} has a type that is not Nitro by the limits table` };
    const max = group.scaling.maxSize;
    if (max === undefined || group.subnets.length === 0)
      return { reason: `node group ${group.name} has no known maximum size or subnets` };
    maxPods[group.name] = value;
    const perSubnet = Math.ceil(max / group.subnets.length);
    const blocks = perSubnet * (Math.ceil(value / 16) + cni.warmPrefixTarget);
    for (const subnet of group.subnets) blocksBySubnet.set(subnet, (blocksBySubnet.get(subnet) ?? 0) + blocks);
  }
  for (const [subnet, blocks] of blocksBySubnet) {
    const free = subnetHeadroomOf(inventory, subnet)?.freeBlocks;
    if (free === undefined || free < blocks)
      return {
        reason: `subnet ${subnet} has ${free ?? 'unknown'} free /28 blocks; the node groups need ${blocks} at maximum size`,
      };
  }
  return {
    remediation: {
      action: 'enable-prefix-delegation',
      target: { type: 'cluster', id: cluster, cluster, addon: 'vpc-cni' },
      set: { ENABLE_PREFIX_DELEGATION: 'true', WARM_PREFIX_TARGET: cni.warmPrefixTarget, maxPods },
      reason: `prefix delegation gives each new node /28 blocks instead of single addresses, and the subnets have the free blocks the node groups need at maximum size; only nodes launched after the change benefit`,
    },
  };
}
