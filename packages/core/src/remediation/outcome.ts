/**
 * What one run of the deployed remediation did for a finding, and the findings-bus event that announces it. Pure
 * types and mapping: the forge package produces outcomes, packages/aws announces and records them.
 */
import type { RemediationPullRequest } from '../types/finding.ts';

/** What started a run: a finding transition on the bus, or a person's request (the Slack "Open fix PR" button). */
export type RemediationTrigger = 'opened' | 'worsened' | 'resolved' | 'requested';

export interface RefusedCandidate {
  repository: string;
  path: string;
  line: number;
}

export type PullRequestEvent = 'opened' | 'updated' | 'closed';

export type RemediationOutcome =
  | { kind: 'skipped'; reason: string }
  | { kind: 'refused'; reason: string; candidates: RefusedCandidate[] }
  | { kind: 'planned'; repository: string; baseBranch: string; diff: string; diffTruncated: boolean; paths: string[] }
  | { kind: 'pull-request'; event: PullRequestEvent; pullRequest: RemediationPullRequest }
  | { kind: 'left-alone'; reason: string; pullRequest: RemediationPullRequest };

/** The findings-bus detail types of remediation announcements. */
export const REMEDIATION_DETAIL_TYPES = {
  planned: 'Remediation Planned',
  refused: 'Remediation Refused',
  opened: 'Pull Request Opened',
  updated: 'Pull Request Updated',
  closed: 'Pull Request Closed',
} as const;

/**
 * The detail type announcing an outcome, or undefined for one that changes nothing worth telling (skipped, or a
 * pull request left alone, whose comment on GitHub already says why).
 *
 * @example remediationDetailType({ kind: 'refused', reason: 'r', candidates: [] }); // 'Remediation Refused'
 */
export function remediationDetailType(outcome: RemediationOutcome): string | undefined {
  switch (outcome.kind) {
    case 'planned':
      return REMEDIATION_DETAIL_TYPES.planned;
    case 'refused':
      return REMEDIATION_DETAIL_TYPES.refused;
    case 'pull-request':
      return REMEDIATION_DETAIL_TYPES[outcome.event];
    default:
      return undefined;
  }
}
