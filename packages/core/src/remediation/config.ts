/**
 * The `remediation:` section of the guard config: where the code that owns each account's and cluster's resources
 * lives, and what the deployed `remediate` function may do with it (`off`, `dry-run`, `pull-request`).
 */
import * as z from 'zod/mini';
import { type Finding, SEVERITIES, type Severity } from '../types/finding.ts';

/** `owner/repo` as GitHub spells it. */
const RepositoryName = z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,38}\/[A-Za-z0-9._-]{1,100}$/));
/** A repository-relative directory, `/`-separated, with no `..`. */
const RepositoryPath = z
  .string()
  .check(z.regex(/^(?!\/)(?!.*(?:^|\/)\.\.?(?:\/|$))[^\0\\]{1,300}$/, 'not a plain path inside the repository'));

export const RemediationRepositorySchema = z.strictObject({
  repository: RepositoryName,
  /** The branch pull requests go against. */
  baseBranch: z._default(z.string().check(z.minLength(1), z.maxLength(255)), 'main'),
  /** Directories to read (all of the repository when absent); also what is walked when GitHub truncates the tree. */
  paths: z.optional(z.array(RepositoryPath).check(z.minLength(1))),
  /** Accounts whose findings this repository owns (12 digits); absent: every account. */
  accounts: z.optional(z.array(z.string().check(z.regex(/^\d{12}$/))).check(z.minLength(1))),
  /** Clusters whose findings this repository owns; absent: every cluster. */
  clusters: z.optional(z.array(z.string().check(z.minLength(1))).check(z.minLength(1))),
});
export type RemediationRepository = z.infer<typeof RemediationRepositorySchema>;

export const REMEDIATION_MODES = ['off', 'dry-run', 'pull-request'] as const;
export type RemediationMode = (typeof REMEDIATION_MODES)[number];

export const RemediationConfigSchema = z.strictObject({
  /** `dry-run` plans and announces the diff; `pull-request` opens and keeps pull requests; `off` does nothing. */
  mode: z._default(z.enum(REMEDIATION_MODES), 'dry-run'),
  /** Searched in order; every repository that matches a finding's account and cluster is read. */
  repositories: z._default(z.array(RemediationRepositorySchema), []),
  labels: z._default(z.array(z.string().check(z.minLength(1), z.maxLength(50))), ['podnet-guard']),
  /** GitHub logins asked to review; `org/team` names a team. */
  reviewers: z._default(z.array(z.string().check(z.regex(/^[A-Za-z0-9-]+(?:\/[A-Za-z0-9_.-]+)?$/))), []),
  /** Findings below this severity get no pull request. */
  minimumSeverity: z._default(z.enum(SEVERITIES), 'medium'),
  /** GitHub Enterprise Server's API (`https://github.example.com/api/v3`); GitHub.com when absent. */
  baseUrl: z.optional(z.url({ protocol: /^https?$/ })),
});
export type RemediationConfig = z.infer<typeof RemediationConfigSchema>;

/** True when `severity` is at least `minimum` (critical is the most severe). */
export function severityAtLeast(severity: Severity, minimum: Severity): boolean {
  return SEVERITIES.indexOf(severity) <= SEVERITIES.indexOf(minimum);
}

/**
 * The repositories that may own a finding's resources: those whose accounts and clusters (when given) match it.
 *
 * @example repositoriesFor(config, finding); // [{ repository: 'acme/infra', baseBranch: 'main' }]
 */
export function repositoriesFor(
  config: RemediationConfig,
  finding: Pick<Finding, 'account' | 'clusters'>,
): RemediationRepository[] {
  return config.repositories.filter(
    (entry) =>
      (!entry.accounts || entry.accounts.includes(finding.account)) &&
      (!entry.clusters || finding.clusters.some((cluster) => entry.clusters!.includes(cluster))),
  );
}
