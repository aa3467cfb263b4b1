/**
 * Lambda: Slack delivery, a consumer of the findings bus (`Finding Opened|Worsened|Resolved`), never on the
 * CloudTrail hot path. Wiring only: `handleFindingEventForSlack` in packages/aws. The Slack credential is read once
 * per container from Secrets Manager (`SLACK_SECRET_ARN`); routes come from the guard config's `slack` section.
 * `SLACK_API_URL` points the app at another Slack API base (Slack GovSlack: `https://slack-gov.com/api/`).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import middy from '@middy/core';
import { loadRuntimeConfig } from '@podnet-guard/aws';
import { clientConfig } from '@podnet-guard/aws/clients';
import {
  createDynamoSlackStateStore,
  handleFindingEventForSlack,
  loadSlackSink,
  type SlackSink,
} from '@podnet-guard/aws/slack';
import { ConfigError } from '@podnet-guard/core';

const config = await loadRuntimeConfig(process.env);
const secretArn = process.env.SLACK_SECRET_ARN;
if (!secretArn) {
  throw new ConfigError('invalid environment: SLACK_SECRET_ARN is not set', [
    { path: 'SLACK_SECRET_ARN', message: 'required' },
  ]);
}
if (!config.guard.slack) {
  throw new ConfigError('invalid environment: GUARD_CONFIG has no slack section', [
    { path: 'GUARD_CONFIG.slack', message: 'required' },
  ]);
}
const slackConfig = config.guard.slack;
const logger = new Logger({ serviceName: 'podnet-guard' });
const state = createDynamoSlackStateStore({ client: new DynamoDBClient(clientConfig()), tableName: config.tableName });
let sink: Promise<SlackSink> | undefined;

export const handler = middy(async (event: unknown) => {
  // Read at the first event rather than at import: a failed read is retried with the event, not a broken container.
  sink ??= loadSlackSink(secretArn, { apiUrl: process.env.SLACK_API_URL }).catch((error: unknown) => {
    sink = undefined;
    throw error;
  });
  return handleFindingEventForSlack(event, { sink: await sink, config: slackConfig, state, logger });
}).use(injectLambdaContext(logger, { resetKeys: true }));
