/**
 * The Slack interactivity URL (a Lambda Function URL, auth NONE: Slack cannot sign with SigV4). Before anything else
 * the request's Slack signature is verified over the raw body; anything else is `401` and a log line without the body.
 * Then, within Slack's 3 s:
 * - a button from someone who may not act: an ephemeral refusal;
 * - "Suppress 7 days": the reason modal (`views.open` with the single-use `trigger_id`);
 * - "Re-evaluate now", "Open fix PR": the request is put on the findings bus and answered at once;
 * - the modal's submission: the suppression request is put on the bus, and the modal closes.
 * The work itself runs asynchronously (`handleSlackActionRequest`), and its result lands in the finding's thread.
 */
import { SLACK_ACTION_IDS } from '@podnet-guard/core';
import type { EventLogger } from '../observability.ts';
import type { SlackActionRequest } from './slack-actions.ts';
import {
  actorOf,
  type BlockActions,
  findingIdOf,
  messageTitleOf,
  parseInteraction,
  REASON_BLOCK_ID,
  suppressionOfSubmission,
  suppressModal,
  threadOfAction,
  type ViewSubmission,
} from './slack-interaction-payload.ts';
import type { SlackInteractivityApi } from './slack-interactivity-api.ts';
import { verifySlackSignature } from './slack-signature.ts';

/** A Lambda Function URL request (payload format 2.0), as far as it is read here. */
export interface FunctionUrlEvent {
  headers?: Record<string, string | undefined> | null;
  body?: string | null;
  isBase64Encoded?: boolean;
  requestContext?: { requestId?: string; http?: { method?: string } };
}

export interface FunctionUrlResult {
  statusCode: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface SlackInteractionDeps {
  signingSecret: string;
  api: SlackInteractivityApi;
  /** Whether a user may act; absent: anyone who can see the channel (no user group configured). */
  mayAct?: (userId: string) => Promise<boolean>;
  /** The user group, named in the refusal. */
  userGroup?: string | undefined;
  /** Puts the work on the findings bus (`Slack Action Requested`). */
  enqueue: (request: SlackActionRequest) => Promise<void>;
  logger: Pick<EventLogger, 'info' | 'warn' | 'error'>;
  now?: () => Date;
}

const ok = (): FunctionUrlResult => ({ statusCode: 200, body: '' });
const json = (statusCode: number, body: unknown): FunctionUrlResult => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/**
 * Answers one request to the interactivity URL. Never throws: Slack shows an error for anything but a timely 200.
 *
 * @example
 * export const handler = (event) => handleSlackInteraction(event, deps);
 */
export async function handleSlackInteraction(raw: unknown, deps: SlackInteractionDeps): Promise<FunctionUrlResult> {
  const event = (typeof raw === 'object' && raw !== null ? raw : {}) as FunctionUrlEvent;
  const requestId = event.requestContext?.requestId;
  const text = typeof event.body === 'string' ? event.body : '';
  const rawBody = event.isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8');
  const now = deps.now?.() ?? new Date();
  const check = verifySlackSignature({
    signingSecret: deps.signingSecret,
    headers: event.headers,
    rawBody,
    nowSeconds: Math.floor(now.getTime() / 1000),
  });
  if (!check.ok) {
    deps.logger.warn('slack request refused: signature', { reason: check.reason, requestId });
    return json(401, { error: 'unauthorized' });
  }
  try {
    const interaction = parseInteraction(rawBody.toString('utf8'));
    if (interaction.kind === 'block_actions') return await answerButton(interaction.payload, now, deps);
    if (interaction.kind === 'view_submission') return await answerSubmission(interaction.payload, now, deps);
    deps.logger.info('slack interaction ignored', { reason: interaction.reason, requestId });
    return ok();
  } catch (error) {
    deps.logger.error('slack interaction failed', { error: describe(error), requestId });
    return ok();
  }
}

/** A refusal's words: who may act instead. */
function refusal(deps: SlackInteractionDeps): string {
  return `Only members of the user group ${deps.userGroup ?? ''} may act on podnet-guard findings.`;
}

async function mayAct(userId: string, deps: SlackInteractionDeps): Promise<boolean> {
  if (!deps.mayAct) return true;
  try {
    return await deps.mayAct(userId);
  } catch (error) {
    // Membership unknown (Slack down, usergroups:read missing): refuse rather than let anyone act.
    deps.logger.error('slack user group could not be read', { error: describe(error) });
    return false;
  }
}

async function tell(payload: BlockActions, text: string, deps: SlackInteractionDeps): Promise<void> {
  if (!payload.response_url) return;
  try {
    await deps.api.respondEphemeral(payload.response_url, text);
  } catch (error) {
    deps.logger.warn('slack ephemeral answer failed', { error: describe(error) });
  }
}

async function answerButton(payload: BlockActions, now: Date, deps: SlackInteractionDeps): Promise<FunctionUrlResult> {
  const action = payload.actions[0];
  const findingId = findingIdOf(action?.value);
  const thread = threadOfAction(payload);
  const name = (Object.keys(SLACK_ACTION_IDS) as (keyof typeof SLACK_ACTION_IDS)[]).find(
    (key) => SLACK_ACTION_IDS[key] === action?.action_id,
  );
  if (!name || !findingId || !thread) {
    deps.logger.info('slack interaction ignored', { reason: 'not a podnet-guard button' });
    return ok();
  }
  const by = actorOf(payload);
  if (!(await mayAct(payload.user.id, deps))) {
    deps.logger.info('slack action refused: not in the user group', { by, action: name, findingId });
    await tell(payload, refusal(deps), deps);
    return ok();
  }
  if (name === 'suppress') {
    try {
      const title = messageTitleOf(payload) ?? findingId;
      await deps.api.openView(payload.trigger_id, suppressModal({ id: findingId, title }, thread));
      deps.logger.info('slack suppression modal opened', { by, findingId });
    } catch (error) {
      deps.logger.warn('slack modal not opened', { by, findingId, error: describe(error) });
      await tell(payload, 'The suppression form could not be opened in time; press the button again.', deps);
    }
    return ok();
  }
  const requested = name === 'reevaluate' ? 'reevaluate' : 'fix-pull-request';
  try {
    await deps.enqueue({ action: requested, findingId, by, user: payload.user.id, at: now.toISOString(), thread });
  } catch (error) {
    deps.logger.error('slack action not requested', { by, action: requested, findingId, error: describe(error) });
    await tell(payload, 'The request could not be recorded just now; press the button again.', deps);
    return ok();
  }
  deps.logger.info('slack action requested', { by, action: requested, findingId });
  return ok();
}

async function answerSubmission(
  payload: ViewSubmission,
  now: Date,
  deps: SlackInteractionDeps,
): Promise<FunctionUrlResult> {
  const submitted = suppressionOfSubmission(payload);
  if (!submitted) {
    deps.logger.info('slack interaction ignored', { reason: 'not the suppression modal' });
    return ok();
  }
  const errors = (message: string) => json(200, { response_action: 'errors', errors: { [REASON_BLOCK_ID]: message } });
  const by = actorOf(payload);
  if (!(await mayAct(payload.user.id, deps))) {
    deps.logger.info('slack action refused: not in the user group', { by, action: 'suppress' });
    return errors(refusal(deps));
  }
  if (submitted.reason.length < 3 || submitted.reason.length > 500) {
    return errors('Give a reason of 3 to 500 characters.');
  }
  const { findingId, thread, reason } = submitted;
  try {
    await deps.enqueue({
      action: 'suppress',
      findingId,
      by,
      user: payload.user.id,
      at: now.toISOString(),
      thread,
      reason,
    });
  } catch (error) {
    deps.logger.error('slack suppression not requested', { by, findingId, error: describe(error) });
    return errors('The suppression could not be recorded just now; send it again.');
  }
  deps.logger.info('slack action requested', { by, action: 'suppress', findingId });
  return ok();
}

function describe(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error).slice(0, 200) };
  return { name: error.name, message: error.message.slice(0, 200), code: (error as { code?: unknown }).code };
}
