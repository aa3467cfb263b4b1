import {
  branchCapacity,
  cannotTrunk,
  canTrunk,
  eniSlots,
  findInstanceLimits,
  INSTANCE_LIMITS_COUNT,
  type InstanceTypeInfo,
  largerTypeWithMoreBranches,
  limitsOfType,
  NON_TRUNK_FAMILY_PREFIXES,
  nearestTrunkCapableType,
  sizeRank,
} from '@podnet-guard/core';
import { describe, expect, it } from 'vitest';
import { INSTANCE_LIMITS } from '../../../packages/core/src/capacity/instance-limits.generated.ts';

/** A type newer than the table, as DescribeInstanceTypes describes it. */
const newType: InstanceTypeInfo = {
  instanceType: 'zz9.large',
  maxEnis: 4,
  ipv4PerEni: 10,
  defaultNetworkCardIndex: 1,
  networkCards: [
    { networkCardIndex: 0, maximumNetworkInterfaces: 2 },
    { networkCardIndex: 1, maximumNetworkInterfaces: 2 },
  ],
};

describe('cannotTrunk / canTrunk', () => {
  it.each([
    ['t3.medium', true],
    ['t3a.large', true],
    ['m4.xlarge', true],
    ['m5.large', false],
    ['c6i.2xlarge', false],
  ])('%s cannot trunk: %s', (type, expected) => {
    expect(cannotTrunk(type)).toBe(expected);
    expect(canTrunk(type)).toBe(!expected);
  });

  it('reports neither for a type only DescribeInstanceTypes knows (trunking unknown), nor for a name nobody knows', () => {
    expect(cannotTrunk('zz9.large', [newType])).toBe(false);
    expect(canTrunk('zz9.large', [newType])).toBe(false);
    expect(cannotTrunk('nonsense')).toBe(false);
    expect(canTrunk('nonsense')).toBe(false);
  });
});

describe('limitsOfType', () => {
  it('prefers the table and falls back to the DescribeInstanceTypes facts of the same type', () => {
    expect(limitsOfType('m5.large', [newType])?.source).toBe('table');
    expect(limitsOfType('zz9.large', [newType])).toMatchObject({
      source: 'describe-instance-types',
      defaultNetworkCardIndex: 1,
      defaultCardMaxEnis: 2,
      trunkingCompatible: 'unknown',
    });
    expect(limitsOfType('zz9.large')).toBeUndefined();
  });
});

describe('NON_TRUNK_FAMILY_PREFIXES', () => {
  it('filters launch template versions by the families that cannot trunk, taken from the table', () => {
    expect(NON_TRUNK_FAMILY_PREFIXES).toEqual(expect.arrayContaining(['t3.', 't3a.', 't4g.', 'm4.', 'c4.', 'i3.']));
    expect(NON_TRUNK_FAMILY_PREFIXES).not.toContain('m5.');
  });

  it('covers every type the table says cannot trunk', () => {
    for (const type of Object.keys(INSTANCE_LIMITS).filter((name) => cannotTrunk(name)))
      expect(
        NON_TRUNK_FAMILY_PREFIXES.some((prefix) => type.startsWith(prefix)),
        type,
      ).toBe(true);
  });
});

describe('nearestTrunkCapableType', () => {
  it.each([
    ['t3.large', 'm5.large'],
    ['t3.medium', 'm5.large'],
    ['t3a.xlarge', 'm5a.xlarge'],
    ['t4g.medium', 'm6g.medium'],
    ['m4.2xlarge', 'm5.2xlarge'],
    ['c4.large', 'c5.large'],
    ['r4.xlarge', 'r5.xlarge'],
    ['i3.large', 'i3en.large'],
    ['m5.large', 'm5.large'],
  ])('%s → %s', (type, expected) => {
    expect(nearestTrunkCapableType(type)).toBe(expected);
  });

  it('answers every type that cannot trunk with a type the table says can', () => {
    const cannot = Object.keys(INSTANCE_LIMITS).filter(
      (type) => findInstanceLimits(type)?.trunkingCompatible === false,
    );
    expect(cannot.length).toBeGreaterThan(50);
    expect(Object.keys(INSTANCE_LIMITS)).toHaveLength(INSTANCE_LIMITS_COUNT);
    for (const type of cannot) {
      const suggestion = nearestTrunkCapableType(type);
      expect(suggestion, type).toBeDefined();
      expect(findInstanceLimits(suggestion ?? '')?.trunkingCompatible, `${type} → ${suggestion}`).toBe(true);
    }
  });

  it('is undefined for a name that is not an instance type', () => {
    expect(nearestTrunkCapableType('nonsense')).toBeUndefined();
  });
});

describe('sizeRank', () => {
  it('orders sizes from nano to metal', () => {
    const sizes = ['nano', 'micro', 'small', 'medium', 'large', 'xlarge', '2xlarge', '48xlarge', 'metal', 'metal-24xl'];
    const ranks = sizes.map(sizeRank);
    expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);
    expect(new Set(ranks.slice(0, -1)).size).toBe(sizes.length - 1);
    expect(sizeRank('huge')).toBeNaN();
  });
});

describe('largerTypeWithMoreBranches', () => {
  it('suggests the next size of the family whose trunk holds more branches', () => {
    expect(largerTypeWithMoreBranches('m5.large', 9)).toBe('m5.xlarge');
    const suggestion = largerTypeWithMoreBranches('m5.xlarge', 18) ?? '';
    expect(findInstanceLimits(suggestion)?.branchInterfaces).toBeGreaterThan(18);
    expect(sizeRank(suggestion.split('.')[1] ?? '')).toBeGreaterThan(sizeRank('xlarge'));
  });

  it('is undefined at the top of a family', () => {
    expect(largerTypeWithMoreBranches('m5.metal', 120)).toBeUndefined();
  });
});

describe('eniSlots', () => {
  const attached = (cards: number[]) => cards.map((networkCardIndex) => ({ attachment: { networkCardIndex } }));

  it('counts the ENIs on the default network card against what that card holds', () => {
    const limits = findInstanceLimits('m5.large');
    if (!limits) throw new Error('m5.large is in the table');
    expect(eniSlots(attached([0, 0, 0]), limits)).toEqual({ used: 3, max: 3 });
    expect(eniSlots([{ attachment: {} }], limits)).toEqual({ used: 1, max: 3 });
    expect(eniSlots([], limits)).toEqual({ used: 0, max: 3 });
  });

  it('leaves out ENIs on other cards', () => {
    const limits = limitsOfType('zz9.large', [newType]);
    if (!limits) throw new Error('zz9.large has fallback facts');
    expect(eniSlots(attached([0, 1, 0]), limits)).toEqual({ used: 1, max: 2 });
  });
});

describe('branchCapacity', () => {
  it('adds the branch ENIs each type holds; unknown and non-trunk types add none', () => {
    expect(branchCapacity(['m5.large', 'm5.xlarge'])).toBe(27);
    expect(branchCapacity(['m5.large', 't3.medium', 'nonsense', 'zz9.large'], [newType])).toBe(9);
    expect(branchCapacity([])).toBe(0);
  });
});
