/**
 * The change for one finding, planned against the configured repositories read through the forge: the first
 * repository whose code owns the resource and yields an edit wins; refusals from every repository are kept so a
 * `Remediation Refused` can name the reasons and the candidates.
 */
import {
  type Finding,
  type RefusedCandidate,
  type RemediationConfig,
  type RemediationRepository,
  repositoriesFor,
} from '@podnet-guard/core';
import { type ChangeEntry, type RemediationReport, remediate } from '@podnet-guard/remediate';
import { type BranchSnapshot, type Forge, ForgeError, type RepositoryRef, repositoryRef } from './forge.ts';
import { remoteRepo } from './remote-repo.ts';

/** A change ready to commit: where, on which base commit, the files and their diff. */
export interface PlannedChange {
  kind: 'change';
  target: RemediationRepository;
  repository: RepositoryRef;
  snapshot: BranchSnapshot;
  files: ReadonlyMap<string, string>;
  changes: ChangeEntry[];
  diff: string;
}

export type ChangeOutcome =
  | PlannedChange
  | { kind: 'already-done'; repository: string }
  | { kind: 'refused'; reason: string; candidates: RefusedCandidate[] };

/** Plans the finding's change across its repositories; a forge failure other than a truncated tree is thrown. */
export async function planChange(forge: Forge, config: RemediationConfig, finding: Finding): Promise<ChangeOutcome> {
  const targets = repositoriesFor(config, finding);
  if (targets.length === 0)
    return {
      kind: 'refused',
      reason: `no repository is configured for account ${finding.account} and clusters ${finding.clusters.join(', ') || '(none)'}`,
      candidates: [],
    };
  const reasons: string[] = [];
  const candidates: RefusedCandidate[] = [];
  for (const target of targets) {
    const repository = repositoryRef(target.repository);
    let snapshot: BranchSnapshot;
    try {
      snapshot = await forge.snapshot(repository, target.baseBranch, target.paths);
    } catch (error) {
      if (!(error instanceof ForgeError && error.code === 'tree-truncated')) throw error;
      reasons.push(`${target.repository}: ${error.message}`);
      continue;
    }
    const report = await remediate(finding, remoteRepo(forge, repository, snapshot));
    if (report.changes.length > 0) return changeOf(target, repository, snapshot, report);
    if (report.alreadyDone.length > 0) return { kind: 'already-done', repository: target.repository };
    for (const refused of report.refused) {
      reasons.push(`${target.repository}: ${refused.reason}`);
      candidates.push(...refused.candidates.map((c) => ({ repository: target.repository, ...c })));
    }
    for (const unsupported of report.unsupported) reasons.push(`${target.repository}: ${unsupported.reason}`);
  }
  return { kind: 'refused', reason: reasons.join('; ') || 'no repository owns the resource', candidates };
}

function changeOf(
  target: RemediationRepository,
  repository: RepositoryRef,
  snapshot: BranchSnapshot,
  report: RemediationReport,
): PlannedChange {
  return {
    kind: 'change',
    target,
    repository,
    snapshot,
    files: report.files,
    changes: report.changes,
    diff: report.diff,
  };
}

/** The most diff lines an announcement carries. */
export const MAX_DIFF_LINES = 200;

/**
 * A diff cut to `MAX_DIFF_LINES` lines, saying how many were left out.
 *
 * @example capDiff(diff).truncated; // false for a short diff
 */
export function capDiff(diff: string, max = MAX_DIFF_LINES): { diff: string; truncated: boolean } {
  const lines = diff.replace(/\n$/, '').split('\n');
  if (lines.length <= max) return { diff, truncated: false };
  return { diff: `${lines.slice(0, max).join('\n')}\n… ${lines.length - max} more lines\n`, truncated: true };
}
