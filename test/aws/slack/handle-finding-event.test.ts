import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { putSuppressionEvent } from '@podnet-guard/aws';
import {
  createSlackAppSink,
  handleFindingEventForSlack,
  MemorySlackStateStore,
  RETRY_AFTER_WAIT_MAX_SECONDS,
  SlackDeliveryError,
} from '@podnet-guard/aws/slack';
import { parseGuardConfig, type SlackConfig, type StoredFinding } from '@podnet-guard/core';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dataStoreFinding } from '../../core/findings/finding-fixture.ts';
import { findingBusEvent } from '../../helpers/finding-bus-event.ts';
import { type SlackServer, startSlackServer } from '../../helpers/slack-server.ts';

const TOKEN = 'xoxb-3333-4444-not-a-real-token';
const config = parseGuardConfig({ slack: { defaultChannel: '#eks-alerts' } }).slack as SlackConfig;

let server: SlackServer;
beforeEach(async () => {
  server = await startSlackServer();
});
afterEach(async () => {
  await server.close();
});

/** The EventBridge event the findings bus delivers for one transition (built by the publisher's own code). */
const busEvent = findingBusEvent;

function logger() {
  const lines: { level: string; message: string; extra?: object }[] = [];
  const at = (level: string) => (message: string, extra?: object) =>
    lines.push({ level, message, ...(extra ? { extra } : {}) });
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

describe('handleFindingEventForSlack', () => {
  it('posts the parent for Finding Opened and replies for Finding Resolved', async () => {
    const deps = {
      sink: createSlackAppSink({ token: TOKEN, apiUrl: server.apiUrl }),
      config,
      state: new MemorySlackStateStore(),
      logger: logger(),
    };
    expect(await handleFindingEventForSlack(busEvent('opened', 1), deps)).toMatchObject({
      status: 'delivered',
      outcome: 'posted',
    });
    expect(await handleFindingEventForSlack(busEvent('opened', 1), deps)).toMatchObject({ outcome: 'duplicate' });
    expect(await handleFindingEventForSlack(busEvent('resolved', 2, { status: 'resolved' }), deps)).toMatchObject({
      outcome: 'replied',
    });
    expect(server.messages.filter((m) => m.threadTs).map((m) => m.text?.split(':')[0])).toEqual(['Resolved']);
  });

  it('rejects a malformed event with a reason, without throwing (no endless retries)', async () => {
    const deps = {
      sink: createSlackAppSink({ token: TOKEN, apiUrl: server.apiUrl }),
      config,
      state: new MemorySlackStateStore(),
      logger: logger(),
    };
    const broken = busEvent('opened', 1);
    broken.detail.dedupeKey = 'no-version';
    const result = await handleFindingEventForSlack(broken, deps);
    expect(result).toMatchObject({ status: 'rejected' });
    expect((result as { reason: string }).reason).toContain('detail.dedupeKey');
    expect(await handleFindingEventForSlack({ source: 'aws.ec2' }, deps)).toMatchObject({ status: 'rejected' });
    expect(deps.logger.lines.map((line) => line.level)).toEqual(['warn', 'warn']);
    expect(server.messages).toHaveLength(0);
  });

  it('throws what Slack refused, so Lambda retries and the failure queue alarms; the token is never logged', async () => {
    const deps = {
      sink: createSlackAppSink({ token: TOKEN, apiUrl: server.apiUrl }),
      config,
      state: new MemorySlackStateStore(),
      logger: logger(),
    };
    server.failNext({ method: 'chat.postMessage', error: 'token_revoked' });
    await expect(handleFindingEventForSlack(busEvent('opened', 1), deps)).rejects.toBeInstanceOf(SlackDeliveryError);
    expect(deps.logger.lines).toEqual([
      expect.objectContaining({
        level: 'error',
        extra: expect.objectContaining({ kind: 'auth', code: 'token_revoked' }),
      }),
    ]);
    expect(JSON.stringify(deps.logger.lines)).not.toContain(TOKEN);
    // The retry after the token is fixed delivers the event.
    expect(await handleFindingEventForSlack(busEvent('opened', 1), deps)).toMatchObject({ outcome: 'posted' });
  });

  it('posts the digest of waiting low and info findings on the hourly schedule', async () => {
    const deps = {
      sink: createSlackAppSink({ token: TOKEN, apiUrl: server.apiUrl }),
      config,
      state: new MemorySlackStateStore(),
      logger: logger(),
    };
    expect(await handleFindingEventForSlack(busEvent('opened', 1, { severity: 'low' }), deps)).toMatchObject({
      outcome: 'digest',
    });
    expect(server.messages).toHaveLength(0);
    const schedule = {
      source: 'aws.events',
      'detail-type': 'Scheduled Event',
      time: '2026-12-02T11:00:00Z',
      detail: {},
    };
    expect(await handleFindingEventForSlack(schedule, deps)).toEqual({
      status: 'digest',
      listed: { '#eks-alerts': 1 },
    });
    expect(JSON.stringify(server.messages[0]?.blocks)).toContain(
      'From 2026-12-02T10:00:00.000Z to 2026-12-02T11:00:00.000Z',
    );
    expect(await handleFindingEventForSlack(schedule, deps)).toEqual({ status: 'digest', listed: {} });
  });
});

describe('rate limits', () => {
  it('waits out a short Retry-After once and delivers; leaves a long one to the retries', async () => {
    const deps = {
      sink: createSlackAppSink({ token: TOKEN, apiUrl: server.apiUrl }),
      config,
      state: new MemorySlackStateStore(),
      logger: logger(),
    };
    server.failNext({ method: 'chat.postMessage', status: 429, retryAfter: 1 });
    const started = Date.now();
    expect(await handleFindingEventForSlack(busEvent('opened', 1), deps)).toMatchObject({ outcome: 'posted' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(deps.logger.lines.map((line) => line.message)).toContain('slack rate limit: waiting as Retry-After asks');
    server.failNext({ method: 'chat.postMessage', status: 429, retryAfter: RETRY_AFTER_WAIT_MAX_SECONDS + 20 });
    await expect(
      handleFindingEventForSlack(busEvent('resolved', 2, { status: 'resolved' }), deps),
    ).rejects.toMatchObject({
      kind: 'rate-limited',
      retryAfterSeconds: RETRY_AFTER_WAIT_MAX_SECONDS + 20,
    });
  });
});

describe('suppressions made through the API reach the thread', () => {
  it('replies "Suppressed by … until …: reason" and then "Suppression lifted"', async () => {
    const bus = mockClient(EventBridgeClient);
    const sent: { DetailType?: string; Detail?: string; Source?: string }[] = [];
    bus.on(PutEventsCommand).callsFake((input: { Entries: typeof sent }) => {
      sent.push(...input.Entries);
      return { FailedEntryCount: 0, Entries: input.Entries.map(() => ({ EventId: 'e' })) };
    });
    const deps = {
      sink: createSlackAppSink({ token: TOKEN, apiUrl: server.apiUrl }),
      config,
      state: new MemorySlackStateStore(),
      logger: logger(),
    };
    await handleFindingEventForSlack(busEvent('opened', 1), deps);
    const suppressed = {
      ...dataStoreFinding(),
      version: 2,
      suppression: {
        reason: 'change window NET-42',
        until: '2026-12-09T00:00:00.000Z',
        by: 'arn:aws:iam::1:user/alice',
      },
    } as unknown as StoredFinding;
    const client = new EventBridgeClient({ region: 'eu-west-1' });
    await putSuppressionEvent(client, 'findings', {
      kind: 'suppressed',
      finding: suppressed,
      by: 'arn:aws:iam::1:user/alice',
      at: 't1',
    });
    const lifted = { ...suppressed, version: 3, suppression: undefined } as unknown as StoredFinding;
    await putSuppressionEvent(client, 'findings', {
      kind: 'unsuppressed',
      finding: lifted,
      by: 'arn:aws:iam::1:user/bob',
      at: 't2',
    });
    expect(sent.map((entry) => entry.DetailType)).toEqual(['Finding Suppressed', 'Finding Unsuppressed']);
    for (const entry of sent) {
      const event = {
        source: entry.Source,
        'detail-type': entry.DetailType,
        time: '2026-12-02T10:00:00Z',
        detail: JSON.parse(entry.Detail ?? '{}'),
      };
      expect(await handleFindingEventForSlack(event, deps)).toMatchObject({ status: 'delivered', outcome: 'replied' });
    }
    const replies = server.messages.filter((m) => m.threadTs).map((m) => m.text);
    expect(replies[0]).toMatch(
      /^Suppressed by arn:aws:iam::1:user\/alice until 2026-12-09T00:00:00.000Z: change window NET-42/,
    );
    expect(replies[1]).toMatch(/^Suppression lifted by arn:aws:iam::1:user\/bob/);
    bus.restore();
  });
});
