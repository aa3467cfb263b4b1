/**
 * The handler fuzz: generated EventBridge events through `handleCloudTrailEvent` with the real parsing, scoped and
 * full inventory loading and delivery, EC2/EKS answered from the sample account by aws-sdk-client-mock, SNS and
 * EventBridge mocked, the in-memory finding store. Each event must end in an outcome (only the documented AWS error,
 * `InventoryLoadError`, may be thrown), take under `limitMs`, and every rejection or skip must be logged once as a
 * bounded structured line. Seeded: `FUZZ_SEED` replays a run.
 */
import { createHash } from 'node:crypto';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EKSClient } from '@aws-sdk/client-eks';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  createClientSet,
  createEventInventoryLoader,
  type EventOutcome,
  handleCloudTrailEvent,
  InventoryLoadError,
  loadScopedSnapshotForEvent,
} from '@podnet-guard/aws';
import { createMemoryFindingStore, parseGuardConfig } from '@podnet-guard/core';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { sampleAccountSnapshot, serveFullSnapshot } from '../helpers/sample-aws.ts';
import { type FuzzEvent, fuzzEventArbitrary } from './event-arbitraries.ts';

/** The fixed seed; `FUZZ_SEED=<n>` overrides it. */
export const DEFAULT_SEED = 20261126;
/** A log line longer than this is not a usable structured line. */
const MAX_LOG_CHARS = 16_384;

export interface FuzzOptions {
  runs: number;
  seed: number;
  /** An event slower than this fails the run. */
  limitMs: number;
  /** The largest generated array (default 5,000; EventBridge's 256 KB bounds it as well). */
  maxArrayLength?: number;
}

export interface FuzzReport {
  runs: number;
  seed: number;
  outcomes: Record<string, number>;
  /** Thrown InventoryLoadErrors (documented: Lambda retries them). */
  thrown: number;
  slowest: { ms: number; kind: string; sample: string; change: string };
  medianMs: number;
  /** A hash of every generated event's description: equal for equal seeds. */
  fingerprint: string;
}

/** `FUZZ_SEED` when set and numeric, else the fixed seed. */
export function seedFromEnv(env: Record<string, string | undefined> = process.env): number {
  const value = Number(env.FUZZ_SEED);
  return env.FUZZ_SEED !== undefined && Number.isInteger(value) ? value : DEFAULT_SEED;
}

export type LogCall = { level: 'info' | 'warn' | 'error'; message: string; extra: Record<string, unknown>[] };

/** What is wrong with the log lines of one event, or undefined. */
export function checkLogging(outcome: EventOutcome, calls: LogCall[]): string | undefined {
  for (const call of calls) {
    const line = JSON.stringify({ message: call.message, ...Object.assign({}, ...call.extra) });
    if (line.length > MAX_LOG_CHARS) return `log line "${call.message}" is ${line.length} characters`;
  }
  if (outcome.status === 'evaluated') return undefined;
  const lines = calls.filter((call) => call.message === 'event rejected' || call.message === 'event skipped');
  if (lines.length !== 1) return `${outcome.status} event logged ${lines.length} rejection lines`;
  const detail = (lines[0]!.extra[0] ?? {}) as {
    rejection?: { reason?: unknown; errorType?: unknown };
    skip?: { reason?: unknown };
  };
  const reason = detail.rejection?.reason ?? detail.skip?.reason;
  if (typeof reason !== 'string' || reason === '') return `${outcome.status} event logged no reason`;
  if (detail.rejection && typeof detail.rejection.errorType !== 'string') return 'rejection logged without errorType';
  return undefined;
}

/** Runs the fuzz; throws (with the seed and the failing event's description) on the first broken promise. */
export async function runHandlerFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const ec2 = mockClient(EC2Client);
  const eks = mockClient(EKSClient);
  const autoscaling = mockClient(AutoScalingClient);
  const sns = mockClient(SNSClient);
  const bus = mockClient(EventBridgeClient);
  try {
    serveFullSnapshot(sampleAccountSnapshot(), ec2, eks, autoscaling);
    sns.on(PublishBatchCommand).callsFake((input: { PublishBatchRequestEntries: { Id: string }[] }) => ({
      Successful: input.PublishBatchRequestEntries.map((entry) => ({ Id: entry.Id, MessageId: `m-${entry.Id}` })),
      Failed: [],
    }));
    bus.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({
      FailedEntryCount: 0,
      Entries: input.Entries.map((_, index) => ({ EventId: `e-${index}` })),
    }));
    const clients = createClientSet('eu-west-1');
    // Cache off: every event pays its own loading, the worst case of a cold container.
    const loadInventory = createEventInventoryLoader({
      clientsFor: () => clients,
      cacheSeconds: 0,
      scoped: loadScopedSnapshotForEvent,
    });
    const config = parseGuardConfig({ ownPrincipals: ['arn:aws:sts::111122223333:assumed-role/podnet-guard-*'] });
    const targets = {
      sns: new SNSClient({ region: 'eu-west-1' }),
      topicArn: 'arn:aws:sns:eu-west-1:111122223333:podnet-guard-alerts',
      bus: { client: new EventBridgeClient({ region: 'eu-west-1' }), name: 'podnet-guard-findings' },
    };

    const outcomes: Record<string, number> = {};
    const durations: number[] = [];
    let thrown = 0;
    let slowest: FuzzReport['slowest'] = { ms: 0, kind: '', sample: '', change: '' };
    let index = 0;
    const hash = createHash('sha256');
    const fail = (generated: FuzzEvent, problem: string) =>
      new Error(
        `fuzz event ${index} (seed ${options.seed}; replay with FUZZ_SEED=${options.seed}): ${problem}\n  ${generated.kind} of ${generated.sample}: ${generated.change.slice(0, 500)}`,
      );

    const result = await fc.check(
      fc.asyncProperty(fuzzEventArbitrary(options.maxArrayLength), async (generated) => {
        index += 1;
        hash.update(`${generated.kind}|${generated.sample}|${generated.change}\n`);
        const calls: LogCall[] = [];
        const log =
          (level: LogCall['level']) =>
          (message: string, ...extra: Record<string, unknown>[]) =>
            calls.push({ level, message, extra });
        const logger = { info: log('info'), warn: log('warn'), error: log('error'), appendKeys: () => undefined };
        const deps = {
          config,
          loadInventory,
          store: createMemoryFindingStore(),
          targets,
          logger,
          recordMetric: () => undefined,
          now: () => '2026-11-26T12:00:00.000Z',
        };
        const start = performance.now();
        let outcome: EventOutcome | undefined;
        try {
          outcome = await handleCloudTrailEvent(generated.event, deps);
        } catch (error) {
          if (!(error instanceof InventoryLoadError))
            throw fail(generated, `threw ${(error as Error)?.name}: ${(error as Error)?.message}`);
          thrown += 1;
        }
        const ms = performance.now() - start;
        durations.push(ms);
        if (ms > slowest.ms) slowest = { ms, kind: generated.kind, sample: generated.sample, change: generated.change };
        if (ms > options.limitMs) throw fail(generated, `took ${ms.toFixed(0)} ms (limit ${options.limitMs} ms)`);
        const key = outcome?.status ?? 'thrown';
        outcomes[key] = (outcomes[key] ?? 0) + 1;
        const problem = outcome ? checkLogging(outcome, calls) : undefined;
        if (problem) throw fail(generated, problem);
      }),
      // No shrinking: a failing event is reported as generated, with the seed that replays it.
      { seed: options.seed, numRuns: options.runs, endOnFailure: true },
    );
    // Our own message (seed, kind, sample, change) rather than fast-check's, which prints the whole event.
    if (result.failed) throw result.errorInstance ?? new Error(`fuzz failed (seed ${options.seed})`);
    const sorted = [...durations].sort((a, b) => a - b);
    return {
      runs: durations.length,
      seed: options.seed,
      outcomes,
      thrown,
      slowest,
      medianMs: sorted[Math.floor(sorted.length / 2)] ?? 0,
      fingerprint: hash.digest('hex').slice(0, 16),
    };
  } finally {
    for (const mock of [ec2, eks, autoscaling, sns, bus]) mock.restore();
  }
}
