/**
 * The API function as Lambda runs it: module-scope wiring from the environment, middy and Powertools, a real
 * DynamoDB engine (dynalite) through `AWS_ENDPOINT_URL_DYNAMODB`, mocked EC2/EKS/SNS/EventBridge.
 */
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { answerAccount, answerDelivery, createWorldMocks, publishedTransitions, TOPIC } from '../aws/api/live-world.ts';
import { type Dynalite, startDynalite } from '../helpers/dynalite.ts';
import { lambdaContext, stubFunctionEnv } from '../helpers/lambda.ts';

const mocks = createWorldMocks();
let db: Dynalite;
let handler: (event: unknown, context: Context) => Promise<unknown>;

const context = lambdaContext('podnet-guard-evaluate-api');

function httpEvent(method: string, path: string, routeKey: string, iam = true, body?: unknown) {
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: {},
    requestContext: {
      accountId: '111122223333',
      apiId: 'a1b2c3d4e5',
      ...(iam
        ? { authorizer: { iam: { userArn: 'arn:aws:iam::111122223333:user/alice', accountId: '111122223333' } } }
        : {}),
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.10', userAgent: 'curl/8' },
      requestId: 'req-1',
      routeKey,
      stage: '$default',
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body), isBase64Encoded: false }),
  };
}

beforeAll(async () => {
  db = await startDynalite();
  await db.createTable('podnet-guard-findings');
  stubFunctionEnv({
    endpoint: db.endpoint,
    table: 'podnet-guard-findings',
    topicArn: TOPIC,
    extra: { FINDINGS_BUS_NAME: 'podnet-guard-findings' },
  });
  handler = (await import('../../functions/evaluate-api.ts')).handler as never;
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await db.stop();
});
beforeEach(() => {
  answerDelivery(mocks);
  answerAccount(mocks, { worldOpenSsh: true });
});

describe('functions/evaluate-api', () => {
  it('evaluates on POST /evaluations and serves the finding it recorded', async () => {
    const response = (await handler(httpEvent('POST', '/evaluations', 'POST /evaluations', true, {}), context)) as {
      statusCode: number;
      body: string;
    };
    expect(response.statusCode).toBe(200);
    const { findings } = JSON.parse(response.body);
    expect(publishedTransitions(mocks)).toEqual(['world-open-ingress:opened']);
    const one = (await handler(httpEvent('GET', `/findings/${findings[0].id}`, 'GET /findings/{id}'), context)) as {
      statusCode: number;
    };
    expect(one.statusCode).toBe(200);
  });

  it('refuses a request without IAM identity', async () => {
    const response = (await handler(httpEvent('GET', '/findings', 'GET /findings', false), context)) as {
      statusCode: number;
    };
    expect(response.statusCode).toBe(403);
  });

  it('ignores a hand-off for an evaluation it does not know', async () => {
    const job = {
      source: 'podnet-guard.api',
      'detail-type': 'Evaluation Requested',
      detail: { id: 'ev-x', request: {} },
    };
    await expect(handler(job, context)).resolves.toBeUndefined();
    expect(mocks.ec2.calls()).toHaveLength(0);
  });
});
