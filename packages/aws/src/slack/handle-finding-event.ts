/**
 * The Slack consumer of the findings bus: one `Finding Opened|Worsened|Resolved` event in, one Slack delivery out.
 * It runs apart from the CloudTrail hot path. A malformed event is rejected with a reason and not retried; a failure
 * Slack may get over (429, 5xx, network) throws so Lambda retries it, and past its retries the event lands in the
 * failure queue (an operations alarm); a refused token or webhook throws too, so the alarm says Slack is cut off.
 */
import type { Severity, SlackConfig, SlackEvent } from '@podnet-guard/core';
import { SEVERITIES, safeParseSchema } from '@podnet-guard/core';
import * as z from 'zod/mini';
import { FINDING_DETAIL_TYPES, FINDING_EVENT_SOURCE, SUPPRESSION_DETAIL_TYPES } from '../bus.ts';
import type { EventLogger } from '../observability.ts';
import { deliverSlackDigest, deliverToSlack, type SlackOutcome, type SlackStateStore } from './deliver-slack.ts';
import { SlackDeliveryError, type SlackSink } from './slack-sink.ts';

/** The Slack event kind of each findings-bus detail type: transitions, and suppressions made through the API. */
const KIND_OF_DETAIL_TYPE = Object.fromEntries(
  Object.entries({ ...FINDING_DETAIL_TYPES, ...SUPPRESSION_DETAIL_TYPES }).map(([kind, detailType]) => [
    detailType,
    kind,
  ]),
) as Record<string, SlackEvent['kind']>;

/** What Slack rendering reads of the event's finding; the rest of the finding is passed through as is. */
const FindingEventSchema = z.object({
  source: z.literal(FINDING_EVENT_SOURCE),
  'detail-type': z.enum(Object.keys(KIND_OF_DETAIL_TYPE) as [string, ...string[]]),
  time: z.optional(z.string()),
  detail: z.object({
    dedupeKey: z.string().check(z.regex(/#\d+$/)),
    previousSeverity: z.optional(z.enum(SEVERITIES)),
    /** Suppressions: who acted, and the suppression itself. */
    by: z.optional(z.string()),
    suppression: z.optional(z.object({ reason: z.string(), until: z.string() })),
    finding: z.looseObject({
      id: z.string().check(z.minLength(1)),
      detector: z.string(),
      rule: z.string(),
      severity: z.enum(SEVERITIES),
      status: z.enum(['open', 'resolved', 'suppressed']),
      title: z.string(),
      summary: z.string(),
      account: z.string(),
      region: z.string(),
      clusters: z.array(z.string()),
      resources: z.array(z.object({ type: z.string(), id: z.string() })),
      evidence: z.record(z.string(), z.unknown()),
      recommendation: z.object({ text: z.string(), links: z.array(z.object({ title: z.string(), url: z.string() })) }),
      firstSeen: z.string(),
      lastSeen: z.string(),
    }),
  }),
});

/** A rate limit asking to wait this long or less is waited out once; a longer one is left to the retries. */
export const RETRY_AFTER_WAIT_MAX_SECONDS = 10;

/** `deliverToSlack`, waiting out one short 429 (`Retry-After`) as Slack asks, within the function's time. */
async function deliverHonouringRetryAfter(
  delivery: Parameters<typeof deliverToSlack>[0],
  deps: SlackHandlerDeps,
): Promise<SlackOutcome> {
  try {
    return await deliverToSlack(delivery, deps);
  } catch (error) {
    const wait =
      error instanceof SlackDeliveryError && error.kind === 'rate-limited' ? error.retryAfterSeconds : undefined;
    if (wait === undefined || wait > RETRY_AFTER_WAIT_MAX_SECONDS) throw error;
    deps.logger.warn('slack rate limit: waiting as Retry-After asks', { retryAfterSeconds: wait });
    await new Promise((resolve) => setTimeout(resolve, wait * 1000));
    return deliverToSlack(delivery, deps);
  }
}

export type SlackHandlerResult =
  | { status: 'delivered'; findingId: string; outcome: SlackOutcome }
  | { status: 'digest'; listed: Record<string, number> }
  | { status: 'rejected'; reason: string };

/** The hourly schedule's event (EventBridge `Scheduled Event`): it posts the digest of low and info findings. */
const ScheduledEventSchema = z.object({
  source: z.literal('aws.events'),
  'detail-type': z.literal('Scheduled Event'),
  time: z.string(),
});

const DIGEST_PERIOD_MS = 3600_000;

export interface SlackHandlerDeps {
  sink: SlackSink;
  config: SlackConfig;
  state: SlackStateStore;
  /** Buttons on parent messages (Slack interactivity on); absent: none. */
  buttons?: { fixPullRequest: boolean };
  logger: Pick<EventLogger, 'info' | 'warn' | 'error'>;
}

/**
 * Handles one findings-bus event.
 *
 * @example
 * await handleFindingEventForSlack(eventBridgeEvent, { sink, config, state, logger }); // { status: 'delivered', … }
 */
export async function handleFindingEventForSlack(event: unknown, deps: SlackHandlerDeps): Promise<SlackHandlerResult> {
  const scheduled = safeParseSchema(ScheduledEventSchema, event);
  if (scheduled.success) {
    const until = new Date(Date.parse(scheduled.data.time) || Date.now());
    const since = new Date(until.getTime() - DIGEST_PERIOD_MS);
    const listed = await deliverSlackDigest(deps, { since: since.toISOString(), until: until.toISOString() });
    deps.logger.info('slack digest', { listed });
    return { status: 'digest', listed };
  }
  const parsed = safeParseSchema(FindingEventSchema, event);
  if (!parsed.success) {
    const reason = parsed.error.issues
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ');
    deps.logger.warn('finding event rejected', { reason });
    return { status: 'rejected', reason };
  }
  const { detail } = parsed.data;
  const finding = detail.finding as unknown as Parameters<typeof deliverToSlack>[0]['finding'];
  const version = Number(detail.dedupeKey.slice(detail.dedupeKey.lastIndexOf('#') + 1));
  const kind = KIND_OF_DETAIL_TYPE[parsed.data['detail-type']] ?? 'opened';
  const slackEvent: SlackEvent = {
    kind,
    at: parsed.data.time ?? finding.lastSeen,
    ...(detail.previousSeverity ? { previousSeverity: detail.previousSeverity as Severity } : {}),
    ...(detail.by ? { by: detail.by } : {}),
    ...(kind === 'suppressed' && detail.suppression
      ? { reason: detail.suppression.reason, until: detail.suppression.until }
      : {}),
  };
  try {
    const outcome = await deliverHonouringRetryAfter({ finding, version, event: slackEvent }, deps);
    deps.logger.info('slack delivery', { findingId: finding.id, version, outcome });
    return { status: 'delivered', findingId: finding.id, outcome };
  } catch (error) {
    if (error instanceof SlackDeliveryError) {
      const log = error.kind === 'auth' || error.kind === 'invalid' ? deps.logger.error : deps.logger.warn;
      log.call(deps.logger, 'slack delivery failed', {
        findingId: finding.id,
        version,
        kind: error.kind,
        code: error.code,
        retryAfterSeconds: error.retryAfterSeconds,
      });
    }
    throw error;
  }
}
