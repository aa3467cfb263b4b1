/**
 * Slack interactions as Slack sends them to the interactivity URL: the `block_actions` and `view_submission` payloads
 * (the fields Slack documents, with realistic ids), form-encoded as `payload=…`, signed with the app's signing secret,
 * and wrapped in the Lambda Function URL event (payload format 2.0) the function receives.
 */

import { slackSignature } from '@podnet-guard/aws/slack';
import { SLACK_ACTION_IDS, SLACK_ACTIONS_BLOCK_ID, type SlackActionName } from '@podnet-guard/core';

export const SIGNING_SECRET = 'e4b8c2d9a0f14e7b9c3d5a6f7e8d9c0b';
export const TEAM = 'T0ALERTS1';

/** A button pressed on a parent message. */
export function buttonPress(options: {
  action: SlackActionName;
  findingId: string;
  user: string;
  triggerId: string;
  responseUrl: string;
  thread: { channel: string; ts: string };
  messageText?: string;
}) {
  return {
    type: 'block_actions',
    user: { id: options.user, username: 'alice', name: 'alice', team_id: TEAM },
    api_app_id: 'A0PODNETGD1',
    token: 'legacy-verification-token-unused',
    container: {
      type: 'message',
      message_ts: options.thread.ts,
      channel_id: options.thread.channel,
      is_ephemeral: false,
    },
    trigger_id: options.triggerId,
    team: { id: TEAM, domain: 'example' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: options.thread.channel, name: 'eks-alerts' },
    message: {
      type: 'message',
      user: 'U0PODNETBOT',
      ts: options.thread.ts,
      bot_id: 'B0PODNETBOT',
      text: options.messageText ?? '[HIGH] Data store admits a node security group',
      blocks: [],
    },
    state: { values: {} },
    response_url: options.responseUrl,
    actions: [
      {
        action_id: SLACK_ACTION_IDS[options.action],
        block_id: SLACK_ACTIONS_BLOCK_ID,
        text: { type: 'plain_text', text: 'Suppress 7 days', emoji: true },
        value: options.findingId,
        type: 'button',
        action_ts: '1764660100.123456',
      },
    ],
  };
}

/** The suppression modal sent: the view `views.open` opened, with the reason typed in. */
export function modalSubmission(options: { view: Record<string, unknown>; user: string; reason: string }) {
  return {
    type: 'view_submission',
    team: { id: TEAM, domain: 'example' },
    user: { id: options.user, username: 'alice', name: 'alice', team_id: TEAM },
    api_app_id: 'A0PODNETGD1',
    token: 'legacy-verification-token-unused',
    trigger_id: '1000999.4744562912.submission',
    view: {
      id: 'V1',
      team_id: TEAM,
      type: 'modal',
      ...options.view,
      state: { values: { reason: { reason: { type: 'plain_text_input', value: options.reason } } } },
      hash: '1764660100.abcdef',
    },
    response_urls: [],
  };
}

/** The Function URL event of a signed interaction (`isBase64Encoded`, as Function URLs deliver form bodies). */
export function signedInteraction(payload: unknown, nowSeconds = Math.floor(Date.now() / 1000), base64 = true) {
  const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
  const timestamp = String(nowSeconds);
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/',
    rawQueryString: '',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': String(Buffer.byteLength(body)),
      host: 'abcdefghijklmnop.lambda-url.eu-west-1.on.aws',
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': slackSignature(SIGNING_SECRET, timestamp, body),
    },
    requestContext: {
      accountId: 'anonymous',
      apiId: 'abcdefghijklmnop',
      domainName: 'abcdefghijklmnop.lambda-url.eu-west-1.on.aws',
      domainPrefix: 'abcdefghijklmnop',
      http: {
        method: 'POST',
        path: '/',
        protocol: 'HTTP/1.1',
        sourceIp: '54.209.1.1',
        userAgent: 'Slackbot 1.0 (+https://api.slack.com/robots)',
      },
      requestId: '8f0c0a3e-1d2b-4c5d-9e6f-0a1b2c3d4e5f',
      routeKey: '$default',
      stage: '$default',
      time: '02/Dec/2026:10:00:00 +0000',
      timeEpoch: nowSeconds * 1000,
    },
    body: base64 ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: base64,
  };
}
