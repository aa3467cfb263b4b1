import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SNSClient } from '@aws-sdk/client-sns';
import {
  type ApiDeps,
  createClientSet,
  createDynamoEvaluationStore,
  createDynamoFindingStore,
  createEventBridgeHandoff,
  deadlineFromEnv,
  evaluateLive,
  evaluationJobOf,
  handleApiRequest,
  handleEvaluationJob,
} from '@podnet-guard/aws';
import { type Finding, parseGuardConfig } from '@podnet-guard/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { dataStoreFinding } from '../../core/findings/finding-fixture.ts';
import { type Dynalite, startDynalite } from '../../helpers/dynalite.ts';
import { answerAccount, answerDelivery, createWorldMocks, publishedTransitions, REGION, TOPIC } from './live-world.ts';

const mocks = createWorldMocks();
const NOW = new Date('2026-11-26T12:00:00.000Z');
const CALLER = 'arn:aws:sts::111122223333:assumed-role/PlatformAdmin/alice@example.com';

let db: Dynalite;
let tables = 0;
beforeAll(async () => {
  db = await startDynalite();
});
afterAll(() => db.stop());
beforeEach(() => {
  answerDelivery(mocks);
  answerAccount(mocks, { worldOpenSsh: true });
});

async function setup(overrides: Partial<ApiDeps> = {}) {
  tables += 1;
  const tableName = await db.createTable(`api-${tables}`);
  const store = createDynamoFindingStore({ client: db.client, tableName });
  const evaluations = createDynamoEvaluationStore({ client: db.client, tableName });
  const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
  let ids = 0;
  const deps: ApiDeps = {
    store,
    evaluations,
    evaluate: (request, now) =>
      evaluateLive({
        clientsFor: () => createClientSet(REGION),
        regions: [REGION],
        clusters: request.clusters,
        detectors: request.detectors,
        config: parseGuardConfig({}),
        store,
        targets: { sns: new SNSClient({ region: REGION }), topicArn: TOPIC },
        now,
      }),
    deadlineMs: 10_000,
    logger,
    now: () => NOW,
    newId: () => `ev-${++ids}`,
    ...overrides,
  };
  return { deps, store, evaluations, logger };
}

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
  const raw =
    options.body === undefined
      ? undefined
      : typeof options.body === 'string'
        ? options.body
        : JSON.stringify(options.body);
  return {
    version: '2.0',
    routeKey: options.routeKey ?? `${method} ${template}`,
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
      requestId: 'JKJaXmPLvHcESHA=',
      routeKey: options.routeKey ?? `${method} ${template}`,
      stage: '$default',
      time: '26/Nov/2026:12:00:00 +0000',
      timeEpoch: 1795694400000,
    },
    ...(raw === undefined
      ? {}
      : { body: options.base64 ? Buffer.from(raw).toString('base64') : raw, isBase64Encoded: Boolean(options.base64) }),
  };
}

const bodyOf = (response: { body: string }) => JSON.parse(response.body);

async function seed(store: ApiDeps['store'], findings: Finding[]) {
  await store.record(findings, { now: '2026-11-26T11:00:00.000Z' });
}

function finding(n: number, overrides: Partial<Finding> = {}): Finding {
  return dataStoreFinding({
    id: `nsw-${String(n).padStart(4, '0')}`,
    firstSeen: '2026-11-26T11:00:00.000Z',
    lastSeen: '2026-11-26T11:00:00.000Z',
    ...overrides,
  });
}

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

  it.each([
    ['GET', '/nope'],
    ['PUT', '/findings'],
    ['GET', '/findings/nsw-1/suppress'],
    ['POST', '/findings/nsw-1'],
    ['GET', '/evaluations'],
  ])('answers 404 for %s %s', async (method, path) => {
    const { deps } = await setup();
    const response = await handleApiRequest(request(method, path, { routeKey: '$default' }), deps);
    expect(response.statusCode).toBe(404);
    expect(bodyOf(response).error).toContain(path);
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
});

describe('GET /findings', () => {
  it('pages with the store cursor until the last page', async () => {
    const { deps, store } = await setup();
    await seed(
      store,
      [1, 2, 3, 4, 5].map((n) => finding(n)),
    );
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const response = await handleApiRequest(
        request('GET', '/findings', { query: { limit: '2', ...(cursor ? { cursor } : {}) } }),
        deps,
      );
      expect(response.statusCode).toBe(200);
      const body = bodyOf(response);
      seen.push(...body.items.map((item: Finding) => item.id));
      cursor = body.cursor;
      pages += 1;
    } while (cursor);
    expect(seen).toEqual(['nsw-0001', 'nsw-0002', 'nsw-0003', 'nsw-0004', 'nsw-0005']);
    expect(pages).toBe(3);
  });

  it('filters by status, cluster, severity and detector, and shows no store bookkeeping', async () => {
    const { deps, store } = await setup();
    await seed(store, [finding(1), finding(2, { clusters: ['dev'] }), finding(3, { severity: 'low' })]);
    const response = await handleApiRequest(
      request('GET', '/findings', {
        query: { status: 'open', cluster: 'prod', severity: 'high', detector: 'node-sg-widening' },
      }),
      deps,
    );
    const body = bodyOf(response);
    expect(body.items.map((item: Finding) => item.id)).toEqual(['nsw-0001']);
    expect(body.items[0]).not.toHaveProperty('version');
    expect(body.items[0]).not.toHaveProperty('pending');
    expect(body).not.toHaveProperty('cursor');
  });

  it.each([
    [{ status: 'closed' }, 'status'],
    [{ severity: 'urgent' }, 'severity'],
    [{ detector: 'nope' }, 'detector'],
    [{ limit: '101' }, 'limit'],
    [{ limit: 'ten' }, 'limit'],
    [{ cluster: 'bad name!' }, 'cluster'],
    [{ stauts: 'open' }, 'stauts'],
    [{ cursor: 'not-a-cursor' }, 'cursor'],
  ])('answers 400 naming the field for %j', async (query, field) => {
    const { deps } = await setup();
    const response = await handleApiRequest(request('GET', '/findings', { query }), deps);
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).issues.map((issue: { path: string }) => issue.path)).toEqual([field]);
  });
});

describe('GET /findings/{id}', () => {
  it('answers the finding, 404 for an unknown id and 400 for an id that is not URL-safe', async () => {
    const { deps, store } = await setup();
    await seed(store, [finding(1)]);
    const found = await handleApiRequest(request('GET', '/findings/nsw-0001'), deps);
    expect(found.statusCode).toBe(200);
    expect(bodyOf(found)).toMatchObject({ id: 'nsw-0001', rule: 'node-sg-granted-to-data-store', status: 'open' });
    expect((await handleApiRequest(request('GET', '/findings/nsw-9999'), deps)).statusCode).toBe(404);
    const bad = await handleApiRequest(request('GET', '/findings/nsw%2E1'), deps);
    expect(bad.statusCode).toBe(400);
    expect(bodyOf(bad).issues).toEqual([{ path: 'id', message: expect.any(String) }]);
  });
});

describe('suppression', () => {
  it('suppresses with the caller ARN as author, then lifts it', async () => {
    const { deps, store } = await setup();
    await seed(store, [finding(1)]);
    const until = '2026-12-01T00:00:00Z';
    const response = await handleApiRequest(
      request('POST', '/findings/nsw-0001/suppress', { body: { reason: 'migration window', until } }),
      deps,
    );
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response).suppression).toEqual({
      reason: 'migration window',
      until: '2026-12-01T00:00:00.000Z',
      by: CALLER,
    });
    expect((await store.get('nsw-0001'))?.suppression?.by).toBe(CALLER);
    const lifted = await handleApiRequest(request('DELETE', '/findings/nsw-0001/suppress'), deps);
    expect(lifted.statusCode).toBe(200);
    expect(bodyOf(lifted)).not.toHaveProperty('suppression');
    expect((await store.get('nsw-0001'))?.suppression).toBeUndefined();
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

  it('answers 404 for unknown findings', async () => {
    const { deps } = await setup();
    const body = { reason: 'migration window', until: '2026-12-01T00:00:00Z' };
    expect((await handleApiRequest(request('POST', '/findings/nsw-9/suppress', { body }), deps)).statusCode).toBe(404);
    expect((await handleApiRequest(request('DELETE', '/findings/nsw-9/suppress'), deps)).statusCode).toBe(404);
  });

  it.each([
    [{ reason: 'ok window', until: '2026-11-25T00:00:00Z' }, ['until'], /future/],
    [{ reason: 'ok window', until: '2027-06-01T00:00:00Z' }, ['until'], /90 days/],
    [{ reason: 'ok window', until: 'next tuesday' }, ['until'], /./],
    [{ until: '2026-12-01T00:00:00Z' }, ['reason'], /./],
    [{ reason: 'x', until: '2026-12-01T00:00:00Z' }, ['reason'], /3 characters/],
    [{ reason: 'ok window', until: '2026-12-01T00:00:00Z', by: 'someone-else' }, ['by'], /unknown/],
    ['{not json', ['body'], /JSON/],
    [undefined, ['body'], /required/],
  ])('answers 400 naming the field for %j', async (body, fields, message) => {
    const { deps, store } = await setup();
    await seed(store, [finding(1)]);
    const response = await handleApiRequest(request('POST', '/findings/nsw-0001/suppress', { body }), deps);
    expect(response.statusCode).toBe(400);
    const answer = bodyOf(response);
    expect(answer.issues.map((issue: { path: string }) => issue.path)).toEqual(fields);
    expect(answer.issues[0].message).toMatch(message);
    expect((await store.get('nsw-0001'))?.suppression).toBeUndefined();
  });
});

describe('POST /evaluations', () => {
  it('evaluates the live account now, records and publishes, and answers findings and figures', async () => {
    const { deps, store } = await setup();
    const response = await handleApiRequest(request('POST', '/evaluations', { body: { clusters: ['prod'] } }), deps);
    expect(response.statusCode).toBe(200);
    const body = bodyOf(response);
    expect(body).toMatchObject({ id: 'ev-1', status: 'done', published: 1 });
    expect(body.findings.map((f: Finding) => f.rule)).toEqual(['world-open-ingress']);
    expect(body.transitions).toEqual([
      { id: body.findings[0].id, transition: 'opened', dedupeKey: `${body.findings[0].id}#1` },
    ]);
    expect(body.figures).toMatchObject({ awsCalls: expect.any(Number), regions: [REGION] });
    expect(publishedTransitions(mocks)).toEqual(['world-open-ingress:opened']);
    expect((await store.query({ status: 'open' })).items).toHaveLength(1);
    const record = await handleApiRequest(request('GET', '/evaluations/ev-1'), deps);
    expect(bodyOf(record)).toMatchObject({
      id: 'ev-1',
      status: 'done',
      requestedBy: CALLER,
      request: { clusters: ['prod'] },
    });
  });

  it('says which rules the deployed config switched off', async () => {
    const { deps, store } = await setup();
    const config = parseGuardConfig({ disabledRules: ['sensitive-port-ingress'] });
    const evaluate: ApiDeps['evaluate'] = (_request, now) =>
      evaluateLive({
        clientsFor: () => createClientSet(REGION),
        regions: [REGION],
        config,
        store,
        targets: { sns: new SNSClient({ region: REGION }), topicArn: TOPIC },
        now,
      });
    const body = bodyOf(await handleApiRequest(request('POST', '/evaluations'), { ...deps, evaluate }));
    expect(body.disabledRules).toEqual(['sensitive-port-ingress']);
    const plain = bodyOf(await handleApiRequest(request('POST', '/evaluations'), deps));
    expect(plain.disabledRules).toBeUndefined();
  });

  it('takes an empty body as "everything"', async () => {
    const { deps } = await setup();
    expect((await handleApiRequest(request('POST', '/evaluations'), deps)).statusCode).toBe(200);
  });

  it.each([
    [{ clusters: 'prod' }, 'clusters'],
    [{ clusters: [] }, 'clusters'],
    [{ clusters: ['ok', '-bad'] }, 'clusters.1'],
    [{ detectors: ['node-sg-widening', 'nope'] }, 'detectors.1'],
    [{ regions: ['us-east-1'] }, 'regions'],
    ['[1,', 'body'],
  ])('answers 400 naming the field for %j, before any AWS call', async (body, field) => {
    const { deps } = await setup();
    const response = await handleApiRequest(request('POST', '/evaluations', { body }), deps);
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).issues.map((issue: { path: string }) => issue.path)).toEqual([field]);
    expect(mocks.ec2.calls()).toHaveLength(0);
  });

  it('answers 202 with an id past the deadline; GET /evaluations/{id} reports the result once done', async () => {
    const { deps } = await setup({ deadlineMs: 0 });
    const response = await handleApiRequest(request('POST', '/evaluations'), deps);
    expect(response.statusCode).toBe(202);
    expect(bodyOf(response)).toEqual({ id: 'ev-1', status: 'running', location: '/evaluations/ev-1' });
    const running = bodyOf(await handleApiRequest(request('GET', '/evaluations/ev-1'), deps));
    expect(running.status).toBe('running');
    await vi.waitFor(async () => {
      const record = bodyOf(await handleApiRequest(request('GET', '/evaluations/ev-1'), deps));
      expect(record.status).toBe('done');
      expect(record.result.findings.map((f: Finding) => f.rule)).toEqual(['world-open-ingress']);
    });
    expect((await handleApiRequest(request('GET', '/evaluations/ev-404'), deps)).statusCode).toBe(404);
  });

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

  it('answers 502 naming the AWS operation when the account cannot be read, and records the failure', async () => {
    const { deps } = await setup();
    mocks.ec2
      .reset()
      .onAnyCommand()
      .rejects(
        Object.assign(new Error('You are not authorized to perform this operation.'), {
          name: 'UnauthorizedOperation',
          $fault: 'client',
          $metadata: { httpStatusCode: 403 },
        }),
      );
    const response = await handleApiRequest(request('POST', '/evaluations'), deps);
    expect(response.statusCode).toBe(502);
    expect(bodyOf(response).error).toMatchObject({ kind: 'access-denied', operation: expect.any(String) });
    expect(bodyOf(await handleApiRequest(request('GET', '/evaluations/ev-1'), deps)).status).toBe('failed');
  });

  it('answers 500 without details when the store fails', async () => {
    const { deps, logger } = await setup();
    deps.store.query = async () => {
      throw new Error('socket hang up at 10.0.0.1');
    };
    const response = await handleApiRequest(request('GET', '/findings'), deps);
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('10.0.0.1');
    expect(bodyOf(response).requestId).toBe('JKJaXmPLvHcESHA=');
    expect(logger.error).toHaveBeenCalled();
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
