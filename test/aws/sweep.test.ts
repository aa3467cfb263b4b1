import { DescribeVpcsCommand, EC2ServiceException } from '@aws-sdk/client-ec2';
import { PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  createClientSet,
  createDynamoFindingStore,
  evaluateLive,
  InventoryLoadError,
  type LiveEvaluationBase,
  type LiveEvaluationOptions,
  runSweep,
} from '@podnet-guard/aws';
import { type Finding, type FindingStore, findingId, parseGuardConfig } from '@podnet-guard/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dataStoreFinding } from '../core/findings/finding-fixture.ts';
import { type Dynalite, startDynalite } from '../helpers/dynalite.ts';
import {
  ACCOUNT,
  answerAccount,
  answerDelivery,
  createWorldMocks,
  publishedTransitions,
  REGION,
  TOPIC,
} from './api/live-world.ts';

const mocks = createWorldMocks();
const T0 = '2026-11-26T12:00:00.000Z';
const HOUR_LATER = '2026-11-26T13:00:00.000Z';
const TWO_HOURS_LATER = '2026-11-26T14:00:00.000Z';

let db: Dynalite;
let tables = 0;
beforeAll(async () => {
  db = await startDynalite();
});
afterAll(() => db.stop());

beforeEach(() => {
  answerDelivery(mocks);
  answerAccount(mocks, { worldOpenSsh: false });
});

async function newStore(): Promise<FindingStore> {
  tables += 1;
  return createDynamoFindingStore({ client: db.client, tableName: await db.createTable(`sweep-${tables}`) });
}

function options(store: FindingStore, now: string, extra: Partial<LiveEvaluationBase> = {}): LiveEvaluationOptions {
  return {
    clientsFor: () => createClientSet(REGION),
    regions: [REGION],
    config: parseGuardConfig({}),
    store,
    targets: { sns: new SNSClient({ region: REGION }), topicArn: TOPIC },
    now,
    ...extra,
  };
}

/** Records `finding` as opened at `at`, and confirms its delivery. */
async function storeOpen(store: FindingStore, finding: Finding, at: string): Promise<void> {
  const [recorded] = await store.record([{ ...finding, firstSeen: at, lastSeen: at }], { now: at });
  await store.markDelivered(recorded!.finding.id, recorded!.version, at);
}

const eventOnly = (rule: string, detector: Finding['detector'] = 'node-sg-widening'): Finding =>
  dataStoreFinding({ id: findingId(detector, rule, 'sg-0a1b2c3d4e5f60718'), detector, rule });

describe('evaluateLive', () => {
  it('opens what the live scan shows, with the figures of the run', async () => {
    const store = await newStore();
    answerAccount(mocks, { worldOpenSsh: true });
    const result = await evaluateLive(options(store, T0));
    expect(result.findings.map((f) => [f.rule, f.status])).toEqual([['world-open-ingress', 'open']]);
    expect(result.figures).toMatchObject({ awsCalls: 22, regions: [REGION] });
    expect(result.figures.durationMs).toBeGreaterThanOrEqual(0);
    expect(publishedTransitions(mocks)).toEqual(['world-open-ingress:opened']);
  });

  it('resolves a state finding once the rule is gone from live state, and only once', async () => {
    const store = await newStore();
    answerAccount(mocks, { worldOpenSsh: true });
    await evaluateLive(options(store, T0));
    answerAccount(mocks, { worldOpenSsh: false });
    const second = await evaluateLive(options(store, HOUR_LATER));
    expect(second.findings.map((f) => [f.rule, f.status])).toEqual([['world-open-ingress', 'resolved']]);
    answerAccount(mocks, { worldOpenSsh: false });
    await evaluateLive(options(store, TWO_HOURS_LATER));
    expect(publishedTransitions(mocks)).toEqual(['world-open-ingress:opened', 'world-open-ingress:resolved']);
    expect((await store.query({ status: 'resolved' })).items).toHaveLength(1);
  });

  it('keeps a finding seen within the grace period: live state may lag the event', async () => {
    const store = await newStore();
    await storeOpen(store, dataStoreFinding(), T0);
    const result = await evaluateLive(options(store, '2026-11-26T12:05:00.000Z'));
    expect(result.findings).toEqual([]);
    expect((await store.get(dataStoreFinding().id))?.status).toBe('open');
  });

  it('does not resolve the findings of a rule switched off: it is not judged, not gone', async () => {
    const store = await newStore();
    answerAccount(mocks, { worldOpenSsh: true });
    await evaluateLive(options(store, T0));
    answerAccount(mocks, { worldOpenSsh: true });
    const config = parseGuardConfig({ disabledRules: ['world-open-ingress'] });
    const result = await evaluateLive(options(store, HOUR_LATER, { config }));
    expect(result.findings.map((f) => [f.rule, f.status])).toEqual([['sensitive-port-ingress', 'open']]);
    expect(result.disabledRules).toEqual(['world-open-ingress']);
    const worldOpen = findingId('node-sg-widening', 'world-open-ingress', result.findings[0]!.resources[0]!.id);
    expect((await store.get(worldOpen))?.status).toBe('open');
  });

  it('never resolves event-only rules, nor detectors that declare no scan rules', async () => {
    const store = await newStore();
    await storeOpen(store, eventOnly('egress-widened'), T0);
    await storeOpen(store, eventOnly('trunk-create-failed', 'trunk-eni-allocation'), T0);
    const result = await evaluateLive(options(store, HOUR_LATER));
    expect(result.findings).toEqual([]);
    expect((await store.query({ status: 'open' })).items.map((f) => f.rule).sort()).toEqual([
      'egress-widened',
      'trunk-create-failed',
    ]);
  });

  it('leaves findings of other regions, other accounts, other clusters and unscanned detectors alone', async () => {
    const store = await newStore();
    const other = (id: string, overrides: Partial<Finding>) => dataStoreFinding({ id, ...overrides });
    await storeOpen(store, other('nsw-region', { region: 'us-east-1' }), T0);
    await storeOpen(store, other('nsw-account', { account: '444455556666' }), T0);
    await storeOpen(store, other('nsw-cluster', { clusters: ['staging'] }), T0);
    const scoped = await evaluateLive(options(store, HOUR_LATER, { clusters: ['prod'] }));
    expect(scoped.findings).toEqual([]);
    answerAccount(mocks, { worldOpenSsh: false });
    const otherDetector = await evaluateLive(options(store, HOUR_LATER, { detectors: ['ip-pool-exhaustion'] }));
    expect(otherDetector.findings).toEqual([]);
    expect((await store.query({ status: 'open' })).items).toHaveLength(3);
    expect(ACCOUNT).toBe('111122223333');
  });
});

describe('runSweep', () => {
  it('resolves a finding whose rule was revoked and publishes the resolution once', async () => {
    const store = await newStore();
    await storeOpen(store, dataStoreFinding(), T0);
    const first = await runSweep({ ...options(store, HOUR_LATER), owner: 'sweep-1', leaseSeconds: 900 });
    expect(first.status).toBe('swept');
    expect(publishedTransitions(mocks)).toEqual(['node-sg-granted-to-data-store:resolved']);
    answerAccount(mocks, { worldOpenSsh: false });
    await runSweep({ ...options(store, TWO_HOURS_LATER), owner: 'sweep-2', leaseSeconds: 900 });
    expect(publishedTransitions(mocks)).toEqual(['node-sg-granted-to-data-store:resolved']);
    expect((await store.get(dataStoreFinding().id))?.status).toBe('resolved');
  });

  it('does nothing while another sweep holds the lease, and runs again once it is released', async () => {
    const store = await newStore();
    await storeOpen(store, dataStoreFinding(), T0);
    expect(await store.acquireSweepLease('sweep-running', 900, HOUR_LATER)).toBe(true);
    const outcome = await runSweep({ ...options(store, HOUR_LATER), owner: 'sweep-late', leaseSeconds: 900 });
    expect(outcome).toEqual({ status: 'skipped', reason: 'another sweep holds the lease' });
    expect(mocks.ec2.calls()).toHaveLength(0);
    expect(mocks.sns.calls()).toHaveLength(0);
    await store.releaseSweepLease('sweep-running');
    const next = await runSweep({ ...options(store, HOUR_LATER), owner: 'sweep-late', leaseSeconds: 900 });
    expect(next.status).toBe('swept');
    // Released at the end: a later sweep takes it at once.
    expect(await store.acquireSweepLease('sweep-after', 900, HOUR_LATER)).toBe(true);
  });

  it('runs one of two sweeps started together', async () => {
    const store = await newStore();
    const outcomes = await Promise.all([
      runSweep({ ...options(store, HOUR_LATER), owner: 'a', leaseSeconds: 900 }),
      runSweep({ ...options(store, HOUR_LATER), owner: 'b', leaseSeconds: 900 }),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['skipped', 'swept']);
  });

  it('republishes a transition left pending by a failed publish, with the same dedupe key', async () => {
    const store = await newStore();
    const [recorded] = await store.record([eventOnly('egress-widened')], { now: T0 });
    const outcome = await runSweep({ ...options(store, HOUR_LATER), owner: 'sweep-1', leaseSeconds: 900 });
    expect(outcome.status === 'swept' && outcome.republished.map((r) => r.dedupeKey)).toEqual([recorded!.dedupeKey]);
    const entries = mocks.sns
      .commandCalls(PublishBatchCommand)
      .flatMap((c) => c.args[0].input.PublishBatchRequestEntries ?? []);
    expect(entries.map((e) => e.MessageAttributes?.transition?.StringValue)).toEqual(['opened']);
    expect(JSON.stringify(entries[0])).toContain(recorded!.dedupeKey);
    expect(await store.listPending(10)).toEqual([]);
  });

  it('leaves a transition younger than the pending age to its writer', async () => {
    const store = await newStore();
    await store.record([eventOnly('egress-widened')], { now: '2026-11-26T12:59:30.000Z' });
    const outcome = await runSweep({ ...options(store, HOUR_LATER), owner: 'sweep-1', leaseSeconds: 900 });
    expect(outcome.status === 'swept' && outcome.republished).toEqual([]);
    expect(await store.listPending(10)).toHaveLength(1);
  });

  it('still republishes pending transitions when AWS cannot be read, then fails and releases the lease', async () => {
    const store = await newStore();
    await store.record([eventOnly('egress-widened')], { now: T0 });
    mocks.ec2.on(DescribeVpcsCommand).rejects(
      new EC2ServiceException({
        name: 'UnauthorizedOperation',
        message: 'You are not authorized to perform this operation.',
        $fault: 'client',
        $metadata: { httpStatusCode: 403 },
      }),
    );
    await expect(
      runSweep({ ...options(store, HOUR_LATER), owner: 'sweep-1', leaseSeconds: 900 }),
    ).rejects.toBeInstanceOf(InventoryLoadError);
    expect(publishedTransitions(mocks)).toEqual(['egress-widened:opened']);
    expect(await store.acquireSweepLease('sweep-2', 900, HOUR_LATER)).toBe(true);
  });
});
