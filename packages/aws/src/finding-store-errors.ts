/**
 * Errors of the DynamoDB finding store. SDK exceptions are caught in the store and surface as these, so callers never
 * import SDK exception classes.
 */
import { PodnetGuardError } from '@podnet-guard/core';

/**
 * Every conditional write of one finding lost the race (`ConditionalCheckFailedException` on each attempt, after
 * re-reading and re-deciding). Retrying the whole evaluation later is safe: writes are idempotent per event.
 *
 * @example
 * ```ts
 * try {
 *   await store.record(findings, { eventId, now });
 * } catch (error) {
 *   if (error instanceof FindingWriteConflictError) logger.warn('contention', { id: error.findingId });
 *   throw error; // Lambda retries the event
 * }
 * ```
 */
export class FindingWriteConflictError extends PodnetGuardError {
  readonly findingId: string;
  readonly attempts: number;
  constructor(findingId: string, attempts: number, options?: { cause?: unknown }) {
    super(`finding ${findingId}: conditional write still conflicting after ${attempts} attempts`, options);
    this.findingId = findingId;
    this.attempts = attempts;
  }
}

/**
 * A DynamoDB call of the finding store failed for another reason than a lost race (throttling after the SDK's
 * retries, permissions, a missing table, the network).
 *
 * @example
 * ```ts
 * if (error instanceof FindingStoreError) console.error(error.operation, error.code);
 * ```
 */
export class FindingStoreError extends PodnetGuardError {
  /** The DynamoDB operation, API spelling (`PutItem`). */
  readonly operation: string;
  /** The AWS error code (`ResourceNotFoundException`, …) or Node error code, when known. */
  readonly code: string | undefined;
  constructor(operation: string, code: string | undefined, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.operation = operation;
    this.code = code;
  }
}

/** A `cursor` given to `query` that no earlier page returned. */
export class InvalidFindingCursorError extends PodnetGuardError {
  readonly cursor: string;
  constructor(cursor: string, options?: { cause?: unknown }) {
    super('invalid findings cursor: pass the cursor of the previous page unchanged', options);
    this.cursor = cursor;
  }
}
