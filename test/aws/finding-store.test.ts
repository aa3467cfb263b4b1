import {
  DeleteItemCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  createDynamoFindingStore,
  FINDINGS_TABLE_SCHEMA,
  FindingStoreError,
  FindingWriteConflictError,
  InvalidFindingCursorError,
} from '@podnet-guard/aws';
import { RESOLVED_TTL_SECONDS } from '@podnet-guard/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dynalite, refusingEventRecordOnce, startDynalite } from '../helpers/dynalite.ts';
import { at, describeFindingStoreContract, makeFinding, resolvedOf, T0 } from '../helpers/finding-store-contract.ts';

let db: Dynalite;
let tables = 0;

beforeAll(async () => {
  db = await startDynalite();
});
afterAll(async () => {
  await db.stop();
});

async function freshTable(): Promise<string> {
  tables += 1;
  return db.createTable(`findings-${tables}`);
}

describeFindingStoreContract('dynamodb store (dynalite)', async () => {
  const tableName = await freshTable();
  return {
    store: createDynamoFindingStore({ client: db.client, tableName }),
    // A second Lambda: its own client and connections, same table.
    other: createDynamoFindingStore({ client: db.newClient(), tableName }),
  };
});

const epoch = (iso: string) => Date.parse(iso) / 1000;

async function rawItem(tableName: string, pk: string) {
  const output = await db.client.send(new GetItemCommand({ TableName: tableName, Key: { pk: { S: pk } } }));
  return output.Item;
}

/** A client that runs `before` once, just before the first PutItem it sends: a deterministic lost race. */
function racingClient(before: () => Promise<unknown>): DynamoDBClient {
  let armed = true;
  return {
    async send(command: unknown) {
      if (armed && command instanceof PutItemCommand) {
        armed = false;
        await before();
      }
      return db.client.send(command as never);
    },
  } as unknown as DynamoDBClient;
}

describe('createDynamoFindingStore on dynalite', () => {
  it('creates the table FINDINGS_TABLE_SCHEMA describes', async () => {
    const tableName = await freshTable();
    const { Table } = await db.client.send(new DescribeTableCommand({ TableName: tableName }));
    expect(Table?.KeySchema).toEqual([{ AttributeName: 'pk', KeyType: 'HASH' }]);
    expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName).sort()).toEqual(
      Object.keys(FINDINGS_TABLE_SCHEMA.globalIndexes).sort(),
    );
    expect(FINDINGS_TABLE_SCHEMA.ttl).toBe('expiresAt');
  });

  it('sets the TTL attribute on resolved findings, event markers and the lease, not on open findings', async () => {
    const tableName = await freshTable();
    const store = createDynamoFindingStore({ client: db.client, tableName });
    const finding = makeFinding();
    await store.record([finding], { eventId: 'ev-open', now: T0 });
    expect((await rawItem(tableName, `FINDING#${finding.id}`))?.expiresAt).toBeUndefined();
    expect((await rawItem(tableName, 'EVENT#ev-open'))?.expiresAt).toEqual({ N: String(epoch(T0) + 2 * 86400) });

    await store.record([resolvedOf(finding)], { eventId: 'ev-revoke', now: at(60) });
    const resolved = await rawItem(tableName, `FINDING#${finding.id}`);
    expect(resolved?.expiresAt).toEqual({ N: String(epoch(at(60)) + RESOLVED_TTL_SECONDS) });
    expect(resolved?.status).toEqual({ S: 'resolved' });
    expect(resolved?.gsi1pk).toEqual({ S: 'STATUS#resolved' });

    await store.acquireSweepLease('sweep-1', 300, T0);
    expect((await rawItem(tableName, 'LEASE#sweep'))?.expiresAt).toEqual({ N: String(epoch(T0) + 300) });

    // Re-opening removes the TTL: an open finding must never expire.
    await store.record([finding], { eventId: 'ev-again', now: at(120) });
    expect((await rawItem(tableName, `FINDING#${finding.id}`))?.expiresAt).toBeUndefined();
  });

  it('lays out a finding item: key, version, index keys, and the pending index only while pending', async () => {
    const tableName = await freshTable();
    const store = createDynamoFindingStore({ client: db.client, tableName });
    const finding = makeFinding({ severity: 'critical', clusters: ['prod', 'staging'] });
    await store.record([finding], { now: T0 });
    const item = await rawItem(tableName, `FINDING#${finding.id}`);
    expect(item).toMatchObject({
      version: { N: '1' },
      status: { S: 'open' },
      severity: { S: 'critical' },
      clusters: { L: [{ S: 'prod' }, { S: 'staging' }] },
      gsi1pk: { S: 'STATUS#open' },
      gsi1sk: { S: `0#${finding.id}` },
      pending: { M: { transition: { S: 'opened' }, version: { N: '1' }, since: { S: T0 } } },
      gsi2pk: { S: 'PENDING' },
      gsi2sk: { S: `${T0}#${finding.id}` },
    });
    expect(JSON.parse(item?.body?.S ?? '{}')).toMatchObject({ id: finding.id, evidence: finding.evidence });

    await store.markDelivered(finding.id, 1, at(5));
    const delivered = await rawItem(tableName, `FINDING#${finding.id}`);
    expect(delivered?.pending).toBeUndefined();
    expect(delivered?.gsi2pk).toBeUndefined();
    expect(delivered).toMatchObject({ version: { N: '2' }, lastNotified: { S: at(5) } });
    // The full record round-trips.
    expect(await store.get(finding.id)).toMatchObject({ ...finding, version: 2, lastNotified: at(5) });
  });

  it('ignores a redelivery even when the event marker was never written (crash before it)', async () => {
    const tableName = await freshTable();
    const store = createDynamoFindingStore({ client: db.client, tableName });
    const finding = makeFinding();
    expect(await store.record([finding], { eventId: 'ev-crash', now: T0 })).toHaveLength(1);
    await store.markDelivered(finding.id, 1, at(1));
    await db.client.send(new DeleteItemCommand({ TableName: tableName, Key: { pk: { S: 'EVENT#ev-crash' } } }));
    // Same event, judged again against changed live state: the finding's own last event id still stops it.
    expect(await store.record([{ ...finding, severity: 'critical' }], { eventId: 'ev-crash', now: at(5) })).toEqual([]);
    expect(await store.record([{ ...finding, severity: 'critical' }], { eventId: 'ev-next', now: at(6) })).toHaveLength(
      1,
    );
  });

  it('hands a retry what an attempt that failed after writing its findings left pending, and nothing new', async () => {
    const tableName = await freshTable();
    const finding = makeFinding();
    // The event's marker cannot be completed once (DynamoDB throttled it): the findings are written, the call throws.
    const flaky = refusingEventRecordOnce(db.client);
    const store = createDynamoFindingStore({ client: flaky, tableName });
    await expect(store.record([finding], { eventId: 'ev-half', now: T0 })).rejects.toBeInstanceOf(FindingStoreError);
    // Not recorded, and its claim given back: the retry judges it again at once.
    expect(await store.resumeEvent('ev-half', at(1))).toBeUndefined();
    const retried = await store.record([{ ...finding, severity: 'critical' }], { eventId: 'ev-half', now: at(1) });
    expect(retried.map((item) => [item.transition, item.dedupeKey])).toEqual([['opened', `${finding.id}#1`]]);
    expect(await store.resumeEvent('ev-half', at(2))).toEqual([]); // recorded now, and the caller delivers it
  });

  it('tells a duplicate arriving while the event is being recorded that there is nothing for it to do', async () => {
    const tableName = await freshTable();
    const plain = createDynamoFindingStore({ client: db.client, tableName });
    let seenMeanwhile: unknown = 'not asked';
    const store = createDynamoFindingStore({
      client: racingClient(async () => {
        seenMeanwhile = await plain.resumeEvent('ev-busy', at(1));
      }),
      tableName,
    });
    expect(await store.record([makeFinding()], { eventId: 'ev-busy', now: T0 })).toHaveLength(1);
    expect(seenMeanwhile).toEqual([]); // not undefined: it must not judge the event as well
    expect(await plain.record([makeFinding()], { eventId: 'ev-busy', now: at(2) })).toEqual([]);
  });

  it('re-reads and re-decides when another writer wins between its read and its write', async () => {
    const tableName = await freshTable();
    const winner = createDynamoFindingStore({ client: db.newClient(), tableName });
    const finding = makeFinding();
    const loser = createDynamoFindingStore({
      client: racingClient(() => winner.record([finding], { eventId: 'ev-w', now: T0 })),
      tableName,
    });
    expect(await loser.record([finding], { eventId: 'ev-l', now: at(1) })).toEqual([]);
    const record = await winner.get(finding.id);
    expect(record).toMatchObject({ version: 2, lastEventId: 'ev-l', lastSeen: T0, pending: { version: 1 } });
  });

  it('sees a suppression written between its read and its write, and stays quiet', async () => {
    const tableName = await freshTable();
    const plain = createDynamoFindingStore({ client: db.client, tableName });
    const finding = makeFinding();
    await plain.record([finding], { now: T0 });
    await plain.markDelivered(finding.id, 1, at(1));
    await plain.record([resolvedOf(finding)], { now: at(2) });
    await plain.markDelivered(finding.id, 3, at(3));
    const store = createDynamoFindingStore({
      client: racingClient(() => plain.suppress(finding.id, { reason: 'known', until: at(3600), by: 'carol' })),
      tableName,
    });
    // Without the suppression this would re-open and publish.
    expect(await store.record([finding], { now: at(10) })).toEqual([]);
    expect((await plain.get(finding.id))?.status).toBe('open');
  });

  it('throws FindingWriteConflictError when every attempt loses', async () => {
    const tableName = await freshTable();
    const finding = makeFinding();
    await createDynamoFindingStore({ client: db.client, tableName }).record([finding], { now: T0 });
    let bumps = 0;
    // Another writer moves the version before each of our writes.
    const busy = {
      async send(command: unknown) {
        if (command instanceof PutItemCommand && String(command.input.Item?.pk?.S).startsWith('FINDING#')) {
          bumps += 1;
          await db.client.send(
            new UpdateItemCommand({
              TableName: tableName,
              Key: { pk: { S: `FINDING#${finding.id}` } },
              UpdateExpression: 'ADD version :one',
              ExpressionAttributeValues: { ':one': { N: '1' } },
            }),
          );
        }
        return db.client.send(command as never);
      },
    } as unknown as DynamoDBClient;
    const store = createDynamoFindingStore({ client: busy, tableName, maxAttempts: 3 });
    const error = await store
      .record([{ ...finding, severity: 'critical' }], { now: at(1) })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FindingWriteConflictError);
    expect(error).toMatchObject({ findingId: finding.id, attempts: 3 });
    expect(bumps).toBe(3);
  });

  it('rejects a cursor no page returned', async () => {
    const store = createDynamoFindingStore({ client: db.client, tableName: await freshTable() });
    await expect(store.query({ cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(InvalidFindingCursorError);
  });

  it('wraps other DynamoDB failures in FindingStoreError with the operation and code', async () => {
    const store = createDynamoFindingStore({ client: db.client, tableName: 'no-such-table' });
    const error = await store.get('nsw-1').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FindingStoreError);
    expect(error).toMatchObject({ operation: 'GetItem', code: 'ResourceNotFoundException' });
  });
});
