import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../packages/cli/src/cli.ts';
import '../../packages/cli/src/commands/index.ts';
import { EXIT } from '../../packages/cli/src/exit-codes.ts';
import { memoryIO } from '../../packages/cli/src/io.ts';
import { type GitHubServer, startGitHubServer } from '../helpers/github-server.ts';
import { cluster, maxPodsFinding, REPOSITORY, TOKEN } from '../remediate/pull-requests/fixtures.ts';

let server: GitHubServer;
beforeEach(async () => {
  server = await startGitHubServer();
  server.git.commitFiles(REPOSITORY, 'main', { 'eks/cluster.yaml': cluster(110) });
});
afterEach(async () => server.close());

const findings = JSON.stringify({ findings: [maxPodsFinding(29)] });

describe('podnet-guard remediate --open-pr', () => {
  it('opens the pull request with GITHUB_TOKEN, and updates it when run again', async () => {
    const env = { GITHUB_TOKEN: TOKEN, GITHUB_API_URL: server.baseUrl };
    const first = memoryIO(findings, env);
    expect(await runCli(['remediate', '-', '--open-pr', REPOSITORY], first.io)).toBe(EXIT.ok);
    expect(first.stdout()).toMatch(/^mpm-ng-api-0001: opened https:\/\/github\.example\/acme\/infra\/pull\/1\n$/);
    expect(server.git.fileAt(REPOSITORY, 'podnet-guard/mpm-ng-api-0001', 'eks/cluster.yaml')).toBe(cluster(29));
    const again = memoryIO(findings, env);
    expect(await runCli(['remediate', '-', '--open-pr', REPOSITORY], again.io)).toBe(EXIT.ok);
    expect(server.pulls).toHaveLength(1);
  }, 60_000);

  it('exit 2 without GITHUB_TOKEN; exit 3 when GitHub refuses the token, which is never printed', async () => {
    const missing = memoryIO(findings, {});
    expect(await runCli(['remediate', '-', '--open-pr', REPOSITORY], missing.io)).toBe(EXIT.usage);
    server.failNext({ method: 'GET', path: /\/git\/ref\/heads\/main$/, status: 401, message: 'Bad credentials' });
    const refused = memoryIO(findings, { GITHUB_TOKEN: TOKEN, GITHUB_API_URL: server.baseUrl });
    expect(await runCli(['remediate', '-', '--open-pr', REPOSITORY], refused.io)).toBe(EXIT.aws);
    expect(refused.stderr()).toMatch(/GitHub could not be reached/);
    expect(refused.stderr() + refused.stdout()).not.toContain(TOKEN);
  }, 60_000);
});
