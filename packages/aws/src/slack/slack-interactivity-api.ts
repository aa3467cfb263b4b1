/**
 * The Slack calls the interactivity URL makes while Slack waits (3 s): `views.open` (the `trigger_id` is single-use
 * and expires in about 3 s), `usergroups.users.list` (who may act; the app needs `usergroups:read`), and an ephemeral
 * answer through the interaction's `response_url`. Short timeouts and no retries: a late answer is no answer.
 * Also the interactivity secret: the bot token and the signing secret, never logged.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigError } from '@podnet-guard/core';
import { WebClient } from '@slack/web-api';
import { clientConfig } from '../clients.ts';
import { toSlackDeliveryError } from './slack-sink.ts';

export interface SlackInteractivityApi {
  openView(triggerId: string, view: object): Promise<void>;
  /** The user ids of a user group's members (enabled users only, as Slack lists them). */
  userGroupMembers(userGroup: string): Promise<string[]>;
  /** An ephemeral message to the person who acted, through the interaction's `response_url`. */
  respondEphemeral(responseUrl: string, text: string): Promise<void>;
}

/** Slack's response URLs; anything else is not posted to (a payload is signed, but keep the function's reach small). */
const RESPONSE_URL = /^https:\/\/hooks\.slack(?:-gov)?\.com\/[A-Za-z0-9/_-]+$/;

export interface SlackInteractivityApiOptions {
  token: string;
  apiUrl?: string | undefined;
  /** Milliseconds per call: the whole answer must reach Slack within 3 s. Default 1,200. */
  timeoutMs?: number;
  /** Which response URLs may be posted to (tests: a loopback server). */
  allowResponseUrl?: RegExp;
}

/** A client for the interactivity path; failures are `SlackDeliveryError`s (the token never appears in them). */
export function createSlackInteractivityApi(options: SlackInteractivityApiOptions): SlackInteractivityApi {
  const timeout = options.timeoutMs ?? 1200;
  const client = new WebClient(options.token, {
    ...(options.apiUrl ? { slackApiUrl: options.apiUrl } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout,
    logLevel: undefined,
  });
  const allowed = options.allowResponseUrl ?? RESPONSE_URL;
  return {
    async openView(triggerId, view) {
      try {
        await client.views.open({ trigger_id: triggerId, view: view as never });
      } catch (error) {
        throw toSlackDeliveryError(error);
      }
    },
    async userGroupMembers(userGroup) {
      try {
        const answer = await client.usergroups.users.list({ usergroup: userGroup });
        return answer.users ?? [];
      } catch (error) {
        throw toSlackDeliveryError(error);
      }
    },
    async respondEphemeral(responseUrl, text) {
      if (!allowed.test(responseUrl)) throw new Error('response_url is not a Slack URL');
      const response = await fetch(responseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text }),
        signal: AbortSignal.timeout(timeout),
      });
      if (!response.ok) throw new Error(`response_url answered ${response.status}`);
    },
  };
}

/**
 * Who may act, with a short cache per container: a user group's members change rarely, and one Slack call less keeps
 * the answer within Slack's 3 s. A membership that cannot be read refuses (fails closed).
 */
export function userGroupMembership(api: Pick<SlackInteractivityApi, 'userGroupMembers'>, ttlMs = 60_000) {
  const cache = new Map<string, { members: Set<string>; at: number }>();
  return async (userGroup: string, userId: string, now = Date.now()): Promise<boolean> => {
    let entry = cache.get(userGroup);
    if (!entry || now - entry.at > ttlMs) {
      entry = { members: new Set(await api.userGroupMembers(userGroup)), at: now };
      cache.set(userGroup, entry);
    }
    return entry.members.has(userId);
  };
}

/** The interactivity secret's values. */
export interface SlackInteractivitySecret {
  botToken: string;
  signingSecret: string;
}

/**
 * The bot token and the signing secret from the Slack secret's JSON (`{"botToken": "xoxb-…", "signingSecret": "…"}`,
 * the same secret delivery reads). Throws ConfigError naming the missing key, never the value.
 */
export function interactivitySecretFrom(secret: string): SlackInteractivitySecret {
  let value: { botToken?: unknown; signingSecret?: unknown };
  try {
    value = JSON.parse(secret) as typeof value;
  } catch {
    throw new ConfigError('the Slack secret is not JSON', [{ path: 'SLACK_SECRET_ARN', message: 'not JSON' }]);
  }
  if (typeof value.botToken !== 'string' || !/^xoxb-[A-Za-z0-9-]+$/.test(value.botToken)) {
    throw new ConfigError('Slack interactivity needs a bot token (botToken: xoxb-…) in the Slack secret', [
      { path: 'SLACK_SECRET_ARN.botToken', message: 'not a bot token' },
    ]);
  }
  if (typeof value.signingSecret !== 'string' || !/^[A-Za-z0-9]{16,128}$/.test(value.signingSecret)) {
    throw new ConfigError('Slack interactivity needs the app signing secret (signingSecret) in the Slack secret', [
      { path: 'SLACK_SECRET_ARN.signingSecret', message: 'missing or not a signing secret' },
    ]);
  }
  return { botToken: value.botToken, signingSecret: value.signingSecret };
}

/** Reads the Slack secret (`SLACK_SECRET_ARN`) for interactivity. */
export async function loadSlackInteractivitySecret(
  secretArn: string,
  client: SecretsManagerClient = new SecretsManagerClient(clientConfig()),
): Promise<SlackInteractivitySecret> {
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
  if (!SecretString) {
    throw new ConfigError('the Slack secret has no string value', [{ path: 'SLACK_SECRET_ARN', message: 'empty' }]);
  }
  return interactivitySecretFrom(SecretString);
}
