/**
 * The finding store's reads through its indexes: a page of findings by status (`byStatus`), and the transitions
 * still to deliver (`byPending`). Internal to the store's files.
 */
import { type AttributeValue, QueryCommand, type QueryCommandOutput } from '@aws-sdk/client-dynamodb';
import {
  type FindingPage,
  type FindingQuery,
  findingSortKey,
  pendingTransitionOf,
  type RecordedTransition,
  type StoredFinding,
} from '@podnet-guard/core';
import { decodeCursor, encodeCursor } from './finding-cursor.ts';
import { call } from './finding-store-calls.ts';
import type { EventMarkerIo } from './finding-store-events.ts';
import { fromItem, PENDING_PARTITION } from './finding-store-items.ts';

const DEFAULT_PAGE_SIZE = 50;

/** The records with a pending transition (oldest first), re-read so none delivered meanwhile is returned. */
export async function listPendingTransitions(
  io: EventMarkerIo,
  limit: number,
  filter: { olderThan?: string },
): Promise<RecordedTransition[]> {
  const values: Record<string, AttributeValue> = { ':pending': { S: PENDING_PARTITION } };
  let condition = 'gsi2pk = :pending';
  if (filter.olderThan !== undefined) {
    condition += ' AND gsi2sk < :cut';
    values[':cut'] = { S: filter.olderThan };
  }
  const output = await call('Query', () =>
    io.client.send(
      new QueryCommand({
        TableName: io.tableName,
        IndexName: 'byPending',
        KeyConditionExpression: condition,
        ExpressionAttributeValues: values,
        Limit: limit,
      }),
    ),
  );
  // The index is eventually consistent: re-read each record, and skip what was delivered meanwhile.
  const records = await Promise.all(
    (output.Items ?? []).map((item) => io.get(String(item.pk?.S ?? '').slice('FINDING#'.length))),
  );
  return records
    .map((record) => (record ? pendingTransitionOf(record) : undefined))
    .filter((item): item is RecordedTransition => item !== undefined);
}

/** The `byStatus` key condition and filters a query asks for. */
function statusQueryOf(query: FindingQuery) {
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
  return {
    KeyConditionExpression: keyCondition,
    ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
    ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
    ExpressionAttributeValues: values,
  };
}

/** One page of findings, most severe first, with the cursor of the next page when there is one. */
export async function queryFindings(io: EventMarkerIo, query: FindingQuery): Promise<FindingPage> {
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  const statusQuery = statusQueryOf(query);
  const values = statusQuery.ExpressionAttributeValues;
  const items: StoredFinding[] = [];
  let startKey =
    query.cursor === undefined
      ? undefined
      : decodeCursor(query.cursor, values[':status']?.S ?? '', values[':severity']?.S ?? '');
  // DynamoDB applies Limit before the filter: asking only for what is still missing keeps the last evaluated key
  // an exact resume point, so no item is skipped or repeated across pages.
  for (;;) {
    const output: QueryCommandOutput = await call('Query', () =>
      io.client.send(
        new QueryCommand({
          TableName: io.tableName,
          IndexName: 'byStatus',
          ...statusQuery,
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
}
