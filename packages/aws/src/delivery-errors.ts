/**
 * Errors of delivering transitions (SNS and the findings bus). Apart from publish.ts and bus.ts, which are loaded
 * only when a finding changes, so a caller can match them with `instanceof` without loading SNS or EventBridge code.
 */
import { PodnetGuardError } from '@podnet-guard/core';

/** One finding SNS did not take. */
export interface PublishFailure {
  findingId: string;
  /** The batch entry id. */
  entryId: string;
  code: string;
  message?: string;
  /** True when SNS blamed the request (not retried); false for SNS's own faults (retried once). */
  senderFault: boolean;
}

/**
 * Some findings could not be published (after one retry of SNS-side failures, or because the call itself failed).
 * Thrown so the caller (the Lambda) fails and its retries and DLQ take over; subscribers drop the repeats of the
 * findings that did go out by their `dedupeKey`.
 *
 * @example
 * ```ts
 * try {
 *   await publishFindings(sns, topicArn, findings);
 * } catch (error) {
 *   if (error instanceof PublishError) logger.error('not published', { ids: error.failed.map((f) => f.findingId) });
 *   throw error;
 * }
 * ```
 */
export class PublishError extends PodnetGuardError {
  readonly topicArn: string;
  readonly failed: PublishFailure[];
  /** How many findings were published before giving up (their message ids are in `messageIds`). */
  readonly published: number;
  readonly messageIds: string[];
  constructor(
    context: { topicArn: string; failed: PublishFailure[]; published: number; messageIds: string[] },
    options?: { cause?: unknown },
  ) {
    const ids = context.failed.map((failure) => `${failure.findingId} (${failure.code})`);
    super(`SNS did not publish ${context.failed.length} finding(s) to ${context.topicArn}: ${ids.join(', ')}`, options);
    this.topicArn = context.topicArn;
    this.failed = context.failed;
    this.published = context.published;
    this.messageIds = context.messageIds;
  }
}

/** EventBridge refused some finding events (`PutEvents` entries with an `ErrorCode`). */
export class BusPublishError extends PodnetGuardError {
  readonly failed: { findingId: string; code: string }[];
  constructor(failed: { findingId: string; code: string }[], options?: { cause?: unknown }) {
    super(
      `EventBridge did not take ${failed.length} finding event(s): ${failed.map((f) => `${f.findingId} (${f.code})`).join(', ')}`,
      options,
    );
    this.failed = failed;
  }
}
