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
  QueryCommand,
  type QueryCommandOutput,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  epochSeconds,
  type Finding,
  type FindingPage,
  type FindingQuery,
  type FindingStore,
  findingSortKey,
  pendingTransitionOf,
  type RecordContext,
  type RecordedTransition,
  recordFindings,
  type StoredFinding,
  type Suppression,
} from '@podnet-guard/core';
import { decodeCursor, encodeCursor } from './finding-cursor.ts';
import { call, conditional } from './finding-store-calls.ts';
import { FindingWriteConflictError } from './finding-store-errors.ts';
import { claimToRecord, markEventRecorded, releaseEvent, resumeEvent } from './finding-store-events.ts';
import { findingKey, fromItem, PENDING_PARTITION, suppressionItem, toItem } from './finding-store-items.ts';

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
const DEFAULT_PAGE_SIZE = 50;

/**
 * Builds the DynamoDB `FindingStore` on a table created from `FINDINGS_TABLE_SCHEMA`.
 *
 * @example
 * ```ts
 * const store = createDynamoFindingStore({ client: new DynamoDBClient({}), tableName: process.env.FINDINGS_TABLE! });
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

  /** An UpdateItem on one finding; undefined when its condition failed. */
  const update = async (
    id: string,
    input: {
      UpdateExpression: string;
      ConditionExpression: string;
      ExpressionAttributeNames: Record<string, string>;
      ExpressionAttributeValues: Record<string, AttributeValue>;
    },
  ): Promise<StoredFinding | undefined> => {
    const output = await conditional('UpdateItem', () =>
      client.send(
        new UpdateItemCommand({ TableName: tableName, Key: findingKey(id), ReturnValues: 'ALL_NEW', ...input }),
      ),
    );
    return output?.Attributes ? fromItem(output.Attributes) : undefined;
  };

  const events = { client, tableName, get };

  return {
    get,

    async record(findings: readonly Finding[], context: RecordContext): Promise<RecordedTransition[]> {
      const { eventId, now } = context;
      if (eventId !== undefined && !(await claimToRecord(events, eventId, now))) return [];
      let published: RecordedTransition[];
      try {
        published = await recordFindings(
          findings,
          context,
          {
            read: get,
            async write(record, expectedVersion) {
              const written = await conditional('PutItem', () =>
                client.send(
                  new PutItemCommand({
                    TableName: tableName,
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
            },
          },
          { maxAttempts, onConflict: (id, attempts) => new FindingWriteConflictError(id, attempts) },
        );
        if (eventId !== undefined) await markEventRecorded(events, eventId, now, published);
      } catch (error) {
        // Unfinished: give the claim back so the event's retry records it at once, delivering what this attempt left
        // pending (a process that dies here instead leaves a claim that runs out).
        if (eventId !== undefined) await releaseEvent(events, eventId, []).catch(() => undefined);
        throw error;
      }
      return published;
    },

    resumeEvent: (eventId: string, now: string) => resumeEvent(events, eventId, now),

    releaseEvent: (eventId: string, delivered: readonly RecordedTransition[]) =>
      releaseEvent(events, eventId, delivered),

    async markDelivered(id: string, version: number, deliveredAt?: string): Promise<boolean> {
      const updated = await update(id, {
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

    async listPending(limit: number, filter: { olderThan?: string } = {}): Promise<RecordedTransition[]> {
      const values: Record<string, AttributeValue> = { ':pending': { S: PENDING_PARTITION } };
      let condition = 'gsi2pk = :pending';
      if (filter.olderThan !== undefined) {
        condition += ' AND gsi2sk < :cut';
        values[':cut'] = { S: filter.olderThan };
      }
      const output = await call('Query', () =>
        client.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: 'byPending',
            KeyConditionExpression: condition,
            ExpressionAttributeValues: values,
            Limit: limit,
          }),
        ),
      );
      // The index is eventually consistent: re-read each record, and skip what was delivered meanwhile.
      const records = await Promise.all(
        (output.Items ?? []).map((item) => get(String(item.pk?.S ?? '').slice('FINDING#'.length))),
      );
      return records
        .map((record) => (record ? pendingTransitionOf(record) : undefined))
        .filter((item): item is RecordedTransition => item !== undefined);
    },

    async acquireSweepLease(owner: string, ttlSeconds: number, now: string): Promise<boolean> {
      const at = epochSeconds(now);
      const written = await conditional('PutItem', () =>
        client.send(
          new PutItemCommand({
            TableName: tableName,
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
    },

    async releaseSweepLease(owner: string): Promise<void> {
      await conditional('DeleteItem', () =>
        client.send(
          new DeleteItemCommand({
            TableName: tableName,
            Key: { pk: { S: LEASE_KEY } },
            ConditionExpression: '#owner = :owner',
            ExpressionAttributeNames: { '#owner': 'owner' },
            ExpressionAttributeValues: { ':owner': { S: owner } },
          }),
        ),
      );
    },

    async query(query: FindingQuery): Promise<FindingPage> {
      const limit = query.limit ?? DEFAULT_PAGE_SIZE;
      const names: Record<string, string> = {};
      const values: Record<string, AttributeValue> = { ':status': { S: `STATUS#${query.status ?? 'open'}` } };
      let keyCondition = 'gsi1pk = :status';
      if (query.severity !== undefined) {
        keyCondition += ' AND begins_with(gsi1sk, :severity)';
        values[':severity'] = { S: findingSortKey({ severity: query.severity, id: '' }) };
      }
      const filters: string[] = [];
      if (query.cluster !== undefined) {
        filters.push('contains(#clusters, :cluster)');
        names['#clusters'] = 'clusters';
        values[':cluster'] = { S: query.cluster };
      }
      if (query.detector !== undefined) {
        filters.push('#detector = :detector');
        names['#detector'] = 'detector';
        values[':detector'] = { S: query.detector };
      }
      const items: StoredFinding[] = [];
      let startKey =
        query.cursor === undefined
          ? undefined
          : decodeCursor(query.cursor, values[':status']?.S ?? '', values[':severity']?.S ?? '');
      // DynamoDB applies Limit before the filter: asking only for what is still missing keeps the last evaluated key
      // an exact resume point, so no item is skipped or repeated across pages.
      for (;;) {
        const output: QueryCommandOutput = await call('Query', () =>
          client.send(
            new QueryCommand({
              TableName: tableName,
              IndexName: 'byStatus',
              KeyConditionExpression: keyCondition,
              ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
              ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
              ExpressionAttributeValues: values,
              Limit: limit - items.length,
              ...(startKey ? { ExclusiveStartKey: startKey } : {}),
            }),
          ),
        );
        items.push(...(output.Items ?? []).map(fromItem));
        startKey = output.LastEvaluatedKey;
        if (!startKey) return { items };
        if (items.length >= limit) return { items, cursor: encodeCursor(startKey) };
      }
    },

    async suppress(id: string, suppression: Suppression): Promise<StoredFinding | undefined> {
      return update(id, {
        UpdateExpression: 'SET #suppression = :suppression ADD #version :one',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#suppression': 'suppression', '#version': 'version' },
        ExpressionAttributeValues: {
          ':suppression': suppressionItem(suppression),
          ':one': { N: '1' },
        },
      });
    },

    async unsuppress(id: string): Promise<StoredFinding | undefined> {
      return update(id, {
        UpdateExpression: 'REMOVE #suppression ADD #version :one',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#suppression': 'suppression', '#version': 'version' },
        ExpressionAttributeValues: { ':one': { N: '1' } },
      });
    },
  };
}
