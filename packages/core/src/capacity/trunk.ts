/**
 * Trunk ENI facts of instance types, for security groups for pods (SGP): whether a type can hold a trunk, the nearest
 * type that can, the ENI slots of its default network card and the branch ENIs (SGP pods) a trunk holds on it. The
 * generated limits table (`instance-limits.generated.ts`, the VPC resource controller's own table) is the only source
 * that knows trunking and branch ENIs; DescribeInstanceTypes facts fill in ENI slots for types it lacks.
 *
 * @example
 * cannotTrunk('t3.large'); // true
 * nearestTrunkCapableType('t3.large'); // 'm5.large'
 * branchCapacity(['m5.large', 'm5.xlarge']); // 9 + 18
 */
import type { InstanceTypeInfo, NetworkInterface } from '../types/inventory.ts';
import { INSTANCE_LIMITS } from './instance-limits.generated.ts';
import { findInstanceLimits, type InstanceLimits } from './instance-limits.ts';

/**
 * The limits of `instanceType`: the table first, then the type's DescribeInstanceTypes facts among `known` (the
 * inventory's `instanceTypes`), so a type newer than the table still has ENI slots.
 */
export function limitsOfType(
  instanceType: string,
  known: readonly InstanceTypeInfo[] = [],
): InstanceLimits | undefined {
  const fallback = known.find((info) => info.instanceType === instanceType);
  return findInstanceLimits(instanceType, fallback);
}

/**
 * True only when the table says the type cannot trunk: a type only DescribeInstanceTypes knows is `'unknown'` and is
 * not reported.
 *
 * @example
 * cannotTrunk('t3.medium'); // true
 * cannotTrunk('m5.large'); // false
 * cannotTrunk('zz9.huge'); // false (unknown)
 */
export function cannotTrunk(instanceType: string, known: readonly InstanceTypeInfo[] = []): boolean {
  return limitsOfType(instanceType, known)?.trunkingCompatible === false;
}

/** True when the table says the type can hold a trunk ENI. */
export function canTrunk(instanceType: string, known: readonly InstanceTypeInfo[] = []): boolean {
  return limitsOfType(instanceType, known)?.trunkingCompatible === true;
}

/**
 * `<family>.` prefixes of the families with at least one size that cannot trunk, from the limits table: the
 * EventBridge filter for launch template versions, so a template that sets a trunk-capable type never invokes us.
 */
export const NON_TRUNK_FAMILY_PREFIXES: readonly string[] = [
  ...new Set(
    Object.entries(INSTANCE_LIMITS)
      .filter(([, row]) => !row[3].includes('t'))
      .map(([type]) => `${type.slice(0, type.indexOf('.'))}.`),
  ),
].sort();

const SIZE_ORDER: Record<string, number> = { nano: -4, micro: -3, small: -2, medium: -1, large: 0, xlarge: 1 };

/** A comparable rank of a size suffix (`large` 0, `xlarge` 1, `4xlarge` 4, `metal` last); NaN when not a size. */
export function sizeRank(size: string): number {
  if (size in SIZE_ORDER) return SIZE_ORDER[size] as number;
  const match = /^(\d+)xlarge$/.exec(size);
  if (match) return Number(match[1]);
  if (size.startsWith('metal')) return 10_000;
  return Number.NaN;
}

/** Trunk-capable successors of the families that cannot trunk, nearest first (same vCPU/memory class). */
const SUCCESSORS: Record<string, string[]> = {
  t1: ['m5', 'm6i'],
  t2: ['m5', 'm6i'],
  t3: ['m5', 'm6i'],
  t3a: ['m5a', 'm6a'],
  t4g: ['m6g', 'm7g'],
  m1: ['m5', 'm6i'],
  m2: ['r5', 'r6i'],
  m3: ['m5', 'm6i'],
  m4: ['m5', 'm6i'],
  c1: ['c5', 'c6i'],
  c3: ['c5', 'c6i'],
  c4: ['c5', 'c6i'],
  r3: ['r5', 'r6i'],
  r4: ['r5', 'r6i'],
  i2: ['i3en', 'i4i'],
  i3: ['i3en', 'i4i'],
  d2: ['d3', 'd3en'],
  h1: ['d3en', 'd3'],
  f1: ['f2'],
  p3: ['p3dn', 'p4d'],
  x1: ['x2idn', 'x2iedn'],
  x1e: ['x2iedn'],
  'u-6tb1': ['u7i-6tb'],
};

/** Table-only: a suggestion must be trunk-capable by the table, whatever an inventory says. */
function trunks(instanceType: string): boolean {
  return findInstanceLimits(instanceType)?.trunkingCompatible === true;
}

/**
 * The nearest instance type that can hold a trunk ENI: the same size in a successor family (t3 → m5/m6i, t3a → m5a,
 * t4g → m6g, m4 → m5, c4 → c5, r4 → r5, i3 → i3en …), else the next larger size there, else any trunk-capable type of
 * the same family letter and size in the limits table. Every answer is trunk-capable by the table; undefined when none.
 *
 * @example
 * nearestTrunkCapableType('t3.large'); // 'm5.large'
 * nearestTrunkCapableType('t3.medium'); // 'm5.large' (m5 has no medium)
 */
export function nearestTrunkCapableType(instanceType: string): string | undefined {
  const type = instanceType.trim().toLowerCase();
  const dot = type.indexOf('.');
  if (dot < 0) return undefined;
  const family = type.slice(0, dot);
  const size = type.slice(dot + 1);
  if (trunks(type)) return type;
  const families = SUCCESSORS[family] ?? [];
  for (const candidate of families) {
    if (trunks(`${candidate}.${size}`)) return `${candidate}.${size}`;
  }
  const rank = sizeRank(size);
  const allTypes = Object.keys(INSTANCE_LIMITS);
  for (const candidate of families) {
    const larger = allTypes
      .filter((t) => t.startsWith(`${candidate}.`) && trunks(t))
      .map((t) => ({ t, rank: sizeRank(t.slice(candidate.length + 1)) }))
      .filter((entry) => entry.rank > rank)
      .sort((a, b) => a.rank - b.rank);
    if (larger[0]) return larger[0].t;
  }
  // Fallback: a trunk-capable type of the same family letter and size, lowest generation first.
  const letter = family[0] ?? '';
  const sameSize = allTypes
    .filter((t) => t.startsWith(letter) && t.endsWith(`.${size}`) && trunks(t))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  return sameSize[0];
}

/**
 * The next larger size of the same family whose trunk holds more than `branches` branch ENIs, by the table.
 *
 * @example
 * largerTypeWithMoreBranches('m5.large', 9); // 'm5.xlarge' (18)
 */
export function largerTypeWithMoreBranches(instanceType: string, branches: number): string | undefined {
  const dot = instanceType.indexOf('.');
  const family = instanceType.slice(0, dot);
  const rank = sizeRank(instanceType.slice(dot + 1));
  return Object.keys(INSTANCE_LIMITS)
    .filter((type) => type.startsWith(`${family}.`))
    .map((type) => ({
      type,
      rank: sizeRank(type.slice(dot + 1)),
      branches: findInstanceLimits(type)?.branchInterfaces ?? 0,
    }))
    .filter((entry) => entry.rank > rank && entry.branches > branches)
    .sort((a, b) => a.rank - b.rank)[0]?.type;
}

/** How many ENIs the default network card holds and how many of an instance's attached ENIs sit on it. */
export interface EniSlots {
  used: number;
  max: number;
}

/**
 * The ENI slots of an instance's default network card: `attached` are the ENIs attached to the instance (any card);
 * only those on the type's default card count, against what that card holds. A trunk needs one free slot there.
 *
 * @example
 * eniSlots(enisOfNode, findInstanceLimits('m5.large')!); // { used: 3, max: 3 }: full, no room for a trunk
 */
export function eniSlots(attached: readonly Pick<NetworkInterface, 'attachment'>[], limits: InstanceLimits): EniSlots {
  const used = attached.filter(
    (eni) => (eni.attachment?.networkCardIndex ?? 0) === limits.defaultNetworkCardIndex,
  ).length;
  return { used, max: limits.defaultCardMaxEnis };
}

/**
 * Branch ENIs (SGP pods) the trunks of these instance types hold together; a type without a known limit adds none.
 *
 * @example
 * branchCapacity(['m5.large', 'm5.large']); // 18
 */
export function branchCapacity(instanceTypes: readonly string[], known: readonly InstanceTypeInfo[] = []): number {
  return instanceTypes.reduce((sum, type) => sum + (limitsOfType(type, known)?.branchInterfaces ?? 0), 0);
}
