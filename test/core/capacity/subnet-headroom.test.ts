import { computeSubnetHeadroom, nodeIpNeed, subnetHeadroomOf } from '@podnet-guard/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inventoryFrom, snapshotBuilder } from '../../helpers/inventory-builder.ts';

const base = { usedAddresses: [] as string[], usedPrefixes: [] as string[], reservations: [] };

describe('computeSubnetHeadroom', () => {
  it('keeps the five AWS addresses out of an empty /24: 251 free IPs, 14 free /28 blocks', () => {
    // Blocks 0 (.0–.3) and 15 (.255) hold AWS's addresses: 16 − 2 = 14.
    const headroom = computeSubnetHeadroom({ ...base, cidr: '10.0.0.0/24' });
    expect(headroom).toMatchObject({ size: 256, usable: 251, used: 0, freeIps: 251, freeBlocks: 14, percentFree: 100 });
  });

  it('has no /28 block in a /28 subnet', () => {
    expect(computeSubnetHeadroom({ ...base, cidr: '10.0.0.0/28' })).toMatchObject({ freeIps: 11, freeBlocks: 0 });
  });

  it('counts a fragmented subnet: one address in every block leaves many free IPs and no block', () => {
    const scattered = Array.from({ length: 16 }, (_, block) => `10.0.0.${block * 16 + 8}`);
    const headroom = computeSubnetHeadroom({ ...base, cidr: '10.0.0.0/24', usedAddresses: scattered });
    expect(headroom.freeIps).toBe(251 - 16);
    expect(headroom.freeBlocks).toBe(0);
  });

  it('counts delegated prefixes as 16 used addresses each', () => {
    const headroom = computeSubnetHeadroom({
      ...base,
      cidr: '10.0.0.0/24',
      usedPrefixes: ['10.0.0.16/28', '10.0.0.32/28'],
    });
    expect(headroom).toMatchObject({ used: 32, freeIps: 219, freeBlocks: 12 });
  });

  it('takes every reservation off the free IPs, but prefix reservations still serve blocks', () => {
    const prefix = computeSubnetHeadroom({
      ...base,
      cidr: '10.0.0.0/24',
      reservations: [{ cidr: '10.0.0.128/25', reservationType: 'prefix' }],
    });
    // 128 reserved, one of them (.255) is AWS's: 127 addresses leave the free IPs; blocks 8–14 stay usable.
    expect(prefix).toMatchObject({ freeIps: 124, reservedUnused: 127, prefixReservedUnused: 127, freeBlocks: 14 });
    const explicit = computeSubnetHeadroom({
      ...base,
      cidr: '10.0.0.0/24',
      reservations: [{ cidr: '10.0.0.128/25', reservationType: 'explicit' }],
    });
    expect(explicit).toMatchObject({ freeIps: 124, reservedUnused: 127, prefixReservedUnused: 0, freeBlocks: 7 });
  });

  it('lowers both counts when AvailableIpAddressCount shows addresses no known ENI holds', () => {
    const headroom = computeSubnetHeadroom({ ...base, cidr: '10.0.0.0/24', reportedAvailable: 241 });
    expect(headroom).toMatchObject({ freeIps: 241, unseenUsed: 10, freeBlocks: 4 });
    expect(headroom.notes.join(' ')).toMatch(/AvailableIpAddressCount/);
    // A higher report changes nothing: the ENIs are the better count.
    expect(computeSubnetHeadroom({ ...base, cidr: '10.0.0.0/24', reportedAvailable: 251 })).toMatchObject({
      freeIps: 251,
      freeBlocks: 14,
      unseenUsed: 0,
    });
  });

  it('refuses what is not an IPv4 subnet of /16 or smaller', () => {
    expect(() => computeSubnetHeadroom({ ...base, cidr: '2001:db8::/64' })).toThrow(RangeError);
    expect(() => computeSubnetHeadroom({ ...base, cidr: '10.0.0.0/8' })).toThrow(RangeError);
  });

  const subnetArb = fc
    .integer({ min: 20, max: 28 })
    .map((prefix) => ({ cidr: `10.0.0.0/${prefix}`, size: 2 ** (32 - prefix) }));
  const usageArb = subnetArb.chain(({ cidr, size }) =>
    fc.record({
      cidr: fc.constant(cidr),
      used: fc.array(fc.integer({ min: 0, max: size - 1 }), { maxLength: 60 }),
      prefixes: fc.array(fc.integer({ min: 0, max: size / 16 - 1 }), { maxLength: 8 }),
      extra: fc.integer({ min: 0, max: size - 1 }),
      reservation: fc.option(
        fc.record({
          block: fc.integer({ min: 0, max: size / 16 - 1 }),
          reservationType: fc.constantFrom('prefix', 'explicit'),
        }),
      ),
    }),
  );
  const ip = (n: number) => `10.0.${Math.floor(n / 256)}.${n % 256}`;
  const toInput = (u: {
    cidr: string;
    used: number[];
    prefixes: number[];
    reservation: { block: number; reservationType: string } | null;
  }) => ({
    cidr: u.cidr,
    usedAddresses: u.used.map(ip),
    usedPrefixes: u.prefixes.map((block) => `${ip(block * 16)}/28`),
    reservations: u.reservation
      ? [{ cidr: `${ip(u.reservation.block * 16)}/28`, reservationType: u.reservation.reservationType }]
      : [],
  });

  it('never finds more free blocks than the free and prefix-reserved addresses could fill', () => {
    fc.assert(
      fc.property(usageArb, (u) => {
        const h = computeSubnetHeadroom(toInput(u));
        expect(h.freeBlocks).toBeLessThanOrEqual(Math.floor((h.freeIps + h.prefixReservedUnused) / 16));
        expect(h.freeIps + h.used + h.reservedUnused).toBeLessThanOrEqual(h.size);
      }),
    );
  });

  it('never gains free blocks or free IPs when one more address is used', () => {
    fc.assert(
      fc.property(usageArb, (u) => {
        const before = computeSubnetHeadroom(toInput(u));
        const after = computeSubnetHeadroom(toInput({ ...u, used: [...u.used, u.extra] }));
        expect(after.freeBlocks).toBeLessThanOrEqual(before.freeBlocks);
        expect(after.freeIps).toBeLessThanOrEqual(before.freeIps);
      }),
    );
  });
});

describe('subnetHeadroomOf', () => {
  it('reads the nearly full subnet of an inventory from AvailableIpAddressCount', () => {
    const inventory = inventoryFrom(
      snapshotBuilder()
        .subnet('subnet-0f00000000000000f', { cidr: '10.0.128.0/24', availableIpAddressCount: 3 })
        .build(),
    );
    expect(subnetHeadroomOf(inventory, 'subnet-0f00000000000000f')).toMatchObject({ freeIps: 3, freeBlocks: 0 });
    expect(subnetHeadroomOf(inventory, 'subnet-0404040404040404')).toBeUndefined();
  });

  it("counts the ENIs' prefixes and the subnet's reservations", () => {
    const inventory = inventoryFrom(
      snapshotBuilder()
        .subnet('subnet-0a00000000000000a', { cidr: '10.0.0.0/24', availableIpAddressCount: 1000 })
        .cluster('prod')
        .nodeGroup('prod', 'ng-pd', { instanceType: 'm5.large', nodes: 1, prefixesPerNode: 2 })
        .cidrReservation('subnet-0a00000000000000a', '10.0.0.64/26', 'explicit')
        .build(),
    );
    // The builder puts one primary IP at .4 and the prefixes at the top (.240/28, which holds AWS's .255, and .224/28):
    // 256 − 4 AWS − 33 used − 64 reserved = 155 free IPs; 16 blocks − block 0 − 2 prefixes − 4 reserved = 9.
    expect(subnetHeadroomOf(inventory, 'subnet-0a00000000000000a')).toMatchObject({
      used: 33,
      reservedUnused: 64,
      freeIps: 155,
      freeBlocks: 9,
    });
  });
});

describe('nodeIpNeed', () => {
  it.each([
    // m5.large: 3 ENIs × 10 IPs = 30
    ['m5.large', {}, 30, 0],
    // SGP: (3 − 1) × 10 + 1 (trunk primary) = 21
    ['m5.large', { sgp: true }, 21, 0],
    // t3 cannot trunk: nothing reserved, 3 × 6 = 18
    ['t3.medium', { sgp: true }, 18, 0],
  ] as const)('%s %j in secondary-IP mode needs %i IPs', (type, extra, ips, blocks) => {
    expect(nodeIpNeed(type, { mode: 'secondary-ip', ...extra })).toMatchObject({ ips, blocks });
  });

  it('needs ceil(maxPods / 16) + the warm prefix under prefix delegation', () => {
    // ceil(110 / 16) + 1 = 8 blocks, on one ENI (9 slots) plus its primary address.
    expect(nodeIpNeed('m5.large', { mode: 'prefix-delegation', maxPods: 110 })).toMatchObject({ blocks: 8, ips: 1 });
    expect(nodeIpNeed('m5.large', { mode: 'prefix-delegation', maxPods: 29, warmPrefixTarget: 0 })).toMatchObject({
      blocks: 2,
    });
  });
});
