import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  findInstanceLimits,
  INSTANCE_LIMITS_COUNT,
  INSTANCE_LIMITS_SOURCE,
  type InstanceTypeInfo,
  lookupInstanceLimits,
  UnknownInstanceTypeError,
} from '@podnet-guard/core';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LIMITS_JSON,
  GENERATED_LIMITS_TS,
  renderInstanceLimits,
  type SharedLimitsFile,
} from '../../../scripts/gen-instance-limits.ts';

/** hpc7a.12xlarge as DescribeInstanceTypes describes it (the limits table lacks the HPC types). */
const hpc7a12xlarge: InstanceTypeInfo = {
  instanceType: 'hpc7a.12xlarge',
  vcpus: 24,
  maxEnis: 4,
  ipv4PerEni: 50,
  defaultNetworkCardIndex: 0,
  networkCards: [
    { networkCardIndex: 0, maximumNetworkInterfaces: 2 },
    { networkCardIndex: 1, maximumNetworkInterfaces: 2 },
  ],
  hypervisor: 'nitro',
  bareMetal: false,
};

describe('lookupInstanceLimits from the generated table', () => {
  it('reads a single-card Nitro type that trunks', () => {
    expect(lookupInstanceLimits('m5.large')).toEqual({
      instanceType: 'm5.large',
      source: 'table',
      maxEnis: 3,
      ipv4PerEni: 10,
      defaultNetworkCardIndex: 0,
      defaultCardMaxEnis: 3,
      trunkingCompatible: true,
      branchInterfaces: 9,
      hypervisor: 'nitro',
      isBareMetal: false,
      prefixDelegationSupported: true,
    });
  });

  it('takes the default card ENIs, not all cards, on multi-card types', () => {
    const p5 = lookupInstanceLimits('p5.48xlarge');
    expect(p5).toMatchObject({ maxEnis: 64, defaultCardMaxEnis: 2, ipv4PerEni: 50, branchInterfaces: 120 });
    expect(lookupInstanceLimits('c6in.metal')).toMatchObject({ maxEnis: 16, defaultCardMaxEnis: 8, isBareMetal: true });
  });

  it('says a burstable Nitro type cannot trunk', () => {
    expect(lookupInstanceLimits('t3.medium')).toMatchObject({ trunkingCompatible: false, branchInterfaces: 0 });
  });

  it('marks Xen types as unable to take prefixes and bare metal as able', () => {
    expect(lookupInstanceLimits('m4.large')).toMatchObject({ hypervisor: 'xen', prefixDelegationSupported: false });
    const metal = lookupInstanceLimits('c5.metal');
    expect(metal.hypervisor).toBeUndefined();
    expect(metal).toMatchObject({ isBareMetal: true, prefixDelegationSupported: true });
  });

  it('accepts a type in another case or with spaces', () => {
    expect(lookupInstanceLimits(' M5.Large ').instanceType).toBe('m5.large');
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])('does not mistake %s for a type', (name) => {
    expect(findInstanceLimits(name)).toBeUndefined();
  });

  it('prefers the table over DescribeInstanceTypes facts', () => {
    const odd: InstanceTypeInfo = { instanceType: 'm5.large', ipv4PerEni: 99, networkCards: [] };
    expect(lookupInstanceLimits('m5.large', odd)).toMatchObject({ source: 'table', ipv4PerEni: 10 });
  });

  it('caps branch interfaces at 120 in every row', () => {
    expect(INSTANCE_LIMITS_COUNT).toBe(1401);
    expect(lookupInstanceLimits('m5.metal').branchInterfaces).toBe(120);
  });
});

describe('lookupInstanceLimits from DescribeInstanceTypes facts', () => {
  it('uses the fallback for a type the table lacks, with trunking unknown and no branch count', () => {
    const limits = lookupInstanceLimits('hpc7a.12xlarge', hpc7a12xlarge);
    expect(limits).toEqual({
      instanceType: 'hpc7a.12xlarge',
      source: 'describe-instance-types',
      maxEnis: 4,
      ipv4PerEni: 50,
      defaultNetworkCardIndex: 0,
      defaultCardMaxEnis: 2,
      trunkingCompatible: 'unknown',
      hypervisor: 'nitro',
      isBareMetal: false,
      prefixDelegationSupported: true,
    });
    expect(limits.trunkingCompatible).not.toBe(false);
    expect(limits.branchInterfaces).toBeUndefined();
  });

  it('uses the card the type names as default', () => {
    const info: InstanceTypeInfo = {
      ...hpc7a12xlarge,
      defaultNetworkCardIndex: 1,
      networkCards: [
        { networkCardIndex: 0, maximumNetworkInterfaces: 1 },
        { networkCardIndex: 1, maximumNetworkInterfaces: 3 },
      ],
    };
    expect(lookupInstanceLimits('hpc7a.12xlarge', info)).toMatchObject({
      defaultNetworkCardIndex: 1,
      defaultCardMaxEnis: 3,
    });
  });

  it('treats a type without NetworkCards as one card holding every ENI', () => {
    const info: InstanceTypeInfo = { instanceType: 'zz1.large', maxEnis: 3, ipv4PerEni: 10, networkCards: [] };
    expect(lookupInstanceLimits('zz1.large', info)).toMatchObject({ maxEnis: 3, defaultCardMaxEnis: 3 });
  });

  it('sums the cards when MaximumNetworkInterfaces is missing', () => {
    const { maxEnis: _, ...rest } = hpc7a12xlarge;
    expect(lookupInstanceLimits('hpc7a.12xlarge', rest)).toMatchObject({ maxEnis: 4, defaultCardMaxEnis: 2 });
  });

  it.each([
    ['nitro', undefined, true],
    ['xen', undefined, false],
    [undefined, true, true],
    [undefined, false, false],
    [undefined, undefined, 'unknown'],
  ] as const)('hypervisor %s, bare metal %s: prefix delegation %s', (hypervisor, bareMetal, expected) => {
    const { hypervisor: _h, bareMetal: _b, ...rest } = hpc7a12xlarge;
    const info: InstanceTypeInfo = {
      ...rest,
      ...(hypervisor ? { hypervisor } : {}),
      ...(bareMetal !== undefined ? { bareMetal } : {}),
    };
    expect(lookupInstanceLimits('hpc7a.12xlarge', info).prefixDelegationSupported).toBe(expected);
  });

  it('ignores facts about another type', () => {
    expect(findInstanceLimits('hpc7a.24xlarge', hpc7a12xlarge)).toBeUndefined();
  });

  it('throws UnknownInstanceTypeError, naming the type, when nobody knows it', () => {
    expect(() => lookupInstanceLimits('zz9.huge')).toThrow(UnknownInstanceTypeError);
    try {
      lookupInstanceLimits('zz9.huge');
    } catch (error) {
      expect((error as UnknownInstanceTypeError).instanceType).toBe('zz9.huge');
    }
  });

  it('throws when the fallback lacks the IPs per ENI', () => {
    const { ipv4PerEni: _, ...rest } = hpc7a12xlarge;
    expect(() => lookupInstanceLimits('hpc7a.12xlarge', rest)).toThrow(UnknownInstanceTypeError);
  });

  it('throws when the fallback names a default card it does not list', () => {
    expect(() => lookupInstanceLimits('hpc7a.12xlarge', { ...hpc7a12xlarge, defaultNetworkCardIndex: 5 })).toThrow(
      UnknownInstanceTypeError,
    );
  });
});

describe('the generated table', () => {
  it('names its source and says it is generated', () => {
    const text = readFileSync(GENERATED_LIMITS_TS, 'utf8');
    expect(text).toMatch(/generated, do not edit/);
    expect(text).toContain(`github.com/${INSTANCE_LIMITS_SOURCE.repo}`);
    expect(INSTANCE_LIMITS_SOURCE.commit).toMatch(/^[0-9a-f]{40}$/);
  });

  it('is never read from ../shared at run time', () => {
    const core = fileURLToPath(new URL('../../../packages/core/src/capacity/', import.meta.url));
    for (const file of ['instance-limits.ts', 'instance-limits.generated.ts', 'max-pods.ts']) {
      expect(readFileSync(core + file, 'utf8')).not.toMatch(/shared\/data/);
    }
  });

  it('matches ../shared/data/instance-network-limits.json row for row', (ctx) => {
    if (!existsSync(DEFAULT_LIMITS_JSON)) {
      ctx.skip(`${DEFAULT_LIMITS_JSON} is absent: cannot compare the generated table with its source`);
    }
    const shared = JSON.parse(readFileSync(DEFAULT_LIMITS_JSON, 'utf8')) as SharedLimitsFile;
    // The committed file is exactly what the generator makes from the shared data…
    expect(readFileSync(GENERATED_LIMITS_TS, 'utf8')).toBe(renderInstanceLimits(shared));
    // …and reads back as the same facts.
    const types = Object.keys(shared.instanceTypes);
    expect(types).toHaveLength(INSTANCE_LIMITS_COUNT);
    expect(INSTANCE_LIMITS_SOURCE.commit).toBe(shared.source.commit);
    for (const type of types) {
      const entry = shared.instanceTypes[type]!;
      const card = entry.networkCards.find((c) => c.networkCardIndex === entry.defaultNetworkCardIndex)!;
      const limits = lookupInstanceLimits(type);
      expect({ type, ...limits }).toEqual({
        type,
        instanceType: type,
        source: 'table',
        maxEnis: entry.maxEnis,
        ipv4PerEni: entry.ipv4PerEni,
        defaultNetworkCardIndex: entry.defaultNetworkCardIndex,
        defaultCardMaxEnis: card.maximumNetworkInterfaces,
        trunkingCompatible: entry.trunkingCompatible,
        branchInterfaces: entry.branchInterfaces,
        ...(entry.hypervisor ? { hypervisor: entry.hypervisor } : {}),
        isBareMetal: entry.isBareMetal,
        prefixDelegationSupported: entry.hypervisor === 'nitro' || entry.isBareMetal,
      });
      expect(limits.branchInterfaces).toBeLessThanOrEqual(120);
    }
  });
});

describe('renderInstanceLimits', () => {
  const file = (entries: SharedLimitsFile['instanceTypes']): SharedLimitsFile => ({
    source: { repo: 'aws/karpenter-provider-aws', path: 'x.go', commit: 'a'.repeat(40) },
    instanceTypes: entries,
  });
  const base = {
    maxEnis: 3,
    ipv4PerEni: 10,
    trunkingCompatible: true,
    branchInterfaces: 9,
    defaultNetworkCardIndex: 0,
    networkCards: [{ networkCardIndex: 0, maximumNetworkInterfaces: 3 }],
    hypervisor: 'nitro',
    isBareMetal: false,
  };

  it('writes one short row per type, sorted, with trailing cells only when needed', () => {
    const text = renderInstanceLimits(
      file({
        'z9.large': base,
        'a9.metal': {
          ...base,
          maxEnis: 4,
          hypervisor: '',
          isBareMetal: true,
          trunkingCompatible: false,
          defaultNetworkCardIndex: 1,
          networkCards: [
            { networkCardIndex: 0, maximumNetworkInterfaces: 2 },
            { networkCardIndex: 1, maximumNetworkInterfaces: 2 },
          ],
        },
      }),
    );
    const rows = text.split('\n').filter((line) => line.startsWith('"'));
    expect(rows).toEqual(['"a9.metal":[4,10,9,"m",2,1],', '"z9.large":[3,10,9,"tn"]']);
  });

  it('refuses a branch count above what a trunk holds', () => {
    expect(() => renderInstanceLimits(file({ 'z9.large': { ...base, branchInterfaces: 121 } }))).toThrow(/> 120/);
  });

  it('refuses an unknown hypervisor rather than dropping it', () => {
    expect(() => renderInstanceLimits(file({ 'z9.large': { ...base, hypervisor: 'kvm' } }))).toThrow(/hypervisor/);
  });
});
