/**
 * IPv4 and IPv6 CIDR arithmetic, pure and dependency-free. Security group rules must be judged on normalised CIDRs:
 * EC2 accepts `00.0.0.0/0` and host bits, and "open to the world" can be spelled as several halves
 * (`0.0.0.0/1` + `128.0.0.0/1`). Addresses are held as BigInt so both families share one code path.
 */

import { IPV4_SPECIAL_PURPOSE, IPV6_SPECIAL_PURPOSE, type SpecialPurposeBlock } from './special-purpose.ts';

/** `ipv4` or `ipv6`. */
export type IpFamily = 'ipv4' | 'ipv6';

/** A parsed CIDR: the network address (host bits cleared) and its prefix length. */
export interface ParsedCidr {
  family: IpFamily;
  /** The network address as an unsigned integer (32 or 128 bits). */
  address: bigint;
  prefix: number;
}

const BITS: Record<IpFamily, number> = { ipv4: 32, ipv6: 128 };

function computeMask(family: IpFamily, prefix: number): bigint {
  const bits = BITS[family];
  const all = (1n << BigInt(bits)) - 1n;
  return prefix === 0 ? 0n : (all >> BigInt(bits - prefix)) << BigInt(bits - prefix);
}

const MASKS: Record<IpFamily, bigint[]> = {
  ipv4: Array.from({ length: 33 }, (_, prefix) => computeMask('ipv4', prefix)),
  ipv6: Array.from({ length: 129 }, (_, prefix) => computeMask('ipv6', prefix)),
};

function maskOf(family: IpFamily, prefix: number): bigint {
  return MASKS[family][prefix] ?? computeMask(family, prefix);
}

/**
 * Remembers a function of a CIDR's spelling: one event can carry thousands of CIDRs, each read by several
 * judgements. Bounded: the memory is dropped when it fills.
 */
function memoized<T>(compute: (text: string) => T, size = 20_000): (text: string) => T {
  const memory = new Map<string, T>();
  return (text) => {
    if (memory.has(text)) return memory.get(text) as T;
    const value = compute(text);
    if (memory.size >= size) memory.clear();
    memory.set(text, value);
    return value;
  };
}

function parseIpv4Address(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    // Leading zeros are read as decimal, as EC2 does (`00.0.0.0/0` is the world).
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return BigInt(value);
}

function parseIpv6Address(text: string): bigint | undefined {
  let body = text.toLowerCase();
  const groups: number[] = [];
  // An embedded dotted IPv4 tail (`::ffff:10.0.0.1`) counts as two groups.
  const lastColon = body.lastIndexOf(':');
  if (body.slice(lastColon + 1).includes('.')) {
    const v4 = parseIpv4Address(body.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    body = `${body.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = body.split('::');
  if (halves.length > 2) return undefined;
  const parseGroups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    for (const group of part.split(':')) {
      if (!/^[0-9a-f]{1,4}$/.test(group)) return undefined;
      out.push(Number.parseInt(group, 16));
    }
    return out;
  };
  const head = parseGroups(halves[0] ?? '');
  const tail = halves.length === 2 ? parseGroups(halves[1] ?? '') : [];
  if (head === undefined || tail === undefined) return undefined;
  if (halves.length === 2) {
    const fill = 8 - head.length - tail.length;
    if (fill < 1) return undefined;
    groups.push(...head, ...new Array<number>(fill).fill(0), ...tail);
  } else {
    if (head.length !== 8) return undefined;
    groups.push(...head);
  }
  return groups.reduce((acc, group) => (acc << 16n) | BigInt(group), 0n);
}

/**
 * Parses an IP address (no prefix, no surrounding space): its family and its value as an unsigned integer; undefined
 * when it is not one. IPv6 may be compressed (`::`) and end in a dotted IPv4 tail (`::ffff:10.0.0.1`).
 *
 * @example
 * parseIpAddress('10.0.0.1'); // { family: 'ipv4', address: 167772161n }
 */
export function parseIpAddress(text: string): { family: IpFamily; address: bigint } | undefined {
  const family: IpFamily = text.includes(':') ? 'ipv6' : 'ipv4';
  const address = family === 'ipv4' ? parseIpv4Address(text) : parseIpv6Address(text);
  return address === undefined ? undefined : { family, address };
}

/**
 * Parses a CIDR (or a bare address, read as /32 or /128) and clears its host bits; undefined when it is not one.
 *
 * @example
 * parseCidr('10.1.2.3/8'); // { family: 'ipv4', address: 167772160n, prefix: 8 }
 */
export function parseCidr(text: string): ParsedCidr | undefined {
  return parseCidrMemo(text);
}

// The parsed values are shared: callers never change them.
const parseCidrMemo = memoized(parseCidrUncached);

function parseCidrUncached(text: string): ParsedCidr | undefined {
  const trimmed = text.trim();
  const slash = trimmed.indexOf('/');
  const addressText = slash === -1 ? trimmed : trimmed.slice(0, slash);
  const prefixText = slash === -1 ? undefined : trimmed.slice(slash + 1);
  const ip = parseIpAddress(addressText);
  if (ip === undefined) return undefined;
  const { family, address } = ip;
  let prefix = BITS[family];
  if (prefixText !== undefined) {
    if (!/^\d{1,3}$/.test(prefixText)) return undefined;
    prefix = Number(prefixText);
    if (prefix > BITS[family]) return undefined;
  }
  return { family, address: address & maskOf(family, prefix), prefix };
}

function formatIpv6(address: bigint): string {
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((address >> BigInt(i * 16)) & 0xffffn));
  // RFC 5952: compress the longest run (two or more) of zero groups, the first one on a tie.
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestLength < 2) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** Formats a parsed CIDR in canonical form (dotted IPv4; lower-case, compressed IPv6). */
export function formatCidr(cidr: ParsedCidr): string {
  if (cidr.family === 'ipv6') return `${formatIpv6(cidr.address)}/${cidr.prefix}`;
  const a = cidr.address;
  const octets = [24n, 16n, 8n, 0n].map((shift) => ((a >> shift) & 0xffn).toString());
  return `${octets.join('.')}/${cidr.prefix}`;
}

/**
 * The canonical spelling of a CIDR (host bits cleared, IPv6 compressed), or undefined when it is not one.
 *
 * @example
 * normaliseCidr('00.0.0.0/0'); // '0.0.0.0/0'
 * normaliseCidr('2001:DB8:0:0::1/32'); // '2001:db8::/32'
 */
export function normaliseCidr(text: string): string | undefined {
  return normaliseMemo(text);
}

const normaliseMemo = memoized((text) => {
  const parsed = parseCidr(text);
  return parsed && formatCidr(parsed);
});

/**
 * US spelling of {@link normaliseCidr}.
 *
 * @example
 * normalizeCidr('10.1.2.3/8'); // '10.0.0.0/8'
 */
export const normalizeCidr = normaliseCidr;

/**
 * The family of a CIDR, or undefined when it is not one.
 *
 * @example
 * cidrFamily('::/0'); // 'ipv6'
 */
export function cidrFamily(text: string): IpFamily | undefined {
  return parseCidr(text)?.family;
}

/**
 * The prefix length of a CIDR (a bare address counts as /32 or /128), or undefined when it is not one.
 *
 * @example
 * prefixLength('10.0.0.0/16'); // 16
 */
export function prefixLength(text: string): number | undefined {
  return parseCidr(text)?.prefix;
}

/**
 * The number of addresses in a CIDR (BigInt: an IPv6 /0 does not fit a number); 0n when it is not one.
 *
 * @example
 * cidrSize('10.0.0.0/28'); // 16n
 */
export function cidrSize(text: string): bigint {
  const parsed = parseCidr(text);
  return parsed ? 1n << BigInt(BITS[parsed.family] - parsed.prefix) : 0n;
}

function contains(outer: ParsedCidr, inner: ParsedCidr): boolean {
  return (
    outer.family === inner.family &&
    outer.prefix <= inner.prefix &&
    (inner.address & maskOf(outer.family, outer.prefix)) === outer.address
  );
}

/**
 * True when every address of `inner` is in `outer` (same family). False when either is not a CIDR.
 *
 * @example
 * cidrContains('10.0.0.0/8', '10.1.0.0/16'); // true
 */
export function cidrContains(outer: string, inner: string): boolean {
  const a = parseCidr(outer);
  const b = parseCidr(inner);
  return a !== undefined && b !== undefined && contains(a, b);
}

/**
 * True when two CIDRs share at least one address (same family). False when either is not a CIDR.
 *
 * @example
 * cidrOverlaps('10.0.0.0/16', '10.0.255.0/24'); // true
 */
export function cidrOverlaps(a: string, b: string): boolean {
  const x = parseCidr(a);
  const y = parseCidr(b);
  return x !== undefined && y !== undefined && (contains(x, y) || contains(y, x));
}

/**
 * The two halves of a CIDR (one bit longer each), or undefined for a single address or a non-CIDR.
 *
 * @example
 * splitCidr('0.0.0.0/0'); // ['0.0.0.0/1', '128.0.0.0/1']
 */
export function splitCidr(text: string): [string, string] | undefined {
  const parsed = parseCidr(text);
  if (!parsed || parsed.prefix === BITS[parsed.family]) return undefined;
  const prefix = parsed.prefix + 1;
  const high = parsed.address | (1n << BigInt(BITS[parsed.family] - prefix));
  return [formatCidr({ ...parsed, prefix }), formatCidr({ ...parsed, address: high, prefix })];
}

/** A registry entry as an address range [start, end), per family, for comparisons that allocate nothing. */
interface RangedBlock {
  entry: SpecialPurposeBlock;
  prefix: number;
  start: bigint;
  end: bigint;
}

function rangeOf(parsed: ParsedCidr): { start: bigint; end: bigint } {
  return { start: parsed.address, end: parsed.address + (1n << BigInt(BITS[parsed.family] - parsed.prefix)) };
}

const SPECIAL_BLOCKS: Record<IpFamily, RangedBlock[]> = { ipv4: [], ipv6: [] };
for (const entry of [...IPV4_SPECIAL_PURPOSE, ...IPV6_SPECIAL_PURPOSE]) {
  const parsed = parseCidr(entry.cidr)!;
  SPECIAL_BLOCKS[parsed.family].push({ entry, prefix: parsed.prefix, ...rangeOf(parsed) });
}

function decidingBlock(parsed: ParsedCidr): RangedBlock | undefined {
  const { start, end } = rangeOf(parsed);
  let best: RangedBlock | undefined;
  for (const block of SPECIAL_BLOCKS[parsed.family]) {
    if (block.entry.globallyReachable === undefined || block.start > start || end > block.end) continue;
    if (!best || block.prefix > best.prefix) best = block;
  }
  return best;
}

/**
 * The most specific special-purpose registry entry that holds every address of the CIDR and says whether it is
 * globally reachable (entries marked N/A are passed over), or undefined when none does.
 *
 * @example
 * specialPurposeBlock('0.0.0.0/16')?.name; // '"This network"'
 */
export function specialPurposeBlock(text: string): SpecialPurposeBlock | undefined {
  const parsed = parseCidr(text);
  return parsed && decidingBlock(parsed)?.entry;
}

/**
 * True when no address of the CIDR is globally reachable: it lies in an entry of the IANA IPv4 or IPv6
 * special-purpose address registry marked "Globally Reachable: False" (RFC 1918, shared address space, loopback,
 * link-local, documentation, benchmarking, "this network" 0.0.0.0/8, unique-local fc00::/7 …; see
 * special-purpose.ts), and holds no more specific entry marked True. A CIDR that only overlaps such space is public.
 *
 * @example
 * isPrivateCidr('10.20.0.0/16'); // true
 * isPrivateCidr('0.0.0.0/16'); // true: it lies in 0.0.0.0/8, "this network"
 * isPrivateCidr('192.31.196.0/24'); // false: AS112-v4 is globally reachable
 * isPrivateCidr('10.0.0.0/7'); // false: it also holds 11.0.0.0/8
 */
export function isPrivateCidr(text: string): boolean {
  return isPrivateMemo(text);
}

const isPrivateMemo = memoized((text) => {
  const parsed = parseCidr(text);
  if (!parsed || decidingBlock(parsed)?.entry.globallyReachable !== false) return false;
  // A globally reachable block inside the CIDR (192.0.0.9/32 inside 192.0.0.0/24) makes part of it public.
  const { start, end } = rangeOf(parsed);
  return !SPECIAL_BLOCKS[parsed.family].some(
    (block) => block.entry.globallyReachable === true && start <= block.start && block.end <= end,
  );
});

/** Same as {@link isPrivateCidr}: not globally reachable. */
export const isNonPublicCidr = isPrivateCidr;

/**
 * Same as {@link isPrivateCidr} (the name predates IPv6 support; IPv6 special-purpose blocks count too).
 *
 * @example
 * isPrivateIpv4Cidr('100.64.0.0/16'); // true
 */
export const isPrivateIpv4Cidr = isPrivateCidr;

/**
 * True when the CIDRs of `family` together cover the whole address space (0.0.0.0/0 or ::/0), however split.
 * CIDRs of the other family or that do not parse are ignored.
 *
 * @example
 * coversWholeSpace(['0.0.0.0/1', '128.0.0.0/1'], 'ipv4'); // true
 */
export function coversWholeSpace(cidrs: readonly string[], family: IpFamily): boolean {
  const ranges = cidrs
    .map((text) => parseCidr(text))
    .filter((parsed): parsed is ParsedCidr => parsed?.family === family)
    .map((parsed) => {
      const size = 1n << BigInt(BITS[family] - parsed.prefix);
      return { start: parsed.address, end: parsed.address + size };
    })
    .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  let reached = 0n;
  for (const range of ranges) {
    if (range.start > reached) return false;
    if (range.end > reached) reached = range.end;
  }
  return reached === 1n << BigInt(BITS[family]);
}
