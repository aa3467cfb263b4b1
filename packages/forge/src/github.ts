/**
 * The Forge on GitHub (and GitHub Enterprise Server through `baseUrl`): `@octokit/rest` with the throttling plugin
 * (primary limits from the `x-ratelimit-*` headers, secondary limits on 403/429 honouring `retry-after`, else at
 * least 60 s) and the retry plugin (5xx and network errors, with backoff). Authenticates as a GitHub App
 * installation (`@octokit/auth-app`, tokens minted and renewed by the plugin) or with a fine-grained token. No
 * credential is ever logged or put in an error: errors carry the status and what was asked, never a body or header.
 */
import { createAppAuth } from '@octokit/auth-app';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import Bottleneck from 'bottleneck/light.js';
import {
  type BranchSnapshot,
  type Forge,
  ForgeError,
  type ForgeErrorCode,
  type NewPullRequest,
  type PullRequest,
  type RepositoryRef,
  type TreeFile,
} from './forge.ts';

export type GitHubCredential =
  | { kind: 'token'; token: string }
  | { kind: 'app'; appId: number | string; privateKey: string; installationId: number };

/** Where octokit's own warnings go (rate-limit waits, deprecations); they never hold a credential. */
export interface ForgeLog {
  warn(message: string): void;
}

export interface GitHubForgeOptions {
  credential: GitHubCredential;
  /** GitHub Enterprise Server's API (`https://github.example.com/api/v3`); GitHub.com when absent. */
  baseUrl?: string;
  log?: ForgeLog;
  /** Milliseconds per second of a `retry-after` or backoff (1000; tests shorten it). */
  retryAfterBaseValue?: number;
  /** The longest wait for a rate limit before giving up (the event is then retried later): 300 s. */
  maxRateLimitWaitSeconds?: number;
  /** Retries of a rate-limited request (2). */
  rateLimitRetries?: number;
  /** Time between two writes (GitHub asks for 1 s to stay clear of secondary limits; tests shorten it). */
  writeSpacingMs?: number;
}

const GuardOctokit = Octokit.plugin(throttling, retry);
type Client = InstanceType<typeof GuardOctokit>;

/** Builds the octokit client: auth, throttling, retry, and a log that only ever sees octokit's messages. */
function createClient(options: GitHubForgeOptions): Client {
  const base = options.retryAfterBaseValue ?? 1000;
  const maxWait = options.maxRateLimitWaitSeconds ?? 300;
  const retries = options.rateLimitRetries ?? 2;
  const retryLimited = (after: number, _options: unknown, _client: unknown, retryCount: number) =>
    retryCount < retries && after <= maxWait;
  const warn = (message: string) => options.log?.warn(message);
  const { credential } = options;
  return new GuardOctokit({
    ...(options.baseUrl ? { baseUrl: options.baseUrl.replace(/\/+$/, '') } : {}),
    ...(credential.kind === 'token'
      ? { auth: credential.token }
      : {
          authStrategy: createAppAuth,
          auth: {
            appId: credential.appId,
            privateKey: credential.privateKey,
            installationId: credential.installationId,
          },
        }),
    userAgent: 'podnet-guard',
    log: { debug: () => {}, info: () => {}, warn, error: warn },
    throttle: {
      retryAfterBaseValue: base,
      ...(options.writeSpacingMs !== undefined ? spacedWrites(options.writeSpacingMs) : {}),
      onRateLimit: retryLimited,
      onSecondaryRateLimit: retryLimited,
    },
    retry: { retryAfterBaseValue: base, retries: 3 },
  });
}

/** The write and notification queues (1 s and 3 s apart by default) spaced `minTime` apart instead. */
function spacedWrites(minTime: number) {
  return {
    write: new Bottleneck.Group({ maxConcurrent: 1, minTime }),
    notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime }),
  };
}

function codeOf(status: number | undefined, error: unknown): ForgeErrorCode {
  if (!status || status >= 500) return 'unreachable';
  if (status === 401) return 'unauthorized';
  if (status === 429) return 'rate-limited';
  if (status === 403) {
    const headers = (error as { response?: { headers?: Record<string, string> } }).response?.headers ?? {};
    return headers['x-ratelimit-remaining'] === '0' || headers['retry-after'] ? 'rate-limited' : 'unauthorized';
  }
  if (status === 404) return 'not-found';
  if (status === 409 || status === 422) return 'conflict';
  return 'invalid';
}

/** Runs one API call; a failure becomes ForgeError with the status and `what`, nothing from the response. */
async function call<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ForgeError) throw error;
    const status = (error as { status?: number }).status;
    const code = codeOf(status, error);
    throw new ForgeError(code, `GitHub ${what}: ${status ? `HTTP ${status}` : 'no answer'} (${code})`, status);
  }
}

/** More entries than this under the walked paths: the repository is not one podnet-guard reads. */
const MAX_TREE_ENTRIES = 50_000;

/** The Forge on GitHub. */
export function createGitHubForge(options: GitHubForgeOptions): Forge {
  const client = createClient(options);
  const reads = treeReads(client);
  return { ...reads, ...gitWrites(client, reads.branchHead), ...pullRequestCalls(client) };
}

/** Reading a branch: its head, its tree (walked under the configured paths when truncated), its blobs. */
function treeReads(client: Client): Pick<Forge, 'snapshot' | 'branchHead' | 'readBlob' | 'readCommit'> {
  const git = client.rest.git;

  async function tree(repository: RepositoryRef, sha: string, recursive: boolean) {
    const what = `GET git/trees/${sha}`;
    const { data } = await call(what, () =>
      git.getTree({ ...repository, tree_sha: sha, ...(recursive ? { recursive: 'true' } : {}) }),
    );
    return data;
  }

  /** Every blob under `sha` (a tree at `prefix`): recursively, or level by level when GitHub truncates. */
  async function walk(repository: RepositoryRef, sha: string, prefix: string, out: TreeFile[]): Promise<void> {
    const whole = await tree(repository, sha, true);
    const levelByLevel = whole.truncated;
    const entries = levelByLevel ? (await tree(repository, sha, false)).tree : whole.tree;
    for (const entry of entries) {
      if (out.length >= MAX_TREE_ENTRIES)
        throw new ForgeError('tree-truncated', `more than ${MAX_TREE_ENTRIES} files under the configured paths`);
      const path = prefix ? `${prefix}/${entry.path}` : entry.path!;
      if (entry.type === 'blob') out.push({ path, sha: entry.sha!, size: entry.size ?? 0 });
      else if (entry.type === 'tree' && levelByLevel) await walk(repository, entry.sha!, path, out);
    }
  }

  /** The tree sha of `path` (a directory) under the root tree, or undefined when there is none. */
  async function subtree(repository: RepositoryRef, rootSha: string, path: string): Promise<string | undefined> {
    let sha = rootSha;
    for (const part of path.split('/').filter(Boolean)) {
      const entry = (await tree(repository, sha, false)).tree.find((e) => e.path === part && e.type === 'tree');
      if (!entry?.sha) return undefined;
      sha = entry.sha;
    }
    return sha;
  }

  async function snapshot(repository: RepositoryRef, branch: string, paths?: readonly string[]) {
    const commitSha = await branchHead(repository, branch);
    if (!commitSha)
      throw new ForgeError(
        'not-found',
        `GitHub has no branch ${branch} in ${repository.owner}/${repository.repo}`,
        404,
      );
    const { data: commit } = await call(`GET git/commits/${commitSha}`, () =>
      git.getCommit({ ...repository, commit_sha: commitSha }),
    );
    const treeSha = commit.tree.sha;
    const whole = await tree(repository, treeSha, true);
    const inPaths = (path: string) =>
      !paths?.length || paths.some((p) => path === p || path.startsWith(`${p.replace(/\/+$/, '')}/`));
    let files: TreeFile[];
    if (!whole.truncated) {
      files = whole.tree
        .filter((entry) => entry.type === 'blob' && inPaths(entry.path!))
        .map((entry) => ({ path: entry.path!, sha: entry.sha!, size: entry.size ?? 0 }));
    } else {
      if (!paths?.length)
        throw new ForgeError('tree-truncated', 'GitHub truncated the repository tree: configure paths to read');
      files = [];
      for (const path of paths) {
        const sha = await subtree(repository, treeSha, path.replace(/\/+$/, ''));
        if (sha) await walk(repository, sha, path.replace(/\/+$/, ''), files);
      }
    }
    return { commitSha, treeSha, files } satisfies BranchSnapshot;
  }

  async function branchHead(repository: RepositoryRef, branch: string): Promise<string | undefined> {
    try {
      const { data } = await call(`GET git/ref/heads/${branch}`, () =>
        git.getRef({ ...repository, ref: `heads/${branch}` }),
      );
      return data.object.sha;
    } catch (error) {
      if (error instanceof ForgeError && error.code === 'not-found') return undefined;
      throw error;
    }
  }

  return {
    snapshot,
    branchHead,
    readCommit: async (repository, sha) => {
      const { data } = await call(`GET git/commits/${sha}`, () => git.getCommit({ ...repository, commit_sha: sha }));
      return { treeSha: data.tree.sha, parents: data.parents.map((parent) => parent.sha) };
    },
    readBlob: async (repository, sha) => {
      const { data } = await call(`GET git/blobs/${sha}`, () => git.getBlob({ ...repository, file_sha: sha }));
      return Buffer.from(data.content, data.encoding === 'base64' ? 'base64' : 'utf8').toString('utf8');
    },
  };
}

/** Writing through the Git data API: blobs, a tree over the base, a commit, and the branch's ref. */
function gitWrites(
  client: Client,
  branchHead: Forge['branchHead'],
): Pick<Forge, 'commit' | 'createBranch' | 'moveBranch' | 'deleteBranch'> {
  const git = client.rest.git;
  return {
    commit: async (repository, change) => {
      const entries: { path: string; mode: '100644'; type: 'blob'; sha: string }[] = [];
      for (const [path, text] of change.files) {
        const { data } = await call('POST git/blobs', () =>
          git.createBlob({ ...repository, content: text, encoding: 'utf-8' }),
        );
        entries.push({ path, mode: '100644', type: 'blob', sha: data.sha });
      }
      const { data: newTree } = await call('POST git/trees', () =>
        git.createTree({ ...repository, base_tree: change.baseTreeSha, tree: entries }),
      );
      const { data: commit } = await call('POST git/commits', () =>
        git.createCommit({ ...repository, message: change.message, tree: newTree.sha, parents: [change.parentSha] }),
      );
      return { sha: commit.sha, treeSha: newTree.sha };
    },
    createBranch: async (repository, branch, sha) => {
      try {
        await call('POST git/refs', () => git.createRef({ ...repository, ref: `refs/heads/${branch}`, sha }));
        return { created: true, headSha: sha };
      } catch (error) {
        // 422 "Reference already exists": another invocation won the race; adopt its branch.
        if (!(error instanceof ForgeError && error.code === 'conflict')) throw error;
        const headSha = await branchHead(repository, branch);
        if (!headSha) throw error;
        return { created: false, headSha };
      }
    },
    moveBranch: async (repository, branch, sha, force) => {
      await call(`PATCH git/refs/heads/${branch}`, () =>
        git.updateRef({ ...repository, ref: `heads/${branch}`, sha, force }),
      );
    },
    deleteBranch: async (repository, branch) => {
      try {
        await call(`DELETE git/refs/heads/${branch}`, () => git.deleteRef({ ...repository, ref: `heads/${branch}` }));
      } catch (error) {
        if (!(error instanceof ForgeError && (error.code === 'not-found' || error.code === 'conflict'))) throw error;
      }
    },
  };
}

type PullRequestCalls = Pick<
  Forge,
  'findPullRequest' | 'openPullRequest' | 'updatePullRequest' | 'comment' | 'closePullRequest'
>;

function pullRequestCalls(client: Client): PullRequestCalls {
  const findPullRequest = async (repository: RepositoryRef, branch: string) => {
    const { data } = await call('GET pulls', () =>
      client.rest.pulls.list({ ...repository, head: `${repository.owner}:${branch}`, state: 'all', per_page: 20 }),
    );
    const mine = data.filter((pull) => pull.head.ref === branch);
    const chosen = mine.find((pull) => pull.state === 'open') ?? mine[0];
    return chosen ? toPullRequest(chosen) : undefined;
  };
  return {
    findPullRequest,
    openPullRequest: async (repository, request) => {
      let opened: PullRequest;
      try {
        const { data } = await call('POST pulls', () =>
          client.rest.pulls.create({
            ...repository,
            head: request.head,
            base: request.base,
            title: request.title,
            body: request.body,
          }),
        );
        opened = toPullRequest(data);
      } catch (error) {
        // 422 "A pull request already exists": a racing invocation opened it; that one is ours too.
        const existing =
          error instanceof ForgeError && error.code === 'conflict'
            ? await findPullRequest(repository, request.head)
            : undefined;
        if (existing?.state !== 'open') throw error;
        return existing;
      }
      await decorate(client, repository, opened.number, request);
      return opened;
    },
    updatePullRequest: async (repository, number, update) => {
      await call(`PATCH pulls/${number}`, () =>
        client.rest.pulls.update({ ...repository, pull_number: number, ...update }),
      );
    },
    comment: async (repository, number, body) => {
      await call(`POST issues/${number}/comments`, () =>
        client.rest.issues.createComment({ ...repository, issue_number: number, body }),
      );
    },
    closePullRequest: async (repository, number) => {
      await call(`PATCH pulls/${number}`, () =>
        client.rest.pulls.update({ ...repository, pull_number: number, state: 'closed' }),
      );
    },
  };
}

/** Labels and reviewers on a new pull request; a reviewer GitHub refuses (not a collaborator) never fails it. */
async function decorate(client: Client, repository: RepositoryRef, number: number, request: NewPullRequest) {
  if (request.labels.length)
    await call(`POST issues/${number}/labels`, () =>
      client.rest.issues.addLabels({ ...repository, issue_number: number, labels: [...request.labels] }),
    );
  const users = request.reviewers.filter((name) => !name.includes('/'));
  const teams = request.reviewers.filter((name) => name.includes('/')).map((name) => name.split('/')[1]!);
  if (users.length || teams.length)
    await call(`POST pulls/${number}/requested_reviewers`, () =>
      client.rest.pulls.requestReviewers({
        ...repository,
        pull_number: number,
        reviewers: users,
        team_reviewers: teams,
      }),
    ).catch((error: unknown) => {
      if (!(error instanceof ForgeError && error.code === 'conflict')) throw error;
    });
}

interface PullLike {
  number: number;
  html_url: string;
  state: string;
  merged_at?: string | null;
  title: string;
  head: { sha: string };
}

function toPullRequest(pull: PullLike): PullRequest {
  const state = pull.merged_at ? 'merged' : pull.state === 'open' ? 'open' : 'closed';
  return { number: pull.number, url: pull.html_url, state, headSha: pull.head.sha, title: pull.title };
}
