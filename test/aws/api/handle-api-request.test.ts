/**
 * The API as the Lambda behind API Gateway receives it: the shared contract (api-contract.ts) through API Gateway
 * HTTP API events, then what only this wiring has: IAM identity in the request context, route keys, stages, base64
 * bodies and the hand-off of a late evaluation to another invocation.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  createClientSet,
  createEventBridgeHandoff,
  deadlineFromEnv,
  evaluateLive,
  evaluationJobOf,
  handleApiRequest,
  handleEvaluationJob,
  type SuppressionAnnouncement,
} from '@podnet-guard/aws';
import { type Finding, parseGuardConfig } from '@podnet-guard/core';
import { describe, expect, it, vi } from 'vitest';
import { type ApiWiring, bodyOf, describeApiContract, finding, seed, useApiWorld } from './api-contract.ts';
import { answerAccount, REGION, TOPIC } from './live-world.ts';

const CALLER = 'arn:aws:sts::111122223333:assumed-role/PlatformAdmin/alice@example.com';
const REQUEST_ID = 'JKJaXmPLvHcESHA=';
const ROUTE_KEYS = new Set([
  'POST /evaluations',
  'GET /evaluations/{id}',
  'GET /findings',
  'GET /findings/{id}',
  'POST /findings/{id}/suppress',
  'DELETE /findings/{id}/suppress',
]);

/** An API Gateway HTTP API (payload 2.0) event of an IAM-authorised route. */
function request(
  method: string,
  path: string,
  options: {
    routeKey?: string;
    body?: unknown;
    query?: Record<string, string>;
    iam?: boolean;
    base64?: boolean;
  } = {},
) {
  const template = path.replace(/^\/(findings|evaluations)\/[^/]+/, '/$1/{id}');
  // API Gateway names the route it matched, or `$default` for a path no route takes.
  const routeKey = options.routeKey ?? (ROUTE_KEYS.has(`${method} ${template}`) ? `${method} ${template}` : '$default');
  const raw =
    options.body === undefined
      ? undefined
      : typeof options.body === 'string'
        ? options.body
        : JSON.stringify(options.body);
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: new URLSearchParams(options.query ?? {}).toString(),
    headers: { 'content-type': 'application/json', host: 'a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com' },
    ...(options.query ? { queryStringParameters: options.query } : {}),
    requestContext: {
      accountId: '111122223333',
      apiId: 'a1b2c3d4e5',
      ...(options.iam === false
        ? {}
        : {
            authorizer: {
              iam: {
                accessKey: 'ASIAEXAMPLEEXAMPLE12',
                accountId: '111122223333',
                callerId: 'AROAEXAMPLEEXAMPLE123:alice@example.com',
                principalOrgId: 'o-exampleorgid',
                userArn: CALLER,
                userId: 'AROAEXAMPLEEXAMPLE123:alice@example.com',
              },
            },
          }),
      domainName: 'a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.10', userAgent: 'podnet-guard/0.1.0' },
      requestId: REQUEST_ID,
      routeKey,
      stage: '$default',
      time: '26/Nov/2026:12:00:00 +0000',
      timeEpoch: 1795694400000,
    },
    ...(raw === undefined
      ? {}
      : { body: options.base64 ? Buffer.from(raw).toString('base64') : raw, isBase64Encoded: Boolean(options.base64) }),
  };
}

const world = useApiWorld();
const { mocks, setup } = world;

const lambdaWiring: ApiWiring = {
  name: 'Lambda behind API Gateway',
  caller: CALLER,
  requestId: REQUEST_ID,
  send: (deps, method, path, options = {}) => handleApiRequest(request(method, path, options), deps),
};

describeApiContract(lambdaWiring, world);

describe('identity and routing', () => {
  it('refuses a request without IAM identity, even on a route that exists', async () => {
    const { deps, logger } = await setup();
    const response = await handleApiRequest(request('GET', '/findings', { iam: false }), deps);
    expect(response.statusCode).toBe(403);
    expect(response.headers['content-type']).toBe('application/json');
    expect(bodyOf(response).error).toMatch(/IAM/);
    expect(logger.warn).toHaveBeenCalled();
  });

  it('refuses an empty caller ARN and a non-object event', async () => {
    const { deps } = await setup();
    const event = request('GET', '/findings');
    event.requestContext.authorizer!.iam.userArn = '';
    expect((await handleApiRequest(event, deps)).statusCode).toBe(403);
    expect((await handleApiRequest(null, deps)).statusCode).toBe(403);
  });

  it('answers 404 when API Gateway matched another route than the path says', async () => {
    const { deps, store } = await setup();
    await seed(store, [finding(1)]);
    const event = request('GET', '/findings/nsw-0001', { routeKey: 'GET /findings' });
    expect((await handleApiRequest(event, deps)).statusCode).toBe(404);
    expect((await handleApiRequest(request('GET', '/findings/nsw-0001'), deps)).statusCode).toBe(200);
  });

  it('strips a named stage from the path', async () => {
    const { deps } = await setup();
    const event = request('GET', '/prod/findings', { routeKey: 'GET /findings' });
    event.requestContext.stage = 'prod';
    expect((await handleApiRequest(event, deps)).statusCode).toBe(200);
  });

  it('takes a base64 body as API Gateway may pass it', async () => {
    const { deps, store } = await setup();
    await seed(store, [finding(1)]);
    const event = request('POST', '/findings/nsw-0001/suppress', {
      body: { reason: 'known', until: '2026-12-01T00:00:00Z' },
      base64: true,
    });
    expect((await handleApiRequest(event, deps)).statusCode).toBe(200);
  });
});

describe('an evaluation whose findings could not be delivered', () => {
  // EventBridge and SNS answer 200 with refused entries (PutEvents `ErrorCode`, PublishBatch `Failed`).
  const refuse = {
    bus: () =>
      mocks.events.on(PutEventsCommand).resolves({
        FailedEntryCount: 1,
        Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'Internal service failure.' }],
      }),
    topic: () =>
      mocks.sns.on(PublishBatchCommand).callsFake((input: { PublishBatchRequestEntries: { Id: string }[] }) => ({
        Successful: [],
        Failed: input.PublishBatchRequestEntries.map((entry) => ({
          Id: entry.Id,
          Code: 'AuthorizationError',
          Message: 'not authorized',
          SenderFault: true,
        })),
      })),
  };

  it.each(['bus', 'topic'] as const)('answers 502 kind publish when the %s refuses them', async (refused) => {
    const { deps, store } = await setup();
    deps.evaluate = (request, now) =>
      evaluateLive({
        clientsFor: () => createClientSet(REGION),
        regions: [REGION],
        clusters: request.clusters,
        config: parseGuardConfig({}),
        store,
        targets: {
          sns: new SNSClient({ region: REGION }),
          topicArn: TOPIC,
          bus: { client: new EventBridgeClient({ region: REGION }), name: 'podnet-guard-findings' },
        },
        now,
      });
    refuse[refused]();
    const response = await handleApiRequest(request('POST', '/evaluations', { body: { clusters: ['prod'] } }), deps);
    expect(response.statusCode).toBe(502);
    const failure = { message: 'findings could not be published', kind: 'publish' };
    expect(bodyOf(response)).toEqual({ id: 'ev-1', status: 'failed', error: failure });
    expect(bodyOf(await handleApiRequest(request('GET', '/evaluations/ev-1'), deps))).toMatchObject({
      status: 'failed',
      error: failure,
    });
  });
});

describe('hand-off of a late evaluation', () => {
  it('hands a late evaluation to another invocation, whose result wins over the late original', async () => {
    const jobs: unknown[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { deps, logger } = await setup({ deadlineMs: 0 });
    const evaluate = deps.evaluate;
    let calls = 0;
    // The original run is slow and sees no open rule; the handed-off run sees the world-open SSH rule.
    deps.evaluate = async (request, now) => {
      calls += 1;
      const original = calls === 1;
      if (original) await gate;
      answerAccount(mocks, { worldOpenSsh: !original });
      return evaluate(request, now);
    };
    deps.handoff = async (job) => {
      await createEventBridgeHandoff(new EventBridgeClient({ region: REGION }), 'podnet-guard-findings')(job);
      const entry = mocks.events.commandCalls(PutEventsCommand).at(-1)!.args[0].input.Entries![0]!;
      expect(entry.EventBusName).toBe('podnet-guard-findings');
      jobs.push({ source: entry.Source, 'detail-type': entry.DetailType, detail: JSON.parse(entry.Detail!) });
    };
    expect(
      (await handleApiRequest(request('POST', '/evaluations', { body: { clusters: ['prod'] } }), deps)).statusCode,
    ).toBe(202);
    const job = evaluationJobOf(jobs[0]);
    expect(job).toEqual({ id: 'ev-1', request: { clusters: ['prod'] } });
    expect((await handleEvaluationJob(job!, deps))?.status).toBe('done');
    release();
    await vi.waitFor(() =>
      expect(logger.info).toHaveBeenCalledWith('evaluation outcome not written: another run owns the record', {
        id: 'ev-1',
      }),
    );
    const record = bodyOf(await handleApiRequest(request('GET', '/evaluations/ev-1'), deps));
    expect(record.status).toBe('done');
    expect(record.result.findings.map((f: Finding) => f.rule)).toEqual(['world-open-ingress']);
    // A second delivery of the same job finds it finished and runs nothing.
    expect(await handleEvaluationJob(job!, deps)).toBeUndefined();
    expect(calls).toBe(2);
  });
});

describe('evaluationJobOf and deadlineFromEnv', () => {
  it('recognises only the hand-off envelope', () => {
    const job = { id: 'ev-1', request: {} };
    expect(evaluationJobOf({ source: 'podnet-guard.api', 'detail-type': 'Evaluation Requested', detail: job })).toEqual(
      job,
    );
    expect(evaluationJobOf({ source: 'aws.ec2', 'detail-type': 'Evaluation Requested', detail: job })).toBeUndefined();
    expect(evaluationJobOf(request('POST', '/evaluations'))).toBeUndefined();
    expect(
      evaluationJobOf({ source: 'podnet-guard.api', 'detail-type': 'Evaluation Requested', detail: { id: '../x' } }),
    ).toBeUndefined();
  });

  it('reads API_DEADLINE_MS within bounds', () => {
    expect(deadlineFromEnv({ API_DEADLINE_MS: '20000' })).toBe(20_000);
    expect(deadlineFromEnv({ API_DEADLINE_MS: '60000' })).toBe(25_000);
    expect(deadlineFromEnv({})).toBe(25_000);
  });
});

describe('suppressions are announced as events', () => {
  it('announces a suppression and its lifting with who acted, after storing them', async () => {
    const announceSuppression = vi.fn(async (_announcement: SuppressionAnnouncement) => undefined);
    const { deps, store } = await setup({ announceSuppression });
    await seed(store, [finding(1)]);
    const until = '2026-12-01T00:00:00.000Z';
    const body = { reason: 'change window NET-42', until };
    expect((await handleApiRequest(request('POST', '/findings/nsw-0001/suppress', { body }), deps)).statusCode).toBe(
      200,
    );
    expect((await handleApiRequest(request('DELETE', '/findings/nsw-0001/suppress'), deps)).statusCode).toBe(200);
    expect(announceSuppression.mock.calls.map(([announcement]) => announcement)).toEqual([
      expect.objectContaining({
        kind: 'suppressed',
        by: CALLER,
        finding: expect.objectContaining({
          id: 'nsw-0001',
          suppression: { reason: body.reason, until, by: CALLER, via: 'api', at: expect.any(String) },
        }),
      }),
      expect.objectContaining({
        kind: 'unsuppressed',
        by: CALLER,
        finding: expect.objectContaining({ id: 'nsw-0001' }),
      }),
    ]);
  });

  it('answers 500 when the announcement fails, with the suppression stored (a retry suppresses and announces again)', async () => {
    const announceSuppression = vi.fn(async () => {
      throw new Error('EventBridge did not take it');
    });
    const { deps, store } = await setup({ announceSuppression });
    await seed(store, [finding(1)]);
    const body = { reason: 'change window', until: '2026-12-01T00:00:00.000Z' };
    expect((await handleApiRequest(request('POST', '/findings/nsw-0001/suppress', { body }), deps)).statusCode).toBe(
      500,
    );
    expect((await store.get('nsw-0001'))?.suppression?.reason).toBe('change window');
  });

  it('announces nothing for a finding that does not exist', async () => {
    const announceSuppression = vi.fn(async (_announcement: SuppressionAnnouncement) => undefined);
    const { deps } = await setup({ announceSuppression });
    const body = { reason: 'change window', until: '2026-12-01T00:00:00.000Z' };
    expect((await handleApiRequest(request('POST', '/findings/nsw-9/suppress', { body }), deps)).statusCode).toBe(404);
    expect(announceSuppression).not.toHaveBeenCalled();
  });
});
