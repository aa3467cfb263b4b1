import {
  cidrContains,
  cidrFamily,
  cidrOverlaps,
  cidrSize,
  coversWholeSpace,
  formatCidr,
  IPV4_SPECIAL_PURPOSE,
  IPV6_SPECIAL_PURPOSE,
  isPrivateCidr,
  isPrivateIpv4Cidr,
  normaliseCidr,
  parseCidr,
  parseIpAddress,
  prefixLength,
  specialPurposeBlock,
  splitCidr,
} from '@podnet-guard/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const ipv4Cidr = fc
  .tuple(fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }), fc.integer({ min: 0, max: 32 }))
  .map(([octets, prefix]) => `${octets.join('.')}/${prefix}`);
const ipv6Cidr = fc
  .tuple(
    fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }),
    fc.integer({ min: 0, max: 128 }),
  )
  .map(([groups, prefix]) => `${groups.map((g) => g.toString(16)).join(':')}/${prefix}`);
const anyCidr = fc.oneof(ipv4Cidr, ipv6Cidr);

describe('parseIpAddress (shared with the event-pattern cidr matcher of stack-tools)', () => {
  it.each([
    ['10.0.0.1', { family: 'ipv4', address: 0x0a000001n }],
    ['010.0.0.1', { family: 'ipv4', address: 0x0a000001n }],
    ['2001:DB8::1', { family: 'ipv6', address: (0x20010db8n << 96n) | 1n }],
    ['::', { family: 'ipv6', address: 0n }],
    ['::ffff:10.0.0.1', { family: 'ipv6', address: (0xffffn << 32n) | 0x0a000001n }],
    ['1:2:3:4:5:6:7:8', { family: 'ipv6', address: 0x00010002000300040005000600070008n }],
  ])('reads %s', (text, expected) => {
    expect(parseIpAddress(text)).toEqual(expected);
  });

  it.each([
    '10.0.0',
    '10.0.0.256',
    ' 10.0.0.1',
    '10.0.0.1/32',
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7::8',
    '12345::',
    '::ffff:10.0.0.300',
    '',
  ])('refuses %j', (text) => {
    expect(parseIpAddress(text)).toBeUndefined();
  });
});

describe('normaliseCidr', () => {
  it.each([
    ['00.0.0.0/0', '0.0.0.0/0'],
    ['10.1.2.3/8', '10.0.0.0/8'],
    ['010.000.001.001/32', '10.0.1.1/32'],
    ['192.168.1.1', '192.168.1.1/32'],
    [' 172.16.0.0/12 ', '172.16.0.0/12'],
    ['::/0', '::/0'],
    ['0:0:0:0:0:0:0:0/0', '::/0'],
    ['2001:DB8:0:0:0:0:0:1/128', '2001:db8::1/128'],
    ['2001:db8::1/32', '2001:db8::/32'],
    ['2001:0:0:1:0:0:0:1/128', '2001:0:0:1::1/128'],
    ['2001:db8:0:1:1:1:1:1/128', '2001:db8:0:1:1:1:1:1/128'],
    ['::ffff:10.0.0.1/128', '::ffff:a00:1/128'],
    ['fe80::/10', 'fe80::/10'],
  ])('normalises %s to %s', (input, expected) => {
    expect(normaliseCidr(input)).toBe(expected);
  });

  it.each([
    '',
    '10.0.0.0/33',
    '256.0.0.0/8',
    '10.0.0/8',
    '10.0.0.0/-1',
    'abc',
    '1::2::3/64',
    '::/129',
    '1:2:3:4:5:6:7:8:9/64',
  ])('rejects %j', (input) => {
    expect(normaliseCidr(input)).toBeUndefined();
    expect(parseCidr(input)).toBeUndefined();
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(anyCidr, (cidr) => {
        const once = normaliseCidr(cidr);
        expect(once).toBeDefined();
        expect(normaliseCidr(once!)).toBe(once);
      }),
    );
  });
});

describe('prefixLength, cidrFamily, cidrSize', () => {
  it('reads the prefix and family', () => {
    expect(prefixLength('10.0.0.0/16')).toBe(16);
    expect(prefixLength('10.0.0.1')).toBe(32);
    expect(prefixLength('2001:db8::1')).toBe(128);
    expect(prefixLength('nope')).toBeUndefined();
    expect(cidrFamily('::/0')).toBe('ipv6');
    expect(cidrFamily('0.0.0.0/0')).toBe('ipv4');
    expect(cidrSize('10.0.0.0/28')).toBe(16n);
    expect(cidrSize('::/0')).toBe(1n << 128n);
    expect(cidrSize('bad')).toBe(0n);
  });
});

describe('cidrContains and cidrOverlaps', () => {
  it.each([
    ['10.0.0.0/8', '10.1.0.0/16', true],
    ['10.1.0.0/16', '10.0.0.0/8', false],
    ['0.0.0.0/0', '203.0.113.7/32', true],
    ['00.0.0.0/0', '203.0.113.0/24', true],
    ['10.0.0.0/16', '10.1.0.0/16', false],
    ['2001:db8::/32', '2001:db8:1::/48', true],
    ['::/0', '10.0.0.0/8', false],
    ['bad', '10.0.0.0/8', false],
  ])('contains(%s, %s) is %s', (outer, inner, expected) => {
    expect(cidrContains(outer, inner)).toBe(expected);
  });

  it.each([
    ['10.0.0.0/16', '10.0.255.0/24', true],
    ['10.0.255.0/24', '10.0.0.0/16', true],
    ['10.0.0.0/24', '10.0.1.0/24', false],
    ['fc00::/7', 'fd00::/8', true],
    ['0.0.0.0/0', '::/0', false],
  ])('overlaps(%s, %s) is %s', (a, b, expected) => {
    expect(cidrOverlaps(a, b)).toBe(expected);
  });

  it('contains is reflexive and implies overlap', () => {
    fc.assert(
      fc.property(anyCidr, (cidr) => {
        expect(cidrContains(cidr, cidr)).toBe(true);
        expect(cidrOverlaps(cidr, cidr)).toBe(true);
      }),
    );
  });

  it('a CIDR contains both its halves and the halves do not overlap', () => {
    fc.assert(
      fc.property(anyCidr, (cidr) => {
        const halves = splitCidr(cidr);
        if (!halves) {
          expect([32, 128]).toContain(prefixLength(cidr));
          return;
        }
        const [low, high] = halves;
        expect(cidrContains(cidr, low)).toBe(true);
        expect(cidrContains(cidr, high)).toBe(true);
        expect(cidrOverlaps(low, high)).toBe(false);
        expect(cidrSize(low) + cidrSize(high)).toBe(cidrSize(cidr));
      }),
    );
  });
});

describe('isPrivateCidr', () => {
  it.each([
    ['10.20.0.0/16', true],
    ['172.31.0.0/16', true],
    ['192.168.10.0/24', true],
    ['100.64.0.0/16', true],
    ['169.254.169.254/32', true],
    ['fd12:3456::/48', true],
    ['fe80::1/128', true],
    // Documentation and "this network" blocks are not globally reachable either (IANA special-purpose registry).
    ['203.0.113.0/24', true],
    ['2001:db8::/32', true],
    ['0.0.0.0/16', true],
    ['10.0.0.0/7', false],
    ['172.32.0.0/16', false],
    ['100.128.0.0/16', false],
    ['8.8.8.0/24', false],
    ['0.0.0.0/0', false],
    ['0.0.0.0/7', false],
    ['2600:1f18::/32', false],
    // Globally reachable entries stay public, also inside a block that is not.
    ['192.31.196.0/24', false],
    ['64:ff9b::/96', false],
    ['192.0.0.9/32', false],
    ['192.0.0.0/24', false],
    ['192.0.0.0/29', true],
    ['2001::/23', false],
    ['2001:2::/48', true],
    // N/A entries decide nothing: Teredo lies in 2001::/23, 6to4 in no other block.
    ['2001::/32', true],
    ['2002::/16', false],
    ['garbage', false],
  ])('%s is private: %s', (cidr, expected) => {
    expect(isPrivateCidr(cidr)).toBe(expected);
    expect(isPrivateIpv4Cidr(cidr)).toBe(expected);
  });

  /** Independent address-level reading of the registry: the most specific entry with a yes/no answer decides. */
  function addressIsPublic(family: 'ipv4' | 'ipv6', address: bigint): boolean {
    const bits = family === 'ipv4' ? 32 : 128;
    let best: { prefix: number; reachable: boolean } | undefined;
    for (const entry of [...IPV4_SPECIAL_PURPOSE, ...IPV6_SPECIAL_PURPOSE]) {
      const parsed = parseCidr(entry.cidr)!;
      if (parsed.family !== family || entry.globallyReachable === undefined) continue;
      if (address >> BigInt(bits - parsed.prefix) !== parsed.address >> BigInt(bits - parsed.prefix)) continue;
      if (!best || parsed.prefix > best.prefix) best = { prefix: parsed.prefix, reachable: entry.globallyReachable };
    }
    return best?.reachable ?? true;
  }

  const entries = [...IPV4_SPECIAL_PURPOSE, ...IPV6_SPECIAL_PURPOSE];
  it.each(entries.map((entry) => [entry.cidr, entry.name, entry.globallyReachable] as const))(
    '%s (%s, globally reachable: %s): first, last and neighbouring addresses',
    (cidr) => {
      const parsed = parseCidr(cidr)!;
      const bits = parsed.family === 'ipv4' ? 32 : 128;
      const first = parsed.address;
      const last = first + (1n << BigInt(bits - parsed.prefix)) - 1n;
      const max = (1n << BigInt(bits)) - 1n;
      const host = (address: bigint) => formatCidr({ family: parsed.family, address, prefix: bits });
      for (const address of [first - 1n, first, last, last + 1n]) {
        if (address < 0n || address > max) continue;
        expect(isPrivateCidr(host(address)), host(address)).toBe(!addressIsPublic(parsed.family, address));
      }
    },
  );

  it('names the entry that decides', () => {
    expect(specialPurposeBlock('0.0.0.0/16')).toMatchObject({ name: '"This network"', globallyReachable: false });
    expect(specialPurposeBlock('192.31.196.0/24')).toMatchObject({ name: 'AS112-v4', globallyReachable: true });
    expect(specialPurposeBlock('2001::/32')?.name).toBe('IETF Protocol Assignments');
    expect(specialPurposeBlock('8.8.8.8/32')).toBeUndefined();
  });

  it('a CIDR is private exactly when each of its halves is', () => {
    fc.assert(
      fc.property(fc.oneof(ipv4Cidr, ipv6Cidr), (cidr) => {
        const halves = splitCidr(cidr);
        if (!halves) return;
        if (isPrivateCidr(cidr)) expect(halves.every((half) => isPrivateCidr(half))).toBe(true);
      }),
    );
  });
});

describe('coversWholeSpace', () => {
  it.each([
    [['0.0.0.0/0'], 'ipv4', true],
    [['00.0.0.0/0'], 'ipv4', true],
    [['0.0.0.0/1', '128.0.0.0/1'], 'ipv4', true],
    [['128.0.0.0/1', '0.0.0.0/2', '64.0.0.0/2'], 'ipv4', true],
    [['0.0.0.0/1', '128.0.0.0/2'], 'ipv4', false],
    [['0.0.0.0/1', '10.0.0.0/8', '192.0.0.0/2'], 'ipv4', false],
    [['::/0'], 'ipv4', false],
    [['::/1', '8000::/1'], 'ipv6', true],
    [['::/1'], 'ipv6', false],
    [[], 'ipv4', false],
  ] as const)('%j covers all of %s: %s', (cidrs, family, expected) => {
    expect(coversWholeSpace(cidrs, family)).toBe(expected);
  });

  it('splitting the world recursively still covers it', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 12 }), (picks) => {
        let parts = ['0.0.0.0/0'];
        for (const pick of picks) {
          const index = pick % parts.length;
          const halves = splitCidr(parts[index]!);
          if (halves) parts = [...parts.slice(0, index), ...halves, ...parts.slice(index + 1)];
        }
        expect(coversWholeSpace(parts, 'ipv4')).toBe(true);
        if (parts.length > 1) expect(coversWholeSpace(parts.slice(1), 'ipv4')).toBe(false);
      }),
    );
  });
});
