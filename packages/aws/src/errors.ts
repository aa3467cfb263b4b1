/**
 * Errors of the AWS adapters. SDK exceptions are caught here and nowhere else: callers see one typed error that says
 * which operation failed, why (`kind`) and whether trying again later may help (`retryable`).
 */
import { PodnetGuardError } from '@podnet-guard/core';

/** Why AWS could not be read. */
export type InventoryLoadErrorKind = 'credentials' | 'access-denied' | 'throttled' | 'network' | 'other';

/**
 * An AWS read failed after the SDK's own retries (credentials, permissions, throttling, network, server errors).
 *
 * @example
 * ```ts
 * try {
 *   await loadFullSnapshot(clients, { region: 'eu-west-1' });
 * } catch (error) {
 *   if (error instanceof InventoryLoadError && error.kind === 'access-denied') console.error(error.operation);
 * }
 * ```
 */
export class InventoryLoadError extends PodnetGuardError {
  /** The AWS operation, API spelling (`DescribeNetworkInterfaces`). */
  readonly operation: string;
  readonly kind: InventoryLoadErrorKind;
  /** True when the same call may succeed later (throttling, 5xx, network); false for credentials and permissions. */
  readonly retryable: boolean;
  /** The AWS error code (`UnauthorizedOperation`, `RequestLimitExceeded`, …) or Node error code, when known. */
  readonly code: string | undefined;
  constructor(
    context: { operation: string; kind: InventoryLoadErrorKind; retryable: boolean; code?: string | undefined },
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.operation = context.operation;
    this.kind = context.kind;
    this.retryable = context.retryable;
    this.code = context.code;
  }
}

// AWS error codes by meaning. EC2 codes may carry a `Client.`/`Server.` prefix in some paths: matched by suffix.
const CREDENTIAL_CODES = new Set([
  'CredentialsProviderError',
  'AuthFailure',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'MissingAuthenticationToken',
  'UnrecognizedClientException',
  'TokenRefreshRequired',
  'InvalidToken',
  'RequestExpired',
]);
const ACCESS_DENIED_CODES = new Set([
  'UnauthorizedOperation',
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedException',
  'Blocked',
  'OptInRequired',
]);
const THROTTLING_CODES = new Set([
  'RequestLimitExceeded',
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestThrottled',
  'RequestThrottledException',
  'EC2ThrottledException',
  'SlowDown',
  'PriorRequestNotComplete',
  'BandwidthLimitExceeded',
  'TransactionInProgressException',
]);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'NetworkingError',
]);

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  Code?: unknown;
  message?: unknown;
  $fault?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/** The error code without EC2's `Client.`/`Server.` prefix. */
function errorCode(error: SdkErrorShape): string | undefined {
  // Node system errors carry `code` (ECONNREFUSED); SDK service errors carry `name` (and sometimes `Code`).
  for (const candidate of [error.code, error.Code, error.name]) {
    if (typeof candidate === 'string' && candidate !== '' && candidate !== 'Error') {
      return candidate.replace(/^(Client|Server)\./, '');
    }
  }
  return undefined;
}

/**
 * Maps any failure of an AWS call to an `InventoryLoadError`; an `InventoryLoadError` passes through unchanged.
 *
 * @example
 * ```ts
 * const error = toInventoryLoadError('DescribeInstances', Object.assign(new Error('x'), { name: 'RequestLimitExceeded' }));
 * error.kind; // 'throttled'
 * ```
 */
export function toInventoryLoadError(operation: string, error: unknown): InventoryLoadError {
  if (error instanceof InventoryLoadError) return error;
  const shape: SdkErrorShape = typeof error === 'object' && error !== null ? (error as SdkErrorShape) : {};
  const code = errorCode(shape);
  const status = typeof shape.$metadata?.httpStatusCode === 'number' ? shape.$metadata.httpStatusCode : undefined;
  const message = typeof shape.message === 'string' && shape.message !== '' ? shape.message : String(error);
  const sdkRetryable = typeof shape.$retryable === 'object' && shape.$retryable !== null;
  const sdkThrottling = sdkRetryable && (shape.$retryable as { throttling?: unknown }).throttling === true;
  const serverFault = shape.$fault === 'server' || (status !== undefined && status >= 500);

  let kind: InventoryLoadErrorKind;
  if (code !== undefined && CREDENTIAL_CODES.has(code)) kind = 'credentials';
  else if (code !== undefined && ACCESS_DENIED_CODES.has(code)) kind = 'access-denied';
  else if ((code !== undefined && THROTTLING_CODES.has(code)) || sdkThrottling || status === 429) kind = 'throttled';
  else if (code !== undefined && NETWORK_CODES.has(code)) kind = 'network';
  else kind = 'other';

  const retryable =
    kind === 'throttled' ||
    kind === 'network' ||
    sdkRetryable ||
    (serverFault && kind !== 'credentials' && kind !== 'access-denied');
  const label = code !== undefined ? `${code}: ${message}` : message;
  return new InventoryLoadError({ operation, kind, retryable, code }, `${operation} failed (${kind}): ${label}`, {
    cause: error,
  });
}

/** True when an SDK error has this code (suffix match, so `Client.X` matches `X`). For use inside packages/aws only. */
export function hasErrorCode(error: unknown, ...codes: string[]): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = errorCode(error as SdkErrorShape);
  return code !== undefined && codes.includes(code);
}
