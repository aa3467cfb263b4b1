/**
 * What the function tests share: a Lambda context, and the environment the stack gives every function, pointing
 * DynamoDB at dynalite through the standard `AWS_ENDPOINT_URL_DYNAMODB` (stubbed; `vi.unstubAllEnvs()` undoes it).
 */
import type { Context } from 'aws-lambda';
import { vi } from 'vitest';

export const FUNCTION_REGION = 'eu-west-1';

/** A Lambda context for `functionName` (its request id may be set, e.g. to tell two sweeps apart). */
export function lambdaContext(functionName: string, awsRequestId = 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef'): Context {
  return {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${FUNCTION_REGION}:111122223333:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/11/26/[$LATEST]abcdef',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => 290_000,
  } as unknown as Context;
}

/** The environment `loadRuntimeConfig` reads, as the stack sets it, with quiet Powertools. */
export function stubFunctionEnv(options: {
  endpoint: string;
  table: string;
  topicArn: string;
  extra?: Record<string, string>;
}): void {
  const env: Record<string, string> = {
    AWS_REGION: FUNCTION_REGION,
    AWS_ACCESS_KEY_ID: 'AKIDTEST',
    AWS_SECRET_ACCESS_KEY: 'test-secret',
    AWS_ENDPOINT_URL_DYNAMODB: options.endpoint,
    FINDINGS_TABLE: options.table,
    ALERTS_TOPIC_ARN: options.topicArn,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    ...options.extra,
  };
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
}
