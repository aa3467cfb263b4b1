/**
 * The work behind a Slack button, run asynchronously: the interactivity URL puts a `Slack Action Requested` event on
 * the findings bus and answers Slack at once; a rule on the bus brings it back to the Slack interactions function,
 * which does the work here and posts the result in the finding's thread:
 * - `suppress`: the suppression is stored (`by: slack:T…/U…`, `via: slack`, `at`, the reason, 7 days) and announced as
 *   `Finding Suppressed`, which the Slack delivery shows in the thread like any other suppression;
 * - `reevaluate`: the finding's clusters are evaluated now; the reply says whether it is still open;
 * - `fix-pull-request`: a `Remediation Requested` event for the pull-request remediation.
 */
import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { type FindingStore, type StoredFinding, safeParseSchema } from '@podnet-guard/core';
import * as z from 'zod/mini';
import type { SuppressionAnnouncement } from '../api/index.ts';
import { BusPublishError, FINDING_EVENT_SOURCE } from '../bus.ts';
import type { EventLogger } from '../observability.ts';
import { SLACK_SUPPRESS_DAYS, slackNote, type ThreadOf } from './slack-interaction-payload.ts';
import type { SlackAppSink } from './slack-sink.ts';

/** The findings-bus event of a requested action (the Slack function's own rule takes it). */
export const SLACK_ACTION_EVENT_SOURCE = 'podnet-guard.slack';
export const SLACK_ACTION_DETAIL_TYPE = 'Slack Action Requested';
/** The findings-bus event asking for a finding's fix pull request (`source: podnet-guard`). */
export const REMEDIATION_REQUESTED_DETAIL_TYPE = 'Remediation Requested';

const SlackActionRequestSchema = z.object({
  action: z.enum(['suppress', 'reevaluate', 'fix-pull-request']),
  findingId: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,128}$/)),
  by: z.string().check(z.regex(/^slack:[TE][A-Z0-9?]+\/[UW][A-Z0-9]+$/)),
  user: z.string().check(z.regex(/^[UW][A-Z0-9]{2,}$/)),
  at: z.iso.datetime({ offset: true }),
  thread: z.object({ channel: z.string(), ts: z.string() }),
  reason: z.optional(z.string().check(z.minLength(3), z.maxLength(500))),
});
export type SlackActionRequest = z.infer<typeof SlackActionRequestSchema>;

/** Puts one action request on the findings bus. */
export async function putSlackActionRequest(
  client: EventBridgeClient,
  busName: string,
  request: SlackActionRequest,
): Promise<void> {
  const detail = JSON.stringify(request);
  const response = await client.send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: busName,
          Source: SLACK_ACTION_EVENT_SOURCE,
          DetailType: SLACK_ACTION_DETAIL_TYPE,
          Detail: detail,
        },
      ],
    }),
  );
  const failed = (response.Entries ?? []).find((entry) => entry.ErrorCode);
  if (failed) throw new BusPublishError([{ findingId: request.findingId, code: failed.ErrorCode ?? 'unknown' }]);
}

/** Puts `Remediation Requested` for a finding on the findings bus (the pull-request function subscribes to it). */
export async function putRemediationRequest(
  client: EventBridgeClient,
  busName: string,
  request: { findingId: string; by: string; via: 'slack'; at: string },
): Promise<void> {
  const response = await client.send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: busName,
          Source: FINDING_EVENT_SOURCE,
          DetailType: REMEDIATION_REQUESTED_DETAIL_TYPE,
          Detail: JSON.stringify(request),
        },
      ],
    }),
  );
  const failed = (response.Entries ?? []).find((entry) => entry.ErrorCode);
  if (failed) throw new BusPublishError([{ findingId: request.findingId, code: failed.ErrorCode ?? 'unknown' }]);
}

export interface SlackActionDeps {
  store: FindingStore;
  /** Posts the result in the finding's thread. */
  sink: Pick<SlackAppSink, 'reply'>;
  /** `Finding Suppressed` on the findings bus: the Slack delivery replies in the thread and updates the parent. */
  announceSuppression: (announcement: SuppressionAnnouncement) => Promise<void>;
  /**
   * Evaluates the finding's clusters and detector now (records and publishes transitions as any evaluation); says
   * whether the evaluation still showed the finding.
   */
  reevaluate: (finding: StoredFinding, now: string) => Promise<{ stillShown: boolean }>;
  requestRemediation: (request: { findingId: string; by: string; via: 'slack'; at: string }) => Promise<void>;
  logger: Pick<EventLogger, 'info' | 'warn' | 'error'>;
  now?: () => Date;
}

export type SlackActionOutcome =
  | { status: 'done'; action: SlackActionRequest['action']; findingId: string }
  | { status: 'duplicate' | 'not-found'; findingId: string }
  | { status: 'rejected'; reason: string };

/** Whether an EventBridge event is a Slack action request (rather than a Function URL request). */
export function isSlackActionEvent(event: unknown): boolean {
  const value = event as { source?: unknown; 'detail-type'?: unknown } | null;
  return value?.source === SLACK_ACTION_EVENT_SOURCE && value['detail-type'] === SLACK_ACTION_DETAIL_TYPE;
}

/**
 * Does one requested action. A malformed event is rejected and not retried; a failure to store, evaluate or post
 * throws, so EventBridge's retry policy (and then the dead-letter queue) takes over.
 */
export async function handleSlackActionRequest(event: unknown, deps: SlackActionDeps): Promise<SlackActionOutcome> {
  const parsed = safeParseSchema(SlackActionRequestSchema, (event as { detail?: unknown } | null)?.detail);
  if (!parsed.success) {
    const reason = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    deps.logger.warn('slack action rejected', { reason: reason.join('; ') });
    return { status: 'rejected', reason: reason.join('; ') };
  }
  const request = parsed.data;
  const stored = await deps.store.get(request.findingId);
  if (!stored) {
    await reply(request.thread, `Finding ${request.findingId} is no longer stored; nothing was done.`, request, deps);
    return { status: 'not-found', findingId: request.findingId };
  }
  switch (request.action) {
    case 'suppress':
      return suppress(stored, request, deps);
    case 'reevaluate':
      return reevaluate(stored, request, deps);
    case 'fix-pull-request':
      return requestFix(stored, request, deps);
  }
}

async function reply(thread: ThreadOf, text: string, request: SlackActionRequest, deps: SlackActionDeps) {
  await deps.sink.reply(thread, slackNote(text, request.user));
}

async function suppress(
  stored: StoredFinding,
  request: SlackActionRequest,
  deps: SlackActionDeps,
): Promise<SlackActionOutcome> {
  const previous = stored.suppression;
  // EventBridge delivers at least once: the same request (same person, time and reason) is stored once.
  if (previous?.by === request.by && previous.at === request.at && previous.reason === request.reason) {
    return { status: 'duplicate', findingId: stored.id };
  }
  if (stored.status === 'resolved') {
    await reply(request.thread, 'This finding is resolved already; nothing to suppress.', request, deps);
    return { status: 'done', action: 'suppress', findingId: stored.id };
  }
  const until = new Date(Date.parse(request.at) + SLACK_SUPPRESS_DAYS * 24 * 3600 * 1000).toISOString();
  const reason = request.reason ?? 'suppressed from Slack';
  const suppressed = await deps.store.suppress(stored.id, {
    reason,
    until,
    by: request.by,
    via: 'slack',
    at: request.at,
  });
  if (!suppressed) return { status: 'not-found', findingId: stored.id };
  deps.logger.info('finding suppressed', { id: stored.id, by: request.by, via: 'slack', until });
  await deps.announceSuppression({ kind: 'suppressed', finding: suppressed, by: request.by, at: request.at });
  return { status: 'done', action: 'suppress', findingId: stored.id };
}

async function reevaluate(
  stored: StoredFinding,
  request: SlackActionRequest,
  deps: SlackActionDeps,
): Promise<SlackActionOutcome> {
  const now = (deps.now?.() ?? new Date()).toISOString();
  const { stillShown } = await deps.reevaluate(stored, now);
  const after = (await deps.store.get(stored.id)) ?? stored;
  const state =
    after.status === 'resolved'
      ? 'it is gone: resolved.'
      : !stillShown
        ? 'the account no longer shows it; it is resolved once it stays gone past the grace period (AWS reads can lag a change).'
        : `it is still ${after.status === 'suppressed' ? 'allow-listed' : 'open'} (${after.severity}).`;
  await reply(request.thread, `Re-evaluated now, as asked: ${state}`, request, deps);
  deps.logger.info('finding re-evaluated', { id: stored.id, by: request.by, status: after.status });
  return { status: 'done', action: 'reevaluate', findingId: stored.id };
}

async function requestFix(
  stored: StoredFinding,
  request: SlackActionRequest,
  deps: SlackActionDeps,
): Promise<SlackActionOutcome> {
  if (!stored.remediation) {
    await reply(
      request.thread,
      'This finding has no machine-readable fix; no pull request was requested.',
      request,
      deps,
    );
    return { status: 'done', action: 'fix-pull-request', findingId: stored.id };
  }
  await deps.requestRemediation({ findingId: stored.id, by: request.by, via: 'slack', at: request.at });
  await reply(request.thread, 'A fix pull request was requested; it is linked here once opened.', request, deps);
  deps.logger.info('fix pull request requested', { id: stored.id, by: request.by });
  return { status: 'done', action: 'fix-pull-request', findingId: stored.id };
}
