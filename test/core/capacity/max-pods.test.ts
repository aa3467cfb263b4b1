import { readFileSync } from 'node:fs';
import {
  computeMaxPods,
  estimateVcpusFromName,
  findInstanceLimits,
  type InstanceTypeInfo,
  PrefixDelegationUnsupportedError,
  UnknownInstanceTypeError,
} from '@podnet-guard/core';
import { describe, expect, it } from 'vitest';

/** The VPC CNI's published defaults (aws/amazon-vpc-cni-k8s misc/eni-max-pods.txt), copied verbatim. */
const eniMaxPods = readFileSync(new URL('../../fixtures/eni-max-pods.txt', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '' && !line.startsWith('#'))
  .map((line) => {
    const [type, maxPods] = line.trim().split(/\s+/);
    return { type: type!, maxPods: Number(maxPods) };
  });

/** hpc7a.12xlarge as DescribeInstanceTypes describes it: 24 vCPUs (one per core), two cards of 2 ENIs. */
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
};

describe('computeMaxPods, secondary IPs', () => {
  it.each([
    ['m5.large', {}, 29], // m5.large: 3 × (10 − 1) + 2 = 29
    ['m5.large', { sgp: true }, 20], // SGP: (3 − 1) × (10 − 1) + 2 = 20
    ['m5.large', { customNetworking: true }, 20], // custom networking: (3 − 1) × (10 − 1) + 2 = 20
    ['m5.large', { customNetworking: true, sgp: true }, 11], // both: (3 − 2) × (10 − 1) + 2 = 11
    ['t3.medium', {}, 17], // t3.medium: 3 × (6 − 1) + 2 = 17
    ['m5.4xlarge', {}, 234], // m5.4xlarge: 8 × (30 − 1) + 2 = 234
    ['p5.48xlarge', {}, 100], // p5.48xlarge: default card 2 × (50 − 1) + 2 = 100 (64 ENIs in all)
    ['trn1.32xlarge', {}, 247], // trn1.32xlarge: default card 5 × (50 − 1) + 2 = 247 (40 in all)
    ['c6in.metal', {}, 394], // c6in.metal: default card 8 × (50 − 1) + 2 = 394 (16 in all)
    ['t2.micro', {}, 4], // t2.micro: 2 × (2 − 1) + 2 = 4
  ] as const)('%s %o → %i', (type, options, expected) => {
    expect(computeMaxPods(type, options).maxPods).toBe(expected);
  });

  it('shows the arithmetic and every input', () => {
    expect(computeMaxPods('m5.large', { sgp: true })).toEqual({
      instanceType: 'm5.large',
      maxPods: 20,
      uncappedMaxPods: 20,
      enis: 3,
      ipv4PerEni: 10,
      reservedEnis: 1,
      usableEnis: 2,
      mode: 'secondary-ip',
      cap: { kind: 'none', applied: false },
      branchInterfaces: 9,
      trunkingCompatible: true,
      formula: '(3 − 1) × (10 − 1) + 2 = 20',
      limitsSource: 'table',
      notes: ['a trunk holds 9 branch ENIs; SGP pods count against maxPods too'],
    });
    expect(computeMaxPods('m5.large').formula).toBe('3 × (10 − 1) + 2 = 29');
    expect(computeMaxPods('m5.large').notes).toEqual([]);
  });

  it('agrees with every row of eni-max-pods.txt whose type the table has', () => {
    expect(eniMaxPods).toHaveLength(1391);
    const missing: string[] = [];
    const wrong: string[] = [];
    for (const { type, maxPods } of eniMaxPods) {
      if (!findInstanceLimits(type)) {
        missing.push(type);
        continue;
      }
      const result = computeMaxPods(type);
      if (result.maxPods !== maxPods) wrong.push(`${type}: ${result.formula}, published ${maxPods}`);
    }
    expect(wrong).toEqual([]);
    console.info(`eni-max-pods.txt rows the limits table lacks (${missing.length}): ${missing.join(', ')}`);
    expect(missing).toHaveLength(19);
    expect(eniMaxPods.length - missing.length).toBe(1372);
  });
});

describe('computeMaxPods, reserved ENIs', () => {
  it('reserves no slot for a trunk on a type that cannot trunk, and says SGP pods cannot run there', () => {
    const result = computeMaxPods('t3.medium', { sgp: true });
    expect(result).toMatchObject({ reservedEnis: 0, maxPods: 17, trunkingCompatible: false });
    expect(result.notes).toEqual([
      't3.medium cannot hold a trunk ENI: pods with their own security groups cannot run here',
    ]);
  });

  it('reserves the trunk slot when trunking is unknown, and says so', () => {
    const result = computeMaxPods('hpc7a.12xlarge', { sgp: true, instanceTypeInfo: hpc7a12xlarge });
    // hpc7a.12xlarge, SGP: (2 − 1) × (50 − 1) + 2 = 51
    expect(result).toMatchObject({ reservedEnis: 1, maxPods: 51, trunkingCompatible: 'unknown' });
    expect(result.branchInterfaces).toBeUndefined();
    expect(result.notes).toEqual(['whether hpc7a.12xlarge can hold a trunk ENI is unknown; one ENI reserved for it']);
  });

  it('gives 0 pods, not 2, when no ENI is left for pods', () => {
    // c6g.medium, custom networking + SGP: max(0, 2 − 2) = 0 usable ENIs → 0
    const result = computeMaxPods('c6g.medium', { customNetworking: true, sgp: true });
    expect(result).toMatchObject({ maxPods: 0, usableEnis: 0, reservedEnis: 2 });
    expect(result.formula).toBe('max(0, 2 − 2) = 0 usable ENIs → 0');
  });

  it('clamps usable ENIs at 0 when more are reserved than exist', () => {
    const oneEni: InstanceTypeInfo = { instanceType: 'zz1.small', maxEnis: 1, ipv4PerEni: 4, networkCards: [] };
    const result = computeMaxPods('zz1.small', { customNetworking: true, sgp: true, instanceTypeInfo: oneEni });
    expect(result).toMatchObject({ maxPods: 0, usableEnis: 0, reservedEnis: 2 });
  });

  it('still adds 2 when one ENI is left', () => {
    // c6g.medium, SGP: (2 − 1) × (4 − 1) + 2 = 5
    expect(computeMaxPods('c6g.medium', { sgp: true }).maxPods).toBe(5);
  });
});

describe('computeMaxPods, prefix delegation', () => {
  it.each([
    ['m5.large', {}, 434], // m5.large: 3 × (10 − 1) × 16 + 2 = 434
    ['m5.large', { sgp: true }, 290], // SGP: (3 − 1) × (10 − 1) × 16 + 2 = 290
    ['c5.metal', {}, 11762], // bare metal (no hypervisor): 15 × (50 − 1) × 16 + 2 = 11762
    ['p5.48xlarge', {}, 1570], // p5.48xlarge: 2 × (50 − 1) × 16 + 2 = 1570
  ] as const)('%s %o → %i', (type, options, expected) => {
    const result = computeMaxPods(type, { ...options, prefixDelegation: true });
    expect(result.mode).toBe('prefix-delegation');
    expect(result.maxPods).toBe(expected);
  });

  it('shows the × 16', () => {
    expect(computeMaxPods('m5.large', { prefixDelegation: true }).formula).toBe('3 × (10 − 1) × 16 + 2 = 434');
  });

  it('rejects a Xen type with a typed error', () => {
    expect(() => computeMaxPods('m4.large', { prefixDelegation: true })).toThrow(PrefixDelegationUnsupportedError);
    expect(() => computeMaxPods('m4.large', { prefixDelegation: true })).toThrow(/xen hypervisor/);
    expect(computeMaxPods('m4.large').mode).toBe('secondary-ip');
  });

  it('rejects a fallback type whose hypervisor is unknown', () => {
    const { hypervisor: _, ...noHypervisor } = hpc7a12xlarge;
    expect(() => computeMaxPods('hpc7a.12xlarge', { prefixDelegation: true, instanceTypeInfo: noHypervisor })).toThrow(
      /hypervisor unknown/,
    );
  });
});

describe('computeMaxPods, the EKS cap', () => {
  it('is off by default', () => {
    expect(computeMaxPods('m5.large', { prefixDelegation: true })).toMatchObject({
      maxPods: 434,
      cap: { kind: 'none', applied: false },
    });
  });

  it('caps at 110 at or under 30 vCPUs', () => {
    const result = computeMaxPods('m5.large', { prefixDelegation: true, cap: 'eks' });
    expect(result).toMatchObject({ maxPods: 110, uncappedMaxPods: 434 });
    expect(result.cap).toEqual({ kind: 'eks', value: 110, applied: true, vcpus: '2', vcpuSource: 'size "large"' });
    expect(result.formula).toBe('3 × (10 − 1) × 16 + 2 = 434, EKS cap 110 (2 vCPUs ≤ 30, from size "large") → 110');
  });

  it('caps at 250 above 30 vCPUs', () => {
    // m5.8xlarge: 8 × (30 − 1) × 16 + 2 = 3714 → 250 (32 vCPUs)
    const result = computeMaxPods('m5.8xlarge', { prefixDelegation: true, cap: 'eks' });
    expect(result).toMatchObject({ maxPods: 250, cap: { value: 250, applied: true, vcpus: '32' } });
  });

  it('leaves a value under the cap alone', () => {
    const result = computeMaxPods('m5.large', { cap: 'eks' });
    expect(result).toMatchObject({ maxPods: 29, cap: { kind: 'eks', value: 110, applied: false } });
    expect(result.formula).toBe('3 × (10 − 1) + 2 = 29, under the EKS cap 110 (2 vCPUs ≤ 30, from size "large")');
  });

  it.each([
    [30, 110], // exactly 30: max-pods-calculator.sh uses `-gt 30`, so 110
    [31, 250],
  ])('with %i vCPUs from DescribeInstanceTypes → %i', (vcpus, cap) => {
    const info: InstanceTypeInfo = { instanceType: 'm5.8xlarge', vcpus, networkCards: [] };
    const result = computeMaxPods('m5.8xlarge', { prefixDelegation: true, cap: 'eks', instanceTypeInfo: info });
    expect(result.maxPods).toBe(cap);
    expect(result.cap.vcpuSource).toBe('DescribeInstanceTypes');
  });

  it('prefers DescribeInstanceTypes vCPUs over the name (HPC types run one vCPU per core)', () => {
    // hpc7a.12xlarge: 2 × (50 − 1) × 16 + 2 = 1570, 24 vCPUs → 110 (the name alone would suggest 48)
    const result = computeMaxPods('hpc7a.12xlarge', {
      prefixDelegation: true,
      cap: 'eks',
      instanceTypeInfo: hpc7a12xlarge,
    });
    expect(result).toMatchObject({ maxPods: 110, cap: { value: 110, vcpus: '24' } });
  });

  it('decides from bounds when the size gives a range (t-family small: 1 or 2 vCPUs)', () => {
    const result = computeMaxPods('t3.small', { prefixDelegation: true, cap: 'eks' });
    expect(result).toMatchObject({ maxPods: 110, cap: { value: 110, vcpus: '1–2' } });
  });

  it('reports the cap as unknown, and does not apply it, for a metal size without vCPUs', () => {
    const result = computeMaxPods('m5.metal', { cap: 'eks' });
    expect(result.maxPods).toBe(737); // m5.metal: 15 × (50 − 1) + 2 = 737
    expect(result.cap).toEqual({
      kind: 'eks',
      applied: false,
      unknownReason: 'vCPUs unknown: the size "metal" does not give the vCPUs',
    });
    expect(result.formula).toMatch(/, EKS cap unknown \(vCPUs unknown/);
  });

  it('applies the cap to a metal type once DescribeInstanceTypes gives its vCPUs', () => {
    const info: InstanceTypeInfo = { instanceType: 'm5.metal', vcpus: 96, networkCards: [] };
    expect(computeMaxPods('m5.metal', { cap: 'eks', instanceTypeInfo: info }).maxPods).toBe(250);
  });
});

describe('estimateVcpusFromName', () => {
  it.each([
    ['m5.large', 2, 2],
    ['m5.xlarge', 4, 4],
    ['m5.8xlarge', 32, 32],
    ['c7i.metal-24xl', 96, 96],
    ['t2.small', 1, 2],
    ['t3.nano', 1, 2],
    ['m3.medium', 1, 2],
  ])('%s → %i–%i', (type, min, max) => {
    expect(estimateVcpusFromName(type)).toMatchObject({ min, max });
  });

  it.each([
    ['m5.metal', /size "metal"/],
    ['hpc7a.12xlarge', /one vCPU per core/],
    ['m5', /not <family>.<size>/],
    ['u-6tb1.huge', /size "huge"/],
  ])('%s → unknown', (type, reason) => {
    const estimate = estimateVcpusFromName(type);
    expect('unknownReason' in estimate && estimate.unknownReason).toMatch(reason);
  });
});

describe('computeMaxPods, unknown types', () => {
  it('throws UnknownInstanceTypeError', () => {
    expect(() => computeMaxPods('zz9.huge')).toThrow(UnknownInstanceTypeError);
  });

  it('uses DescribeInstanceTypes facts for a type the table lacks', () => {
    const result = computeMaxPods('hpc7a.12xlarge', { instanceTypeInfo: hpc7a12xlarge });
    // hpc7a.12xlarge: 2 × (50 − 1) + 2 = 100, as eni-max-pods.txt publishes
    expect(result).toMatchObject({
      maxPods: 100,
      limitsSource: 'describe-instance-types',
      trunkingCompatible: 'unknown',
    });
  });
});
