/**
 * CloudTrail event markers of the DynamoDB finding store (`EVENT#<eventId>` items): an event recorded once is not
 * judged again, and what it left undelivered stays listed on its marker until delivered, so Lambda's retry of the
 * event publishes it (the in-memory store in packages/core/src/findings/memory-store.ts keeps the same rules).
 *
 * Attributes: `expiresAt` (TTL, `EVENT_MARKER_TTL_SECONDS`); `claimUntil` (epoch seconds) while one invocation records
 * the event or delivers what it left; `recordedAt` once every finding of the event is written (absent: being recorded,
 * or an attempt failed or died midway, and a retry records it again); `pending`, a string set of the dedupe keys
 * (`<finding id>#<version>`) the event recorded and has not delivered. Every change is an `UpdateItem`, and claims are
 * conditional, so two duplicates of one event never record or deliver it together. Internal to the store's files.
 */
import { type AttributeValue, type DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import {
  EVENT_DELIVERY_CLAIM_SECONDS,
  EVENT_MARKER_TTL_SECONDS,
  epochSeconds,
  parseDedupeKey,
  type RecordedTransition,
  type StoredFinding,
  stillPending,
} from '@podnet-guard/core';
import { call, conditional } from './finding-store-calls.ts';

/** What the marker functions need of the store. */
export interface EventMarkerIo {
  client: DynamoDBClient;
  tableName: string;
  get(id: string): Promise<StoredFinding | undefined>;
}

function eventKey(eventId: string): Record<string, AttributeValue> {
  return { pk: { S: `EVENT#${eventId}` } };
}

interface EventMarker {
  recorded: boolean;
  pending: string[];
  claimUntil: number | undefined;
}

/** The live marker of an event (strongly consistent): undefined when never met or expired. */
async function readEventMarker(io: EventMarkerIo, eventId: string, now: string): Promise<EventMarker | undefined> {
  const output = await call('GetItem', () =>
    io.client.send(new GetItemCommand({ TableName: io.tableName, Key: eventKey(eventId), ConsistentRead: true })),
  );
  const item = output.Item;
  // DynamoDB deletes expired items lazily (dynalite never): an expired marker is no marker.
  if (!item || Number(item.expiresAt?.N ?? '0') <= epochSeconds(now)) return undefined;
  return {
    recorded: item.recordedAt !== undefined,
    pending: item.pending?.SS ?? [],
    claimUntil: item.claimUntil?.N === undefined ? undefined : Number(item.claimUntil.N),
  };
}

const isClaimed = (marker: EventMarker, now: string) =>
  marker.claimUntil !== undefined && marker.claimUntil > epochSeconds(now);

/**
 * Takes an event to record it: false when it was recorded, or another invocation is recording it. A marker left by an
 * attempt that failed or died midway (no `recordedAt`, claim run out) is taken again.
 */
export async function claimToRecord(io: EventMarkerIo, eventId: string, now: string): Promise<boolean> {
  const at = epochSeconds(now);
  const claimed = await conditional('UpdateItem', () =>
    io.client.send(
      new UpdateItemCommand({
        TableName: io.tableName,
        Key: eventKey(eventId),
        UpdateExpression: 'SET #claimUntil = :claim, #expiresAt = :expiresAt REMOVE #recordedAt, #pending',
        ConditionExpression:
          '(attribute_not_exists(#recordedAt) OR #expiresAt <= :now) AND ' +
          '(attribute_not_exists(#claimUntil) OR #claimUntil <= :now OR #expiresAt <= :now)',
        ExpressionAttributeNames: {
          '#claimUntil': 'claimUntil',
          '#expiresAt': 'expiresAt',
          '#recordedAt': 'recordedAt',
          '#pending': 'pending',
        },
        ExpressionAttributeValues: {
          ':claim': { N: String(at + EVENT_DELIVERY_CLAIM_SECONDS) },
          ':expiresAt': { N: String(at + EVENT_MARKER_TTL_SECONDS) },
          ':now': { N: String(at) },
        },
      }),
    ),
  );
  return claimed !== undefined;
}

/**
 * Marks a claimed event recorded. What it published is listed, and stays claimed by the caller, who delivers it next;
 * with nothing published the claim ends here.
 */
export async function markEventRecorded(
  io: EventMarkerIo,
  eventId: string,
  now: string,
  published: readonly RecordedTransition[],
): Promise<void> {
  const values: Record<string, AttributeValue> = { ':now': { S: now } };
  let expression = 'SET #recordedAt = :now';
  if (published.length > 0) {
    expression += ' ADD #pending :keys';
    values[':keys'] = { SS: published.map((item) => item.dedupeKey) };
  } else {
    expression += ' REMOVE #claimUntil';
  }
  await call('UpdateItem', () =>
    io.client.send(
      new UpdateItemCommand({
        TableName: io.tableName,
        Key: eventKey(eventId),
        UpdateExpression: expression,
        ExpressionAttributeNames: {
          '#recordedAt': 'recordedAt',
          ...(published.length > 0 ? { '#pending': 'pending' } : { '#claimUntil': 'claimUntil' }),
        },
        ExpressionAttributeValues: values,
      }),
    ),
  );
}

/** See `FindingStore.resumeEvent`. */
export async function resumeEvent(
  io: EventMarkerIo,
  eventId: string,
  now: string,
): Promise<RecordedTransition[] | undefined> {
  const marker = await readEventMarker(io, eventId, now);
  // Never recorded, or an attempt that failed or died while recording: judge it (again).
  if (!marker || (!marker.recorded && !isClaimed(marker, now))) return undefined;
  if (!marker.recorded || marker.pending.length === 0 || isClaimed(marker, now)) return [];
  const at = epochSeconds(now);
  const claimed = await conditional('UpdateItem', () =>
    io.client.send(
      new UpdateItemCommand({
        TableName: io.tableName,
        Key: eventKey(eventId),
        UpdateExpression: 'SET #claimUntil = :until',
        ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(#claimUntil) OR #claimUntil <= :now)',
        ExpressionAttributeNames: { '#claimUntil': 'claimUntil' },
        ExpressionAttributeValues: {
          ':until': { N: String(at + EVENT_DELIVERY_CLAIM_SECONDS) },
          ':now': { N: String(at) },
        },
      }),
    ),
  );
  if (!claimed) return [];
  const resumed: RecordedTransition[] = [];
  const stale: string[] = [];
  for (const key of marker.pending) {
    const id = parseDedupeKey(key)?.id;
    const item = id === undefined ? undefined : stillPending(await io.get(id), key);
    if (item) resumed.push(item);
    else stale.push(key);
  }
  // Delivered meanwhile (the sweep) or superseded by a later event's transition: no longer this event's to deliver.
  if (stale.length > 0) await dropKeys(io, eventId, stale, false);
  return resumed;
}

/** See `FindingStore.releaseEvent`. */
export async function releaseEvent(
  io: EventMarkerIo,
  eventId: string,
  delivered: readonly RecordedTransition[],
): Promise<void> {
  await dropKeys(
    io,
    eventId,
    delivered.map((item) => item.dedupeKey),
    true,
  );
}

async function dropKeys(io: EventMarkerIo, eventId: string, keys: string[], release: boolean): Promise<void> {
  const actions = [...(release ? ['REMOVE #claimUntil'] : []), ...(keys.length > 0 ? ['DELETE #pending :keys'] : [])];
  if (actions.length === 0) return;
  // Conditional on the marker existing: an UpdateItem would otherwise create a marker from nothing.
  await conditional('UpdateItem', () =>
    io.client.send(
      new UpdateItemCommand({
        TableName: io.tableName,
        Key: eventKey(eventId),
        UpdateExpression: actions.join(' '),
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: {
          ...(release ? { '#claimUntil': 'claimUntil' } : {}),
          ...(keys.length > 0 ? { '#pending': 'pending' } : {}),
        },
        ...(keys.length > 0 ? { ExpressionAttributeValues: { ':keys': { SS: keys } } } : {}),
      }),
    ),
  );
}
