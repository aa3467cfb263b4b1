/**
 * One finding's fix pull request through its life, the way Dependabot and Renovate keep theirs: one branch and one
 * pull request per finding (`podnet-guard/<finding-id>`), found again by the branch. Opened: the change is committed
 * on the base and the pull request opened (a racing invocation's branch or pull request is adopted, never
 * duplicated). Worsened or requested again: the change is rebuilt on the current base, pushed when it differs, and
 * commented. Resolved: a comment, the pull request closed, the branch deleted. A branch whose head is not the commit
 * podnet-guard recorded carries someone else's commits: never force-pushed or closed; a comment says why.
 */
import {
  type Finding,
  type PullRequestEvent,
  type RemediationConfig,
  type RemediationOutcome,
  type RemediationPullRequest,
  type RemediationTrigger,
  severityAtLeast,
} from '@podnet-guard/core';
import { type Forge, findingBranch, type PullRequest, type RepositoryRef, repositoryRef } from './forge.ts';
import { capDiff, type PlannedChange, planChange } from './plan-change.ts';
import { COMMENTS, pullRequestBody, pullRequestTitle } from './pull-request-text.ts';

export interface RemediationRun {
  finding: Finding;
  trigger: RemediationTrigger;
  config: RemediationConfig;
  /** Read at every run: engaged, nothing is opened or changed. */
  killSwitch: () => Promise<{ engaged: boolean; reason: string }>;
  /** ISO time of the run. */
  now: string;
}

/** Runs the finding's remediation per the config's mode; every outcome is for the caller to announce. */
export async function runRemediation(forge: Forge, run: RemediationRun): Promise<RemediationOutcome> {
  const { finding, trigger, config } = run;
  if (config.mode === 'off') return { kind: 'skipped', reason: 'remediation mode is off' };
  const recorded = finding.remediation?.pullRequest;
  if (trigger === 'resolved') {
    if (recorded?.state !== 'open') return { kind: 'skipped', reason: 'no open pull request to close' };
    const halt = await run.killSwitch();
    if (halt.engaged) return { kind: 'refused', reason: halt.reason, candidates: [] };
    return closeResolved(forge, findingBranch(finding.id), recorded, run.now);
  }
  if (!finding.remediation) return { kind: 'skipped', reason: 'the finding carries no remediation' };
  if (trigger !== 'requested' && !severityAtLeast(finding.severity, config.minimumSeverity))
    return { kind: 'skipped', reason: `severity ${finding.severity} is below ${config.minimumSeverity}` };
  const halt = await run.killSwitch();
  if (halt.engaged) return { kind: 'refused', reason: halt.reason, candidates: [] };
  const planned = await planChange(forge, config, finding);
  if (planned.kind === 'refused') return planned;
  if (planned.kind === 'already-done')
    return { kind: 'skipped', reason: `${planned.repository} already holds the planned values` };
  if (config.mode === 'dry-run') {
    const { diff, truncated } = capDiff(planned.diff);
    return {
      kind: 'planned',
      repository: planned.target.repository,
      baseBranch: planned.target.baseBranch,
      diff,
      diffTruncated: truncated,
      paths: [...planned.files.keys()],
    };
  }
  return upsertPullRequest(forge, run, planned);
}

function record(repository: RepositoryRef, pull: PullRequest, headSha = pull.headSha): RemediationPullRequest {
  return {
    url: pull.url,
    number: pull.number,
    state: pull.state,
    headSha,
    repository: `${repository.owner}/${repository.repo}`,
  };
}

/** Commits the change on the base and opens, adopts or updates the finding's pull request. */
async function upsertPullRequest(forge: Forge, run: RemediationRun, planned: PlannedChange) {
  const { finding } = run;
  const { repository, snapshot, target } = planned;
  const branch = findingBranch(finding.id);
  const title = pullRequestTitle(finding);
  const body = pullRequestBody(finding, planned.changes, target.baseBranch);
  const commit = await forge.commit(repository, {
    parentSha: snapshot.commitSha,
    baseTreeSha: snapshot.treeSha,
    files: planned.files,
    message: `${title}\n\nFinding ${finding.id}: ${planned.changes.map((change) => change.path).join(', ')}`,
  });
  const { labels, reviewers } = run.config;
  const newPullRequest = { head: branch, base: target.baseBranch, title, body, labels, reviewers };
  const head = await forge.branchHead(repository, branch);
  if (!head) {
    const created = await forge.createBranch(repository, branch, commit.sha);
    // Lost the race for the branch: the winner pushed the same change; open its pull request if it has not yet.
    const pull = await forge.openPullRequest(repository, newPullRequest);
    return pullRequestOutcome('opened', record(repository, pull, created.headSha));
  }
  const recorded = run.finding.remediation?.pullRequest;
  const existing = await forge.findPullRequest(repository, branch);
  if (recorded && recorded.headSha !== head) {
    const left = existing ?? { number: recorded.number, url: recorded.url, state: recorded.state, headSha: head };
    if (left.state === 'open') await forge.comment(repository, left.number, COMMENTS.foreign(head));
    return {
      kind: 'left-alone' as const,
      reason: COMMENTS.foreign(head),
      pullRequest: record(repository, { ...left, title }, head),
    };
  }
  const headTree = (await forge.readCommit(repository, head)).treeSha;
  const changed = headTree !== commit.treeSha;
  if (changed) await forge.moveBranch(repository, branch, commit.sha, true);
  const headSha = changed ? commit.sha : head;
  if (existing?.state !== 'open') {
    const pull = await forge.openPullRequest(repository, newPullRequest);
    return pullRequestOutcome('opened', record(repository, pull, headSha));
  }
  await forge.updatePullRequest(repository, existing.number, { title, body });
  if (run.trigger === 'worsened') await forge.comment(repository, existing.number, COMMENTS.worsened(finding));
  else if (changed) await forge.comment(repository, existing.number, COMMENTS.rebuilt());
  return pullRequestOutcome('updated', record(repository, existing, headSha));
}

function pullRequestOutcome(event: PullRequestEvent, pullRequest: RemediationPullRequest): RemediationOutcome {
  return { kind: 'pull-request', event, pullRequest };
}

/** Resolved: close with a comment and delete the branch, unless someone else's commits are on it. */
async function closeResolved(forge: Forge, branch: string, recorded: RemediationPullRequest, now: string) {
  const repository = repositoryRef(recorded.repository);
  const pull = await forge.findPullRequest(repository, branch);
  if (pull?.state !== 'open')
    return { kind: 'skipped' as const, reason: `pull request #${recorded.number} is no longer open` };
  if (pull.headSha !== recorded.headSha) {
    await forge.comment(repository, pull.number, COMMENTS.foreign(pull.headSha));
    return {
      kind: 'left-alone' as const,
      reason: COMMENTS.foreign(pull.headSha),
      pullRequest: record(repository, pull),
    };
  }
  await forge.comment(repository, pull.number, COMMENTS.resolved(now));
  await forge.closePullRequest(repository, pull.number);
  await forge.deleteBranch(repository, branch);
  return pullRequestOutcome('closed', { ...record(repository, pull), state: 'closed' });
}
