/**
 * The finding store on DynamoDB: one table, single-item conditional writes only (no transactions), so it runs the same
 * on DynamoDB and on dynalite.
 *
 * Items, all keyed by `pk`:
 * - `FINDING#<id>`: the finding. `body` holds the JSON of everything `record` writes; `version`, `pending`,
 *   `lastNotified` and `suppression` are top-level attributes because `markDelivered` and `suppress` change them with
 *   `UpdateItem`. `status`, `severity`, `detector`, `clusters`, `firstSeen`, `lastSeen` are copied out for filters
 *   and console readers. Every write bumps `version` and is conditional on the version it read.
 * - `EVENT#<eventId>`: a CloudTrail event already recorded, kept `EVENT_MARKER_TTL_SECONDS`, with the transitions it
 *   has yet to deliver (see `finding-store-events.ts`).
 * - `LEASE#sweep`: the sweep lease (`owner`, `expiresAt`).
 *
 * Indexes: `byStatus` (`gsi1pk = STATUS#<status>`, `gsi1sk = <severity>#<id>`, most severe first) serves `query`; the
 * cluster is a filter on the `clusters` list rather than a key, because a finding on a shared security group names
 * several clusters and a key on one of them would hide it from the others (open findings of one account number in
 * the thousands at most, so one partition per status is enough). `byPending` (`gsi2pk = PENDING`,
 * `gsi2sk = <since>#<id>`, sparse: only records with a pending transition) serves the sweep.
 *
 * TTL: `expiresAt` (epoch seconds) on resolved findings, event markers and the lease. DynamoDB deletes expired items
 * lazily (and dynalite never does), so no read relies on an item being gone.
 */
import {
  type AttributeValue,
  type CreateTableCommandInput,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  epochSeconds,
  type Finding,
  type FindingStore,
  type RecordContext,
  type RecordedTransition,
  recordFindings,
  type StoredFinding,
} from '@podnet-guard/core';
import { call, conditional } from './finding-store-calls.ts';
import { FindingWriteConflictError } from './finding-store-errors.ts';
import {
  claimToRecord,
  type EventMarkerIo,
  markEventRecorded,
  releaseEvent,
  resumeEvent,
} from './finding-store-events.ts';
import { findingKey, fromItem, suppressionItem, toItem } from './finding-store-items.ts';
import { listPendingTransitions, queryFindings } from './finding-store-queries.ts';

/**
 * The findings table, in the shape `sst.aws.Dynamo` takes (`fields`, `primaryIndex`, `globalIndexes`, `ttl`), so the
 * stack and the tests create the same table. `findingsCreateTableInput` turns it into a `CreateTable` request.
 */
export const FINDINGS_TABLE_SCHEMA = {
  fields: { pk: 'string', gsi1pk: 'string', gsi1sk: 'string', gsi2pk: 'string', gsi2sk: 'string' },
  primaryIndex: { hashKey: 'pk' },
  globalIndexes: {
    byStatus: { hashKey: 'gsi1pk', rangeKey: 'gsi1sk', projection: 'all' },
    byPending: { hashKey: 'gsi2pk', rangeKey: 'gsi2sk', projection: 'keys-only' },
  },
  ttl: 'expiresAt',
} as const;

/**
 * The `CreateTable` request for the findings table (on-demand billing). DynamoDB needs a separate
 * `UpdateTimeToLive` call for `FINDINGS_TABLE_SCHEMA.ttl`; dynalite has no such operation.
 *
 * @example
 * ```ts
 * await client.send(new CreateTableCommand(findingsCreateTableInput('podnet-guard-findings')));
 * ```
 */
export function findingsCreateTableInput(tableName: string): CreateTableCommandInput {
  const schema = FINDINGS_TABLE_SCHEMA;
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: schema.primaryIndex.hashKey, KeyType: 'HASH' }],
    AttributeDefinitions: Object.keys(schema.fields).map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    GlobalSecondaryIndexes: Object.entries(schema.globalIndexes).map(([name, index]) => ({
      IndexName: name,
      KeySchema: [
        { AttributeName: index.hashKey, KeyType: 'HASH' },
        { AttributeName: index.rangeKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: index.projection === 'all' ? 'ALL' : 'KEYS_ONLY' },
    })),
  };
}

/** Options of `createDynamoFindingStore`. */
export interface DynamoFindingStoreOptions {
  client: DynamoDBClient;
  tableName: string;
  /** Attempts per finding when a conditional write loses a race; defaults to 5. */
  maxAttempts?: number;
  /** The time `markDelivered` stamps when given none; defaults to the wall clock. */
  clock?: () => Date;
}

const LEASE_KEY = 'LEASE#sweep';

/**
 * Builds the DynamoDB `FindingStore` on a table created from `FINDINGS_TABLE_SCHEMA`.
 *
 * @example
 * ```ts
 * const store = createDynamoFindingStore({ client: new DynamoDBClient({}), tableName: config.tableName });
 * const published = await store.record(findings, { eventId: event.eventId, now: new Date().toISOString() });
 * ```
 */
export function createDynamoFindingStore(options: DynamoFindingStoreOptions): FindingStore {
  const { client, tableName } = options;
  const maxAttempts = options.maxAttempts ?? 5;
  const clock = options.clock ?? (() => new Date());
  const get = async (id: string): Promise<StoredFinding | undefined> => {
    const output = await call('GetItem', () =>
      client.send(new GetItemCommand({ TableName: tableName, Key: findingKey(id), ConsistentRead: true })),
    );
    return output.Item ? fromItem(output.Item) : undefined;
  };
  const table: EventMarkerIo = { client, tableName, get };
  return {
    get,
    record: (findings, context) => recordInTable(table, findings, context, maxAttempts),
    resumeEvent: (eventId, now) => resumeEvent(table, eventId, now),
    releaseEvent: (eventId, delivered) => releaseEvent(table, eventId, delivered),
    async markDelivered(id, version, deliveredAt) {
      const updated = await updateFinding(table, id, {
        UpdateExpression: 'SET #lastNotified = :at ADD #version :one REMOVE #pending, gsi2pk, gsi2sk',
        ConditionExpression: '#pending.#version = :version',
        ExpressionAttributeNames: { '#lastNotified': 'lastNotified', '#version': 'version', '#pending': 'pending' },
        ExpressionAttributeValues: {
          ':at': { S: deliveredAt ?? clock().toISOString() },
          ':one': { N: '1' },
          ':version': { N: String(version) },
        },
      });
      return updated !== undefined;
    },
    listPending: (limit, filter = {}) => listPendingTransitions(table, limit, filter),
    acquireSweepLease: (owner, ttlSeconds, now) => acquireSweepLease(table, owner, ttlSeconds, now),
    releaseSweepLease: (owner) => releaseSweepLease(table, owner),
    query: (query) => queryFindings(table, query),
    suppress: (id, suppression) =>
      updateFinding(table, id, {
        UpdateExpression: 'SET #suppression = :suppression ADD #version :one',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#suppression': 'suppression', '#version': 'version' },
        ExpressionAttributeValues: {
          ':suppression': suppressionItem(suppression),
          ':one': { N: '1' },
        },
      }),
    recordPullRequest: (id, pullRequest) =>
      updateFinding(table, id, {
        UpdateExpression: 'SET #pullRequest = :pullRequest ADD #version :one',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#pullRequest': 'pullRequest', '#version': 'version' },
        ExpressionAttributeValues: { ':pullRequest': { S: JSON.stringify(pullRequest) }, ':one': { N: '1' } },
      }),
    unsuppress: (id) =>
      updateFinding(table, id, {
        UpdateExpression: 'REMOVE #suppression ADD #version :one',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#suppression': 'suppression', '#version': 'version' },
        ExpressionAttributeValues: { ':one': { N: '1' } },
      }),
  };
}

/** An UpdateItem on one finding; undefined when its condition failed. */
async function updateFinding(
  table: EventMarkerIo,
  id: string,
  input: {
    UpdateExpression: string;
    ConditionExpression: string;
    ExpressionAttributeNames: Record<string, string>;
    ExpressionAttributeValues: Record<string, AttributeValue>;
  },
): Promise<StoredFinding | undefined> {
  const output = await conditional('UpdateItem', () =>
    table.client.send(
      new UpdateItemCommand({ TableName: table.tableName, Key: findingKey(id), ReturnValues: 'ALL_NEW', ...input }),
    ),
  );
  return output?.Attributes ? fromItem(output.Attributes) : undefined;
}

/** Writes one finding record if its version is still the one read (or, new, if none exists); false otherwise. */
async function putFinding(table: EventMarkerIo, record: StoredFinding, expectedVersion?: number): Promise<boolean> {
  const written = await conditional('PutItem', () =>
    table.client.send(
      new PutItemCommand({
        TableName: table.tableName,
        Item: toItem(record),
        ...(expectedVersion === undefined
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : {
              ConditionExpression: '#version = :expected',
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':expected': { N: String(expectedVersion) } },
            }),
      }),
    ),
  );
  return written !== undefined;
}

/** `FindingStore.record`: claims the event (when given), records each finding, then marks the event recorded. */
async function recordInTable(
  table: EventMarkerIo,
  findings: readonly Finding[],
  context: RecordContext,
  maxAttempts: number,
): Promise<RecordedTransition[]> {
  const { eventId, now } = context;
  if (eventId !== undefined && !(await claimToRecord(table, eventId, now))) return [];
  let published: RecordedTransition[];
  try {
    published = await recordFindings(
      findings,
      context,
      { read: table.get, write: (record, expectedVersion) => putFinding(table, record, expectedVersion) },
      { maxAttempts, onConflict: (id, attempts) => new FindingWriteConflictError(id, attempts) },
    );
    if (eventId !== undefined) await markEventRecorded(table, eventId, now, published);
  } catch (error) {
    // Unfinished: give the claim back so the event's retry records it at once, delivering what this attempt left
    // pending (a process that dies here instead leaves a claim that runs out).
    if (eventId !== undefined) await releaseEvent(table, eventId, []).catch(() => undefined);
    throw error;
  }
  return published;
}

/** Takes the sweep lease when it is free, expired or already ours; false when another owner holds it. */
async function acquireSweepLease(
  table: EventMarkerIo,
  owner: string,
  ttlSeconds: number,
  now: string,
): Promise<boolean> {
  const at = epochSeconds(now);
  const written = await conditional('PutItem', () =>
    table.client.send(
      new PutItemCommand({
        TableName: table.tableName,
        Item: {
          pk: { S: LEASE_KEY },
          owner: { S: owner },
          acquiredAt: { S: now },
          expiresAt: { N: String(at + ttlSeconds) },
        },
        ConditionExpression: 'attribute_not_exists(pk) OR #expiresAt <= :now OR #owner = :owner',
        ExpressionAttributeNames: { '#expiresAt': 'expiresAt', '#owner': 'owner' },
        ExpressionAttributeValues: { ':now': { N: String(at) }, ':owner': { S: owner } },
      }),
    ),
  );
  return written !== undefined;
}

/** Gives the sweep lease back if this owner still holds it. */
async function releaseSweepLease(table: EventMarkerIo, owner: string): Promise<void> {
  await conditional('DeleteItem', () =>
    table.client.send(
      new DeleteItemCommand({
        TableName: table.tableName,
        Key: { pk: { S: LEASE_KEY } },
        ConditionExpression: '#owner = :owner',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: { ':owner': { S: owner } },
      }),
    ),
  );
}
