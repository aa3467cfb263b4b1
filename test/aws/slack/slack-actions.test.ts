/**
 * The work behind the buttons, as the findings bus delivers it: on the findings table in dynalite, with the real
 * Slack app client against the loopback server for the thread replies.
 */
import { createDynamoFindingStore, type SuppressionAnnouncement } from '@podnet-guard/aws';
import {
  createSlackAppSink,
  handleSlackActionRequest,
  isSlackActionEvent,
  SLACK_ACTION_DETAIL_TYPE,
  SLACK_ACTION_EVENT_SOURCE,
  type SlackActionDeps,
  type SlackActionRequest,
} from '@podnet-guard/aws/slack';
import type { FindingStore, StoredFinding } from '@podnet-guard/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { dataStoreFinding } from '../../core/findings/finding-fixture.ts';
import { type Dynalite, startDynalite } from '../../helpers/dynalite.ts';
import { type SlackServer, startSlackServer } from '../../helpers/slack-server.ts';

const THREAD = { channel: 'C0ALERTS01', ts: '1764660001.000100' };
const AT = '2026-12-02T10:00:00.000Z';

let db: Dynalite;
let slack: SlackServer;
let tables = 0;
beforeAll(async () => {
  db = await startDynalite();
  slack = await startSlackServer();
});
afterAll(async () => {
  await slack.close();
  await db.stop();
});

let store: FindingStore;
let announced: SuppressionAnnouncement[];
let remediations: unknown[];
let reevaluated: string[];
let deps: SlackActionDeps;
beforeEach(async () => {
  tables += 1;
  store = createDynamoFindingStore({ client: db.client, tableName: await db.createTable(`actions-${tables}`) });
  await store.record(
    [
      dataStoreFinding({
        remediation: { action: 'revoke-rules', target: { type: 'security-group', id: 'sg-1' }, reason: 'r' },
      }),
    ],
    {
      now: '2026-12-02T09:00:00.000Z',
    },
  );
  announced = [];
  remediations = [];
  reevaluated = [];
  slack.messages.length = 0;
  deps = {
    store,
    sink: createSlackAppSink({ token: 'xoxb-1111-2222-not-a-real-token', apiUrl: slack.apiUrl }),
    announceSuppression: async (announcement) => {
      announced.push(announcement);
    },
    reevaluate: async (finding) => {
      reevaluated.push(finding.id);
      return { stillShown: true };
    },
    requestRemediation: async (request) => {
      remediations.push(request);
    },
    logger: { info: vi.fn(), warn: vi.fn(), error: vi.fn() },
  };
});

const findingId = () => dataStoreFinding().id;

function busEvent(request: Partial<SlackActionRequest>) {
  return {
    version: '0',
    id: 'evt-1',
    source: SLACK_ACTION_EVENT_SOURCE,
    'detail-type': SLACK_ACTION_DETAIL_TYPE,
    account: '111122223333',
    time: AT,
    region: 'eu-west-1',
    resources: [],
    detail: {
      action: 'suppress',
      findingId: findingId(),
      by: 'slack:T0ALERTS1/U0MEMBER01',
      user: 'U0MEMBER01',
      at: AT,
      thread: THREAD,
      reason: 'planned migration, NET-42',
      ...request,
    },
  };
}

describe('suppress', () => {
  it('stores the suppression with by, via: slack, at, the reason and 7 days, then announces it', async () => {
    const outcome = await handleSlackActionRequest(busEvent({}), deps);
    expect(outcome).toEqual({ status: 'done', action: 'suppress', findingId: findingId() });
    const stored = (await store.get(findingId())) as StoredFinding;
    expect(stored.suppression).toEqual({
      by: 'slack:T0ALERTS1/U0MEMBER01',
      via: 'slack',
      at: AT,
      reason: 'planned migration, NET-42',
      until: '2026-12-09T10:00:00.000Z',
    });
    expect(announced).toEqual([
      {
        kind: 'suppressed',
        finding: expect.objectContaining({ id: findingId() }),
        by: 'slack:T0ALERTS1/U0MEMBER01',
        at: AT,
      },
    ]);
  });

  it('stores a redelivered request once', async () => {
    await handleSlackActionRequest(busEvent({}), deps);
    const version = (await store.get(findingId()))?.version;
    expect(await handleSlackActionRequest(busEvent({}), deps)).toEqual({ status: 'duplicate', findingId: findingId() });
    expect((await store.get(findingId()))?.version).toBe(version);
    expect(announced).toHaveLength(1);
  });

  it('says so in the thread when the finding is gone', async () => {
    const outcome = await handleSlackActionRequest(busEvent({ findingId: 'nsw-000000000000000000000000' }), deps);
    expect(outcome.status).toBe('not-found');
    expect(slack.messages.at(-1)).toMatchObject({
      threadTs: THREAD.ts,
      text: expect.stringMatching(/<@U0MEMBER01> Finding nsw-0{24} is no longer stored/),
    });
  });
});

describe('reevaluate and fix pull request', () => {
  it('re-evaluates, then says in the thread, to the person who asked, that the finding is still open', async () => {
    await handleSlackActionRequest(busEvent({ action: 'reevaluate', reason: undefined }), deps);
    expect(reevaluated).toEqual([findingId()]);
    const reply = slack.messages.at(-1);
    expect(reply).toMatchObject({ method: 'chat.postMessage', channel: THREAD.channel, threadTs: THREAD.ts });
    expect(reply?.text).toBe('<@U0MEMBER01> Re-evaluated now, as asked: it is still open (high).');
  });

  it('says resolved when the re-evaluation resolved it', async () => {
    deps.reevaluate = async (finding) => {
      await store.record([{ ...dataStoreFinding(), status: 'resolved' }], { now: '2026-12-02T10:01:00.000Z' });
      reevaluated.push(finding.id);
      return { stillShown: false };
    };
    await handleSlackActionRequest(busEvent({ action: 'reevaluate', reason: undefined }), deps);
    expect(slack.messages.at(-1)?.text).toMatch(/it is gone: resolved\.$/);
  });

  it('says the account no longer shows it when it stays open only for the resolve grace period', async () => {
    deps.reevaluate = async () => ({ stillShown: false });
    await handleSlackActionRequest(busEvent({ action: 'reevaluate', reason: undefined }), deps);
    expect(slack.messages.at(-1)?.text).toMatch(/the account no longer shows it; it is resolved once it stays gone/);
  });

  it('requests the fix pull request on the bus and says so in the thread', async () => {
    await handleSlackActionRequest(busEvent({ action: 'fix-pull-request', reason: undefined }), deps);
    expect(remediations).toEqual([{ findingId: findingId(), by: 'slack:T0ALERTS1/U0MEMBER01', via: 'slack', at: AT }]);
    expect(slack.messages.at(-1)?.text).toMatch(/A fix pull request was requested/);
  });
});

describe('what is not a request', () => {
  it('rejects a malformed detail without retrying it', async () => {
    for (const detail of [{ by: 'arn:aws:iam::1:user/mallory' }, { user: '<!channel>' }, { at: 'yesterday' }]) {
      const outcome = await handleSlackActionRequest(busEvent(detail as Partial<SlackActionRequest>), deps);
      expect(outcome.status).toBe('rejected');
    }
    expect(await handleSlackActionRequest(undefined, deps)).toMatchObject({ status: 'rejected' });
    expect((await store.get(findingId()))?.suppression).toBeUndefined();
  });

  it('tells a bus event from a Function URL request', () => {
    expect(isSlackActionEvent(busEvent({}))).toBe(true);
    expect(isSlackActionEvent({ version: '2.0', requestContext: { http: { method: 'POST' } } })).toBe(false);
    expect(isSlackActionEvent(null)).toBe(false);
  });
});
