/**
 * Network limits of an EC2 instance type: the generated table first (it alone knows trunking and branch ENIs, which
 * DescribeInstanceTypes does not expose), DescribeInstanceTypes facts for types the table lacks.
 */
import { UnknownInstanceTypeError } from '../errors.ts';
import type { InstanceTypeInfo } from '../types/inventory.ts';
import { INSTANCE_LIMITS, INSTANCE_LIMITS_SOURCE } from './instance-limits.generated.ts';

export { INSTANCE_LIMITS_SOURCE };

/** The network facts capacity math needs about one instance type. */
export interface InstanceLimits {
  instanceType: string;
  /** `table`: the generated VPC resource controller table; `describe-instance-types`: the fallback facts. */
  source: 'table' | 'describe-instance-types';
  /** ENIs across all network cards. */
  maxEnis: number;
  /** IPv4 addresses per ENI, the ENI's primary address included. */
  ipv4PerEni: number;
  defaultNetworkCardIndex: number;
  /** `maximumNetworkInterfaces` of the default network card: the ENIs the VPC CNI uses for pods. */
  defaultCardMaxEnis: number;
  /** Whether the type can hold a trunk ENI (SGP). `'unknown'` when only DescribeInstanceTypes knew the type. */
  trunkingCompatible: boolean | 'unknown';
  /** Branch ENIs (SGP pods) one trunk holds on this type, at most 120; undefined when unknown. */
  branchInterfaces?: number;
  /** `nitro` or `xen`; undefined for bare metal (EC2 reports no hypervisor) or when unknown. */
  hypervisor?: string;
  isBareMetal?: boolean;
  /**
   * Whether the VPC CNI can assign /28 prefixes here (Nitro or bare metal, as its `IsPrefixDelegationSupported`
   * decides); `'unknown'` when the fallback facts carry neither hypervisor nor bare-metal flag.
   */
  prefixDelegationSupported: boolean | 'unknown';
}

/** How many types the generated table holds. */
export const INSTANCE_LIMITS_COUNT = Object.keys(INSTANCE_LIMITS).length;

function fromTable(instanceType: string): InstanceLimits | undefined {
  // hasOwn: a plain object also "has" `constructor`, `toString`, ….
  if (!Object.hasOwn(INSTANCE_LIMITS, instanceType)) return undefined;
  const [maxEnis, ipv4PerEni, branchInterfaces, flags, defaultCardEnis, defaultCardIndex] =
    INSTANCE_LIMITS[instanceType]!;
  const hypervisor = flags.includes('n') ? 'nitro' : flags.includes('x') ? 'xen' : undefined;
  const isBareMetal = flags.includes('m');
  return {
    instanceType,
    source: 'table',
    maxEnis,
    ipv4PerEni,
    defaultNetworkCardIndex: defaultCardIndex ?? 0,
    defaultCardMaxEnis: defaultCardEnis ?? maxEnis,
    trunkingCompatible: flags.includes('t'),
    branchInterfaces,
    ...(hypervisor ? { hypervisor } : {}),
    isBareMetal,
    prefixDelegationSupported: hypervisor === 'nitro' || isBareMetal,
  };
}

function fromDescribeInstanceTypes(instanceType: string, info: InstanceTypeInfo): InstanceLimits | undefined {
  const cardIndex = info.defaultNetworkCardIndex ?? 0;
  const card = info.networkCards.find((c) => c.networkCardIndex === cardIndex);
  // Without NetworkCards (older answers, hand-made snapshots) the type has one card holding every ENI.
  const defaultCardMaxEnis =
    card?.maximumNetworkInterfaces ?? (info.networkCards.length === 0 ? info.maxEnis : undefined);
  const maxEnis = info.maxEnis ?? (info.networkCards.length > 0 ? sumEnis(info) : undefined);
  if (defaultCardMaxEnis === undefined || maxEnis === undefined || info.ipv4PerEni === undefined) return undefined;
  const prefixDelegationSupported =
    info.hypervisor === 'nitro' || info.bareMetal === true
      ? true
      : info.hypervisor !== undefined || info.bareMetal === false
        ? false
        : 'unknown';
  return {
    instanceType,
    source: 'describe-instance-types',
    maxEnis,
    ipv4PerEni: info.ipv4PerEni,
    defaultNetworkCardIndex: cardIndex,
    defaultCardMaxEnis,
    // DescribeInstanceTypes says nothing about trunking: never guess false from it.
    trunkingCompatible: 'unknown',
    ...(info.hypervisor !== undefined ? { hypervisor: info.hypervisor } : {}),
    ...(info.bareMetal !== undefined ? { isBareMetal: info.bareMetal } : {}),
    prefixDelegationSupported,
  };
}

function sumEnis(info: InstanceTypeInfo): number {
  return info.networkCards.reduce((sum, card) => sum + card.maximumNetworkInterfaces, 0);
}

/**
 * Like {@link lookupInstanceLimits} but returns undefined for a type nobody knows.
 *
 * @example
 * findInstanceLimits('m5.large')?.defaultCardMaxEnis; // 3
 * findInstanceLimits('zz9.huge'); // undefined
 */
export function findInstanceLimits(instanceType: string, fallback?: InstanceTypeInfo): InstanceLimits | undefined {
  const type = instanceType.trim().toLowerCase();
  const table = fromTable(type);
  if (table) return table;
  // A fallback about another type is a caller's mix-up; using it would give that type's numbers.
  if (!fallback || fallback.instanceType.trim().toLowerCase() !== type) return undefined;
  return fromDescribeInstanceTypes(type, fallback);
}

/**
 * The network limits of `instanceType`: the generated table first, then `fallback` (the type's DescribeInstanceTypes
 * facts) for ENIs and IPs. A type only the fallback knows has `trunkingCompatible: 'unknown'` and no
 * `branchInterfaces`.
 *
 * @throws UnknownInstanceTypeError when neither knows the type's ENIs and IPs.
 * @example
 * lookupInstanceLimits('p5.48xlarge'); // { maxEnis: 64, defaultCardMaxEnis: 2, ipv4PerEni: 50, … }
 */
export function lookupInstanceLimits(instanceType: string, fallback?: InstanceTypeInfo): InstanceLimits {
  const limits = findInstanceLimits(instanceType, fallback);
  if (!limits) throw new UnknownInstanceTypeError(instanceType);
  return limits;
}
