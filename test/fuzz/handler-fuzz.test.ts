/**
 * A seeded sample of the handler fuzz in `npm test` (the full 10,000 events: `npm run fuzz`). A failure names the
 * seed and the event; `FUZZ_SEED=<n>` replays it. Arrays grow to 500 elements here (a node SG's rules are judged in
 * time linear in their number, packages/core/src/detectors/node-sg-widening/ingress-judgement.ts); `npm run fuzz`
 * grows them to 5,000.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { checkLogging, DEFAULT_SEED, type LogCall, runHandlerFuzz, seedFromEnv } from './handler-fuzz.ts';

beforeAll(() => {
  vi.stubEnv('AWS_REGION', 'eu-west-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDFUZZ');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'fuzz');
});
afterAll(() => vi.unstubAllEnvs());

describe('handleCloudTrailEvent under generated events', () => {
  it('ends every event in an outcome within 1 s, logging each rejection once as a structured line', async () => {
    const report = await runHandlerFuzz({ runs: 200, seed: seedFromEnv(), limitMs: 1_000, maxArrayLength: 500 });
    expect(report.runs).toBe(200);
    // Every kind of outcome is reached, so the sample exercises parsing, skipping and evaluation alike.
    expect(Object.keys(report.outcomes)).toEqual(expect.arrayContaining(['evaluated', 'rejected', 'skipped']));
  }, 120_000);

  it('replays the same events for the same seed, and others for another seed', async () => {
    const run = (seed: number) => runHandlerFuzz({ runs: 30, seed, limitMs: 1_000, maxArrayLength: 20 });
    const [first, again, other] = [await run(7), await run(7), await run(8)];
    expect(again.fingerprint).toBe(first.fingerprint);
    expect(again.outcomes).toEqual(first.outcomes);
    expect(other.fingerprint).not.toBe(first.fingerprint);
  }, 60_000);

  it('reads FUZZ_SEED, falling back to the fixed seed', () => {
    expect(seedFromEnv({ FUZZ_SEED: '42' })).toBe(42);
    expect(seedFromEnv({})).toBe(DEFAULT_SEED);
    expect(seedFromEnv({ FUZZ_SEED: 'x' })).toBe(DEFAULT_SEED);
  });

  it('counts a rejection without a structured log line, or with an unbounded one, as a failure', () => {
    const rejected = { status: 'rejected', reason: 'bad' } as const;
    const line = (extra: Record<string, unknown>): LogCall => ({
      level: 'warn',
      message: 'event rejected',
      extra: [extra],
    });
    expect(checkLogging(rejected, [])).toMatch(/logged 0 rejection lines/);
    expect(checkLogging(rejected, [line({ rejection: { reason: '' } })])).toMatch(/no reason/);
    expect(checkLogging(rejected, [line({ rejection: { reason: 'x'.repeat(20_000), errorType: 'E' } })])).toMatch(
      /characters/,
    );
    expect(
      checkLogging(rejected, [line({ rejection: { reason: 'bad', errorType: 'EventParseError' } })]),
    ).toBeUndefined();
    expect(checkLogging({ status: 'evaluated', findings: 0, published: 0, awsCalls: 0 }, [])).toBeUndefined();
  });

  it('fails the run, naming the seed, when an event is slower than the limit', async () => {
    await expect(runHandlerFuzz({ runs: 50, seed: 7, limitMs: 0, maxArrayLength: 20 })).rejects.toThrow(
      /fuzz event \d+ \(seed 7; replay with FUZZ_SEED=7\): took \d+ ms \(limit 0 ms\)/,
    );
  }, 60_000);
});
