/**
 * functions/slack-interactions end to end, beside functions/deliver-slack: a finding's parent message is posted with
 * its buttons; "Suppress 7 days" is pressed through the Function URL handler (the real Function URL event shape, signed
 * as Slack signs), the modal opens on the loopback Slack server, its submission goes to the findings bus (EventBridge
 * mocked, its entries delivered back as EventBridge delivers them), the suppression is stored with `via: "slack"` in
 * the findings table on dynalite, and its announcement becomes a reply in the finding's thread.
 */
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createDynamoFindingStore } from '@podnet-guard/aws';
import { SLACK_ACTIONS_BLOCK_ID } from '@podnet-guard/core';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dataStoreFinding } from '../core/findings/finding-fixture.ts';
import { type Dynalite, startDynalite } from '../helpers/dynalite.ts';
import { findingBusEvent } from '../helpers/finding-bus-event.ts';
import { lambdaContext, stubFunctionEnv } from '../helpers/lambda.ts';
import { buttonPress, modalSubmission, SIGNING_SECRET, signedInteraction, TEAM } from '../helpers/slack-interaction.ts';
import { type SlackServer, startSlackServer } from '../helpers/slack-server.ts';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:podnet-guard-slack-AbCdEf';
const TOKEN = 'xoxb-5555-6666-not-a-real-token';
const TABLE = 'interactions-findings';
const BUS = 'podnet-guard-prod-FindingsBus';
const GROUP = 'S0ONCALL01';
const MEMBER = 'U0MEMBER01';
const OUTSIDER = 'U0OUTSIDE1';

const secrets = mockClient(SecretsManagerClient);
const bus = mockClient(EventBridgeClient);
let db: Dynalite;
let slack: SlackServer;
type Handler = (event: unknown, context: Context) => Promise<unknown>;
let interactions: Handler;
let deliver: Handler;

/** The entries put on the bus so far, and each as EventBridge delivers it to a rule's target. */
const putEntries = (): PutEventsRequestEntry[] =>
  bus.commandCalls(PutEventsCommand).flatMap((call) => call.args[0].input.Entries ?? []);
const delivered = (entry: PutEventsRequestEntry) => ({
  version: '0',
  id: 'b3b3c5d8-0000-4000-8000-000000000001',
  source: entry.Source,
  'detail-type': entry.DetailType,
  account: '111122223333',
  time: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  region: 'eu-west-1',
  resources: [],
  detail: JSON.parse(entry.Detail ?? '{}'),
});

beforeAll(async () => {
  db = await startDynalite();
  slack = await startSlackServer();
  slack.userGroups.set(GROUP, [MEMBER]);
  await db.createTable(TABLE);
  stubFunctionEnv({
    endpoint: db.endpoint,
    table: TABLE,
    topicArn: 'arn:aws:sns:eu-west-1:111122223333:alerts',
    extra: {
      SLACK_SECRET_ARN: SECRET_ARN,
      SLACK_API_URL: slack.apiUrl,
      SLACK_INTERACTIVITY: 'on',
      FINDINGS_BUS_NAME: BUS,
      GUARD_CONFIG: JSON.stringify({
        slack: { defaultChannel: '#eks-alerts', actions: { userGroup: GROUP, fixPullRequest: true } },
      }),
    },
  });
  secrets
    .on(GetSecretValueCommand, { SecretId: SECRET_ARN })
    .resolves({ SecretString: JSON.stringify({ botToken: TOKEN, signingSecret: SIGNING_SECRET }) });
  bus.on(PutEventsCommand).callsFake((input: { Entries?: unknown[] }) => ({
    FailedEntryCount: 0,
    Entries: (input.Entries ?? []).map((_entry, index) => ({ EventId: `event-${index}` })),
  }));
  await createDynamoFindingStore({ client: db.client, tableName: TABLE }).record([dataStoreFinding()], {
    now: '2026-12-02T09:00:00.000Z',
  });
  interactions = (await import('../../functions/slack-interactions.ts')).handler as never;
  deliver = (await import('../../functions/deliver-slack.ts')).handler as never;
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await slack.close();
  await db.stop();
});

const context = () => lambdaContext('podnet-guard-prod-SlackInteractions');

describe('functions/slack-interactions', () => {
  it('takes a button press through the Function URL to a suppression stored with via: slack and a thread reply', async () => {
    // The finding's parent message, with its buttons (interactivity on).
    await deliver(findingBusEvent('opened', 1), lambdaContext('podnet-guard-prod-DeliverSlack'));
    const parent = slack.messages.find((message) => message.method === 'chat.postMessage' && !message.threadTs);
    const row = parent?.blocks?.find((block) => block.block_id === SLACK_ACTIONS_BLOCK_ID) as {
      elements: { text: { text: string } }[];
    };
    expect(row.elements.map((button) => button.text.text)).toEqual([
      'Open fix PR',
      'Re-evaluate now',
      'Suppress 7 days',
    ]);
    const thread = { channel: parent?.channel as string, ts: parent?.ts as string };
    const findingId = dataStoreFinding().id;

    // Pressed: the modal opens within Slack's 3 s.
    const press = buttonPress({
      action: 'suppress',
      findingId,
      user: MEMBER,
      triggerId: slack.issueTrigger(),
      responseUrl: slack.responseUrl(),
      thread,
    });
    const started = Date.now();
    expect(await interactions(signedInteraction(press), context())).toEqual({ statusCode: 200, body: '' });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(slack.views).toHaveLength(1);

    // Sent: answered at once (the modal closes), the work goes to the bus.
    const view = slack.views[0]?.view as Record<string, unknown>;
    const submission = modalSubmission({ view, user: MEMBER, reason: 'migration window, NET-42' });
    expect(await interactions(signedInteraction(submission), context())).toEqual({ statusCode: 200, body: '' });
    const [request] = putEntries();
    expect(request).toMatchObject({
      EventBusName: BUS,
      Source: 'podnet-guard.slack',
      DetailType: 'Slack Action Requested',
    });

    // The bus brings it back: stored with via: slack, announced as Finding Suppressed.
    expect(await interactions(delivered(request as PutEventsRequestEntry), context())).toEqual({
      status: 'done',
      action: 'suppress',
      findingId,
    });
    const stored = await createDynamoFindingStore({ client: db.client, tableName: TABLE }).get(findingId);
    expect(stored?.suppression).toEqual({
      by: `slack:${TEAM}/${MEMBER}`,
      via: 'slack',
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      reason: 'migration window, NET-42',
      until: expect.any(String),
    });
    const suppressionDays =
      (Date.parse(stored?.suppression?.until ?? '') - Date.parse(stored?.suppression?.at ?? '')) / 86_400_000;
    expect(suppressionDays).toBe(7);
    const announcement = putEntries().at(-1) as PutEventsRequestEntry;
    expect(announcement).toMatchObject({ Source: 'podnet-guard', DetailType: 'Finding Suppressed' });

    // The Slack delivery shows it in the finding's thread, and the parent loses its Suppress button.
    expect(await deliver(delivered(announcement), lambdaContext('podnet-guard-prod-DeliverSlack'))).toMatchObject({
      outcome: 'replied',
    });
    const reply = slack.messages.find((message) => message.threadTs === thread.ts);
    expect(reply?.text).toMatch(
      new RegExp(`^Suppressed by slack:${TEAM}/${MEMBER} until \\S+: migration window, NET-42`),
    );
    const updated = slack.parents.get(`${thread.channel}/${thread.ts}`);
    const buttons = updated?.blocks?.find((block) => block.block_id === SLACK_ACTIONS_BLOCK_ID) as {
      elements: { text: { text: string } }[];
    };
    expect(buttons.elements.map((button) => button.text.text)).toEqual(['Open fix PR', 'Re-evaluate now']);
    // The token and the signing secret were read once, and never reached Slack in a body.
    expect(secrets.commandCalls(GetSecretValueCommand).length).toBeLessThanOrEqual(2);
    expect(JSON.stringify(slack.messages)).not.toContain(SIGNING_SECRET);
  });

  it('refuses someone outside the user group with an ephemeral answer, and puts nothing on the bus', async () => {
    const before = putEntries().length;
    const press = buttonPress({
      action: 'reevaluate',
      findingId: dataStoreFinding().id,
      user: OUTSIDER,
      triggerId: slack.issueTrigger(),
      responseUrl: slack.responseUrl(),
      thread: { channel: 'C0ALERTS01', ts: '1764660001.000100' },
    });
    expect(await interactions(signedInteraction(press), context())).toEqual({ statusCode: 200, body: '' });
    expect(putEntries()).toHaveLength(before);
    expect(slack.responses.at(-1)?.body).toMatchObject({
      response_type: 'ephemeral',
      text: `Only members of the user group ${GROUP} may act on podnet-guard findings.`,
    });
  });

  it('answers 401 to a request not signed with the app signing secret', async () => {
    const event = signedInteraction({ type: 'block_actions' });
    event.headers['x-slack-signature'] = `v0=${'0'.repeat(64)}`;
    expect(await interactions(event, context())).toMatchObject({ statusCode: 401 });
  });
});
