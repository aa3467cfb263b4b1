/**
 * The Slack credential, read once per container from Secrets Manager: a JSON secret holding either a bot token
 * (`{"botToken": "xoxb-…"}`, threads and updates) or an incoming-webhook URL (`{"webhookUrl": "https://hooks.slack.com/…"}`).
 * The value is checked, never logged, and never put into an error message.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigError } from '@podnet-guard/core';
import { clientConfig } from '../clients.ts';
import { createSlackAppSink, createSlackWebhookSink, type SlackSink } from './slack-sink.ts';

const BOT_TOKEN = /^xoxb-[A-Za-z0-9-]+$/;
const WEBHOOK_URL = /^https:\/\/hooks\.slack(?:-gov)?\.com\/services\/[A-Za-z0-9/_-]+$/;

/**
 * A sink from the secret's JSON. `apiUrl` points the app at another Slack API base (tests, Slack GovSlack).
 *
 * @example
 * slackSinkFromSecret('{"botToken":"xoxb-1-2-abc"}').kind; // 'app'
 */
export function slackSinkFromSecret(
  secret: string,
  options: { apiUrl?: string; allowWebhookUrl?: RegExp } = {},
): SlackSink {
  let value: { botToken?: unknown; webhookUrl?: unknown };
  try {
    value = JSON.parse(secret) as typeof value;
  } catch {
    throw new ConfigError('the Slack secret is not JSON', [{ path: 'SLACK_SECRET_ARN', message: 'not JSON' }]);
  }
  if (typeof value.botToken === 'string') {
    if (!BOT_TOKEN.test(value.botToken)) {
      throw new ConfigError('the Slack secret botToken is not a bot token (xoxb-…)', [
        { path: 'SLACK_SECRET_ARN.botToken', message: 'not a bot token' },
      ]);
    }
    return createSlackAppSink({ token: value.botToken, ...(options.apiUrl ? { apiUrl: options.apiUrl } : {}) });
  }
  if (typeof value.webhookUrl === 'string') {
    const allowed = options.allowWebhookUrl ?? WEBHOOK_URL;
    if (!allowed.test(value.webhookUrl)) {
      throw new ConfigError('the Slack secret webhookUrl is not a Slack incoming-webhook URL', [
        { path: 'SLACK_SECRET_ARN.webhookUrl', message: 'not https://hooks.slack.com/services/…' },
      ]);
    }
    return createSlackWebhookSink({ url: value.webhookUrl });
  }
  throw new ConfigError('the Slack secret holds neither botToken nor webhookUrl', [
    { path: 'SLACK_SECRET_ARN', message: 'needs botToken or webhookUrl' },
  ]);
}

/** Reads the secret (`SLACK_SECRET_ARN`) and builds its sink; `apiUrl` as in `slackSinkFromSecret`. */
export async function loadSlackSink(
  secretArn: string,
  options: { apiUrl?: string | undefined; client?: SecretsManagerClient } = {},
): Promise<SlackSink> {
  const client = options.client ?? new SecretsManagerClient(clientConfig());
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
  if (!SecretString) {
    throw new ConfigError('the Slack secret has no string value', [{ path: 'SLACK_SECRET_ARN', message: 'empty' }]);
  }
  return slackSinkFromSecret(SecretString, options.apiUrl ? { apiUrl: options.apiUrl } : {});
}
