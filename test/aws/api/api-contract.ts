/**
 * The API's behaviour as a client sees it (status codes and bodies), written once and run against every wiring of
 * `handleApiRequest`: the Lambda behind API Gateway (test/aws/api/handle-api-request.test.ts) and the local service's
 * HTTP server on 127.0.0.1 (test/local/http-api.test.ts). Each wiring says how a request reaches the handler and
 * which caller the handler sees; the findings table is dynalite, the account the mocked SDK answers of live-world.ts.
 */
import { SNSClient } from '@aws-sdk/client-sns';
import {
  type ApiDeps,
  type ApiResponse,
  createClientSet,
  createDynamoEvaluationStore,
  createDynamoFindingStore,
  evaluateLive,
} from '@podnet-guard/aws';
import { type Finding, parseGuardConfig } from '@podnet-guard/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { dataStoreFinding } from '../../core/findings/finding-fixture.ts';
import { type Dynalite, startDynalite } from '../../helpers/dynalite.ts';
import { answerAccount, answerDelivery, createWorldMocks, publishedTransitions, REGION, TOPIC } from './live-world.ts';

export const NOW = new Date('2026-11-26T12:00:00.000Z');

/** How requests reach `handleApiRequest` in one wiring. */
export interface ApiWiring {
  name: string;
  /** The caller ARN the handler sees (suppressions record it). */
  caller: string;
  /** The request id a 500 answer names, when the wiring fixes it. */
  requestId?: string;
  send(
    deps: ApiDeps,
    method: string,
    path: string,
    options?: { query?: Record<string, string>; body?: unknown },
  ): Promise<ApiResponse>;
}

/** Starts dynalite and the SDK mocks for a test file, and builds fresh deps (a new table) per test. */
export function useApiWorld() {
  const mocks = createWorldMocks();
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
  return { mocks, setup };
}

export const bodyOf = (response: { body: string }) => JSON.parse(response.body);

export async function seed(store: ApiDeps['store'], findings: Finding[]) {
  await store.record(findings, { now: '2026-11-26T11:00:00.000Z' });
}

export function finding(n: number, overrides: Partial<Finding> = {}): Finding {
  return dataStoreFinding({
    id: `nsw-${String(n).padStart(4, '0')}`,
    firstSeen: '2026-11-26T11:00:00.000Z',
    lastSeen: '2026-11-26T11:00:00.000Z',
    ...overrides,
  });
}

/** The contract every wiring must keep. */
export function describeApiContract(wiring: ApiWiring, world: ReturnType<typeof useApiWorld>) {
  const { mocks, setup } = world;
  const send = wiring.send;

  describe(`API contract (${wiring.name})`, () => {
    it.each([
      ['GET', '/nope'],
      ['PUT', '/findings'],
      ['GET', '/findings/nsw-1/suppress'],
      ['POST', '/findings/nsw-1'],
      ['GET', '/evaluations'],
    ])('answers 404 for %s %s', async (method, path) => {
      const { deps } = await setup();
      const response = await send(deps, method, path);
      expect(response.statusCode).toBe(404);
      expect(response.headers['content-type']).toBe('application/json');
      expect(bodyOf(response).error).toContain(path);
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
      const body = bodyOf(await send({ ...deps, evaluate }, 'POST', '/evaluations'));
      expect(body.disabledRules).toEqual(['sensitive-port-ingress']);
      const plain = bodyOf(await send(deps, 'POST', '/evaluations'));
      expect(plain.disabledRules).toBeUndefined();
    });

    it('pages GET /findings with the store cursor until the last page', async () => {
      const { deps, store } = await setup();
      await seed(
        store,
        [1, 2, 3, 4, 5].map((n) => finding(n)),
      );
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const response = await send(deps, 'GET', '/findings', { query: { limit: '2', ...(cursor ? { cursor } : {}) } });
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
      const query = { status: 'open', cluster: 'prod', severity: 'high', detector: 'node-sg-widening' };
      const body = bodyOf(await send(deps, 'GET', '/findings', { query }));
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
      const response = await send(deps, 'GET', '/findings', { query });
      expect(response.statusCode).toBe(400);
      expect(bodyOf(response).issues.map((issue: { path: string }) => issue.path)).toEqual([field]);
    });

    const openKey = (gsi1sk: string) => ({
      pk: { S: 'FINDING#a' },
      gsi1pk: { S: 'STATUS#open' },
      gsi1sk: { S: gsi1sk },
    });
    it.each([
      ['an empty object', {}, {}],
      ['only the table key', { pk: { S: 'FINDING#nsw-0001' } }, {}],
      ['a number where a string goes', { ...openKey('x'), pk: { N: '1' } }, {}],
      ['bare strings instead of attributes', { pk: 'FINDING#a', gsi1pk: 'STATUS#open', gsi1sk: 'x' }, {}],
      ['an empty sort key', openKey(''), {}],
      ['an extra attribute', { ...openKey('1#a'), x: { S: 'y' } }, {}],
      ['a key of another status', openKey('1#a'), { status: 'resolved' }],
      ['a key outside the severity asked for', openKey('9#a'), { severity: 'low' }],
    ])('answers 400 naming the cursor for a forged one (%s)', async (_label, key, query) => {
      const { deps, store } = await setup();
      await seed(store, [finding(1), finding(2)]);
      const cursor = Buffer.from(JSON.stringify(key)).toString('base64url');
      const response = await send(deps, 'GET', '/findings', { query: { ...query, cursor } });
      expect(response.statusCode).toBe(400);
      expect(bodyOf(response).issues.map((issue: { path: string }) => issue.path)).toEqual(['cursor']);
    });

    it('answers GET /findings/{id}: the finding, 404 for an unknown id, 400 for an id that is not URL-safe', async () => {
      const { deps, store } = await setup();
      await seed(store, [finding(1)]);
      const found = await send(deps, 'GET', '/findings/nsw-0001');
      expect(found.statusCode).toBe(200);
      expect(bodyOf(found)).toMatchObject({ id: 'nsw-0001', rule: 'node-sg-granted-to-data-store', status: 'open' });
      expect((await send(deps, 'GET', '/findings/nsw-9999')).statusCode).toBe(404);
      const bad = await send(deps, 'GET', '/findings/nsw%2E1');
      expect(bad.statusCode).toBe(400);
      expect(bodyOf(bad).issues).toEqual([{ path: 'id', message: expect.any(String) }]);
    });

    it('suppresses with the caller as author, then lifts it', async () => {
      const { deps, store } = await setup();
      await seed(store, [finding(1)]);
      const until = '2026-12-01T00:00:00Z';
      const response = await send(deps, 'POST', '/findings/nsw-0001/suppress', {
        body: { reason: 'migration window', until },
      });
      expect(response.statusCode).toBe(200);
      expect(bodyOf(response).suppression).toEqual({
        reason: 'migration window',
        until: '2026-12-01T00:00:00.000Z',
        by: wiring.caller,
        via: 'api',
        at: NOW.toISOString(),
      });
      expect((await store.get('nsw-0001'))?.suppression?.by).toBe(wiring.caller);
      const lifted = await send(deps, 'DELETE', '/findings/nsw-0001/suppress');
      expect(lifted.statusCode).toBe(200);
      expect(bodyOf(lifted)).not.toHaveProperty('suppression');
      expect((await store.get('nsw-0001'))?.suppression).toBeUndefined();
    });

    it('records via: cli when the CLI says so, and refuses a client claiming to be Slack', async () => {
      const { deps, store } = await setup();
      await seed(store, [finding(1)]);
      const body = { reason: 'migration window', until: '2026-12-01T00:00:00Z' };
      const cli = await send(deps, 'POST', '/findings/nsw-0001/suppress', { body: { ...body, via: 'cli' } });
      expect(cli.statusCode).toBe(200);
      expect((await store.get('nsw-0001'))?.suppression).toMatchObject({ by: wiring.caller, via: 'cli' });
      const slack = await send(deps, 'POST', '/findings/nsw-0001/suppress', { body: { ...body, via: 'slack' } });
      expect(slack.statusCode).toBe(400);
      expect(bodyOf(slack).issues.map((issue: { path: string }) => issue.path)).toEqual(['via']);
    });

    it('answers 404 when suppressing or lifting an unknown finding', async () => {
      const { deps } = await setup();
      const body = { reason: 'migration window', until: '2026-12-01T00:00:00Z' };
      expect((await send(deps, 'POST', '/findings/nsw-9/suppress', { body })).statusCode).toBe(404);
      expect((await send(deps, 'DELETE', '/findings/nsw-9/suppress')).statusCode).toBe(404);
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
    ])('answers 400 naming the field for the suppression %j', async (body, fields, message) => {
      const { deps, store } = await setup();
      await seed(store, [finding(1)]);
      const response = await send(deps, 'POST', '/findings/nsw-0001/suppress', { body });
      expect(response.statusCode).toBe(400);
      const answer = bodyOf(response);
      expect(answer.issues.map((issue: { path: string }) => issue.path)).toEqual(fields);
      expect(answer.issues[0].message).toMatch(message);
      expect((await store.get('nsw-0001'))?.suppression).toBeUndefined();
    });

    it('evaluates on POST /evaluations, records and publishes, and answers findings and figures', async () => {
      const { deps, store } = await setup();
      const response = await send(deps, 'POST', '/evaluations', { body: { clusters: ['prod'] } });
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
      const record = bodyOf(await send(deps, 'GET', '/evaluations/ev-1'));
      expect(record).toMatchObject({ id: 'ev-1', status: 'done', requestedBy: wiring.caller });
      expect(record.request).toEqual({ clusters: ['prod'] });
    });

    it('takes an empty POST /evaluations body as "everything"', async () => {
      const { deps } = await setup();
      expect((await send(deps, 'POST', '/evaluations')).statusCode).toBe(200);
    });

    it.each([
      [{ clusters: 'prod' }, 'clusters'],
      [{ clusters: [] }, 'clusters'],
      [{ clusters: ['ok', '-bad'] }, 'clusters.1'],
      [{ detectors: ['node-sg-widening', 'nope'] }, 'detectors.1'],
      [{ regions: ['us-east-1'] }, 'regions'],
      ['[1,', 'body'],
    ])('answers 400 naming the field for the evaluation %j, before any AWS call', async (body, field) => {
      const { deps } = await setup();
      const response = await send(deps, 'POST', '/evaluations', { body });
      expect(response.statusCode).toBe(400);
      expect(bodyOf(response).issues.map((issue: { path: string }) => issue.path)).toEqual([field]);
      expect(mocks.ec2.calls()).toHaveLength(0);
    });

    it('answers 202 with an id past the deadline; GET /evaluations/{id} reports the result once done', async () => {
      const { deps } = await setup({ deadlineMs: 0 });
      const response = await send(deps, 'POST', '/evaluations');
      expect(response.statusCode).toBe(202);
      expect(bodyOf(response)).toEqual({ id: 'ev-1', status: 'running', location: '/evaluations/ev-1' });
      expect(bodyOf(await send(deps, 'GET', '/evaluations/ev-1')).status).toBe('running');
      await vi.waitFor(async () => {
        const record = bodyOf(await send(deps, 'GET', '/evaluations/ev-1'));
        expect(record.status).toBe('done');
        expect(record.result.findings.map((f: Finding) => f.rule)).toEqual(['world-open-ingress']);
      });
      expect((await send(deps, 'GET', '/evaluations/ev-404')).statusCode).toBe(404);
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
      const response = await send(deps, 'POST', '/evaluations');
      expect(response.statusCode).toBe(502);
      expect(bodyOf(response).error).toMatchObject({ kind: 'access-denied', operation: expect.any(String) });
      expect(bodyOf(await send(deps, 'GET', '/evaluations/ev-1')).status).toBe('failed');
    });

    it('answers 500 without details when the store fails', async () => {
      const { deps, logger } = await setup();
      deps.store.query = async () => {
        throw new Error('socket hang up at 10.0.0.1');
      };
      const response = await send(deps, 'GET', '/findings');
      expect(response.statusCode).toBe(500);
      expect(response.body).not.toContain('10.0.0.1');
      expect(bodyOf(response).requestId).toEqual(wiring.requestId ?? expect.any(String));
      expect(logger.error).toHaveBeenCalled();
    });
  });
}
