import { readFileSync } from 'node:fs';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  createDynamoFindingStore,
  type EventHandlerDeps,
  handleCloudTrailEvent,
  InventoryLoadError,
} from '@podnet-guard/aws';
import { buildInventory, loadSnapshot, parseGuardConfig } from '@podnet-guard/core';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Dynalite, refusingEventRecordOnce, startDynalite } from '../helpers/dynalite.ts';
import { loadEvent } from '../helpers/events.ts';

const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:podnet-guard-alerts';
const sample = JSON.parse(readFileSync(new URL('../../events/inventory/sample-account.json', import.meta.url), 'utf8'));
const sns = mockClient(SNSClient);
const events = mockClient(EventBridgeClient);

let db: Dynalite;
let table = 0;
beforeAll(async () => {
  db = await startDynalite();
});
afterAll(() => db.stop());

beforeEach(() => {
  sns.reset();
  events.reset();
  sns.onAnyCommand().rejects(new Error('unexpected SNS call'));
  sns.on(PublishBatchCommand).callsFake((input: { PublishBatchRequestEntries: { Id: string }[] }) => ({
    Successful: input.PublishBatchRequestEntries.map((entry) => ({ Id: entry.Id, MessageId: `m-${entry.Id}` })),
    Failed: [],
  }));
  events.onAnyCommand().rejects(new Error('unexpected EventBridge call'));
  events.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({
    FailedEntryCount: 0,
    Entries: input.Entries.map((_, index) => ({ EventId: `e-${index}` })),
  }));
});

async function deps(overrides: Partial<EventHandlerDeps> = {}) {
  table += 1;
  const tableName = await db.createTable(`findings-${table}`);
  const loadInventory = vi.fn(async () => ({
    inventory: buildInventory(loadSnapshot(structuredClone(sample))),
    calls: 5,
  }));
  const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn(), appendKeys: vi.fn() };
  const recordMetric = vi.fn();
  const value: EventHandlerDeps = {
    config: parseGuardConfig({ ownPrincipals: ['arn:aws:sts::111122223333:assumed-role/podnet-guard-*'] }),
    loadInventory,
    store: createDynamoFindingStore({ client: db.client, tableName }),
    targets: {
      sns: new SNSClient({ region: 'eu-west-1' }),
      topicArn: TOPIC,
      bus: { client: new EventBridgeClient({ region: 'eu-west-1' }), name: 'podnet-guard-findings' },
    },
    logger,
    recordMetric,
    now: () => '2026-11-26T12:00:00.000Z',
    ...overrides,
  };
  return { deps: value, loadInventory, logger, recordMetric };
}

describe('handleCloudTrailEvent', () => {
  it('turns a node SG grant on an RDS SG into one SNS message and one bus event', async () => {
    const { deps: d } = await deps();
    const outcome = await handleCloudTrailEvent(loadEvent('AuthorizeSecurityGroupIngress', 'source-group'), d);
    expect(outcome).toEqual({ status: 'evaluated', findings: 1, published: 1, awsCalls: 5 });
    expect(sns.commandCalls(PublishBatchCommand)).toHaveLength(1);
    const entry = sns.commandCalls(PublishBatchCommand)[0]!.args[0].input.PublishBatchRequestEntries![0]!;
    expect(entry.MessageAttributes?.rule?.StringValue).toBe('node-sg-granted-to-data-store');
    const bus = events.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries![0]!;
    expect(bus).toMatchObject({
      Source: 'podnet-guard',
      DetailType: 'Finding Opened',
      EventBusName: 'podnet-guard-findings',
    });
  });

  it('publishes once for 100 redeliveries of the same event', async () => {
    const { deps: d } = await deps();
    for (let i = 0; i < 100; i += 1)
      await handleCloudTrailEvent(loadEvent('AuthorizeSecurityGroupIngress', 'source-group'), d);
    expect(sns.commandCalls(PublishBatchCommand)).toHaveLength(1);
  });

  it('publishes the resolution when the rule is revoked', async () => {
    const { deps: d } = await deps();
    await handleCloudTrailEvent(loadEvent('AuthorizeSecurityGroupIngress', 'source-group'), d);
    const revoke = loadEvent('RevokeSecurityGroupIngress', 'by-shape') as {
      detail: { requestParameters: Record<string, unknown> };
    };
    revoke.detail.requestParameters = {
      groupId: 'sg-0db00000000000001',
      ipPermissions: {
        items: [
          {
            ipProtocol: 'tcp',
            fromPort: 5432,
            toPort: 5432,
            groups: { items: [{ groupId: 'sg-0d0de000000000001' }] },
            ipRanges: {},
            ipv6Ranges: {},
            prefixListIds: {},
          },
        ],
      },
    };
    await handleCloudTrailEvent(revoke, d);
    const attributes = sns
      .commandCalls(PublishBatchCommand)
      .map((call) => call.args[0].input.PublishBatchRequestEntries![0]!.MessageAttributes?.transition?.StringValue);
    expect(attributes).toEqual(['opened', 'resolved']);
  });

  it('acknowledges a malformed event with one structured rejection and no AWS call', async () => {
    const { deps: d, loadInventory, logger } = await deps();
    const outcome = await handleCloudTrailEvent(
      { 'detail-type': 'AWS API Call via CloudTrail', detail: { eventName: 7 } },
      d,
    );
    expect(outcome.status).toBe('rejected');
    expect(logger.warn).toHaveBeenCalledWith(
      'event rejected',
      expect.objectContaining({ rejection: expect.objectContaining({ errorType: 'EventParseError' }) }),
    );
    expect(loadInventory).not.toHaveBeenCalled();
    expect(sns.calls()).toHaveLength(0);
  });

  it('skips its own principal without loading anything', async () => {
    const { deps: d, loadInventory } = await deps();
    const event = loadEvent('AuthorizeSecurityGroupIngress', 'world-open-ssh') as {
      detail: { userIdentity: { arn: string } };
    };
    event.detail.userIdentity.arn = 'arn:aws:sts::111122223333:assumed-role/podnet-guard-remediation/session';
    expect(await handleCloudTrailEvent(event, d)).toEqual({ status: 'skipped', reason: 'own principal' });
    expect(loadInventory).not.toHaveBeenCalled();
  });

  it('costs no describe call for a failed call that changed nothing', async () => {
    const { deps: d, loadInventory } = await deps();
    const outcome = await handleCloudTrailEvent(loadEvent('AuthorizeSecurityGroupIngress', 'failed-duplicate'), d);
    expect(outcome).toMatchObject({ status: 'evaluated', findings: 0, awsCalls: 0 });
    expect(loadInventory).not.toHaveBeenCalled();
  });

  it('throws on a transient AWS failure so Lambda retries and the on-failure destination keeps the event', async () => {
    const throttled = new InventoryLoadError(
      { operation: 'DescribeSecurityGroups', kind: 'throttled', retryable: true, code: 'RequestLimitExceeded' },
      'DescribeSecurityGroups: Request limit exceeded.',
    );
    const { deps: d } = await deps({
      loadInventory: async () => {
        throw throttled;
      },
    });
    await expect(handleCloudTrailEvent(loadEvent('AuthorizeSecurityGroupIngress', 'world-open-ssh'), d)).rejects.toBe(
      throttled,
    );
    expect(sns.calls()).toHaveLength(0);
  });

  it('keeps the transition pending when SNS fails, and does not lose it', async () => {
    sns
      .on(PublishBatchCommand)
      .rejects(
        Object.assign(new Error('Internal'), { name: 'InternalErrorException', $metadata: { httpStatusCode: 500 } }),
      );
    const { deps: d } = await deps();
    await expect(
      handleCloudTrailEvent(loadEvent('AuthorizeSecurityGroupIngress', 'source-group'), d),
    ).rejects.toThrow();
    const pending = await d.store.listPending(10);
    expect(pending.map((p) => p.transition)).toEqual(['opened']);
  });

  it("delivers on Lambda's retry what the failed delivery left pending: one message, then nothing", async () => {
    let snsUp = false;
    sns.on(PublishBatchCommand).callsFake((input: { PublishBatchRequestEntries: { Id: string }[] }) => {
      if (!snsUp) throw Object.assign(new Error('Internal'), { name: 'InternalErrorException' });
      return {
        Successful: input.PublishBatchRequestEntries.map((entry) => ({ Id: entry.Id, MessageId: `m-${entry.Id}` })),
        Failed: [],
      };
    });
    const { deps: d, loadInventory } = await deps();
    const event = loadEvent('AuthorizeSecurityGroupIngress', 'source-group');
    // 1: SNS fails, the handler throws so Lambda retries the same event.
    await expect(handleCloudTrailEvent(event, d)).rejects.toThrow(/did not publish/);
    // 2: Lambda's retry delivers what the first attempt left pending, without judging the event again.
    snsUp = true;
    expect(await handleCloudTrailEvent(event, d)).toEqual({ status: 'redelivered', published: 1 });
    // 3: a further redelivery sends nothing.
    expect(await handleCloudTrailEvent(event, d)).toEqual({ status: 'redelivered', published: 0 });

    const delivered = sns.commandCalls(PublishBatchCommand).slice(1);
    const entries = delivered.flatMap((call) => call.args[0].input.PublishBatchRequestEntries ?? []);
    expect(entries).toHaveLength(1);
    const findingId = entries[0]!.MessageAttributes?.dedupeKey?.StringValue?.split('#')[0];
    expect(entries[0]!.MessageAttributes?.dedupeKey?.StringValue).toBe(`${findingId}#1`);
    expect(entries[0]!.MessageAttributes?.transition?.StringValue).toBe('opened');
    expect(events.commandCalls(PutEventsCommand)).toHaveLength(1);
    expect(await d.store.listPending(10)).toEqual([]);
    expect(loadInventory).toHaveBeenCalledTimes(1);
  });

  it("delivers on Lambda's retry what an attempt that failed while recording left pending", async () => {
    const flaky = refusingEventRecordOnce(db.client);
    const base = await deps();
    const tableName = await db.createTable(`findings-flaky-${table}`);
    const d = { ...base.deps, store: createDynamoFindingStore({ client: flaky, tableName }) };
    const event = loadEvent('AuthorizeSecurityGroupIngress', 'source-group');
    // 1: the finding is written as pending, then the table refuses the event's record: the handler throws.
    await expect(handleCloudTrailEvent(event, d)).rejects.toThrow(/findings table failed/);
    expect(sns.commandCalls(PublishBatchCommand)).toHaveLength(0);
    // 2: the retry judges the event again and publishes the opening the first attempt recorded, once.
    expect(await handleCloudTrailEvent(event, d)).toMatchObject({ status: 'evaluated', published: 1 });
    // 3: nothing more.
    expect(await handleCloudTrailEvent(event, d)).toEqual({ status: 'redelivered', published: 0 });
    const entries = sns
      .commandCalls(PublishBatchCommand)
      .flatMap((call) => call.args[0].input.PublishBatchRequestEntries ?? []);
    expect(entries.map((entry) => entry.MessageAttributes?.transition?.StringValue)).toEqual(['opened']);
    expect(await d.store.listPending(10)).toEqual([]);
  });

  it('recognises a delivered event by one store read, before loading any inventory', async () => {
    const sent: string[] = [];
    const counting = {
      send(command: { constructor: { name: string } }) {
        sent.push(command.constructor.name.replace(/Command$/, ''));
        return db.client.send(command as never);
      },
    } as unknown as DynamoDBClient;
    const base = await deps();
    const tableName = await db.createTable(`findings-counted-${table}`);
    const d = { ...base.deps, store: createDynamoFindingStore({ client: counting, tableName }) };
    const event = loadEvent('AuthorizeSecurityGroupIngress', 'source-group');
    expect(await handleCloudTrailEvent(event, d)).toMatchObject({ status: 'evaluated', published: 1 });
    sent.length = 0;
    expect(await handleCloudTrailEvent(event, d)).toEqual({ status: 'redelivered', published: 0 });
    expect(sent).toEqual(['GetItem']);
    expect(base.loadInventory).toHaveBeenCalledTimes(1);
    expect(sns.commandCalls(PublishBatchCommand)).toHaveLength(1);
  });

  it('judges an event it has not seen, even when it touches a finding another event opened', async () => {
    const { deps: d, loadInventory } = await deps();
    const first = loadEvent('AuthorizeSecurityGroupIngress', 'source-group') as { detail: { eventID: string } };
    const second = structuredClone(first);
    second.detail.eventID = 'c0ffee00-0000-4000-8000-000000000002';
    expect(await handleCloudTrailEvent(first, d)).toMatchObject({ status: 'evaluated', published: 1 });
    expect(await handleCloudTrailEvent(second, d)).toMatchObject({ status: 'evaluated', published: 0 });
    expect(loadInventory).toHaveBeenCalledTimes(2);
  });

  describe('every rejection and skip is one bounded structured line', () => {
    type Logged = [string, Record<string, unknown>];
    const lineOf = (calls: unknown[][], message: string) =>
      calls.filter((call) => call[0] === message).map((call) => (call as Logged)[1]);

    it('cuts a 100 KB event name to 1,000 characters in the rejection it logs', async () => {
      const { deps: d, logger } = await deps();
      const event = loadEvent('AuthorizeSecurityGroupIngress', 'world-open-ssh') as { detail: { eventName: string } };
      event.detail.eventName = 'A'.repeat(100_000);
      const outcome = await handleCloudTrailEvent(event, d);
      expect(outcome.status).toBe('skipped');
      const [logged] = lineOf(logger.warn.mock.calls, 'event rejected');
      expect(JSON.stringify(logged).length).toBeLessThan(2_500);
      expect((logged as { rejection: { reason: string } }).rejection.reason).toMatch(/^unsupported CloudTrail event/);
    });

    it('names the first five of 5,000 wrong items and counts the rest', async () => {
      const { deps: d, logger } = await deps();
      const event = loadEvent('AuthorizeSecurityGroupIngress', 'world-open-ssh') as {
        detail: { requestParameters: { ipPermissions: unknown } };
      };
      event.detail.requestParameters.ipPermissions = { items: Array.from({ length: 5_000 }, () => 7) };
      const outcome = await handleCloudTrailEvent(event, d);
      expect(outcome).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/; and 4995 more\)$/) });
      const [logged] = lineOf(logger.warn.mock.calls, 'event rejected');
      expect((logged as { rejection: { issues: unknown[] } }).rejection.issues).toHaveLength(20);
      expect(JSON.stringify(logged).length).toBeLessThan(4_000);
    });

    it('logs its own principal as a skip with the reason', async () => {
      const { deps: d, logger } = await deps();
      const event = loadEvent('AuthorizeSecurityGroupIngress', 'world-open-ssh') as {
        detail: { userIdentity: { arn: string } };
      };
      event.detail.userIdentity.arn = 'arn:aws:sts::111122223333:assumed-role/podnet-guard-remediation/session';
      await handleCloudTrailEvent(event, d);
      expect(lineOf(logger.info.mock.calls, 'event skipped')).toEqual([
        { skip: { reason: 'own principal', actor: event.detail.userIdentity.arn } },
      ]);
    });

    it('lists the rules of an evaluated call that cannot be judged in its log line', async () => {
      const { deps: d, logger } = await deps();
      const event = loadEvent('AuthorizeSecurityGroupIngress', 'world-open-ssh') as {
        detail: { requestParameters: { ipPermissions: { items: { fromPort: number; toPort: number }[] } } };
      };
      const permission = event.detail.requestParameters.ipPermissions.items[0]!;
      event.detail.requestParameters.ipPermissions.items.push({ ...permission, fromPort: 70000, toPort: 70000 });
      const outcome = await handleCloudTrailEvent(event, d);
      expect(outcome.status).toBe('evaluated');
      const [logged] = lineOf(logger.info.mock.calls, 'event evaluated');
      expect((logged as { notJudged: { reason: string }[] }).notJudged).toEqual([
        expect.objectContaining({ reason: expect.stringMatching(/port 70000 is outside 0-65535/) }),
      ]);
    });
  });
});
