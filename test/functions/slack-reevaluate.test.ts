/**
 * "Re-evaluate now" through functions/slack-interactions against a live account (EC2, EKS and Auto Scaling answered
 * by aws-sdk-client-mock from the test world, SNS and EventBridge mocked, the findings table on dynalite): the API
 * records an open world-SSH finding, the rule is revoked, the button is pressed, and the bus-delivered work evaluates
 * the finding's cluster, resolves it, publishes `resolved`, and says so in the finding's thread.
 */
import { PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { answerAccount, answerDelivery, createWorldMocks, publishedTransitions, TOPIC } from '../aws/api/live-world.ts';
import { type Dynalite, startDynalite } from '../helpers/dynalite.ts';
import { lambdaContext, stubFunctionEnv } from '../helpers/lambda.ts';
import { buttonPress, SIGNING_SECRET, signedInteraction } from '../helpers/slack-interaction.ts';
import { type SlackServer, startSlackServer } from '../helpers/slack-server.ts';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:podnet-guard-slack-AbCdEf';
const THREAD = { channel: 'C0ALERTS01', ts: '1764660001.000100' };
const mocks = createWorldMocks();
const secrets = mockClient(SecretsManagerClient);
let db: Dynalite;
let slack: SlackServer;
type Handler = (event: unknown, context: Context) => Promise<unknown>;
let api: Handler;
let interactions: Handler;

beforeAll(async () => {
  db = await startDynalite();
  slack = await startSlackServer();
  await db.createTable('reevaluate-findings');
  stubFunctionEnv({
    endpoint: db.endpoint,
    table: 'reevaluate-findings',
    topicArn: TOPIC,
    extra: {
      FINDINGS_BUS_NAME: 'podnet-guard-findings',
      SLACK_SECRET_ARN: SECRET_ARN,
      SLACK_API_URL: slack.apiUrl,
      SLACK_INTERACTIVITY: 'on',
      GUARD_CONFIG: JSON.stringify({ slack: { defaultChannel: '#eks-alerts' } }),
    },
  });
  secrets
    .on(GetSecretValueCommand)
    .resolves({ SecretString: JSON.stringify({ botToken: 'xoxb-7-8-not-real', signingSecret: SIGNING_SECRET }) });
  api = (await import('../../functions/evaluate-api.ts')).handler as never;
  interactions = (await import('../../functions/slack-interactions.ts')).handler as never;
});
afterAll(async () => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
  await slack.close();
  await db.stop();
});

const entries = (): PutEventsRequestEntry[] =>
  mocks.events.commandCalls(PutEventsCommand).flatMap((call) => call.args[0].input.Entries ?? []);

describe('"Re-evaluate now" through functions/slack-interactions', () => {
  it('evaluates the finding now, resolves it once the cause is gone, and says so in its thread', async () => {
    answerDelivery(mocks);
    answerAccount(mocks, { worldOpenSsh: true });
    // Recorded an hour ago: a finding seen within the resolve grace (15 min) is not resolved by one silent evaluation.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() - 3600_000);
    const evaluation = (await api(
      {
        version: '2.0',
        routeKey: 'POST /evaluations',
        rawPath: '/evaluations',
        headers: {},
        body: '{}',
        isBase64Encoded: false,
        requestContext: {
          http: { method: 'POST', path: '/evaluations' },
          requestId: 'req-1',
          stage: '$default',
          authorizer: { iam: { userArn: 'arn:aws:iam::111122223333:user/alice' } },
        },
      },
      lambdaContext('podnet-guard-evaluate-api'),
    )) as { body: string };
    vi.useRealTimers();
    const [finding] = JSON.parse(evaluation.body).findings as { id: string; rule: string }[];
    expect(finding?.rule).toBe('world-open-ingress');

    // The rule is revoked; someone presses "Re-evaluate now" on the finding's message.
    answerAccount(mocks, { worldOpenSsh: false });
    const press = buttonPress({
      action: 'reevaluate',
      findingId: finding?.id as string,
      user: 'U0MEMBER01',
      triggerId: slack.issueTrigger(),
      responseUrl: slack.responseUrl(),
      thread: THREAD,
    });
    const context = lambdaContext('podnet-guard-slack-interactions');
    expect(await interactions(signedInteraction(press), context)).toEqual({ statusCode: 200, body: '' });
    const request = entries().find((entry) => entry.DetailType === 'Slack Action Requested') as PutEventsRequestEntry;
    const delivered = {
      version: '0',
      id: 'evt-1',
      source: request.Source,
      'detail-type': request.DetailType,
      account: '111122223333',
      time: '2026-12-02T10:00:00Z',
      region: 'eu-west-1',
      resources: [],
      detail: JSON.parse(request.Detail ?? '{}'),
    };
    expect(await interactions(delivered, context)).toMatchObject({ status: 'done', action: 'reevaluate' });
    expect(publishedTransitions(mocks)).toEqual(['world-open-ingress:opened', 'world-open-ingress:resolved']);
    expect(slack.messages.at(-1)).toMatchObject({
      channel: THREAD.channel,
      threadTs: THREAD.ts,
      text: '<@U0MEMBER01> Re-evaluated now, as asked: it is gone: resolved.',
    });
  });
});
