/**
 * The record loop every finding store runs: read, decide (`decideTransition`), write conditionally on the version it
 * read, and on a lost race read and decide again, so two writers racing on one finding publish once.
 */
import type { Finding } from '../types/finding.ts';
import {
  decideTransition,
  dedupeKeyOf,
  isPublished,
  pendingTransitionOf,
  type RecordedTransition,
  type StoredFinding,
  sameEvent,
} from './transitions.ts';

/** How a store reads and conditionally writes one record; `write` resolves false when the version moved. */
export interface RecordIo {
  read(id: string): Promise<StoredFinding | undefined>;
  /** Writes `record` if the stored version is still `expectedVersion` (undefined: the record must not exist yet). */
  write(record: StoredFinding, expectedVersion: number | undefined): Promise<boolean>;
}

/** Options of `recordFindings`. */
export interface RecordLoopOptions {
  /** Attempts per finding before giving up (each re-reads and re-decides). */
  maxAttempts: number;
  /** The error to throw when every attempt lost the race. */
  onConflict: (id: string, attempts: number) => Error;
}

/**
 * Records each finding with a read, a decision and a conditional write; on a lost race it re-reads and re-decides, so
 * two writers racing on one finding publish once. Returns the published transitions (each recorded as pending), and,
 * for a record this event already wrote, the transition it recorded there and never delivered: a retry of the event
 * after a failure between recording and delivering. The caller must hold the event's claim (stores take it first), so
 * no duplicate of the event runs this loop at the same time and publishes it too.
 *
 * @example
 * ```ts
 * const published = await recordFindings(findings, { eventId, now }, io, { maxAttempts: 5, onConflict });
 * ```
 */
export async function recordFindings(
  findings: readonly Finding[],
  context: { eventId?: string | undefined; now: string },
  io: RecordIo,
  options: RecordLoopOptions,
): Promise<RecordedTransition[]> {
  const published: RecordedTransition[] = [];
  const publish = (item: RecordedTransition) => {
    if (!published.some((known) => known.dedupeKey === item.dedupeKey)) published.push(item);
  };
  for (const finding of findings) {
    let attempt = 0;
    for (;;) {
      attempt += 1;
      const previous = await io.read(finding.id);
      if (previous && sameEvent(previous, context.eventId)) {
        const left = previous.pending?.eventId === context.eventId ? pendingTransitionOf(previous) : undefined;
        if (left) publish(left);
        break;
      }
      const { transition, record } = decideTransition(previous, finding, context.now, context.eventId);
      if (!record) break;
      if (await io.write(record, previous?.version)) {
        if (isPublished(transition) && record.pending) {
          publish({
            transition,
            finding: record,
            version: record.pending.version,
            dedupeKey: dedupeKeyOf(record.id, record.pending.version),
          });
        }
        break;
      }
      if (attempt >= options.maxAttempts) throw options.onConflict(finding.id, attempt);
    }
  }
  return published;
}
