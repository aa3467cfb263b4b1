import { createDynamoFindingStore } from '@podnet-guard/aws';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  answerAccount,
  answerDelivery,
  createWorldMocks,
  publishedTransitions,
  REGION,
  TOPIC,
} from '../aws/api/live-world.ts';
import { dataStoreFinding } from '../core/findings/finding-fixture.ts';
import { type Dynalite, startDynalite } from '../helpers/dynalite.ts';
import { lambdaContext, stubFunctionEnv } from '../helpers/lambda.ts';

const mocks = createWorldMocks();
let db: Dynalite;
let handler: (event: unknown, context: Context) => Promise<unknown>;
const context = (requestId: string) => lambdaContext('podnet-guard-sweep', requestId);
const scheduled = {
  version: '0',
  id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '111122223333',
  time: '2026-11-26T13:00:00Z',
  region: REGION,
  resources: [`arn:aws:events:${REGION}:111122223333:rule/podnet-guard-sweep`],
  detail: {},
};

beforeAll(async () => {
  db = await startDynalite();
  await db.createTable('sweep-findings');
  stubFunctionEnv({ endpoint: db.endpoint, table: 'sweep-findings', topicArn: TOPIC });
  handler = (await import('../../functions/sweep.ts')).handler as never;
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await db.stop();
});
beforeEach(() => {
  answerDelivery(mocks);
  answerAccount(mocks, { worldOpenSsh: false });
});

describe('functions/sweep', () => {
  it('resolves a stored finding the account no longer shows, and skips while another sweep holds the lease', async () => {
    const store = createDynamoFindingStore({ client: db.client, tableName: 'sweep-findings' });
    const old = '2026-01-01T00:00:00.000Z';
    const [recorded] = await store.record([dataStoreFinding({ firstSeen: old, lastSeen: old })], { now: old });
    await store.markDelivered(recorded!.finding.id, recorded!.version, old);
    const outcome = await handler(scheduled, context('sweep-1'));
    expect(outcome).toMatchObject({ status: 'swept', published: 1, republished: 0 });
    expect(publishedTransitions(mocks)).toEqual(['node-sg-granted-to-data-store:resolved']);

    expect(await store.acquireSweepLease('someone-else', 900, new Date().toISOString())).toBe(true);
    answerAccount(mocks, { worldOpenSsh: false });
    expect(await handler(scheduled, context('sweep-2'))).toEqual({
      status: 'skipped',
      reason: 'another sweep holds the lease',
    });
    expect(mocks.ec2.calls()).toHaveLength(0);
  });
});
