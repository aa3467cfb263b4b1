/**
 * The in-memory finding store: the same semantics as the DynamoDB store (versions, pending transitions, event
 * markers, the sweep lease, suppression, query order and cursors), for the CLI, local runs and tests of core services.
 */
import { PodnetGuardError } from '../errors.ts';
import type { FindingPage, FindingQuery, FindingStore } from '../ports.ts';
import { recordFindings } from './record-loop.ts';
import {
  EVENT_DELIVERY_CLAIM_SECONDS,
  EVENT_MARKER_TTL_SECONDS,
  epochSeconds,
  findingSortKey,
  parseDedupeKey,
  pendingTransitionOf,
  type RecordedTransition,
  type StoredFinding,
  type Suppression,
  stillPending,
} from './transitions.ts';

/**
 * A CloudTrail event the store has met: being recorded (`recorded` false, under a claim) or recorded, with the dedupe
 * keys it has left to deliver. Kept until `expiresAt`.
 */
interface EventMarker {
  expiresAt: number;
  recorded: boolean;
  pending: Set<string>;
  /** Epoch seconds until which one invocation records the event or delivers its `pending`. */
  claimUntil?: number;
}

/**
 * Every attempt to write one finding lost the race to another writer.
 *
 * @example
 * ```ts
 * if (error instanceof MemoryStoreConflictError) console.error(error.findingId);
 * ```
 */
export class MemoryStoreConflictError extends PodnetGuardError {
  readonly findingId: string;
  constructor(findingId: string, attempts: number) {
    super(`finding ${findingId}: still conflicting after ${attempts} attempts`);
    this.findingId = findingId;
  }
}

/** Options of `createMemoryFindingStore`. */
export interface MemoryFindingStoreOptions {
  /** Records to start with (e.g. a previous run's output). */
  initial?: readonly StoredFinding[];
  /** Attempts per finding on write conflicts; defaults to 5. */
  maxAttempts?: number;
  /** The time `markDelivered` stamps when given none; defaults to the wall clock. */
  clock?: () => Date;
}

const DEFAULT_PAGE_SIZE = 50;

/** The records, by finding id. */
type Records = Map<string, StoredFinding>;

/**
 * Builds an in-memory `FindingStore`. Records are copied in and out, so callers cannot change stored state by
 * mutating what they hold.
 *
 * @example
 * ```ts
 * const store = createMemoryFindingStore();
 * const published = await store.record(findings, { now: new Date().toISOString() });
 * ```
 */
export function createMemoryFindingStore(options: MemoryFindingStoreOptions = {}): FindingStore & {
  /** Every stored record, in query order (for tests and the CLI's JSON output). */
  all(): StoredFinding[];
} {
  const records: Records = new Map();
  for (const record of options.initial ?? []) records.set(record.id, structuredClone(record));
  const events = new EventMarkers();
  const lease = new SweepLease();
  const clock = options.clock ?? (() => new Date());
  const maxAttempts = options.maxAttempts ?? 5;
  const read = async (id: string): Promise<StoredFinding | undefined> => {
    const record = records.get(id);
    return record ? structuredClone(record) : undefined;
  };
  const update = (id: string, change: (record: StoredFinding) => boolean): StoredFinding | undefined => {
    const record = records.get(id);
    if (!record || !change(record)) return undefined;
    record.version += 1;
    return structuredClone(record);
  };

  return {
    get: read,
    async record(findings, context) {
      const { eventId, now } = context;
      if (eventId !== undefined && !events.claimToRecord(eventId, now)) return [];
      let published: RecordedTransition[];
      try {
        published = await recordFindings(
          findings,
          context,
          { read, write: async (record, expectedVersion) => writeIfVersion(records, record, expectedVersion) },
          { maxAttempts, onConflict: (id, attempts) => new MemoryStoreConflictError(id, attempts) },
        );
      } catch (error) {
        if (eventId !== undefined) events.abandon(eventId);
        throw error;
      }
      if (eventId !== undefined) events.markRecorded(eventId, published);
      return published;
    },
    resumeEvent: async (eventId, now) => events.resume(eventId, now, records),
    releaseEvent: async (eventId, delivered) => events.release(eventId, delivered),
    async markDelivered(id, version, deliveredAt) {
      const updated = update(id, (record) => {
        if (record.pending?.version !== version) return false;
        delete record.pending;
        record.lastNotified = deliveredAt ?? clock().toISOString();
        return true;
      });
      return updated !== undefined;
    },
    listPending: async (limit, filter = {}) => pendingTransitions(records, limit, filter),
    acquireSweepLease: async (owner, ttlSeconds, now) => lease.acquire(owner, ttlSeconds, now),
    releaseSweepLease: async (owner) => lease.release(owner),
    query: async (query) => queryRecords(records, query),
    suppress: async (id, suppression: Suppression) =>
      update(id, (record) => {
        record.suppression = { ...suppression };
        return true;
      }),
    unsuppress: async (id) =>
      update(id, (record) => {
        delete record.suppression;
        return true;
      }),
    recordPullRequest: async (id, pullRequest) =>
      update(id, (record) => {
        if (!record.remediation) return false;
        record.remediation = { ...record.remediation, pullRequest };
        return true;
      }),
    all: () =>
      [...records.values()]
        .sort((a, b) => compareKeys(findingSortKey(a), findingSortKey(b)))
        .map((record) => structuredClone(record)),
  };
}

/** Writes a record if the stored one still has the version read (none, for a new finding). */
function writeIfVersion(records: Records, record: StoredFinding, expectedVersion: number | undefined): boolean {
  if (records.get(record.id)?.version !== expectedVersion) return false;
  records.set(record.id, structuredClone(record));
  return true;
}

/** The CloudTrail events the store has met, as the DynamoDB store keeps them in `EVENT#` items. */
class EventMarkers {
  readonly #markers = new Map<string, EventMarker>();

  #live(eventId: string, now: string): EventMarker | undefined {
    const marker = this.#markers.get(eventId);
    return marker && marker.expiresAt > epochSeconds(now) ? marker : undefined;
  }

  #claimed(marker: EventMarker, now: string): boolean {
    return marker.claimUntil !== undefined && marker.claimUntil > epochSeconds(now);
  }

  /** Takes an event to record it: false when it was recorded, or another invocation is recording it. */
  claimToRecord(eventId: string, now: string): boolean {
    const marker = this.#live(eventId, now);
    if (marker && (marker.recorded || this.#claimed(marker, now))) return false;
    const at = epochSeconds(now);
    this.#markers.set(eventId, {
      expiresAt: at + EVENT_MARKER_TTL_SECONDS,
      recorded: false,
      pending: new Set(),
      claimUntil: at + EVENT_DELIVERY_CLAIM_SECONDS,
    });
    return true;
  }

  /** Unfinished: the event's retry may record it at once (and deliver what this attempt left pending). */
  abandon(eventId: string): void {
    delete this.#markers.get(eventId)?.claimUntil;
  }

  markRecorded(eventId: string, published: readonly RecordedTransition[]): void {
    const marker = this.#markers.get(eventId);
    if (!marker) return;
    marker.recorded = true;
    for (const item of published) marker.pending.add(item.dedupeKey);
    // The caller delivers what it got under the same claim; with nothing to deliver, there is nothing to hold.
    if (published.length === 0) delete marker.claimUntil;
  }

  resume(eventId: string, now: string, records: Records): RecordedTransition[] | undefined {
    const marker = this.#live(eventId, now);
    // Never recorded, or an attempt that failed or died while recording: judge it (again).
    if (!marker || (!marker.recorded && !this.#claimed(marker, now))) return undefined;
    if (!marker.recorded || marker.pending.size === 0 || this.#claimed(marker, now)) return [];
    marker.claimUntil = epochSeconds(now) + EVENT_DELIVERY_CLAIM_SECONDS;
    const resumed: RecordedTransition[] = [];
    for (const key of [...marker.pending]) {
      const id = parseDedupeKey(key)?.id;
      const item = id === undefined ? undefined : stillPending(records.get(id), key);
      if (item) resumed.push(structuredClone(item));
      else marker.pending.delete(key); // delivered or superseded by a later transition: no longer this event's
    }
    return resumed;
  }

  release(eventId: string, delivered: readonly RecordedTransition[]): void {
    const marker = this.#markers.get(eventId);
    if (!marker) return;
    for (const item of delivered) marker.pending.delete(item.dedupeKey);
    delete marker.claimUntil;
  }
}

/** The sweep lease: one owner until it expires. */
class SweepLease {
  #held: { owner: string; expiresAt: number } | undefined;

  acquire(owner: string, ttlSeconds: number, now: string): boolean {
    const at = epochSeconds(now);
    if (this.#held && this.#held.owner !== owner && this.#held.expiresAt > at) return false;
    this.#held = { owner, expiresAt: at + ttlSeconds };
    return true;
  }

  release(owner: string): void {
    if (this.#held?.owner === owner) this.#held = undefined;
  }
}

/** The records with a pending transition, oldest first (the `byPending` index's order). */
function pendingTransitions(records: Records, limit: number, filter: { olderThan?: string }): RecordedTransition[] {
  const cut = filter.olderThan === undefined ? undefined : Date.parse(filter.olderThan);
  return [...records.values()]
    .filter((record) => record.pending && (cut === undefined || Date.parse(record.pending.since) < cut))
    .sort((a, b) => compareKeys(`${a.pending?.since}#${a.id}`, `${b.pending?.since}#${b.id}`))
    .slice(0, limit)
    .map((record) => pendingTransitionOf(structuredClone(record)))
    .filter((item): item is RecordedTransition => item !== undefined);
}

/** One page of findings in the `byStatus` index's order, with the cursor of the next page. */
function queryRecords(records: Records, query: FindingQuery): FindingPage {
  const status = query.status ?? 'open';
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  const after = query.cursor === undefined ? undefined : decodeMemoryCursor(query.cursor);
  const matching = [...records.values()]
    .filter(
      (record) =>
        record.status === status &&
        (query.cluster === undefined || record.clusters.includes(query.cluster)) &&
        (query.severity === undefined || record.severity === query.severity) &&
        (query.detector === undefined || record.detector === query.detector),
    )
    .map((record) => ({ key: findingSortKey(record), record }))
    .filter(({ key }) => after === undefined || key > after)
    .sort((a, b) => compareKeys(a.key, b.key));
  const page = matching.slice(0, limit);
  const last = page.at(-1);
  const result: FindingPage = { items: page.map(({ record }) => structuredClone(record)) };
  if (matching.length > limit && last) result.cursor = Buffer.from(last.key).toString('base64url');
  return result;
}

function decodeMemoryCursor(cursor: string): string {
  return Buffer.from(cursor, 'base64url').toString('utf8');
}

/** Code-point order, as DynamoDB sorts string keys (localeCompare would not match it). */
function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
