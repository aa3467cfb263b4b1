/**
 * The remediate function's work for one findings-bus event, off the CloudTrail hot path: `Finding Opened|Worsened|
 * Resolved` and `Remediation Requested` (the Slack "Open fix PR" button) run the finding's remediation (the forge
 * lifecycle, injected); the outcome is announced as its own event on the bus and the alerts topic
 * (`Remediation Planned|Refused`, `Pull Request Opened|Updated|Closed`), and a pull request is recorded on the stored
 * finding (`remediation.pullRequest`). Any other event, or one that does not parse, is ignored, never a crash.
 */
import {
  type FindingStore,
  type RemediationOutcome,
  type RemediationTrigger,
  remediationDetailType,
  type StoredFinding,
  safeParseSchema,
} from '@podnet-guard/core';
import * as z from 'zod/mini';

const TRIGGERS: Record<string, RemediationTrigger> = {
  'Finding Opened': 'opened',
  'Finding Worsened': 'worsened',
  'Finding Resolved': 'resolved',
  'Remediation Requested': 'requested',
};

const FindingId = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,128}$/));
const EventSchema = z.object({
  source: z.literal('podnet-guard'),
  'detail-type': z.string(),
  detail: z.object({
    finding: z.optional(z.object({ id: FindingId })),
    findingId: z.optional(FindingId),
    by: z.optional(z.string().check(z.maxLength(200))),
  }),
});

export interface RemediationEventDeps {
  store: Pick<FindingStore, 'get' | 'recordPullRequest'>;
  /** Runs the finding's remediation (packages/forge `runRemediation` with the configured forge). */
  run: (finding: StoredFinding, trigger: RemediationTrigger) => Promise<RemediationOutcome>;
  /** Puts one announcement on the findings bus and the alerts topic. */
  announce: (detailType: string, detail: Record<string, unknown>) => Promise<void>;
}

export type RemediationEventResult =
  | { status: 'ignored'; reason: string }
  | { status: 'done'; findingId: string; trigger: RemediationTrigger; outcome: RemediationOutcome['kind'] };

/** Handles one findings-bus event; see the file comment. */
export async function handleRemediationEvent(
  event: unknown,
  deps: RemediationEventDeps,
): Promise<RemediationEventResult> {
  const parsed = safeParseSchema(EventSchema, event);
  if (!parsed.success) return { status: 'ignored', reason: 'not a podnet-guard findings-bus event' };
  const trigger = TRIGGERS[parsed.data['detail-type']];
  if (!trigger) return { status: 'ignored', reason: `${parsed.data['detail-type']} is not a remediation trigger` };
  const findingId = parsed.data.detail.finding?.id ?? parsed.data.detail.findingId;
  if (!findingId) return { status: 'ignored', reason: 'the event names no finding' };
  // The stored record, not the event's copy: it carries the pull request recorded by earlier runs.
  const finding = await deps.store.get(findingId);
  if (!finding) return { status: 'ignored', reason: `no finding ${findingId}` };
  const outcome = await deps.run(finding, trigger);
  if (outcome.kind === 'pull-request' || outcome.kind === 'left-alone')
    await deps.store.recordPullRequest(findingId, outcome.pullRequest);
  const detailType = remediationDetailType(outcome);
  if (detailType) {
    const { kind: _kind, ...fields } = outcome;
    const by = trigger === 'requested' ? parsed.data.detail.by : undefined;
    await deps.announce(detailType, {
      findingId,
      trigger,
      ...(by ? { requestedBy: by } : {}),
      severity: finding.severity,
      clusters: finding.clusters,
      ...fields,
    });
  }
  return { status: 'done', findingId, trigger, outcome: outcome.kind };
}
