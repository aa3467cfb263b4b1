import {
  EventParseError,
  extractCloudTrailRecords,
  parseCloudTrailEvent,
  UnsupportedEventError,
} from '@podnet-guard/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { listEventSamples, loadEvent } from '../../helpers/events.ts';

type Path = (string | number)[];

/** Every path to a value inside `value`, the root included. */
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  const paths: Path[] = [prefix];
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) paths.push(...pathsOf(item, [...prefix, index]));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) paths.push(...pathsOf(item, [...prefix, key]));
  }
  return paths;
}

const OPERATIONS = [
  'delete',
  'replace',
  'wrap-array',
  'wrap-items',
  'wrap-item',
  'null',
  'empty',
  'stringify',
] as const;
type Mutation = { pick: number; op: (typeof OPERATIONS)[number]; value: unknown };

/** Applies one mutation at a path chosen by `pick`; returns the new root. */
function mutate(root: unknown, { pick, op, value }: Mutation): unknown {
  const paths = pathsOf(root);
  const path = paths[pick % paths.length]!;
  const current = path.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], root);
  const replacement = (() => {
    switch (op) {
      case 'delete':
        return undefined;
      case 'replace':
        return value;
      case 'wrap-array':
        return [current];
      case 'wrap-items':
        return { items: current };
      case 'wrap-item':
        return { item: current };
      case 'null':
        return null;
      case 'empty':
        return Array.isArray(current) ? [] : {};
      case 'stringify':
        return JSON.stringify(current) ?? '';
    }
  })();
  if (path.length === 0) return replacement;
  const parent = path
    .slice(0, -1)
    .reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], root);
  const key = path.at(-1)!;
  if (op === 'delete') {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete (parent as Record<string | number, unknown>)[key];
  } else {
    (parent as Record<string | number, unknown>)[key] = replacement;
  }
  return root;
}

const mutationArbitrary: fc.Arbitrary<Mutation> = fc.record({
  pick: fc.nat(),
  op: fc.constantFrom(...OPERATIONS),
  value: fc.jsonValue({ maxDepth: 3 }),
});

/** The contract: never throws; either an event or one of the two typed errors. */
function expectTypedOutcome(raw: unknown): void {
  const result = parseCloudTrailEvent(raw);
  if (result.ok) {
    expect(typeof result.event.eventId).toBe('string');
    expect(typeof result.event.detail.kind).toBe('string');
    expect(typeof result.event.account).toBe('string');
  } else {
    expect(result.error instanceof EventParseError || result.error instanceof UnsupportedEventError).toBe(true);
    if (result.error instanceof EventParseError) expect(result.error.issues.length).toBeGreaterThan(0);
  }
  const found = extractCloudTrailRecords(raw);
  if ('error' in found) expect(found.error).toBeInstanceOf(EventParseError);
  else expect(Array.isArray(found.records)).toBe(true);
}

const samples = listEventSamples();

describe('parseCloudTrailEvent never throws', () => {
  it.each(samples.map((sample) => [sample.eventName, sample.caseName] as const))(
    'mutations of %s/%s give an event or a typed error',
    (eventName, caseName) => {
      fc.assert(
        fc.property(fc.array(mutationArbitrary, { minLength: 1, maxLength: 6 }), fc.boolean(), (mutations, bare) => {
          const envelope = loadEvent(eventName, caseName) as { detail: unknown };
          let raw: unknown = bare ? envelope.detail : envelope;
          for (const mutation of mutations) raw = mutate(raw, mutation);
          expectTypedOutcome(raw);
        }),
        { numRuns: 150 },
      );
    },
  );

  it('a mutated sample that still parses keeps a valid detail for its event', () => {
    let parsedCount = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...samples),
        fc.array(mutationArbitrary, { minLength: 1, maxLength: 2 }),
        (sample, mutations) => {
          let raw = loadEvent(sample.eventName, sample.caseName);
          for (const mutation of mutations) raw = mutate(raw, mutation);
          const result = parseCloudTrailEvent(raw);
          if (!result.ok) return;
          parsedCount++;
          // Survives a JSON round trip unchanged: plain data, no undefined-valued keys left behind.
          expect(JSON.parse(JSON.stringify(result.event))).toEqual(result.event);
        },
      ),
      { numRuns: 500 },
    );
    // Some mutations touch fields no parser reads; those must still parse.
    expect(parsedCount).toBeGreaterThan(0);
  });

  it('random JSON values give a typed error', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (raw) => {
        expectTypedOutcome(raw);
      }),
      { numRuns: 1000 },
    );
  });

  it('random values of any kind (records with CloudTrail keys included) give a typed outcome', () => {
    const keys = fc.constantFrom(
      'detail-type',
      'detail',
      'eventName',
      'eventSource',
      'eventID',
      'Records',
      'Events',
      'CloudTrailEvent',
      'requestParameters',
      'responseElements',
      'items',
      'item',
    );
    const shaped = fc.dictionary(keys, fc.anything({ maxDepth: 3 }));
    fc.assert(
      fc.property(fc.oneof(fc.anything({ maxDepth: 4 }), shaped), (raw) => {
        expectTypedOutcome(raw);
      }),
      { numRuns: 1000 },
    );
  });

  it('an object whose fields throw when read gives a typed error', () => {
    const hostile = new Proxy(
      {},
      {
        has: () => true,
        get: () => {
          throw new Error('boom');
        },
      },
    );
    const result = parseCloudTrailEvent(hostile);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toBeInstanceOf(EventParseError);
    // It looks like an EventBridge event (`in` says yes to every key), so it is passed on as one record.
    const found = extractCloudTrailRecords(hostile);
    expect('records' in found && found.records.length === 1 && found.records[0] === hostile).toBe(true);
  });
});
