/**
 * How the DynamoDB finding store sends a call: SDK exceptions become `FindingStoreError`, and a failed condition
 * (a lost race, or nothing to change) becomes undefined. Internal to the store's files.
 */
import { hasErrorCode } from './errors.ts';
import { FindingStoreError } from './finding-store-errors.ts';

/** Runs one DynamoDB call; any failure becomes a `FindingStoreError`. */
export async function call<T>(operation: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw toStoreError(operation, error);
  }
}

/** Runs one conditional DynamoDB call; undefined when the condition failed (a lost race, or nothing to change). */
export async function conditional<T>(operation: string, send: () => Promise<T>): Promise<T | undefined> {
  try {
    return await send();
  } catch (error) {
    if (hasErrorCode(error, 'ConditionalCheckFailedException')) return undefined;
    throw toStoreError(operation, error);
  }
}

function toStoreError(operation: string, error: unknown): FindingStoreError {
  const shape = (typeof error === 'object' && error !== null ? error : {}) as { name?: unknown; message?: unknown };
  const code = typeof shape.name === 'string' ? shape.name : undefined;
  const message = typeof shape.message === 'string' ? shape.message : String(error);
  return new FindingStoreError(operation, code, `${operation} on the findings table failed: ${message}`, {
    cause: error,
  });
}
