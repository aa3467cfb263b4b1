/**
 * `podnet-guard remediate`: turns findings into edits of the eksctl, Karpenter, CloudFormation and Terraform files that own the
 * resource, offline. Prints one unified diff (`git apply` takes it), or JSON; `--write` edits the files in place.
 */
import { findingsOf, InputError, openRepo, RepoError, remediate } from '@podnet-guard/remediate';
import type { Command } from '../cli.ts';
import { parseJson, readInput } from '../common.ts';
import { EXIT, ExitError } from '../exit-codes.ts';
import { parseOptionsAndOperands } from '../options.ts';

const USAGE = `usage: podnet-guard remediate <findings.json|-> --repo <dir> [--id <finding-id>]... [--write] [--format diff|json]
       podnet-guard remediate <findings.json|-> --open-pr <owner/repo> [--base <branch>] [--id <finding-id>]...

<findings.json|-> is the JSON output of scan or evaluate-event, or one finding.

options:
  --repo <dir>           the repository that holds the eksctl, Karpenter, CloudFormation or Terraform files (required)
  --id <finding-id>      only this finding (repeatable)
  --write                edit the files in place (default: print the change only)
  --format diff|json     a unified diff for git apply (default), or {"changes", "refused", "unsupported"}
  --open-pr <owner/repo> open (or update) one pull request per finding on GitHub instead, reading the repository
                         through the API; needs GITHUB_TOKEN (GITHUB_API_URL for GitHub Enterprise Server)
  --base <branch>        the branch --open-pr targets (default main)

exit codes: 0 ran (whatever it changed or refused), 2 bad usage or input, 3 GitHub could not be reached`;

export const remediateCommand: Command = {
  summary: 'Edit the eksctl, Karpenter, CloudFormation or Terraform files that own what findings report.',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parseOptionsAndOperands(argv, {
      repo: { type: 'string' },
      id: { type: 'string', multiple: true },
      write: { type: 'boolean' },
      format: { type: 'string' },
      'open-pr': { type: 'string' },
      base: { type: 'string' },
    });
    const format = values.format ?? 'diff';
    if (format !== 'diff' && format !== 'json')
      throw new ExitError(EXIT.usage, `--format must be diff or json, not ${JSON.stringify(format)}`);
    if (positionals.length !== 1)
      throw new ExitError(EXIT.usage, 'give exactly one findings file (or - for standard input)');
    if (!values.repo && !values['open-pr'])
      throw new ExitError(EXIT.usage, 'give --repo <dir> or --open-pr <owner/repo>');
    const [path] = positionals as [string];
    const input = parseJson(await readInput(path, io), `findings ${path}`);
    try {
      findingsOf(input);
    } catch (error) {
      if (error instanceof InputError) throw new ExitError(EXIT.usage, error.message);
      throw error;
    }
    if (values['open-pr']) {
      const { openPullRequests } = await import('./open-pr.ts');
      return openPullRequests(
        input,
        { repository: values['open-pr'], baseBranch: values.base ?? 'main', ids: values.id },
        io,
      );
    }
    if (!values.repo) throw new ExitError(EXIT.usage, 'give --repo <dir>');
    let repo: Awaited<ReturnType<typeof openRepo>>;
    try {
      repo = await openRepo(values.repo);
    } catch (error) {
      if (error instanceof RepoError) throw new ExitError(EXIT.usage, error.message);
      throw error;
    }
    const report = await remediate(input, repo, values.id ? { ids: values.id } : {});
    if (values.write) for (const [file, text] of report.files) await repo.write(file, text);
    if (format === 'json') {
      const { changes, refused, unsupported } = report;
      io.stdout(`${JSON.stringify({ changes, refused, unsupported }, null, 2)}\n`);
    } else io.stdout(report.diff);
    for (const change of report.changes)
      io.stderr(`changed ${change.path} for ${change.findingId}: ${change.summary}\n`);
    for (const refusal of report.refused) {
      const where = refusal.candidates.map((candidate) => `${candidate.path}:${candidate.line}`).join(', ');
      io.stderr(`refused ${refusal.findingId}: ${refusal.reason}${where ? ` (${where})` : ''}\n`);
    }
    for (const entry of report.unsupported) io.stderr(`unsupported ${entry.findingId}: ${entry.reason}\n`);
    for (const id of report.alreadyDone)
      io.stderr(`no change for ${id}: the owning code already holds the planned values\n`);
    if (values.write && report.files.size) io.stderr(`wrote ${report.files.size} file(s)\n`);
    return EXIT.ok;
  },
};
