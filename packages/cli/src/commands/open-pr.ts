/**
 * `podnet-guard remediate … --open-pr owner/repo`: the deployed function's pull requests from a laptop, with
 * `GITHUB_TOKEN` (a fine-grained token; `GITHUB_API_URL` for GitHub Enterprise Server). The forge loads only here, so
 * every other command starts without it.
 */
import { findingsOf } from '@podnet-guard/remediate';
import { EXIT, type ExitCode, ExitError } from '../exit-codes.ts';
import type { CommandIO } from '../io.ts';

export interface OpenPullRequestOptions {
  repository: string;
  baseBranch: string;
  ids: string[] | undefined;
}

/** Opens or updates one pull request per finding; exit 3 when GitHub cannot be reached or refuses the token. */
export async function openPullRequests(
  input: unknown,
  options: OpenPullRequestOptions,
  io: CommandIO,
): Promise<ExitCode> {
  const token = io.env.GITHUB_TOKEN;
  if (!token) throw new ExitError(EXIT.usage, '--open-pr needs GITHUB_TOKEN (a fine-grained token)');
  if (!/^[A-Za-z0-9][A-Za-z0-9-]{0,38}\/[A-Za-z0-9._-]{1,100}$/.test(options.repository))
    throw new ExitError(EXIT.usage, `--open-pr takes owner/repo, not ${JSON.stringify(options.repository)}`);
  const { createGitHubForge, ForgeError, runRemediation } = await import('@podnet-guard/forge');
  const baseUrl = io.env.GITHUB_API_URL;
  const forge = createGitHubForge({
    credential: { kind: 'token', token },
    ...(baseUrl ? { baseUrl } : {}),
    log: { warn: (message) => io.stderr(`github: ${message}\n`) },
  });
  const config = {
    mode: 'pull-request' as const,
    repositories: [{ repository: options.repository, baseBranch: options.baseBranch }],
    labels: ['podnet-guard'],
    reviewers: [],
    minimumSeverity: 'info' as const,
  };
  const findings = findingsOf(input).filter(
    (finding) => !options.ids || options.ids.includes(String((finding as { id?: unknown }).id)),
  );
  for (const finding of findings as Parameters<typeof runRemediation>[1]['finding'][]) {
    try {
      const outcome = await runRemediation(forge, {
        finding,
        trigger: 'requested',
        config,
        killSwitch: async () => ({ engaged: false, reason: 'no kill switch on the command line' }),
        now: new Date().toISOString(),
      });
      const what =
        outcome.kind === 'pull-request'
          ? `${outcome.event} ${outcome.pullRequest.url}`
          : outcome.kind === 'left-alone'
            ? `left alone ${outcome.pullRequest.url}: ${outcome.reason}`
            : `${outcome.kind}: ${'reason' in outcome ? outcome.reason : ''}`;
      io.stdout(`${finding.id}: ${what}\n`);
    } catch (error) {
      if (error instanceof ForgeError && error.code !== 'invalid' && error.code !== 'tree-truncated')
        throw new ExitError(EXIT.aws, `GitHub could not be reached: ${error.message}`, { cause: error });
      throw error;
    }
  }
  return EXIT.ok;
}
