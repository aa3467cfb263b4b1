import { runRemediation } from '@podnet-guard/forge';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type GitHubServer, startGitHubServer } from '../../helpers/github-server.ts';
import { cluster, forgeFor, maxPodsFinding, REPOSITORY, runOf, TOKEN } from './fixtures.ts';

const BRANCH = 'podnet-guard/mpm-ng-api-0001';
let server: GitHubServer;

beforeEach(async () => {
  server = await startGitHubServer();
  server.git.commitFiles(REPOSITORY, 'main', { 'eks/cluster.yaml': cluster(110), 'README.md': '# infra\n' });
});
afterEach(async () => server.close());

/** Opens the finding's pull request and returns what was recorded. */
async function open() {
  const outcome = await runRemediation(forgeFor(server), runOf(maxPodsFinding(29), 'opened'));
  if (outcome.kind !== 'pull-request') throw new Error(`expected a pull request, got ${JSON.stringify(outcome)}`);
  return outcome.pullRequest;
}

describe('the finding pull request lifecycle against a GitHub REST server', () => {
  it('opens one branch and one pull request with the edit, labels, reviewers and an escaped body', async () => {
    const recorded = await open();
    expect(server.git.fileAt(REPOSITORY, BRANCH, 'eks/cluster.yaml')).toBe(cluster(29));
    expect(server.git.fileAt(REPOSITORY, 'main', 'eks/cluster.yaml')).toBe(cluster(110));
    expect(server.pulls).toHaveLength(1);
    const [pull] = server.pulls;
    expect(pull).toMatchObject({ head: BRANCH, base: 'main', state: 'open', labels: ['podnet-guard', 'networking'] });
    expect(pull!.reviewers).toEqual(['alice']);
    expect(pull!.teamReviewers).toEqual(['platform']);
    expect(pull!.body).not.toMatch(/@octocat|@admin|#12|\]\(https/);
    expect(pull!.body).toContain('3 ENIs');
    expect(recorded).toEqual({
      url: `https://github.example/${REPOSITORY}/pull/1`,
      number: 1,
      state: 'open',
      headSha: server.git.branches(REPOSITORY).get(BRANCH),
      repository: REPOSITORY,
    });
    // Read through the API, no clone: the blob of the README (not a supported format) was never fetched.
    const blobReads = server.requests.filter((r) => r.method === 'GET' && r.path.includes('/git/blobs/'));
    expect(blobReads).toHaveLength(1);
  });

  it('worsened: a new commit on the same branch and a comment; no second pull request', async () => {
    const recorded = await open();
    const outcome = await runRemediation(forgeFor(server), runOf(maxPodsFinding(20, recorded), 'worsened'));
    expect(outcome).toMatchObject({ kind: 'pull-request', event: 'updated' });
    expect(server.git.fileAt(REPOSITORY, BRANCH, 'eks/cluster.yaml')).toBe(cluster(20));
    expect(server.pulls).toHaveLength(1);
    expect(server.pulls[0]!.comments).toEqual([expect.stringMatching(/worsened/)]);
    if (outcome.kind === 'pull-request') expect(outcome.pullRequest.headSha).not.toBe(recorded.headSha);
  });

  it('the base moved on: the change is rebuilt on the new base head', async () => {
    const recorded = await open();
    server.git.commitFiles(REPOSITORY, 'main', { 'eks/other.yaml': 'a: 1\n' }, 'someone else');
    const outcome = await runRemediation(forgeFor(server), runOf(maxPodsFinding(29, recorded), 'requested'));
    expect(outcome).toMatchObject({ kind: 'pull-request', event: 'updated' });
    const head = server.git.branches(REPOSITORY).get(BRANCH)!;
    expect(server.git.commits.get(head)!.parents).toEqual([server.git.branches(REPOSITORY).get('main')]);
    expect(server.git.fileAt(REPOSITORY, BRANCH, 'eks/other.yaml')).toBe('a: 1\n');
    expect(server.pulls[0]!.comments).toEqual([expect.stringMatching(/base branch moved/)]);
  });

  it('resolved: a comment, the pull request closed and the branch deleted', async () => {
    const recorded = await open();
    const resolved = { ...maxPodsFinding(29, recorded), status: 'resolved' as const };
    const outcome = await runRemediation(forgeFor(server), runOf(resolved, 'resolved'));
    expect(outcome).toMatchObject({ kind: 'pull-request', event: 'closed', pullRequest: { state: 'closed' } });
    expect(server.pulls[0]).toMatchObject({ state: 'closed', comments: [expect.stringMatching(/resolved/)] });
    expect(server.git.branches(REPOSITORY).has(BRANCH)).toBe(false);
  });

  it('a foreign commit on the branch: never force-pushed or closed, a comment says why', async () => {
    const recorded = await open();
    server.git.commitFiles(REPOSITORY, BRANCH, { 'eks/cluster.yaml': cluster(30) }, 'a person');
    const worsened = await runRemediation(forgeFor(server), runOf(maxPodsFinding(20, recorded), 'worsened'));
    expect(worsened.kind).toBe('left-alone');
    expect(server.git.fileAt(REPOSITORY, BRANCH, 'eks/cluster.yaml')).toBe(cluster(30));
    const resolved = { ...maxPodsFinding(29, recorded), status: 'resolved' as const };
    expect((await runRemediation(forgeFor(server), runOf(resolved, 'resolved'))).kind).toBe('left-alone');
    expect(server.pulls[0]!.state).toBe('open');
    expect(server.pulls[0]!.comments).toHaveLength(2);
    expect(server.pulls[0]!.comments[0]).toMatch(/will not force-push or close/);
  });

  it('a racing invocation took the branch first: the 422 is adopted and there is still one pull request', async () => {
    // Just before our POST /git/refs, the other invocation creates the branch and opens its pull request.
    server.beforeNext('POST', /\/git\/refs$/, () => {
      const head = server.git.commitFiles(REPOSITORY, 'main', {}, 'noop');
      server.git.branches(REPOSITORY).set(BRANCH, head);
      server.pulls.push({
        number: 1,
        state: 'open',
        title: 't',
        body: '',
        head: BRANCH,
        base: 'main',
        labels: [],
        reviewers: [],
        teamReviewers: [],
        comments: [],
      });
    });
    const outcome = await runRemediation(forgeFor(server), runOf(maxPodsFinding(29), 'opened'));
    expect(outcome).toMatchObject({ kind: 'pull-request', pullRequest: { number: 1 } });
    const refCreates = server.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/git/refs'));
    expect(refCreates).toHaveLength(1);
    expect(server.pulls).toHaveLength(1);
  });

  it('two invocations at once give one branch and one pull request', async () => {
    const [a, b] = await Promise.all([
      runRemediation(forgeFor(server), runOf(maxPodsFinding(29), 'opened')),
      runRemediation(forgeFor(server), runOf(maxPodsFinding(29), 'requested')),
    ]);
    expect(server.pulls).toHaveLength(1);
    expect([a.kind, b.kind]).toEqual(['pull-request', 'pull-request']);
  });

  it('retries a 5xx, secondary rate limits (with and without retry-after) and a primary one, then succeeds', async () => {
    const warnings: string[] = [];
    const secondary = 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.';
    const reset = String(Math.ceil(Date.now() / 1000) + 1);
    server.failNext(
      { method: 'GET', path: /\/git\/ref\/heads\/main$/, status: 502 },
      { method: 'POST', path: /\/git\/blobs$/, status: 403, headers: { 'retry-after': '1' }, message: secondary },
      { method: 'POST', path: /\/git\/trees$/, status: 429, message: secondary },
      {
        method: 'POST',
        path: /\/git\/commits$/,
        status: 403,
        headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset, 'x-ratelimit-limit': '5000' },
        message: 'API rate limit exceeded for installation ID 1.',
      },
    );
    const outcome = await runRemediation(forgeFor(server, warnings), runOf(maxPodsFinding(29), 'opened'));
    expect(outcome.kind).toBe('pull-request');
    expect(server.pulls).toHaveLength(1);
    // Each failed request was sent again: two ref reads of main, two blob, tree and commit creations.
    const count = (method: string, end: string) =>
      server.requests.filter((r) => r.method === method && r.path.endsWith(end)).length;
    expect([count('GET', '/git/ref/heads/main'), count('POST', '/git/blobs')]).toEqual([2, 2]);
    expect([count('POST', '/git/trees'), count('POST', '/git/commits')]).toEqual([2, 2]);
    expect(warnings.join('\n')).not.toContain(TOKEN);
  });

  it('a truncated tree: only the configured paths are walked; without paths, a refusal', async () => {
    server.git.commitFiles(
      REPOSITORY,
      'main',
      Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`apps/a${i}.txt`, `${i}`])),
    );
    server.truncateAbove = 10;
    const walked = await runRemediation(
      forgeFor(server),
      runOf(maxPodsFinding(29), 'opened', {
        repositories: [{ repository: REPOSITORY, baseBranch: 'main', paths: ['eks'] }],
      }),
    );
    expect(walked.kind).toBe('pull-request');
    expect(server.requests.some((r) => r.path.includes('/git/trees/') && !r.path.includes('recursive'))).toBe(true);
    const refused = await runRemediation(forgeFor(server), runOf({ ...maxPodsFinding(29), id: 'mpm-other' }, 'opened'));
    expect(refused).toMatchObject({ kind: 'refused', reason: expect.stringContaining('configure paths') });
  });

  it('the kill switch: nothing is read, opened or changed', async () => {
    const outcome = await runRemediation(forgeFor(server), runOf(maxPodsFinding(29), 'opened', {}, true));
    expect(outcome).toEqual({ kind: 'refused', reason: 'the kill switch /pg/kill is set', candidates: [] });
    expect(server.requests).toEqual([]);
  });

  it('dry-run: the diff is announced (capped at 200 lines) and nothing is written', async () => {
    const outcome = await runRemediation(forgeFor(server), runOf(maxPodsFinding(29), 'opened', { mode: 'dry-run' }));
    expect(outcome).toMatchObject({
      kind: 'planned',
      repository: REPOSITORY,
      diffTruncated: false,
      paths: ['eks/cluster.yaml'],
    });
    if (outcome.kind === 'planned') expect(outcome.diff).toContain('+    maxPodsPerNode: 29 # set by hand');
    expect(server.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('refusal: no block owns the node group, with the reason', async () => {
    const outcome = await runRemediation(
      forgeFor(server),
      runOf(
        {
          ...maxPodsFinding(29),
          clusters: ['prod'],
          remediation: {
            ...maxPodsFinding(29).remediation!,
            target: { type: 'nodegroup', id: 'prod/ng-gone', cluster: 'prod', nodeGroup: 'ng-gone' },
          },
        },
        'opened',
      ),
    );
    expect(outcome).toMatchObject({
      kind: 'refused',
      reason: expect.stringContaining('acme/infra: nothing in the repository owns'),
    });
    expect(server.pulls).toEqual([]);
  });

  it('no repository configured for the account: a refusal naming it', async () => {
    const outcome = await runRemediation(
      forgeFor(server),
      runOf(maxPodsFinding(29), 'opened', {
        repositories: [{ repository: REPOSITORY, baseBranch: 'main', accounts: ['999999999999'] }],
      }),
    );
    expect(outcome).toMatchObject({ kind: 'refused', reason: expect.stringContaining('account 111122223333') });
  });
});
