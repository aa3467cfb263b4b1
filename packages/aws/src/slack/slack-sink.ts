/**
 * Slack delivery: a Slack app (bot token, `@slack/web-api`) posts one parent message per finding and replies in its
 * thread; an incoming webhook (`@slack/webhook`) posts one message per event, without threads. Both map Slack's
 * failures to one typed `SlackDeliveryError` that says whether trying later helps and how long to wait, and neither
 * ever puts the token or the webhook URL into an error message or a log line.
 */
import type { SlackMessage } from '@podnet-guard/core';
import { PodnetGuardError } from '@podnet-guard/core';
import { WebAPIPlatformError, WebAPIRateLimitedError, WebClient } from '@slack/web-api';
import { IncomingWebhook, IncomingWebhookHTTPError } from '@slack/webhook';

/**
 * Why Slack did not take a message:
 * - `rate-limited`: HTTP 429 or `ratelimited`; wait `retryAfterSeconds`.
 * - `auth`: the token or webhook was revoked or is wrong (`invalid_auth`, `token_revoked`, `account_inactive`, HTTP
 *   403/404 `invalid_token`/`no_service` on a webhook): an operations alarm, nothing will get through until fixed.
 * - `channel`: the channel is gone, archived, or the bot is not in it (`channel_not_found`, `not_in_channel`,
 *   `is_archived`): a configuration problem for this route only.
 * - `transient`: 5xx, network, timeouts: try again later.
 * - `invalid`: Slack refused the message itself (`invalid_blocks`, `msg_too_long`): a defect on our side.
 */
export type SlackFailureKind = 'rate-limited' | 'auth' | 'channel' | 'transient' | 'invalid';

export class SlackDeliveryError extends PodnetGuardError {
  readonly kind: SlackFailureKind;
  /** Slack's error code (`channel_not_found`) or the HTTP status as text. */
  readonly code: string;
  readonly retryable: boolean;
  readonly retryAfterSeconds: number | undefined;
  constructor(kind: SlackFailureKind, code: string, retryAfterSeconds?: number, options?: { cause?: unknown }) {
    super(`Slack refused the message: ${code} (${kind})`, options);
    this.kind = kind;
    this.code = code;
    this.retryable = kind === 'rate-limited' || kind === 'transient';
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

const AUTH_ERRORS = new Set(['invalid_auth', 'not_authed', 'token_revoked', 'token_expired', 'account_inactive']);
const CHANNEL_ERRORS = new Set(['channel_not_found', 'not_in_channel', 'is_archived', 'restricted_action']);

function kindOfSlackCode(code: string): SlackFailureKind {
  if (code === 'ratelimited' || code === 'rate_limited') return 'rate-limited';
  if (AUTH_ERRORS.has(code)) return 'auth';
  if (CHANNEL_ERRORS.has(code)) return 'channel';
  if (code === 'internal_error' || code === 'fatal_error' || code === 'service_unavailable') return 'transient';
  return 'invalid';
}

/** Maps what `@slack/web-api` throws; the original error is kept as `cause`, which carries no token. */
export function toSlackDeliveryError(error: unknown): SlackDeliveryError {
  if (error instanceof SlackDeliveryError) return error;
  if (error instanceof WebAPIRateLimitedError) {
    return new SlackDeliveryError('rate-limited', 'ratelimited', error.retryAfter, { cause: error });
  }
  if (error instanceof WebAPIPlatformError) {
    const code = String(error.data.error ?? 'unknown_error');
    return new SlackDeliveryError(kindOfSlackCode(code), code, undefined, { cause: error });
  }
  const status = (error as { statusCode?: number }).statusCode;
  return new SlackDeliveryError('transient', status ? `http_${status}` : 'request_error', undefined, { cause: error });
}

/** Where a parent message lives: the channel id Slack answered with and the message's `ts`. */
export interface SlackThreadRef {
  channel: string;
  ts: string;
}

/** The calls delivery needs from a Slack app, so tests and the webhook share one shape of result. */
export interface SlackAppSink {
  kind: 'app';
  postParent(channel: string, message: SlackMessage): Promise<SlackThreadRef>;
  reply(thread: SlackThreadRef, message: SlackMessage): Promise<void>;
  updateParent(thread: SlackThreadRef, message: SlackMessage): Promise<void>;
}

export interface SlackWebhookSink {
  kind: 'webhook';
  send(message: SlackMessage): Promise<void>;
}

export type SlackSink = SlackAppSink | SlackWebhookSink;

export interface SlackAppOptions {
  /** Bot token (`xoxb-…`), from Secrets Manager. */
  token: string;
  /** Slack's API base; tests point it at a loopback server. Default `https://slack.com/api/`. */
  apiUrl?: string;
  /** Milliseconds per request. */
  timeoutMs?: number;
}

/**
 * A Slack app sink. Rate limits are not waited out inside the client (`rejectRateLimitedCalls`): the caller decides
 * whether the `Retry-After` fits the time it has, or leaves the event pending for the sweep.
 */
export function createSlackAppSink(options: SlackAppOptions): SlackAppSink {
  const client = new WebClient(options.token, {
    ...(options.apiUrl ? { slackApiUrl: options.apiUrl } : {}),
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2000 },
    rejectRateLimitedCalls: true,
    timeout: options.timeoutMs ?? 10_000,
    // The client logs nothing of ours; its own logger stays silent unless it breaks.
    logLevel: undefined,
  });
  const call = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw toSlackDeliveryError(error);
    }
  };
  return {
    kind: 'app',
    postParent: (channel, message) =>
      call(async () => {
        const answer = await client.chat.postMessage({ channel, text: message.text, blocks: message.blocks });
        if (!answer.ts || !answer.channel) throw new SlackDeliveryError('invalid', 'no_ts_in_answer');
        return { channel: answer.channel, ts: answer.ts };
      }),
    reply: (thread, message) =>
      call(async () => {
        await client.chat.postMessage({
          channel: thread.channel,
          thread_ts: thread.ts,
          text: message.text,
          blocks: message.blocks,
        });
      }),
    updateParent: (thread, message) =>
      call(async () => {
        await client.chat.update({
          channel: thread.channel,
          ts: thread.ts,
          text: message.text,
          blocks: message.blocks,
        });
      }),
  };
}

/** Webhook answers are plain text (`invalid_token`, `no_service`, `channel_is_archived`), not `ok: false` JSON. */
function webhookKind(status: number, body: string): SlackFailureKind {
  if (status === 429) return 'rate-limited';
  if (status >= 500) return 'transient';
  if (body === 'invalid_token' || body === 'no_service' || body === 'no_team' || body === 'team_disabled')
    return 'auth';
  if (body === 'channel_not_found' || body === 'channel_is_archived' || body === 'action_prohibited') return 'channel';
  if (status === 403 || status === 404 || status === 410) return 'auth';
  return 'invalid';
}

/**
 * An incoming-webhook sink. The webhook client exposes no response headers, so a small `fetch` wrapper keeps the
 * last `Retry-After` for a 429.
 */
export function createSlackWebhookSink(options: { url: string; timeoutMs?: number }): SlackWebhookSink {
  let retryAfter: number | undefined;
  type WebhookFetch = NonNullable<NonNullable<ConstructorParameters<typeof IncomingWebhook>[1]>['fetch']>;
  const fetchKeepingRetryAfter: WebhookFetch = async (input, init) => {
    const response = await fetch(input as string, init as RequestInit);
    const header = response.headers.get('retry-after');
    retryAfter = header && /^\d+$/.test(header) ? Number(header) : undefined;
    // Node's Response is the webhook client's FetchResponse; the cast only bridges the DOM and Node typings.
    return response as unknown as Awaited<ReturnType<WebhookFetch>>;
  };
  const webhook = new IncomingWebhook(options.url, {
    timeout: options.timeoutMs ?? 10_000,
    fetch: fetchKeepingRetryAfter,
  });
  return {
    kind: 'webhook',
    send: async (message) => {
      try {
        await webhook.send({ text: message.text, blocks: message.blocks });
      } catch (error) {
        if (error instanceof IncomingWebhookHTTPError) {
          const body = error.body.trim().slice(0, 100);
          const kind = webhookKind(error.statusCode, body);
          throw new SlackDeliveryError(kind, body || `http_${error.statusCode}`, retryAfter, { cause: error });
        }
        // A request error's message may hold the URL (and so the secret): keep only its kind.
        throw new SlackDeliveryError('transient', 'request_error');
      }
    },
  };
}
