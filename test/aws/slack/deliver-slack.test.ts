/**
 * Slack delivery with the real `@slack/web-api` and `@slack/webhook` clients against a loopback server that answers
 * as Slack documents (test/helpers/slack-server.ts).
 */
import {
  createDynamoSlackStateStore,
  createSlackAppSink,
  createSlackWebhookSink,
  deliverSlackDigest,
  deliverToSlack,
  MemorySlackStateStore,
  type SlackDelivery,
  SlackDeliveryError,
  type SlackSink,
  type SlackStateStore,
} from '@podnet-guard/aws/slack';
import { type Finding, parseGuardConfig, type SlackConfig } from '@podnet-guard/core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dataStoreFinding } from '../../core/findings/finding-fixture.ts';
import { type Dynalite, startDynalite } from '../../helpers/dynalite.ts';
import { type SlackServer, startSlackServer } from '../../helpers/slack-server.ts';

const TOKEN = 'xoxb-1111-2222-not-a-real-token';
const config = (slack: unknown = { defaultChannel: '#eks-alerts' }): SlackConfig =>
  parseGuardConfig({ slack }).slack as SlackConfig;

let server: SlackServer;
let db: Dynalite;
let tables = 0;
beforeAll(async () => {
  db = await startDynalite();
});
afterAll(async () => {
  await db.stop();
});

/** Each test runs on both state stores: memory (local service) and the findings table on dynalite. */
const STORES: [string, () => Promise<SlackStateStore>][] = [
  ['memory', async () => new MemorySlackStateStore()],
  [
    'dynamodb',
    async () => {
      tables += 1;
      return createDynamoSlackStateStore({ client: db.client, tableName: await db.createTable(`slack-${tables}`) });
    },
  ],
];
beforeEach(async () => {
  server = await startSlackServer();
});
afterEach(async () => {
  await server.close();
});

function app(): SlackSink {
  return createSlackAppSink({ token: TOKEN, apiUrl: server.apiUrl });
}

/** A finding's life: opened (high), worsened (critical), suppressed, resolved by the sweep. */
function life(): SlackDelivery[] {
  const opened = dataStoreFinding();
  const worse = dataStoreFinding({ severity: 'critical' });
  const suppressed = dataStoreFinding({ severity: 'critical', status: 'suppressed' });
  const resolved = dataStoreFinding({ severity: 'critical', status: 'resolved' });
  return [
    { finding: opened, version: 1, event: { kind: 'opened', at: '2026-12-02T09:00:00Z' } },
    { finding: worse, version: 2, event: { kind: 'worsened', at: '2026-12-02T09:10:00Z', previousSeverity: 'high' } },
    {
      finding: suppressed,
      version: 3,
      event: {
        kind: 'suppressed',
        at: '2026-12-02T09:20:00Z',
        by: 'slack:T1/U1',
        reason: 'NET-42',
        until: '2026-12-09',
      },
    },
    { finding: resolved, version: 4, event: { kind: 'resolved', at: '2026-12-02T10:00:00Z' } },
  ];
}

/** Delivers like the bus consumer: a failure is retried later (here: at once), as Lambda or the sweep would. */
async function deliverWithRetries(delivery: SlackDelivery, deps: Parameters<typeof deliverToSlack>[1]) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await deliverToSlack(delivery, deps);
    } catch (error) {
      if (!(error instanceof SlackDeliveryError) || !error.retryable || attempt >= 5) throw error;
    }
  }
}

describe.each(STORES)('Slack app: one message per finding, its thread holds the history (%s)', (_name, newState) => {
  it('gives one parent and three thread replies over a whole life, and the parent ends resolved', async () => {
    const deps = { sink: app(), config: config(), state: await newState() };
    const outcomes = [];
    for (const delivery of life()) outcomes.push(await deliverToSlack(delivery, deps));
    expect(outcomes).toEqual(['posted', 'replied', 'replied', 'replied']);
    const posts = server.messages.filter((m) => m.method === 'chat.postMessage');
    const parents = posts.filter((m) => !m.threadTs);
    expect(parents).toHaveLength(1);
    const replies = posts.filter((m) => m.threadTs === parents[0]?.ts);
    expect(replies.map((m) => m.text?.split(':')[0])).toEqual(['Worsened', 'Suppressed by slack', 'Resolved']);
    const parent = server.parents.get(`${parents[0]?.channel}/${parents[0]?.ts}`);
    expect(parent?.method).toBe('chat.update');
    expect(parent?.text).toMatch(/^\[RESOLVED\]/);
    // The bearer token travels in the header, never in the body.
    expect(parent?.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('never posts twice for a redelivered event', async () => {
    const deps = { sink: app(), config: config(), state: await newState() };
    const [opened, worsened] = life();
    expect(await deliverToSlack(opened!, deps)).toBe('posted');
    expect(await deliverToSlack(opened!, deps)).toBe('duplicate');
    expect(await deliverToSlack(worsened!, deps)).toBe('replied');
    expect(await deliverToSlack(worsened!, deps)).toBe('duplicate');
    expect(server.messages.filter((m) => m.method === 'chat.postMessage')).toHaveLength(2);
  });

  it('loses nothing through an outage: rate limit (Retry-After), a 500, and failed updates are delivered on retry', async () => {
    const deps = { sink: app(), config: config(), state: await newState() };
    const [opened, worsened, suppressed, resolved] = life();
    await deliverWithRetries(opened!, deps);
    server.failNext({ method: 'chat.postMessage', status: 429, retryAfter: 7 });
    const limited = await deliverToSlack(worsened!, deps).catch((error: unknown) => error);
    expect(limited).toBeInstanceOf(SlackDeliveryError);
    expect(limited).toMatchObject({ kind: 'rate-limited', retryable: true, retryAfterSeconds: 7 });
    await deliverWithRetries(worsened!, deps);
    server.failNext(
      { method: 'chat.update', status: 500 },
      { method: 'chat.update', status: 500 },
      { method: 'chat.update', status: 500 },
    );
    await deliverWithRetries(suppressed!, deps);
    await deliverWithRetries(resolved!, deps);
    const replies = server.messages.filter((m) => m.method === 'chat.postMessage' && m.threadTs);
    expect(replies).toHaveLength(3);
    expect([...server.parents.values()][0]?.text).toMatch(/^\[RESOLVED\]/);
  });

  it('finishes a parent update that failed after its reply went out, without replying again', async () => {
    const deps = { sink: app(), config: config(), state: await newState() };
    const [opened, worsened] = life();
    await deliverToSlack(opened!, deps);
    // The client retries twice itself: three 500s make the update fail.
    server.failNext(
      { method: 'chat.update', status: 500 },
      { method: 'chat.update', status: 500 },
      { method: 'chat.update', status: 500 },
    );
    await expect(deliverToSlack(worsened!, deps)).rejects.toMatchObject({ kind: 'transient' });
    expect(await deliverToSlack(worsened!, deps)).toBe('updated');
    expect(await deliverToSlack(worsened!, deps)).toBe('duplicate');
    expect(server.messages.filter((m) => m.threadTs)).toHaveLength(1);
    expect([...server.parents.values()][0]?.text).toMatch(/^\[CRITICAL\]/);
  });

  it('keeps a finding in its thread when its new severity would route elsewhere', async () => {
    const routed = config({
      routes: [{ channel: 'C0CRITICAL', severities: ['critical'] }],
      defaultChannel: 'C0GENERAL1',
    });
    const deps = { sink: app(), config: routed, state: await newState() };
    const [opened, worsened] = life();
    await deliverToSlack(opened!, deps);
    await deliverToSlack(worsened!, deps);
    const channels = new Set(server.messages.map((m) => m.channel));
    expect(channels).toEqual(new Set(['C0GENERAL1']));
    expect(JSON.stringify([...server.parents.values()][0]?.blocks)).toContain('*Severity*\\ncritical');
  });

  it.each([
    ['channel_not_found', 'channel', false],
    ['not_in_channel', 'channel', false],
    ['invalid_auth', 'auth', false],
    ['token_revoked', 'auth', false],
    ['internal_error', 'transient', true],
  ] as const)(
    'maps ok:false %s to %s (retryable %s), and keeps the token out of the error',
    async (code, kind, retryable) => {
      const deps = { sink: app(), config: config(), state: await newState() };
      server.failNext({ method: 'chat.postMessage', error: code });
      const error = await deliverToSlack(life()[0]!, deps).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ kind, code, retryable });
      expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain(TOKEN);
      expect(String((error as Error).message)).not.toContain(TOKEN);
      // Nothing was recorded: the next delivery posts the parent.
      expect(await deps.state.get(life()[0]!.finding.id)).toBeUndefined();
    },
  );

  it('sends nothing for a finding no route takes', async () => {
    const deps = {
      sink: app(),
      config: config({ routes: [{ channel: '#x', clusters: ['other'] }] }),
      state: await newState(),
    };
    expect(await deliverToSlack(life()[0]!, deps)).toBe('not-routed');
    expect(server.messages).toHaveLength(0);
  });
});

describe.each(STORES)('low and info findings go to the hourly digest (%s)', (_name, newState) => {
  const low = (id: string, overrides: Partial<Finding> = {}) =>
    dataStoreFinding({ id, severity: 'low', title: `Low finding ${id}`, ...overrides });

  it('posts one digest per channel listing the open ones, then nothing until new ones wait', async () => {
    const deps = { sink: app(), config: config(), state: await newState() };
    expect(await deliverToSlack({ finding: low('a'), version: 1, event: { kind: 'opened', at: 't' } }, deps)).toBe(
      'digest',
    );
    await deliverToSlack({ finding: low('b'), version: 1, event: { kind: 'opened', at: 't' } }, deps);
    await deliverToSlack({ finding: low('c'), version: 1, event: { kind: 'opened', at: 't' } }, deps);
    // c resolves before the digest: it leaves it.
    await deliverToSlack(
      { finding: low('c', { status: 'resolved' }), version: 2, event: { kind: 'resolved', at: 't' } },
      deps,
    );
    expect(server.messages).toHaveLength(0);
    const period = { since: '2026-12-02T09:00:00Z', until: '2026-12-02T10:00:00Z' };
    expect(await deliverSlackDigest(deps, period)).toEqual({ '#eks-alerts': 2 });
    expect(server.messages).toHaveLength(1);
    const text = JSON.stringify(server.messages[0]?.blocks);
    expect(text).toContain('Low finding a');
    expect(text).toContain('Low finding b');
    expect(text).not.toContain('Low finding c');
    expect(await deliverSlackDigest(deps, period)).toEqual({});
  });

  it('posts a digest finding on its own once it worsens above the digest severities', async () => {
    const deps = { sink: app(), config: config(), state: await newState() };
    await deliverToSlack({ finding: low('a'), version: 1, event: { kind: 'opened', at: 't' } }, deps);
    const worse = low('a', { severity: 'high' });
    expect(
      await deliverToSlack(
        { finding: worse, version: 2, event: { kind: 'worsened', at: 't', previousSeverity: 'low' } },
        deps,
      ),
    ).toBe('posted');
    expect(await deliverSlackDigest(deps, { since: 'a', until: 'b' })).toEqual({});
  });
});

describe.each(STORES)('incoming webhook: one message per event, no threads (%s)', (_name, newState) => {
  it('sends each event of a life as its own message with the same blocks', async () => {
    const deps = {
      sink: createSlackWebhookSink({ url: server.webhookUrl }),
      config: config(),
      state: await newState(),
    };
    const outcomes = [];
    for (const delivery of life()) outcomes.push(await deliverToSlack(delivery, deps));
    expect(outcomes).toEqual(['sent', 'sent', 'sent', 'sent']);
    expect(server.messages.map((m) => m.method)).toEqual(['webhook', 'webhook', 'webhook', 'webhook']);
    expect(server.messages[3]?.text).toMatch(/^Resolved/);
    expect(await deliverToSlack(life()[3]!, deps)).toBe('duplicate');
  });

  it.each([
    [404, 'no_service', 'auth', false],
    [403, 'invalid_token', 'auth', false],
    [410, 'channel_is_archived', 'channel', false],
    [400, 'invalid_payload', 'invalid', false],
    [500, 'server error', 'transient', true],
  ] as const)('maps HTTP %i %s (a plain-text body) to %s', async (status, body, kind, retryable) => {
    const sink = createSlackWebhookSink({ url: server.webhookUrl });
    server.failNext({ method: 'webhook', status, body });
    const error = await deliverToSlack(life()[0]!, {
      sink,
      config: config(),
      state: await newState(),
    }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind, retryable });
    expect(String((error as Error).message)).not.toContain('not-a-real-secret');
  });

  it('honours Retry-After on a 429, and never puts the webhook URL (a secret) in the error', async () => {
    const sink = createSlackWebhookSink({ url: server.webhookUrl });
    server.failNext({ method: 'webhook', status: 429, retryAfter: 30, body: 'rate_limited' });
    const error = await deliverToSlack(life()[0]!, {
      sink,
      config: config(),
      state: await newState(),
    }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'rate-limited', retryAfterSeconds: 30 });
    const unreachable = createSlackWebhookSink({ url: 'http://127.0.0.1:9/services/T0/B0/not-a-real-secret' });
    const network = await unreachable.send({ text: 'x', blocks: [] }).catch((caught: unknown) => caught);
    expect(network).toMatchObject({ kind: 'transient' });
    expect(JSON.stringify(network, Object.getOwnPropertyNames(network))).not.toContain('not-a-real-secret');
  });
});
