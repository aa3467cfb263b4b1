/**
 * Finding transitions: what one evaluation changes about a stored finding, and whether that is news. Pure decisions
 * (`decideTransition`) plus the store-agnostic write loop (`recordFindings`) that both finding stores share, so the
 * in-memory store used by the CLI and the DynamoDB store behave the same.
 */
import { type Finding, type FindingSuppression, SEVERITY_RANK, type Severity } from '../types/finding.ts';

/** What an evaluation did to a finding. Only `opened`, `worsened` and `resolved` are published. */
export type Transition = 'opened' | 'worsened' | 'resolved' | 'unchanged';

/** The transitions that are published (SNS, EventBridge); `unchanged` never is. */
export type PublishedTransition = Exclude<Transition, 'unchanged'>;

/** The published transitions, in the order a reader meets them. */
export const PUBLISHED_TRANSITIONS: readonly PublishedTransition[] = ['opened', 'worsened', 'resolved'];

/** Resolved findings stay this long (DynamoDB TTL), so a quick re-open still knows its history. */
export const RESOLVED_TTL_SECONDS = 30 * 24 * 3600;

/** Event ids already recorded are remembered this long: EventBridge retries a delivery for up to 24 hours. */
export const EVENT_MARKER_TTL_SECONDS = 2 * 24 * 3600;

/**
 * How long the invocation that recorded (or resumed) an event's transitions holds the right to deliver them. As long
 * as the Lambda's timeout: a holder that died lets a retry take over afterwards, and a live duplicate of the event does
 * not publish the same messages at the same time.
 */
export const EVENT_DELIVERY_CLAIM_SECONDS = 60;

/** A transition recorded before it is published; cleared once the publisher confirms delivery. */
export interface PendingTransition {
  transition: PublishedTransition;
  /** The record version that carried this transition: with the finding id, the message's dedupe key. */
  version: number;
  /** ISO time it was recorded. */
  since: string;
  /** The CloudTrail event that recorded it (absent for scans): that event's retry delivers it. */
  eventId?: string;
}

/** A person's decision to mute a finding until `until`; worsening still notifies (see `FindingSuppression`). */
export type Suppression = FindingSuppression;

/**
 * Everything exposed while the finding has been open: a node group that scales to zero and back, or a severity that
 * drops and rises again, is not news, so "worsened" compares against this rather than the previous evaluation.
 */
export interface SeenExposure {
  clusters: string[];
  nodeGroups: string[];
  peakSeverity: Severity;
}

/** A finding as the store keeps it: the Finding contract plus the bookkeeping of its transitions. */
export interface StoredFinding extends Finding {
  /** Bumped by every write: the condition of single-item conditional writes. */
  version: number;
  /** ISO time the last transition was confirmed delivered. */
  lastNotified?: string;
  /** A transition recorded but not yet confirmed delivered. */
  pending?: PendingTransition;
  suppression?: Suppression;
  /** The CloudTrail event id that last wrote this record: a redelivery of it changes nothing. */
  lastEventId?: string;
  /** See `SeenExposure`; reset when the finding re-opens. */
  seen?: SeenExposure;
  /** When and by what the finding was resolved. */
  resolution?: { at: string; evidence: Finding['evidence'] };
  /** Epoch seconds after which the record may be deleted (DynamoDB TTL); set on resolved findings only. */
  expiresAt?: number;
}

/** The outcome of one finding's evaluation against its stored record. */
export interface TransitionDecision {
  /** What is told: a muted change (suppression, allow-list) is `unchanged`. */
  transition: Transition;
  /** The record to write, or undefined when nothing should be written (redelivery, nothing to resolve). */
  record: StoredFinding | undefined;
}

/** A published transition as a store returns it: publish `finding`, then confirm with `markDelivered(id, version)`. */
export interface RecordedTransition {
  transition: PublishedTransition;
  finding: StoredFinding;
  version: number;
  /** `<finding id>#<version>`: consumers drop repeats of at-least-once delivery by this key. */
  dedupeKey: string;
}

/**
 * True when a transition is published.
 *
 * @example isPublished('unchanged') // false
 */
export function isPublished(transition: Transition): transition is PublishedTransition {
  return transition !== 'unchanged';
}

/**
 * The dedupe key every published message carries.
 *
 * @example dedupeKeyOf('nsw-7c1f', 3) // 'nsw-7c1f#3'
 */
export function dedupeKeyOf(id: string, version: number): string {
  return `${id}#${version}`;
}

/**
 * The finding id and version of a dedupe key (`dedupeKeyOf` reversed); undefined for anything else.
 *
 * @example parseDedupeKey('nsw-7c1f#3') // { id: 'nsw-7c1f', version: 3 }
 */
export function parseDedupeKey(key: string): { id: string; version: number } | undefined {
  const cut = key.lastIndexOf('#');
  const version = Number(key.slice(cut + 1));
  if (cut <= 0 || !Number.isSafeInteger(version) || version < 1) return undefined;
  return { id: key.slice(0, cut), version };
}

/**
 * The transition a dedupe key names, if the record still has it pending: what an event's retry delivers. A record
 * whose pending transition moved on (a later event recorded a newer one, or it was delivered) yields undefined.
 *
 * @example stillPending(record, 'nsw-7c1f#3')?.transition // 'opened'
 */
export function stillPending(record: StoredFinding | undefined, key: string): RecordedTransition | undefined {
  const ref = parseDedupeKey(key);
  if (!record || !ref || record.id !== ref.id || record.pending?.version !== ref.version) return undefined;
  return pendingTransitionOf(record);
}

/**
 * True when `eventId` is the event that last wrote `previous` (EventBridge delivers at least once).
 *
 * @example sameEvent({ ...stored, lastEventId: 'e-1' }, 'e-1') // true
 */
export function sameEvent(previous: StoredFinding | undefined, eventId: string | undefined): boolean {
  return previous !== undefined && eventId !== undefined && previous.lastEventId === eventId;
}

/**
 * True when a suppression is in force at `now` (ISO times compare as strings only in one format, so parse them).
 *
 * @example isSuppressed({ ...stored, suppression: { reason: 'ok', until: '2030-01-01T00:00:00Z', by: 'me' } }, now)
 */
export function isSuppressed(record: StoredFinding | undefined, now: string): boolean {
  return record?.suppression !== undefined && Date.parse(record.suppression.until) > Date.parse(now);
}

/**
 * The order findings are listed in: most severe first, then by id (`0#…` is critical). Stores sort and page by it.
 *
 * @example findingSortKey({ ...finding, severity: 'high', id: 'nsw-1' }) // '1#nsw-1'
 */
export function findingSortKey(finding: Pick<Finding, 'severity' | 'id'>): string {
  return `${SEVERITY_RANK.critical - SEVERITY_RANK[finding.severity]}#${finding.id}`;
}

/**
 * Epoch seconds of an ISO time, for TTL attributes and lease expiry.
 *
 * @example epochSeconds('2026-11-02T10:00:00.500Z') // 1793613600
 */
export function epochSeconds(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}

/**
 * The recorded transition of a record that has a pending transition (what a sweep publishes again).
 *
 * @example pendingTransitionOf(record)?.dedupeKey // 'nsw-7c1f#3'
 */
export function pendingTransitionOf(record: StoredFinding): RecordedTransition | undefined {
  if (!record.pending) return undefined;
  const { transition, version } = record.pending;
  return { transition, finding: record, version, dedupeKey: dedupeKeyOf(record.id, version) };
}

/**
 * Decides what `next` (a detector's finding: `open`, `resolved`, or `suppressed` by the allow-list) does to the stored
 * record `previous`, at ISO time `now`, for the CloudTrail event `eventId` if any.
 *
 * - none + open → `opened`; none + resolved → `unchanged`, nothing written.
 * - open + open: `worsened` when the severity exceeds the peak so far, or a cluster or node group is newly exposed;
 *   otherwise `unchanged` (lastSeen moves; node counts going up and down are not news).
 * - open + resolved → `resolved` (kept `RESOLVED_TTL_SECONDS`); resolved + open → `opened` again.
 * - a suppression in force mutes everything but `worsened` (which lifts it: the reason no longer covers the exposure);
 *   an expired suppression is dropped, and a finding still open is announced again as `opened`.
 * - allow-listed (`suppressed`) findings are recorded, never told.
 * - the same event id as the last write → `unchanged`, nothing written.
 *
 * @example
 * ```ts
 * const { transition, record } = decideTransition(undefined, finding, '2026-11-02T10:00:00Z', 'ev-1');
 * transition; // 'opened'
 * record?.pending; // { transition: 'opened', version: 1, since: '2026-11-02T10:00:00Z' }
 * ```
 */
export function decideTransition(
  previous: StoredFinding | undefined,
  next: Finding,
  now: string,
  eventId?: string,
): TransitionDecision {
  if (sameEvent(previous, eventId)) return { transition: 'unchanged', record: undefined };
  const wasActive = previous !== undefined && previous.status !== 'resolved';
  const suppressedNow = isSuppressed(previous, now);
  // A suppression is kept while it is in force; an expired one is dropped by the next write.
  const suppression = suppressedNow ? previous?.suppression : undefined;
  const suppressionExpired = previous?.suppression !== undefined && !suppressedNow;

  if (next.status === 'resolved') {
    if (!previous || !wasActive) return { transition: 'unchanged', record: undefined };
    const told = previous.status === 'open' && !suppressedNow;
    const record: StoredFinding = {
      ...previous,
      status: 'resolved',
      resolution: { at: now, evidence: next.evidence },
      expiresAt: epochSeconds(now) + RESOLVED_TTL_SECONDS,
    };
    return finish(previous, record, told ? 'resolved' : 'unchanged', now, eventId, suppression);
  }

  const content = contentOf(next);
  if (!previous || !wasActive) {
    // New, or re-opened after a resolution: the exposure starts again, and so does what has been seen of it.
    const record: StoredFinding = { ...content, version: 0, seen: exposureOf(next) };
    if (previous?.lastNotified !== undefined) record.lastNotified = previous.lastNotified;
    if (previous?.pending !== undefined) record.pending = previous.pending;
    const told = next.status === 'open' && !suppressedNow;
    return finish(previous, record, told ? 'opened' : 'unchanged', now, eventId, suppression);
  }

  const seen = previous.seen ?? exposureOf(previous);
  const worse = isWorse(seen, next);
  const record: StoredFinding = {
    ...content,
    version: previous.version,
    firstSeen: previous.firstSeen,
    lastSeen: later(previous.lastSeen, next.lastSeen),
    seen: mergeExposure(seen, next),
  };
  if (previous.lastNotified !== undefined) record.lastNotified = previous.lastNotified;
  if (previous.pending !== undefined) record.pending = previous.pending;
  // The fix pull request outlives each evaluation's remediation: the next run updates the same one.
  const pullRequest = previous.remediation?.pullRequest;
  if (pullRequest && record.remediation) record.remediation = { ...record.remediation, pullRequest };
  let transition: Transition = 'unchanged';
  if (next.status === 'suppressed') transition = 'unchanged';
  // Allow-listed until now, so never told: an opening, not a worsening.
  else if (previous.status === 'suppressed') transition = suppressedNow && !worse ? 'unchanged' : 'opened';
  else if (worse) transition = 'worsened';
  else if (suppressedNow) transition = 'unchanged';
  // The suppression ran out while the cause is still there: remind.
  else if (suppressionExpired) transition = 'opened';
  const lifted = worse && isPublished(transition);
  return finish(previous, record, transition, now, eventId, lifted ? undefined : suppression);
}

/** Sets version, pending, event id and suppression on a decided record. */
function finish(
  previous: StoredFinding | undefined,
  record: StoredFinding,
  transition: Transition,
  now: string,
  eventId: string | undefined,
  suppression: Suppression | undefined,
): TransitionDecision {
  const version = (previous?.version ?? 0) + 1;
  const result: StoredFinding = { ...record, version };
  if (isPublished(transition)) {
    // An undelivered `opened` followed by `worsened` is still news of an opening: consumers never heard of it.
    const kind = previous?.pending?.transition === 'opened' && transition === 'worsened' ? 'opened' : transition;
    result.pending = { transition: kind, version, since: now, ...(eventId !== undefined ? { eventId } : {}) };
  }
  if (eventId !== undefined) result.lastEventId = eventId;
  else if (previous?.lastEventId !== undefined) result.lastEventId = previous.lastEventId;
  if (suppression) result.suppression = suppression;
  else delete result.suppression;
  if (result.status !== 'resolved') {
    delete result.expiresAt;
    delete result.resolution;
  }
  return {
    transition: isPublished(transition) && result.pending ? result.pending.transition : transition,
    record: result,
  };
}

/** The Finding fields of a detector's finding (a detector never sets store fields, but strip them to be sure). */
function contentOf(finding: Finding): Finding {
  const {
    version: _version,
    lastNotified: _lastNotified,
    pending: _pending,
    suppression: _suppression,
    lastEventId: _lastEventId,
    seen: _seen,
    resolution: _resolution,
    expiresAt: _expiresAt,
    ...content
  } = finding as StoredFinding;
  return content;
}

function exposureOf(finding: Finding): SeenExposure {
  return {
    clusters: [...new Set(finding.clusters)].sort(),
    nodeGroups: [...new Set(finding.blastRadius?.nodeGroups ?? [])].sort(),
    peakSeverity: finding.severity,
  };
}

function mergeExposure(seen: SeenExposure, next: Finding): SeenExposure {
  const now = exposureOf(next);
  return {
    clusters: [...new Set([...seen.clusters, ...now.clusters])].sort(),
    nodeGroups: [...new Set([...seen.nodeGroups, ...now.nodeGroups])].sort(),
    peakSeverity: SEVERITY_RANK[next.severity] > SEVERITY_RANK[seen.peakSeverity] ? next.severity : seen.peakSeverity,
  };
}

function isWorse(seen: SeenExposure, next: Finding): boolean {
  if (SEVERITY_RANK[next.severity] > SEVERITY_RANK[seen.peakSeverity]) return true;
  if (next.clusters.some((cluster) => !seen.clusters.includes(cluster))) return true;
  return (next.blastRadius?.nodeGroups ?? []).some((group) => !seen.nodeGroups.includes(group));
}

/** The later of two ISO times (events may arrive out of order). */
function later(a: string, b: string): string {
  return Date.parse(b) > Date.parse(a) ? b : a;
}

/**
 * The Finding contract of a stored record, without the store's bookkeeping (version, pending, seen, …): what
 * messages and events carry.
 *
 * @example publicFinding(stored).id === stored.id
 */
export function publicFinding(stored: StoredFinding): Finding {
  const { version, lastNotified, pending, suppression, lastEventId, seen, resolution, expiresAt, ...finding } = stored;
  return finding;
}
