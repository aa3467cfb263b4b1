/**
 * Lambda: Slack delivery, a consumer of the findings bus (`Finding Opened|Worsened|Resolved`), never on the
 * CloudTrail hot path. Wiring only: `handleFindingEventForSlack` in packages/aws. The Slack credential is read once
 * per container from Secrets Manager (`SLACK_SECRET_ARN`); routes come from the guard config's `slack` section.
 * `SLACK_API_URL` points the app at another Slack API base (Slack GovSlack: `https://slack-gov.com/api/`).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import { clientConfig } from '@podnet-guard/aws/clients';
import {
  createDynamoSlackStateStore,
  drainSlackPending,
  handleFindingEventForSlack,
  loadSlackFunctionConfig,
  loadSlackSink,
  type SlackSink,
  slackButtons,
} from '@podnet-guard/aws/slack';
import { createLogging } from './lib/observability.ts';

const config = await loadSlackFunctionConfig();
const { logger, middlewares } = createLogging({ resetKeys: true });
const state = createDynamoSlackStateStore({ client: new DynamoDBClient(clientConfig()), tableName: config.tableName });
let sink: Promise<SlackSink> | undefined;

export const handler = middy(async (event: unknown) => {
  // Read at the first event rather than at import: a failed read is retried with the event, not a broken container.
  sink ??= loadSlackSink(config.secretArn, { apiUrl: config.apiUrl }).catch((error: unknown) => {
    sink = undefined;
    throw error;
  });
  const resolved = await sink;
  // Buttons only from an app: a webhook's messages cannot be answered.
  const buttons = resolved.kind === 'app' ? slackButtons(config) : undefined;
  const deps = { sink: resolved, config: config.slack, state, logger, ...(buttons ? { buttons } : {}) };
  const result = await handleFindingEventForSlack(event, deps);
  // The hourly run also delivers what Slack refused earlier (this function's failed invocations).
  if (result.status !== 'digest' || !config.pendingQueueUrl) return result;
  const pending = await drainSlackPending(new SQSClient(clientConfig()), config.pendingQueueUrl, deps);
  logger.info('slack pending drained', { ...pending });
  return { ...result, pending };
}).use(middlewares);
