/**
 * Generated EventBridge events for the handler fuzz: the sample events (`events/cloudtrail/`) with arbitrary values
 * in their fields, truncated, with wrong types, or with one array blown up to EventBridge's 256 KB event limit.
 */
import fc from 'fast-check';
import { listEventSamples, loadEvent } from '../helpers/events.ts';

export type FuzzKind = 'values' | 'truncated' | 'wrong-types' | 'huge-array';
export interface FuzzEvent {
  kind: FuzzKind;
  /** `<EventName>/<case>` of the sample it was made from. */
  sample: string;
  /** What was changed, short enough to print. */
  change: string;
  event: unknown;
}

/** EventBridge refuses events larger than this, so Lambda never receives one. */
export const MAX_EVENT_BYTES = 256 * 1024;

type Path = (string | number)[];
type Node = Record<string | number, unknown>;

const SAMPLES = listEventSamples().map((s) => ({
  name: `${s.eventName}/${s.caseName}`,
  event: loadEvent(s.eventName, s.caseName),
}));

function walk(value: unknown, visit: (path: Path, value: unknown) => void, prefix: Path = []): void {
  visit(prefix, value);
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) walk(item, visit, [...prefix, index]);
  } else if (typeof value === 'object' && value !== null)
    for (const [key, item] of Object.entries(value)) walk(item, visit, [...prefix, key]);
}

function pathsWhere(root: unknown, keep: (value: unknown) => boolean): Path[] {
  const paths: Path[] = [];
  walk(root, (path, value) => {
    if (keep(value)) paths.push(path);
  });
  return paths;
}

function setAt(root: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const parent = path.slice(0, -1).reduce<unknown>((node, key) => (node as Node)[key], root) as Node;
  const key = path.at(-1)!;
  if (value === undefined && Array.isArray(parent)) parent.splice(key as number, 1);
  else if (value === undefined) delete parent[key];
  else parent[key] = value;
  return root;
}

const isLeaf = (value: unknown) => value === null || typeof value !== 'object';
const show = (path: Path) => path.join('.') || '(root)';
const sample = fc.constantFrom(...SAMPLES);

/** Values a field may hold that are well-typed and wrong, or merely unusual. */
const stringValue = fc.oneof(
  fc.constantFrom(
    '999.1.1.1/33',
    '0.0.0.0/-1',
    '',
    '0.0.0.0/0',
    '::/0',
    '00.0.0.0/0',
    '10.0.0.0/8',
    'bogus',
    '-1',
    'tcp',
    '6',
    'yesterday',
    '2026-02-30T25:61:00Z',
    'sg-0d0de000000000001',
    'i-0a1b2c3d4e5f00001',
    'subnet-0a000000000000001',
    'Client.InsufficientFreeAddressesInSubnet',
    'trunk',
    'branch',
    '<@here>',
    '\u0000\u202e',
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ minLength: 1_000, maxLength: 20_000 }),
  fc.integer().map(String),
);
const numberValue = fc.oneof(
  fc.constantFrom(70000, -1, -2, 65536, 0, 2 ** 31, Number.MAX_SAFE_INTEGER, 1e308, -1e308, 0.5),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
const leafFor = (current: unknown): fc.Arbitrary<unknown> =>
  typeof current === 'number'
    ? numberValue
    : typeof current === 'boolean'
      ? fc.oneof(fc.boolean(), fc.constantFrom('true', 'false', 'yes'))
      : stringValue;

/** Valid shapes, arbitrary values: 1–8 leaves of a sample replaced by values of the same type. */
const valuesArbitrary: fc.Arbitrary<FuzzEvent> = sample.chain(({ name, event }) => {
  const leaves = pathsWhere(event, (value) => isLeaf(value) && value !== null);
  return fc
    .array(
      fc.nat({ max: leaves.length - 1 }).chain((pick) => {
        const path = leaves[pick]!;
        const current = path.reduce<unknown>((node, key) => (node as Node)[key], event);
        return leafFor(current).map((value) => ({ path, value }));
      }),
      { minLength: 1, maxLength: 8 },
    )
    .map((changes) => {
      const copy = structuredClone(event);
      for (const { path, value } of changes) setAt(copy, path, value);
      const change = changes.map(({ path, value }) => `${show(path)}=${JSON.stringify(value).slice(0, 40)}`).join(', ');
      return { kind: 'values' as const, sample: name, change, event: copy };
    });
});

/** A record cut off after its first `keep` leaves, as a partial write would leave it. */
const truncatedArbitrary: fc.Arbitrary<FuzzEvent> = fc.tuple(sample, fc.nat()).map(([{ name, event }, seed]) => {
  const leaves = pathsWhere(event, isLeaf);
  const keep = seed % leaves.length;
  const copy = structuredClone(event);
  // Remove from the end so earlier paths stay valid.
  for (const path of leaves.slice(keep).reverse()) setAt(copy, path, undefined);
  return { kind: 'truncated' as const, sample: name, change: `kept ${keep} of ${leaves.length} fields`, event: copy };
});

/** 1–4 values anywhere (objects and arrays included) replaced by arbitrary JSON of any type. */
const wrongTypesArbitrary: fc.Arbitrary<FuzzEvent> = sample.chain(({ name, event }) => {
  const all = pathsWhere(event, () => true);
  return fc
    .array(fc.tuple(fc.nat({ max: all.length - 1 }), fc.jsonValue({ maxDepth: 3 })), { minLength: 1, maxLength: 4 })
    .map((changes) => {
      let copy: unknown = structuredClone(event);
      const applied: string[] = [];
      for (const [pick, value] of changes) {
        const path = pathsWhere(copy, () => true)[pick];
        if (path === undefined) continue;
        copy = setAt(copy, path, value);
        applied.push(`${show(path)}=${JSON.stringify(value).slice(0, 40)}`);
      }
      return { kind: 'wrong-types' as const, sample: name, change: applied.join(', '), event: copy };
    });
});

/** A distinct variant of an array element: CIDRs and ids get the index worked in, so no two are equal. */
function variant(element: unknown, index: number): unknown {
  const copy = structuredClone(element);
  const rewrite = (value: string) =>
    /^\d+\.\d+\.\d+\.\d+\/\d+$/.test(value)
      ? `${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}.0/24`
      : /^(sg|i|subnet|eni|sgr|lt)-[0-9a-f]+$/.test(value)
        ? `${value.slice(0, -6)}${index.toString(16).padStart(6, '0')}`
        : value;
  if (typeof copy === 'string') return rewrite(copy);
  walk(copy, (path, value) => {
    if (typeof value === 'string' && path.length > 0) setAt(copy, path, rewrite(value));
  });
  return copy;
}

/** One array of a sample (ranges, permissions, ids, instances …) grown to 100–`maxLength` elements, within 256 KB. */
const hugeArrayArbitrary = (maxLength: number): fc.Arbitrary<FuzzEvent> =>
  sample
    .filter(({ event }) => pathsWhere(event, (value) => Array.isArray(value) && value.length > 0).length > 0)
    .chain(({ name, event }) => {
      const arrays = pathsWhere(event, (value) => Array.isArray(value) && value.length > 0);
      return fc
        .tuple(fc.nat({ max: arrays.length - 1 }), fc.integer({ min: Math.min(100, maxLength), max: maxLength }))
        .map(([pick, size]) => {
          const path = arrays[pick]!;
          const copy = structuredClone(event);
          const array = path.reduce<unknown>((node, key) => (node as Node)[key], copy) as unknown[];
          const first = array[0];
          const base = JSON.stringify(copy).length;
          const each = JSON.stringify(first).length + 1;
          const fits = Math.max(1, Math.min(size, Math.floor((MAX_EVENT_BYTES - base) / each)));
          array.length = 0;
          for (let index = 0; index < fits; index += 1) array.push(variant(first, index));
          return { kind: 'huge-array' as const, sample: name, change: `${show(path)} × ${fits}`, event: copy };
        });
    });

/** Every kind, in equal parts; huge arrays have up to `maxArrayLength` elements (5,000 by default). */
export function fuzzEventArbitrary(maxArrayLength = 5_000): fc.Arbitrary<FuzzEvent> {
  return fc.oneof(valuesArbitrary, truncatedArbitrary, wrongTypesArbitrary, hugeArrayArbitrary(maxArrayLength));
}
