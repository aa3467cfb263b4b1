/**
 * The interactivity URL's answers within Slack's 3 s, with the real `@slack/web-api` client against the loopback Slack
 * server (which, like Slack, takes a `trigger_id` once and only within 3 s): the modal, a refused user, the modal's
 * submission, and the buttons whose work goes to the bus.
 */
import {
  createSlackInteractivityApi,
  handleSlackInteraction,
  type SlackActionRequest,
  type SlackInteractionDeps,
  userGroupMembership,
} from '@podnet-guard/aws/slack';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  buttonPress,
  modalSubmission,
  SIGNING_SECRET,
  signedInteraction,
  TEAM,
} from '../../helpers/slack-interaction.ts';
import { type SlackServer, startSlackServer } from '../../helpers/slack-server.ts';

const FINDING = 'nsw-0a1b2c3d4e5f60718a9b0c1d';
const THREAD = { channel: 'C0ALERTS01', ts: '1764660001.000100' };
const MEMBER = 'U0MEMBER01';
const OUTSIDER = 'U0OUTSIDE1';
const GROUP = 'S0ONCALL01';

let slack: SlackServer;
beforeEach(async () => {
  slack = await startSlackServer();
  slack.userGroups.set(GROUP, [MEMBER, 'U0MEMBER02']);
});
afterEach(async () => {
  await slack.close();
});

function deps(options: { userGroup?: string; enqueue?: (request: SlackActionRequest) => Promise<void> } = {}) {
  const api = createSlackInteractivityApi({
    token: 'xoxb-1111-2222-not-a-real-token',
    apiUrl: slack.apiUrl,
    allowResponseUrl: /^http:\/\/127\.0\.0\.1:\d+\/actions\//,
  });
  const requests: SlackActionRequest[] = [];
  const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
  const membership = userGroupMembership(api);
  const { userGroup } = options;
  const value: SlackInteractionDeps = {
    signingSecret: SIGNING_SECRET,
    api,
    userGroup,
    ...(userGroup ? { mayAct: (user: string) => membership(userGroup, user) } : {}),
    enqueue:
      options.enqueue ??
      (async (request) => {
        requests.push(request);
      }),
    logger,
  };
  return { value, requests, logger };
}

const press = (action: 'suppress' | 'reevaluate' | 'fixPullRequest', user = MEMBER, triggerAgeMs = 0) =>
  buttonPress({
    action,
    findingId: FINDING,
    user,
    triggerId: slack.issueTrigger(triggerAgeMs),
    responseUrl: slack.responseUrl(),
    thread: THREAD,
    messageText: '[HIGH] Data store admits a node security group: sg-0a1b &amp; &lt;prod&gt;',
  });

describe('"Suppress 7 days"', () => {
  it('opens the reason modal within the deadline, with the single-use trigger_id', async () => {
    const { value, requests } = deps({ userGroup: GROUP });
    const started = Date.now();
    const answer = await handleSlackInteraction(signedInteraction(press('suppress')), value);
    const tookMs = Date.now() - started;
    expect(answer).toEqual({ statusCode: 200, body: '' });
    expect(tookMs).toBeLessThan(3000);
    expect(slack.views).toHaveLength(1);
    expect(slack.views[0]?.afterMs).toBeLessThan(3000);
    const view = slack.views[0]?.view as { title: { text: string }; private_metadata: string; blocks: unknown[] };
    expect(view.title.text).toBe('Suppress 7 days');
    expect(JSON.parse(view.private_metadata)).toEqual({ findingId: FINDING, thread: THREAD });
    // The title from the message shows as plain text, its entities decoded: it can neither mention nor link.
    expect(JSON.stringify(view.blocks[0])).toContain('"type":"plain_text"');
    expect(JSON.stringify(view.blocks[0])).toContain('sg-0a1b & <prod>');
    // Opening the modal is all: nothing is suppressed until it is sent.
    expect(requests).toEqual([]);
  });

  it('cannot open a modal twice with one trigger_id (a replayed request): the person is told to press again', async () => {
    const { value } = deps();
    const event = signedInteraction(press('suppress'));
    await handleSlackInteraction(event, value);
    const again = await handleSlackInteraction(event, value);
    expect(again.statusCode).toBe(200);
    expect(slack.views).toHaveLength(1);
    expect(slack.refusedViews.map((refused) => refused.error)).toEqual(['exchanged_trigger_id']);
    expect(slack.responses.at(-1)?.body).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringMatching(/could not be opened in time/),
    });
  });

  it('cannot open a modal with a trigger_id older than 3 s', async () => {
    const { value } = deps();
    await handleSlackInteraction(signedInteraction(press('suppress', MEMBER, 3500)), value);
    expect(slack.views).toEqual([]);
    expect(slack.refusedViews.map((refused) => refused.error)).toEqual(['expired_trigger_id']);
    expect(slack.responses).toHaveLength(1);
  });

  it('suppresses nothing until the modal is sent, then asks for it on the bus and closes the modal', async () => {
    const { value, requests } = deps({ userGroup: GROUP });
    await handleSlackInteraction(signedInteraction(press('suppress')), value);
    const view = slack.views[0]?.view as Record<string, unknown>;
    const submitted = modalSubmission({ view, user: MEMBER, reason: '  planned migration, NET-42  ' });
    const answer = await handleSlackInteraction(signedInteraction(submitted), value);
    expect(answer).toEqual({ statusCode: 200, body: '' });
    expect(requests).toEqual([
      {
        action: 'suppress',
        findingId: FINDING,
        by: `slack:${TEAM}/${MEMBER}`,
        user: MEMBER,
        at: expect.any(String),
        thread: THREAD,
        reason: 'planned migration, NET-42',
      },
    ]);
  });

  it('keeps the modal open with an error for a reason under 3 characters', async () => {
    const { value, requests } = deps();
    await handleSlackInteraction(signedInteraction(press('suppress')), value);
    const view = slack.views[0]?.view as Record<string, unknown>;
    const answer = await handleSlackInteraction(
      signedInteraction(modalSubmission({ view, user: MEMBER, reason: ' k ' })),
      value,
    );
    expect(JSON.parse(answer.body ?? '')).toEqual({
      response_action: 'errors',
      errors: { reason: 'Give a reason of 3 to 500 characters.' },
    });
    expect(requests).toEqual([]);
  });

  it('keeps the modal open with an error when the bus does not take the request', async () => {
    const { value, logger } = deps({ enqueue: async () => Promise.reject(new Error('EventBridge unavailable')) });
    await handleSlackInteraction(signedInteraction(press('suppress')), value);
    const view = slack.views[0]?.view as Record<string, unknown>;
    const answer = await handleSlackInteraction(
      signedInteraction(modalSubmission({ view, user: MEMBER, reason: 'ok then' })),
      value,
    );
    expect(JSON.parse(answer.body ?? '').response_action).toBe('errors');
    expect(logger.error).toHaveBeenCalledWith('slack suppression not requested', expect.any(Object));
  });
});

describe('who may act', () => {
  it('refuses someone outside the user group with an ephemeral answer, and acts on nothing', async () => {
    const { value, requests, logger } = deps({ userGroup: GROUP });
    for (const action of ['suppress', 'reevaluate', 'fixPullRequest'] as const) {
      const answer = await handleSlackInteraction(signedInteraction(press(action, OUTSIDER)), value);
      expect(answer.statusCode).toBe(200);
    }
    expect(slack.views).toEqual([]);
    expect(requests).toEqual([]);
    expect(slack.responses).toHaveLength(3);
    for (const response of slack.responses) {
      expect(response.body).toEqual({
        response_type: 'ephemeral',
        replace_original: false,
        text: `Only members of the user group ${GROUP} may act on podnet-guard findings.`,
      });
    }
    expect(logger.info).toHaveBeenCalledWith('slack action refused: not in the user group', {
      by: `slack:${TEAM}/${OUTSIDER}`,
      action: 'suppress',
      findingId: FINDING,
    });
  });

  it('refuses a modal sent by someone outside the user group (a forwarded view cannot act for them)', async () => {
    const { value, requests } = deps({ userGroup: GROUP });
    await handleSlackInteraction(signedInteraction(press('suppress')), value);
    const view = slack.views[0]?.view as Record<string, unknown>;
    const answer = await handleSlackInteraction(
      signedInteraction(modalSubmission({ view, user: OUTSIDER, reason: 'mine now' })),
      value,
    );
    expect(JSON.parse(answer.body ?? '').response_action).toBe('errors');
    expect(requests).toEqual([]);
  });

  it('refuses everyone when the user group cannot be read (fails closed)', async () => {
    const { value, requests, logger } = deps({ userGroup: 'S0UNKNOWN1' });
    await handleSlackInteraction(signedInteraction(press('reevaluate')), value);
    expect(requests).toEqual([]);
    expect(logger.error).toHaveBeenCalledWith('slack user group could not be read', expect.any(Object));
  });

  it('lets anyone in the channel act when no user group is configured', async () => {
    const { value, requests } = deps();
    await handleSlackInteraction(signedInteraction(press('reevaluate', OUTSIDER)), value);
    expect(requests.map((request) => request.by)).toEqual([`slack:${TEAM}/${OUTSIDER}`]);
  });
});

describe('"Re-evaluate now" and "Open fix PR"', () => {
  it('put their work on the bus and answer at once', async () => {
    const { value, requests } = deps({ userGroup: GROUP });
    await handleSlackInteraction(signedInteraction(press('reevaluate')), value);
    await handleSlackInteraction(signedInteraction(press('fixPullRequest'), undefined, false), value);
    expect(requests.map((request) => [request.action, request.findingId, request.thread])).toEqual([
      ['reevaluate', FINDING, THREAD],
      ['fix-pull-request', FINDING, THREAD],
    ]);
    expect(slack.views).toEqual([]);
  });

  it('tells the person when the bus does not take the request', async () => {
    const { value } = deps({ enqueue: async () => Promise.reject(new Error('throttled')) });
    await handleSlackInteraction(signedInteraction(press('reevaluate')), value);
    expect(slack.responses.at(-1)?.body.text).toMatch(/could not be recorded/);
  });

  it('ignores buttons that are not ours and interaction types it does not handle', async () => {
    const { value, requests } = deps();
    const foreign = press('reevaluate');
    (foreign.actions[0] as { action_id: string }).action_id = 'someone-elses-button';
    expect((await handleSlackInteraction(signedInteraction(foreign), value)).statusCode).toBe(200);
    expect(
      (await handleSlackInteraction(signedInteraction({ type: 'view_closed', user: { id: MEMBER } }), value))
        .statusCode,
    ).toBe(200);
    const badId = press('reevaluate');
    badId.actions[0]!.value = '../../etc/passwd';
    expect((await handleSlackInteraction(signedInteraction(badId), value)).statusCode).toBe(200);
    expect(requests).toEqual([]);
  });
});
