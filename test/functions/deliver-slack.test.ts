import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Dynalite, startDynalite } from '../helpers/dynalite.ts';
import { findingBusEvent } from '../helpers/finding-bus-event.ts';
import { lambdaContext, stubFunctionEnv } from '../helpers/lambda.ts';
import { type SlackServer, startSlackServer } from '../helpers/slack-server.ts';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:podnet-guard-slack-AbCdEf';
const TOKEN = 'xoxb-5555-6666-not-a-real-token';
const secrets = mockClient(SecretsManagerClient);
let db: Dynalite;
let slack: SlackServer;
let handler: (event: unknown, context: Context) => Promise<unknown>;

const busEvent = findingBusEvent;

beforeAll(async () => {
  db = await startDynalite();
  slack = await startSlackServer();
  await db.createTable('slack-findings');
  stubFunctionEnv({
    endpoint: db.endpoint,
    table: 'slack-findings',
    topicArn: 'arn:aws:sns:eu-west-1:111122223333:alerts',
    extra: {
      SLACK_SECRET_ARN: SECRET_ARN,
      SLACK_API_URL: slack.apiUrl,
      GUARD_CONFIG: JSON.stringify({ slack: { defaultChannel: '#eks-alerts' } }),
    },
  });
  secrets
    .on(GetSecretValueCommand, { SecretId: SECRET_ARN })
    .resolves({ SecretString: JSON.stringify({ botToken: TOKEN }) });
  handler = (await import('../../functions/deliver-slack.ts')).handler as never;
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await slack.close();
  await db.stop();
});

describe('functions/deliver-slack', () => {
  it('reads the token once, posts the parent, replies in its thread, and keeps its state in the findings table', async () => {
    expect(await handler(busEvent('opened', 1), lambdaContext('podnet-guard-deliver-slack'))).toMatchObject({
      outcome: 'posted',
    });
    expect(await handler(busEvent('opened', 1), lambdaContext('podnet-guard-deliver-slack'))).toMatchObject({
      outcome: 'duplicate',
    });
    expect(await handler(busEvent('resolved', 2), lambdaContext('podnet-guard-deliver-slack'))).toMatchObject({
      outcome: 'replied',
    });
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    expect(slack.messages.map((m) => (m.threadTs ? 'reply' : m.method))).toEqual([
      'chat.postMessage',
      'reply',
      'chat.update',
    ]);
  });
});
