import { EC2ServiceException } from '@aws-sdk/client-ec2';
import { hasErrorCode, InventoryLoadError, toInventoryLoadError } from '@podnet-guard/aws/errors';
import { PodnetGuardError } from '@podnet-guard/core';
import { describe, expect, it } from 'vitest';

const ec2Error = (name: string, status: number, extra: object = {}) =>
  Object.assign(
    new EC2ServiceException({
      name,
      message: `${name} message`,
      $fault: status >= 500 ? 'server' : 'client',
      $metadata: { httpStatusCode: status },
    }),
    extra,
  );

describe('toInventoryLoadError', () => {
  it.each([
    ['UnauthorizedOperation', 403, 'access-denied', false],
    ['Client.UnauthorizedOperation', 403, 'access-denied', false],
    ['AuthFailure', 401, 'credentials', false],
    ['ExpiredToken', 400, 'credentials', false],
    ['RequestLimitExceeded', 503, 'throttled', true],
    ['Throttling', 400, 'throttled', true],
    ['ServiceUnavailable', 503, 'other', true],
    ['InvalidParameterValue', 400, 'other', false],
  ] as const)('maps %s (HTTP %i) to %s, retryable %s', (name, status, kind, retryable) => {
    const error = toInventoryLoadError('DescribeInstances', ec2Error(name, status));
    expect(error).toBeInstanceOf(InventoryLoadError);
    expect(error).toBeInstanceOf(PodnetGuardError);
    expect(error).toMatchObject({ operation: 'DescribeInstances', kind, retryable, code: name.replace('Client.', '') });
    expect(error.message).toContain('DescribeInstances failed');
  });

  it('reads throttling from the SDK $retryable flag and HTTP 429 even under an unknown code', () => {
    expect(toInventoryLoadError('X', ec2Error('SomethingNew', 400, { $retryable: { throttling: true } })).kind).toBe(
      'throttled',
    );
    expect(toInventoryLoadError('X', ec2Error('SomethingElse', 429)).kind).toBe('throttled');
    expect(toInventoryLoadError('X', ec2Error('SomethingElse', 400, { $retryable: {} }))).toMatchObject({
      kind: 'other',
      retryable: true,
    });
  });

  it('maps Node socket errors to network', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:443'), { code: 'ECONNREFUSED' });
    expect(toInventoryLoadError('DescribeVpcs', refused)).toMatchObject({ kind: 'network', retryable: true });
    const timeout = Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
    expect(toInventoryLoadError('DescribeVpcs', timeout)).toMatchObject({ kind: 'network', retryable: true });
  });

  it('keeps the cause and passes an InventoryLoadError through unchanged', () => {
    const cause = ec2Error('UnauthorizedOperation', 403);
    const error = toInventoryLoadError('DescribeVpcs', cause);
    expect(error.cause).toBe(cause);
    expect(toInventoryLoadError('Other', error)).toBe(error);
    expect(toInventoryLoadError('DescribeVpcs', 'boom')).toMatchObject({ kind: 'other', retryable: false });
  });
});

describe('hasErrorCode', () => {
  it('matches by suffix of the Client./Server. prefix and nothing else', () => {
    expect(hasErrorCode(ec2Error('Client.InvalidGroup.NotFound', 400), 'InvalidGroup.NotFound')).toBe(true);
    expect(hasErrorCode(ec2Error('InvalidGroup.NotFound', 400), 'InvalidGroupId.Malformed')).toBe(false);
    expect(hasErrorCode(undefined, 'X')).toBe(false);
  });
});
