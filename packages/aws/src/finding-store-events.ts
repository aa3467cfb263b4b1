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
  return updateMarker(io, eventId, {
    expression: 'SET #claimUntil = :claim, #expiresAt = :expiresAt REMOVE #recordedAt, #pending',
    condition:
      '(attribute_not_exists(#recordedAt) OR #expiresAt <= :now) AND ' +
      '(attribute_not_exists(#claimUntil) OR #claimUntil <= :now OR #expiresAt <= :now)',
    values: {
      ':claim': { N: String(at + EVENT_DELIVERY_CLAIM_SECONDS) },
      ':expiresAt': { N: String(at + EVENT_MARKER_TTL_SECONDS) },
      ':now': { N: String(at) },
    },
  });
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
  const keys = published.map((item) => item.dedupeKey);
  await updateMarker(io, eventId, {
    expression: `SET #recordedAt = :now ${keys.length > 0 ? 'ADD #pending :keys' : 'REMOVE #claimUntil'}`,
    values: { ':now': { S: now }, ...(keys.length > 0 ? { ':keys': { SS: keys } } : {}) },
  });
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
  const claimed = await updateMarker(io, eventId, {
    expression: 'SET #claimUntil = :until',
    condition: 'attribute_exists(pk) AND (attribute_not_exists(#claimUntil) OR #claimUntil <= :now)',
    values: { ':until': { N: String(at + EVENT_DELIVERY_CLAIM_SECONDS) }, ':now': { N: String(at) } },
  });
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
  await updateMarker(io, eventId, {
    expression: actions.join(' '),
    condition: 'attribute_exists(pk)',
    ...(keys.length > 0 ? { values: { ':keys': { SS: keys } } } : {}),
  });
}

/**
 * One `UpdateItem` of an event's marker, where `#name` stands for the attribute `name`. With a condition, false when
 * it failed; without, any failure throws.
 */
async function updateMarker(
  io: EventMarkerIo,
  eventId: string,
  update: { expression: string; condition?: string; values?: Record<string, AttributeValue> },
): Promise<boolean> {
  const placeholders = `${update.expression} ${update.condition ?? ''}`.matchAll(/#(\w+)/g);
  const send = () =>
    io.client.send(
      new UpdateItemCommand({
        TableName: io.tableName,
        Key: eventKey(eventId),
        UpdateExpression: update.expression,
        ...(update.condition !== undefined ? { ConditionExpression: update.condition } : {}),
        ExpressionAttributeNames: Object.fromEntries([...placeholders].map((match) => [match[0], match[1] ?? ''])),
        ...(update.values !== undefined ? { ExpressionAttributeValues: update.values } : {}),
      }),
    );
  if (update.condition === undefined) {
    await call('UpdateItem', send);
    return true;
  }
  return (await conditional('UpdateItem', send)) !== undefined;
}
