/**
 * Subnet headroom: how many IPv4 addresses, and how many aligned /28 blocks, a subnet can still hand to pods; and how
 * many a node needs. Under prefix delegation the VPC CNI asks EC2 for /28 prefixes, which must be aligned and wholly
 * free, so a fragmented subnet fails with `InsufficientCidrBlocks` while hundreds of single addresses are free: free
 * IPs alone do not tell. Pure arithmetic over the inventory; no AWS call.
 */

import { vpcCniEnv } from '../inventory/addon-config.ts';
import { parseCidr } from '../inventory/cidr.ts';
import type { InstanceTypeInfo, Inventory, Subnet } from '../types/inventory.ts';
import { computeMaxPods, IPS_PER_PREFIX } from './max-pods.ts';

/** Addresses AWS keeps in every subnet: the first four (network, router, DNS, future) and the last. */
export const AWS_RESERVED_PER_SUBNET = 5;
/** Addresses in one delegated prefix (a /28). */
export const BLOCK_SIZE = IPS_PER_PREFIX;
/** The largest IPv4 subnet AWS allows is a /16; larger inputs are refused rather than walked address by address. */
const MAX_SUBNET_ADDRESSES = 65_536;

/** A subnet CIDR reservation as `DescribeSubnetCidrReservations` gives it. */
export interface CidrReservationInput {
  cidr: string;
  /** `prefix`: EC2 may delegate prefixes from it; `explicit`: only addresses assigned by hand come from it. */
  reservationType: string;
}

/** What {@link computeSubnetHeadroom} reads: the subnet and what already uses it. */
export interface SubnetUsageInput {
  /** The subnet's IPv4 CIDR. */
  cidr: string;
  /** Private IPv4 addresses of ENIs in the subnet (primary and secondary). */
  usedAddresses: readonly string[];
  /** IPv4 prefixes delegated to ENIs in the subnet (`10.0.64.16/28`). */
  usedPrefixes: readonly string[];
  reservations: readonly CidrReservationInput[];
  /**
   * `AvailableIpAddressCount` from DescribeSubnets. When it is lower than what the ENIs leave free, addresses the
   * inventory does not see are in use (ENIs of other accounts in a shared subnet, a scoped load); the counts are then
   * lowered to stay on the safe side.
   */
  reportedAvailable?: number;
  /** False when DescribeNetworkInterfaces was not known: only `reportedAvailable` can be trusted then. */
  enisKnown?: boolean;
}

/** How much room a subnet has, as single addresses and as aligned /28 blocks, with the inputs shown. */
export interface SubnetHeadroom {
  cidr: string;
  /** Addresses in the CIDR. */
  size: number;
  /** `size` minus the five AWS keeps. */
  usable: number;
  /** Addresses ENIs hold (single addresses plus every address of a delegated prefix). */
  used: number;
  /** Unused addresses inside CIDR reservations (of either type): EC2 never auto-assigns single addresses from them. */
  reservedUnused: number;
  /** Unused addresses inside `prefix` reservations (a part of `reservedUnused`): they can still serve /28 prefixes. */
  prefixReservedUnused: number;
  /** Addresses EC2 can auto-assign as secondary IPs: not used, not kept by AWS, not in a reservation. */
  freeIps: number;
  /** Aligned /28 blocks EC2 can delegate: no used or AWS-kept address, not overlapping an `explicit` reservation. */
  freeBlocks: number;
  /** `freeIps` as a percentage of `usable`. */
  percentFree: number;
  /** Addresses `AvailableIpAddressCount` says are in use that no known ENI holds (0 when it agrees or is unknown). */
  unseenUsed: number;
  /** How the numbers were reached, for the finding's evidence. */
  notes: string[];
}

function ipv4Range(text: string): { start: number; size: number } | undefined {
  const parsed = parseCidr(text);
  if (parsed?.family !== 'ipv4') return undefined;
  return { start: Number(parsed.address), size: 2 ** (32 - parsed.prefix) };
}

const FREE = 0;
const USED = 1;
const AWS_KEPT = 2;
const EXPLICIT = 3;
const PREFIX_RESERVED = 4;

/**
 * Room left in one IPv4 subnet. Every address gets one state (used wins over reserved): free, used by an ENI, kept by
 * AWS, or inside an `explicit` or `prefix` reservation. Free IPs are the free addresses; a /28 block is free when each
 * of its 16 addresses is free or inside a `prefix` reservation, which exists precisely to serve prefixes (AWS VPC user
 * guide, "Subnet CIDR reservations": `prefix` — AWS assigns the reserved addresses to network interfaces as prefixes;
 * `explicit` — only you assign them).
 *
 * When `reportedAvailable` is lower than the free IPs the ENIs leave, the difference (`unseenUsed`) is taken off the free
 * IPs, and off the free blocks too, since each unseen address can spoil at most one block: the result is a lower bound.
 *
 * @throws RangeError for a CIDR that is not IPv4 or is larger than a /16.
 * @example
 * computeSubnetHeadroom({ cidr: '10.0.0.0/24', usedAddresses: ['10.0.0.20'], usedPrefixes: [], reservations: [] });
 * // { usable: 251, used: 1, freeIps: 250, freeBlocks: 13, … } (blocks 0 and 15 hold AWS's addresses, block 1 .20)
 */
export function computeSubnetHeadroom(input: SubnetUsageInput): SubnetHeadroom {
  const subnet = ipv4Range(input.cidr);
  if (!subnet || subnet.size > MAX_SUBNET_ADDRESSES) {
    throw new RangeError(`subnet headroom needs an IPv4 CIDR of /16 or smaller, got ${JSON.stringify(input.cidr)}`);
  }
  const counts = countStates(addressStates(input, subnet.start, subnet.size));
  const usable = Math.max(0, subnet.size - AWS_RESERVED_PER_SUBNET);
  const { freeIps, freeBlocks, unseenUsed, notes } = lowerToReported(input, counts);
  const { explicitUnused, prefixReservedUnused } = counts;
  if (explicitUnused + prefixReservedUnused > 0) {
    notes.push(
      `${explicitUnused + prefixReservedUnused} unused addresses in CIDR reservations are not free for secondary IPs` +
        (prefixReservedUnused > 0 ? ` (${prefixReservedUnused} in prefix reservations can serve /28 prefixes)` : ''),
    );
  }
  return {
    cidr: input.cidr,
    size: subnet.size,
    usable,
    used: counts.used,
    reservedUnused: explicitUnused + prefixReservedUnused,
    prefixReservedUnused,
    freeIps,
    freeBlocks,
    percentFree: usable === 0 ? 0 : Math.round((freeIps / usable) * 1000) / 10,
    unseenUsed,
    notes,
  };
}

/** One state per address of the subnet: reservations first, then AWS's own addresses and use, which override them. */
function addressStates(input: SubnetUsageInput, start: number, size: number): Uint8Array {
  const state = new Uint8Array(size);
  const mark = (range: { start: number; size: number } | undefined, value: number) => {
    if (!range) return;
    const lo = Math.max(range.start, start);
    const hi = Math.min(range.start + range.size, start + size);
    for (let address = lo; address < hi; address++) state[address - start] = value;
  };
  for (const reservation of input.reservations) {
    mark(ipv4Range(reservation.cidr), reservation.reservationType === 'explicit' ? EXPLICIT : PREFIX_RESERVED);
  }
  for (const index of [0, 1, 2, 3, size - 1]) if (index >= 0 && index < size) state[index] = AWS_KEPT;
  for (const address of input.usedAddresses) mark(ipv4Range(address), USED);
  for (const prefix of input.usedPrefixes) mark(ipv4Range(prefix), USED);
  return state;
}

interface StateCounts {
  used: number;
  freeIps: number;
  explicitUnused: number;
  prefixReservedUnused: number;
  freeBlocks: number;
}

function countStates(state: Uint8Array): StateCounts {
  const counts: StateCounts = { used: 0, freeIps: 0, explicitUnused: 0, prefixReservedUnused: 0, freeBlocks: 0 };
  for (const value of state) {
    if (value === USED) counts.used += 1;
    else if (value === FREE) counts.freeIps += 1;
    else if (value === EXPLICIT) counts.explicitUnused += 1;
    else if (value === PREFIX_RESERVED) counts.prefixReservedUnused += 1;
  }
  // Subnet CIDRs are at most /28 long, so the subnet start is itself /28-aligned.
  for (let block = 0; block + BLOCK_SIZE <= state.length; block += BLOCK_SIZE) {
    let free = true;
    for (let i = block; i < block + BLOCK_SIZE && free; i++) {
      free = state[i] === FREE || state[i] === PREFIX_RESERVED;
    }
    if (free) counts.freeBlocks += 1;
  }
  return counts;
}

/** Free IPs and blocks lowered to what `AvailableIpAddressCount` allows (see {@link computeSubnetHeadroom}). */
function lowerToReported(
  input: SubnetUsageInput,
  counts: StateCounts,
): { freeIps: number; freeBlocks: number; unseenUsed: number; notes: string[] } {
  const { freeIps, freeBlocks, prefixReservedUnused } = counts;
  const reported = input.reportedAvailable;
  if (!(input.enisKnown ?? true) && reported !== undefined) {
    // Without ENIs only the reported count is known; blocks are then at most what the free addresses could fill.
    const lowered = Math.min(freeIps, reported);
    return {
      freeIps: lowered,
      freeBlocks: Math.min(freeBlocks, Math.floor((lowered + prefixReservedUnused) / BLOCK_SIZE)),
      unseenUsed: Math.max(0, freeIps - reported),
      notes: [
        'ENIs not known (DescribeNetworkInterfaces): free IPs from AvailableIpAddressCount, blocks an upper bound',
      ],
    };
  }
  if (reported !== undefined && reported < freeIps) {
    const unseenUsed = freeIps - reported;
    return {
      freeIps: reported,
      freeBlocks: Math.max(0, freeBlocks - unseenUsed),
      unseenUsed,
      notes: [
        `AvailableIpAddressCount (${reported}) is ${unseenUsed} below what the known ENIs leave free: counted as used`,
      ],
    };
  }
  return { freeIps, freeBlocks, unseenUsed: 0, notes: [] };
}

/**
 * {@link computeSubnetHeadroom} for a subnet of the inventory: its ENIs' addresses and prefixes, its CIDR reservations
 * and its `AvailableIpAddressCount`. Undefined for a subnet the inventory does not know or one without an IPv4 CIDR.
 *
 * @example
 * subnetHeadroomOf(inventory, 'subnet-0f00000000000000f')?.freeIps; // 3
 */
export function subnetHeadroomOf(inventory: Inventory, subnetId: string): SubnetHeadroom | undefined {
  const subnet: Subnet | undefined = inventory.subnet(subnetId);
  const range = subnet ? ipv4Range(subnet.cidr) : undefined;
  if (!subnet || !range || range.size > MAX_SUBNET_ADDRESSES) return undefined;
  const enis = inventory.networkInterfaces.filter((eni) => eni.subnetId === subnetId);
  return computeSubnetHeadroom({
    cidr: subnet.cidr,
    usedAddresses: enis.flatMap((eni) => eni.privateIps),
    usedPrefixes: enis.flatMap((eni) => eni.ipv4Prefixes),
    reservations: inventory.subnetCidrReservations.filter((reservation) => reservation.subnetId === subnetId),
    reportedAvailable: subnet.availableIpAddressCount,
    enisKnown: inventory.knows('DescribeNetworkInterfaces'),
  });
}

/** The VPC CNI's IP mode on a cluster. */
export type CniMode = 'secondary-ip' | 'prefix-delegation';

/** The VPC CNI settings headroom math needs, and where they came from. */
export interface CniSettings {
  mode: CniMode;
  /** `WARM_PREFIX_TARGET` (default 1): prefixes the CNI keeps ready beyond those in use. */
  warmPrefixTarget: number;
  source: string;
}

/**
 * The CNI mode of a cluster: prefix delegation when the `vpc-cni` add-on sets `ENABLE_PREFIX_DELEGATION=true` or a node
 * of the cluster already holds delegated prefixes (`kubectl set env` changes leave no trace in the add-on).
 *
 * @example
 * cniSettingsOf(inventory, 'prod'); // { mode: 'secondary-ip', warmPrefixTarget: 1, source: 'vpc-cni add-on' }
 */
export function cniSettingsOf(inventory: Inventory, cluster: string): CniSettings {
  const addon = inventory.addons.find((candidate) => candidate.clusterName === cluster && candidate.name === 'vpc-cni');
  const env = addon ? vpcCniEnv(addon) : undefined;
  const warm = Number(env?.WARM_PREFIX_TARGET);
  const warmPrefixTarget = Number.isInteger(warm) && warm >= 0 ? warm : 1;
  if (env?.ENABLE_PREFIX_DELEGATION?.trim().toLowerCase() === 'true') {
    return { mode: 'prefix-delegation', warmPrefixTarget, source: 'vpc-cni add-on ENABLE_PREFIX_DELEGATION' };
  }
  const nodeIds = new Set(
    inventory
      .nodes()
      .filter((node) => node.cluster === cluster)
      .map((node) => node.instance.id),
  );
  const delegated = inventory.networkInterfaces.some(
    (eni) => eni.attachment?.instanceId && nodeIds.has(eni.attachment.instanceId) && eni.ipv4Prefixes.length > 0,
  );
  if (delegated) return { mode: 'prefix-delegation', warmPrefixTarget, source: 'delegated prefixes on its nodes' };
  return { mode: 'secondary-ip', warmPrefixTarget, source: addon ? 'vpc-cni add-on' : 'default (add-on not known)' };
}

/** What one node of a type may take from its subnet. */
export interface NodeIpNeed {
  instanceType: string;
  mode: CniMode;
  /** Single addresses: every ENI's primary address, plus (secondary-IP mode) every secondary slot. */
  ips: number;
  /** /28 blocks (prefix delegation only; 0 otherwise). */
  blocks: number;
  /** The arithmetic, for the finding. */
  formula: string;
}

/**
 * What one node may claim from its subnet at full use.
 *
 * Secondary-IP mode: the type's full IP capacity, `ENIs × IPs per ENI` (default network card). This is the upper bound
 * the CNI reaches once pods fill the node: with the default `WARM_ENI_TARGET=1` it attaches a whole further ENI, all its
 * slots filled, as soon as one is in use, so a busy node holds every slot of every ENI. Under SGP the trunk ENI takes
 * one ENI slot but only its own primary address (branch ENIs count against maxPods, which the slots already bound).
 *
 * Prefix delegation: `ceil(maxPods / 16) + WARM_PREFIX_TARGET` blocks (the pods the kubelet admits, plus the warm
 * prefix), at most the slots the ENIs have, and one single address per ENI that carries prefixes.
 *
 * @example
 * nodeIpNeed('m5.large', { mode: 'secondary-ip' }).ips; // 30: 3 × 10
 * nodeIpNeed('m5.large', { mode: 'prefix-delegation', maxPods: 110 }).blocks; // 8: ceil(110 / 16) + 1
 */
export function nodeIpNeed(
  instanceType: string,
  options: {
    mode: CniMode;
    sgp?: boolean;
    maxPods?: number;
    warmPrefixTarget?: number;
    instanceTypeInfo?: InstanceTypeInfo;
  },
): NodeIpNeed {
  const capacity = computeMaxPods(instanceType, {
    sgp: options.sgp ?? false,
    ...(options.instanceTypeInfo ? { instanceTypeInfo: options.instanceTypeInfo } : {}),
  });
  const { enis, ipv4PerEni, usableEnis, reservedEnis } = capacity;
  if (options.mode === 'secondary-ip') {
    const ips = usableEnis * ipv4PerEni + reservedEnis;
    const formula =
      reservedEnis > 0
        ? `(${enis} − ${reservedEnis}) × ${ipv4PerEni} + ${reservedEnis} (trunk primary) = ${ips} IPs`
        : `${enis} × ${ipv4PerEni} = ${ips} IPs`;
    return { instanceType: capacity.instanceType, mode: 'secondary-ip', ips, blocks: 0, formula };
  }
  const warm = options.warmPrefixTarget ?? 1;
  const slots = usableEnis * (ipv4PerEni - 1);
  const pods = options.maxPods ?? computeMaxPods(instanceType, { prefixDelegation: true, cap: 'eks' }).maxPods;
  const wanted = Math.ceil(pods / BLOCK_SIZE) + warm;
  const blocks = Math.min(slots, wanted);
  const enisWithPrefixes = Math.min(usableEnis, Math.max(1, Math.ceil(blocks / Math.max(1, ipv4PerEni - 1))));
  const ips = enisWithPrefixes + reservedEnis;
  const formula = `min(${usableEnis} × (${ipv4PerEni} − 1), ceil(${pods} / 16) + ${warm}) = ${blocks} /28 blocks, ${ips} single IPs`;
  return { instanceType: capacity.instanceType, mode: 'prefix-delegation', ips, blocks, formula };
}
