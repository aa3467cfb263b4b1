/**
 * Ports: the interfaces core services call and adapters implement (DynamoDB in packages/aws, in-memory for the CLI
 * and local runs). Interfaces only; nothing here runs.
 */
import type { RecordedTransition, StoredFinding, Suppression } from './findings/transitions.ts';
import type { DetectorId, Finding, FindingStatus, RemediationPullRequest, Severity } from './types/finding.ts';

/** What an evaluation records: the CloudTrail event id (absent for scans and sweeps) and the evaluation time. */
export interface RecordContext {
  /** The event is recorded once: its redelivery records nothing new (it delivers what it left: `resumeEvent`). */
  eventId?: string | undefined;
  /** ISO time of the evaluation. */
  now: string;
}

/** Filters of `FindingStore.query`; results come most severe first, then by id. */
export interface FindingQuery {
  /** Defaults to `open`. */
  status?: FindingStatus;
  /** Findings that name this cluster (a finding may name several). */
  cluster?: string;
  severity?: Severity;
  detector?: DetectorId;
  /** Page size; defaults to 50. */
  limit?: number;
  /** The `cursor` of the previous page. */
  cursor?: string;
}

/** One page of findings; `cursor` is absent on the last page. */
export interface FindingPage {
  items: StoredFinding[];
  cursor?: string;
}

/**
 * Where findings live between evaluations. Every write is a single-item conditional write on the record's version,
 * so racing writers publish once; a published transition is recorded as pending first and confirmed after delivery.
 * An event's retry delivers what the event left pending (`resumeEvent`), without judging it again.
 *
 * @example
 * ```ts
 * const published = (await store.resumeEvent(event.eventId, now)) ?? (await store.record(findings, { eventId, now }));
 * for (const item of published) {
 *   await publish(item); // carries item.dedupeKey
 *   await store.markDelivered(item.finding.id, item.version);
 * }
 * await store.releaseEvent(event.eventId, published);
 * ```
 */
export interface FindingStore {
  get(id: string): Promise<StoredFinding | undefined>;
  /**
   * Applies one evaluation's findings; returns the transitions to publish (already recorded as pending). With an
   * `eventId`, the event is remembered (`resumeEvent`), and the caller holds the delivery of what it returned.
   */
  record(findings: readonly Finding[], context: RecordContext): Promise<RecordedTransition[]>;
  /**
   * What a CloudTrail event already recorded left undelivered (a retry after a failed publish), taken for delivery:
   * undefined when the event was never recorded (judge it); else its transitions still pending, now the caller's to
   * publish for `EVENT_DELIVERY_CLAIM_SECONDS`, and empty when nothing is left or another invocation is delivering
   * them. One read when nothing is left.
   */
  resumeEvent(eventId: string, now: string): Promise<RecordedTransition[] | undefined>;
  /**
   * Ends the caller's delivery of an event's transitions (those `record` or `resumeEvent` returned): `delivered` are
   * no longer the event's to deliver; the rest stay for the next retry, which may take them at once.
   */
  releaseEvent(eventId: string, delivered: readonly RecordedTransition[]): Promise<void>;
  /** Clears the pending transition of `version`; false when it was already cleared or superseded. */
  markDelivered(id: string, version: number, deliveredAt?: string): Promise<boolean>;
  /** Transitions recorded but not confirmed, oldest first; `olderThan` (ISO) leaves in-flight ones to their writer. */
  listPending(limit: number, options?: { olderThan?: string }): Promise<RecordedTransition[]>;
  /** Takes the sweep lease for `ttlSeconds` from `now` (ISO); false while another owner holds it. */
  acquireSweepLease(owner: string, ttlSeconds: number, now: string): Promise<boolean>;
  /** Gives the lease back if `owner` still holds it. */
  releaseSweepLease(owner: string): Promise<void>;
  query(query: FindingQuery): Promise<FindingPage>;
  /** Mutes a finding until `suppression.until` (worsening still notifies); undefined when no such finding. */
  suppress(id: string, suppression: Suppression): Promise<StoredFinding | undefined>;
  /** Records the finding's fix pull request (`remediation.pullRequest`); undefined when no such finding. */
  recordPullRequest(id: string, pullRequest: RemediationPullRequest): Promise<StoredFinding | undefined>;
  /** Lifts a suppression now (no reminder is sent: whoever lifted it knows); undefined when no such finding. */
  unsuppress(id: string): Promise<StoredFinding | undefined>;
}
