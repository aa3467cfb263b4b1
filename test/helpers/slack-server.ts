/**
 * A Slack Web API and incoming-webhook server on loopback, for the real `@slack/web-api` and `@slack/webhook`
 * clients. It answers `chat.postMessage` and `chat.update` as Slack documents them (HTTP 200 with `ok: true` and the
 * message's `channel` and `ts`, or `ok: false` with an `error` code; HTTP 429 with `Retry-After` when rate limited)
 * and a webhook as Slack does (HTTP 200 `ok`, or a plain-text error body such as `invalid_token`, `no_service`,
 * `channel_is_archived`). It also refuses, like Slack, blocks beyond Block Kit's limits (`invalid_blocks`).
 *
 * For interactivity it answers `views.open` only for a `trigger_id` it issued (`issueTrigger`), once, and within 3 s of
 * issuing it, as Slack does (`invalid_trigger_id`, `exchanged_trigger_id`, `expired_trigger_id`); `usergroups.users.list`
 * from the groups a test sets; and records what is posted to an interaction's `response_url` (`responseUrl`).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PostedMessage {
  method: 'chat.postMessage' | 'chat.update' | 'webhook';
  channel?: string;
  ts?: string;
  threadTs?: string;
  text?: string;
  blocks?: Record<string, unknown>[];
  authorization?: string;
}

/** A scripted failure for the next matching call: Slack's error code, or an HTTP status (429 with Retry-After). */
export interface ScriptedFailure {
  method: PostedMessage['method'];
  error?: string;
  status?: number;
  retryAfter?: number;
  body?: string;
}

export interface SlackServer {
  apiUrl: string;
  webhookUrl: string;
  /** Every accepted message, in order. */
  messages: PostedMessage[];
  /** The current text and blocks of each parent message, by `channel/ts`. */
  parents: Map<string, PostedMessage>;
  /** Failures served before the next successes, first in first out. */
  failNext(...failures: ScriptedFailure[]): void;
  /** A trigger id as Slack puts in an interaction payload, issued `ageMs` ago (default now). */
  issueTrigger(ageMs?: number): string;
  /** Modals opened (`views.open` that succeeded), with the time it took from the trigger's issue. */
  views: { triggerId: string; view: Record<string, unknown>; afterMs: number }[];
  /** `views.open` calls refused, with Slack's error. */
  refusedViews: { triggerId: string; error: string }[];
  /** User groups by id: their members' user ids (`usergroups.users.list`). */
  userGroups: Map<string, string[]>;
  /** A response URL for one interaction, on this server. */
  responseUrl(): string;
  /** What was posted to response URLs. */
  responses: { url: string; body: Record<string, unknown> }[];
  close(): Promise<void>;
}

const CHANNEL_ID = 'C0ALERTS01';

async function bodyOf(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** `@slack/web-api` sends form fields with JSON-encoded objects; webhooks send JSON. */
function fieldsOf(request: IncomingMessage, raw: string): Record<string, unknown> {
  if ((request.headers['content-type'] ?? '').includes('application/json')) return JSON.parse(raw);
  const fields: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    fields[key] = key === 'blocks' || key === 'view' ? JSON.parse(value) : value;
  }
  return fields;
}

/** Block Kit limits Slack enforces with `invalid_blocks`. */
function blocksProblem(blocks: unknown): string | undefined {
  if (blocks === undefined) return undefined;
  if (!Array.isArray(blocks) || blocks.length > 50) return 'more than 50 blocks';
  for (const block of blocks as { type: string; text?: { text: string }; fields?: { text: string }[] }[]) {
    if (block.type === 'header' && (block.text?.text.length ?? 0) > 150) return 'header over 150';
    if (block.type === 'section' && (block.text?.text.length ?? 0) > 3000) return 'section over 3000';
    if ((block.fields?.length ?? 0) > 10) return 'more than 10 fields';
    if (block.fields?.some((field) => field.text.length > 2000)) return 'field over 2000';
  }
  return undefined;
}

/** Slack's limits on a modal that `views.open` enforces (`invalid_arguments`). */
function viewProblem(view: unknown): string | undefined {
  const modal = view as { type?: string; title?: { text?: string }; blocks?: unknown[]; private_metadata?: string };
  if (modal?.type !== 'modal') return 'not a modal';
  if (!modal.title?.text || modal.title.text.length > 24) return 'title over 24';
  if (!Array.isArray(modal.blocks) || modal.blocks.length > 100) return 'blocks';
  if ((modal.private_metadata ?? '').length > 3000) return 'private_metadata over 3000';
  return undefined;
}

/** The interactivity part of the server: trigger ids, modals, user groups and response URLs. */
function interactivity() {
  const triggers = new Map<string, { issuedAt: number; used: boolean }>();
  const views: SlackServer['views'] = [];
  const refusedViews: SlackServer['refusedViews'] = [];
  const userGroups = new Map<string, string[]>();
  const responses: SlackServer['responses'] = [];
  let count = 0;
  return {
    views,
    refusedViews,
    userGroups,
    responses,
    issueTrigger(ageMs = 0) {
      count += 1;
      const id = `${1_000_000 + count}.4744562912.${count.toString(16).padStart(32, '0')}`;
      triggers.set(id, { issuedAt: Date.now() - ageMs, used: false });
      return id;
    },
    openView(fields: Record<string, unknown>): { ok: boolean; error?: string; view?: unknown } {
      const triggerId = String(fields.trigger_id ?? '');
      const trigger = triggers.get(triggerId);
      const afterMs = trigger ? Date.now() - trigger.issuedAt : 0;
      const error = !trigger
        ? 'invalid_trigger_id'
        : trigger.used
          ? 'exchanged_trigger_id'
          : afterMs > 3000
            ? 'expired_trigger_id'
            : viewProblem(fields.view)
              ? 'invalid_arguments'
              : undefined;
      if (trigger) trigger.used = true;
      if (error) {
        refusedViews.push({ triggerId, error });
        return { ok: false, error };
      }
      views.push({ triggerId, view: fields.view as Record<string, unknown>, afterMs });
      return { ok: true, view: { id: `V${views.length}`, ...(fields.view as object) } };
    },
    members(fields: Record<string, unknown>): { ok: boolean; error?: string; users?: string[] } {
      const users = userGroups.get(String(fields.usergroup ?? ''));
      return users ? { ok: true, users } : { ok: false, error: 'no_such_subteam' };
    },
  };
}

export async function startSlackServer(): Promise<SlackServer> {
  const messages: PostedMessage[] = [];
  const parents = new Map<string, PostedMessage>();
  const failures: ScriptedFailure[] = [];
  const interactive = interactivity();
  let clock = 1_764_660_000;
  let responseUrls = 0;

  const server: Server = createServer(async (request, response) => {
    const raw = await bodyOf(request);
    const url = request.url ?? '';
    const method: PostedMessage['method'] = url.startsWith('/services/')
      ? 'webhook'
      : (url.replace('/api/', '') as PostedMessage['method']);
    const failureIndex = failures.findIndex((failure) => failure.method === method);
    const failure = failureIndex >= 0 ? failures.splice(failureIndex, 1)[0] : undefined;
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      response.end(JSON.stringify(body));
    };
    const text = (status: number, body: string, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
      response.end(body);
    };
    const fields = fieldsOf(request, raw);
    const authorization = request.headers.authorization;
    if (url.startsWith('/actions/')) {
      interactive.responses.push({ url, body: fields });
      return json(200, { ok: true });
    }
    const apiMethod: string = method;
    if (apiMethod === 'views.open' || apiMethod === 'usergroups.users.list') {
      if (!authorization?.startsWith('Bearer xoxb-')) return json(200, { ok: false, error: 'not_authed' });
      return json(200, apiMethod === 'views.open' ? interactive.openView(fields) : interactive.members(fields));
    }

    if (method === 'webhook') {
      if (failure) {
        const headers: Record<string, string> = failure.retryAfter ? { 'retry-after': String(failure.retryAfter) } : {};
        return text(failure.status ?? 400, failure.body ?? failure.error ?? 'invalid_payload', headers);
      }
      if (blocksProblem(fields.blocks)) return text(400, 'invalid_blocks');
      messages.push({ method, text: fields.text as string, blocks: fields.blocks as Record<string, unknown>[] });
      return text(200, 'ok');
    }
    if (method !== 'chat.postMessage' && method !== 'chat.update')
      return json(200, { ok: false, error: 'unknown_method' });
    if (failure) {
      if (failure.status === 429) {
        return json(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(failure.retryAfter ?? 1) });
      }
      if (failure.status) return text(failure.status, 'upstream failure');
      return json(200, { ok: false, error: failure.error });
    }
    if (!authorization?.startsWith('Bearer xoxb-')) return json(200, { ok: false, error: 'not_authed' });
    if (!fields.channel) return json(200, { ok: false, error: 'channel_not_found' });
    if (!fields.text && !fields.blocks) return json(200, { ok: false, error: 'no_text' });
    if (blocksProblem(fields.blocks)) return json(200, { ok: false, error: 'invalid_blocks' });
    const channel = String(fields.channel).startsWith('#') ? CHANNEL_ID : String(fields.channel);
    const message: PostedMessage = {
      method,
      channel,
      text: fields.text as string,
      blocks: fields.blocks as Record<string, unknown>[],
      authorization,
      ...(fields.thread_ts ? { threadTs: String(fields.thread_ts) } : {}),
    };
    if (method === 'chat.update') {
      const key = `${channel}/${String(fields.ts)}`;
      if (!parents.has(key)) return json(200, { ok: false, error: 'message_not_found' });
      message.ts = String(fields.ts);
      parents.set(key, message);
      messages.push(message);
      return json(200, { ok: true, channel, ts: message.ts, text: message.text });
    }
    clock += 1;
    message.ts = `${clock}.000100`;
    if (!message.threadTs) parents.set(`${channel}/${message.ts}`, message);
    messages.push(message);
    return json(200, { ok: true, channel, ts: message.ts, message: { text: message.text, ts: message.ts } });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    webhookUrl: `http://127.0.0.1:${port}/services/T0000000/B0000000/not-a-real-secret`,
    messages,
    parents,
    failNext: (...more) => failures.push(...more),
    issueTrigger: interactive.issueTrigger,
    views: interactive.views,
    refusedViews: interactive.refusedViews,
    userGroups: interactive.userGroups,
    responses: interactive.responses,
    responseUrl: () => {
      responseUrls += 1;
      return `http://127.0.0.1:${port}/actions/T0ALERTS1/${responseUrls}/not-a-real-secret`;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
