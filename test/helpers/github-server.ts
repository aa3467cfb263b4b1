/**
 * A GitHub REST API on loopback for the real `@octokit/rest` client (pointed at it through `baseUrl`), answering the
 * endpoints podnet-guard's Forge uses as GitHub documents them: git refs (`POST /git/refs` answers 422 "Reference
 * already exists" for an existing branch, `PATCH` refuses a non-fast-forward without `force`), commits, trees
 * (recursive listings cut at `truncateAbove` entries with `truncated: true`), blobs (base64), pulls (list by `head`,
 * create with 422 "A pull request already exists", update, close), labels, requested reviewers, issue comments, and
 * a GitHub App installation token. Scripted failures (`failNext`) serve 5xx, 403/429 rate limits with or without
 * `retry-after`, once each.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GitStore } from './github-git.ts';

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: unknown;
}

export interface ScriptedGitHubFailure {
  method: string;
  path: RegExp;
  status: number;
  headers?: Record<string, string>;
  /** GitHub's message (a secondary rate limit says "You have exceeded a secondary rate limit"). */
  message?: string;
}

export interface FakePull {
  number: number;
  state: 'open' | 'closed';
  title: string;
  body: string;
  head: string;
  base: string;
  labels: string[];
  reviewers: string[];
  teamReviewers: string[];
  comments: string[];
}

export interface GitHubServer {
  baseUrl: string;
  git: GitStore;
  requests: RecordedRequest[];
  pulls: FakePull[];
  /** Recursive tree listings longer than this are cut and flagged `truncated`. */
  truncateAbove: number;
  failNext(...failures: ScriptedGitHubFailure[]): void;
  /** Runs once just before the next request matching `method` and `path` is answered (a racing invocation). */
  beforeNext(method: string, path: RegExp, run: () => void): void;
  /** Installation tokens minted for a GitHub App (`POST /app/installations/{id}/access_tokens`). */
  installationTokens: string[];
  close(): Promise<void>;
}

const json = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  response.end(status === 204 ? undefined : JSON.stringify(body));
};
const error = (response: ServerResponse, status: number, message: string) =>
  json(response, status, { message, documentation_url: 'https://docs.github.com/rest', status: String(status) });

async function bodyOf(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : undefined;
}

// biome-ignore lint/suspicious/noExplicitAny: request bodies are octokit's JSON, read field by field by each route
type Handler = (match: RegExpExecArray, body: any, url: URL) => [number, unknown] | undefined;

/** Starts the server on a free loopback port. */
export async function startGitHubServer(): Promise<GitHubServer> {
  const git = new GitStore();
  const requests: RecordedRequest[] = [];
  const failures: ScriptedGitHubFailure[] = [];
  const hooks: { method: string; path: RegExp; run: () => void }[] = [];
  const installationTokens: string[] = [];
  const state = { pulls: [] as FakePull[], truncateAbove: Number.POSITIVE_INFINITY };
  const routes = buildRoutes(git, state, installationTokens);
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const body = await bodyOf(request);
    const method = request.method ?? 'GET';
    const path = decodeURIComponent(url.pathname);
    requests.push({ method, path: `${path}${url.search}`, authorization: request.headers.authorization, body });
    const hook = hooks.findIndex((h) => h.method === method && h.path.test(path));
    if (hook >= 0) hooks.splice(hook, 1)[0]!.run();
    const failure = failures.findIndex((f) => f.method === method && f.path.test(path));
    if (failure >= 0) {
      const { status, headers, message } = failures.splice(failure, 1)[0]!;
      const documentation_url = 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api';
      return json(response, status, { message: message ?? 'Server Error', documentation_url }, headers);
    }
    if (!request.headers.authorization) return error(response, 401, 'Requires authentication');
    for (const [routeMethod, pattern, handler] of routes) {
      const match = routeMethod === method ? pattern.exec(path) : null;
      if (!match) continue;
      const answer = handler(match, body, url);
      if (!answer) return error(response, 404, 'Not Found');
      const [status, payload] = answer;
      if (status >= 400) return error(response, status, String(payload));
      return json(response, status, payload);
    }
    return error(response, 404, 'Not Found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    git,
    requests,
    get pulls() {
      return state.pulls;
    },
    get truncateAbove() {
      return state.truncateAbove;
    },
    set truncateAbove(value: number) {
      state.truncateAbove = value;
    },
    failNext: (...next) => failures.push(...next),
    beforeNext: (method, path, run) => hooks.push({ method, path, run }),
    installationTokens,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function buildRoutes(
  git: GitStore,
  state: { pulls: FakePull[]; truncateAbove: number },
  installationTokens: string[],
): [string, RegExp, Handler][] {
  const repo = '^/repos/([^/]+/[^/]+)';
  const commitJson = (sha: string) => {
    const commit = git.commits.get(sha)!;
    return {
      sha,
      node_id: `C_${sha}`,
      url: `/commits/${sha}`,
      html_url: `/commit/${sha}`,
      message: commit.message,
      tree: { sha: commit.tree, url: `/trees/${commit.tree}` },
      parents: commit.parents.map((parent) => ({ sha: parent, url: `/commits/${parent}`, html_url: '' })),
      author: { name: 'podnet-guard', email: 'bot@example.com', date: '2026-12-02T00:00:00Z' },
      committer: { name: 'podnet-guard', email: 'bot@example.com', date: '2026-12-02T00:00:00Z' },
      verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
    };
  };
  const refJson = (name: string, sha: string) => ({
    ref: `refs/heads/${name}`,
    node_id: `REF_${name}`,
    url: `/git/refs/heads/${name}`,
    object: { sha, type: 'commit', url: `/commits/${sha}` },
  });
  const pullJson = (repository: string, pull: FakePull) => {
    const owner = repository.split('/')[0];
    const headSha = git.branches(repository).get(pull.head) ?? '0'.repeat(40);
    return {
      number: pull.number,
      html_url: `https://github.example/${repository}/pull/${pull.number}`,
      state: pull.state,
      title: pull.title,
      body: pull.body,
      merged_at: null,
      head: { ref: pull.head, sha: headSha, label: `${owner}:${pull.head}` },
      base: { ref: pull.base, sha: git.branches(repository).get(pull.base) ?? '', label: `${owner}:${pull.base}` },
      labels: pull.labels.map((name) => ({ name })),
    };
  };
  const pullOf = (_repository: string, number: string) => state.pulls.find((p) => p.number === Number(number));
  return [
    [
      'POST',
      /^\/app\/installations\/(\d+)\/access_tokens$/,
      () => {
        const token = `ghs_installation${installationTokens.length}xxxxxxxxxxxxxxxxxxxxxxxx`;
        installationTokens.push(token);
        return [
          201,
          {
            token,
            expires_at: '2099-01-01T00:00:00Z',
            permissions: { contents: 'write' },
            repository_selection: 'selected',
          },
        ];
      },
    ],
    [
      'GET',
      new RegExp(`${repo}/git/ref/heads/(.+)$`),
      (m) => {
        const sha = git.branches(m[1]!).get(m[2]!);
        return sha ? [200, refJson(m[2]!, sha)] : undefined;
      },
    ],
    [
      'GET',
      new RegExp(`${repo}/git/commits/([0-9a-f]{40})$`),
      (m) => (git.commits.has(m[2]!) ? [200, commitJson(m[2]!)] : undefined),
    ],
    [
      'GET',
      new RegExp(`${repo}/git/trees/([0-9a-f]{40})$`),
      (m, _b, url) => {
        if (!git.trees.has(m[2]!)) return undefined;
        const recursive = url.searchParams.has('recursive');
        const entries = recursive
          ? git.listRecursive(m[2]!)
          : git.trees.get(m[2]!)!.map((entry) => ({ path: entry.name, entry }));
        const truncated = recursive && entries.length > state.truncateAbove;
        const shown = truncated ? entries.slice(0, state.truncateAbove) : entries;
        const tree = shown.map(({ path, entry }) => ({
          path,
          mode: entry.type === 'tree' ? '040000' : '100644',
          type: entry.type,
          sha: entry.sha,
          ...(entry.type === 'blob' ? { size: Buffer.byteLength(git.blobs.get(entry.sha) ?? '') } : {}),
          url: `/${entry.type}s/${entry.sha}`,
        }));
        return [200, { sha: m[2], url: `/trees/${m[2]}`, tree, truncated }];
      },
    ],
    [
      'GET',
      new RegExp(`${repo}/git/blobs/([0-9a-f]{40})$`),
      (m) => {
        const text = git.blobs.get(m[2]!);
        if (text === undefined) return undefined;
        const content = Buffer.from(text)
          .toString('base64')
          .replace(/(.{60})/g, '$1\n');
        return [
          200,
          { sha: m[2], node_id: `B_${m[2]}`, size: Buffer.byteLength(text), url: '', content, encoding: 'base64' },
        ];
      },
    ],
    [
      'POST',
      new RegExp(`${repo}/git/blobs$`),
      (_m, body) => {
        const text = body.encoding === 'base64' ? Buffer.from(body.content, 'base64').toString('utf8') : body.content;
        const sha = git.putBlob(text);
        return [201, { url: `/blobs/${sha}`, sha }];
      },
    ],
    [
      'POST',
      new RegExp(`${repo}/git/trees$`),
      (_m, body) => {
        const paths = body.base_tree ? git.pathsOf(body.base_tree) : new Map<string, string>();
        for (const entry of body.tree as { path: string; sha: string }[]) paths.set(entry.path, entry.sha);
        const sha = git.treeFromPaths(paths);
        return [201, { sha, url: `/trees/${sha}`, tree: [], truncated: false }];
      },
    ],
    [
      'POST',
      new RegExp(`${repo}/git/commits$`),
      (_m, body) => {
        const sha = git.putCommit({ tree: body.tree, parents: body.parents, message: body.message });
        return [201, commitJson(sha)];
      },
    ],
    [
      'POST',
      new RegExp(`${repo}/git/refs$`),
      (m, body) => {
        const name = String(body.ref).replace(/^refs\/heads\//, '');
        if (git.branches(m[1]!).has(name)) return [422, 'Reference already exists'];
        git.branches(m[1]!).set(name, body.sha);
        return [201, refJson(name, body.sha)];
      },
    ],
    [
      'PATCH',
      new RegExp(`${repo}/git/refs/heads/(.+)$`),
      (m, body) => {
        const head = git.branches(m[1]!).get(m[2]!);
        if (!head) return [422, 'Reference does not exist'];
        if (!body.force && !git.commits.get(body.sha)?.parents.includes(head))
          return [422, 'Update is not a fast forward'];
        git.branches(m[1]!).set(m[2]!, body.sha);
        return [200, refJson(m[2]!, body.sha)];
      },
    ],
    [
      'DELETE',
      new RegExp(`${repo}/git/refs/heads/(.+)$`),
      (m) => {
        if (!git.branches(m[1]!).delete(m[2]!)) return [422, 'Reference does not exist'];
        return [204, undefined];
      },
    ],
    [
      'GET',
      new RegExp(`${repo}/pulls$`),
      (m, _b, url) => {
        const head = url.searchParams.get('head')?.split(':')[1];
        const wanted = url.searchParams.get('state') ?? 'open';
        const pulls = state.pulls
          .filter((p) => (!head || p.head === head) && (wanted === 'all' || p.state === wanted))
          .sort((a, b) => b.number - a.number);
        return [200, pulls.map((p) => pullJson(m[1]!, p))];
      },
    ],
    [
      'POST',
      new RegExp(`${repo}/pulls$`),
      (m, body) => {
        if (!git.branches(m[1]!).has(body.head)) return [422, 'Validation Failed'];
        if (state.pulls.some((p) => p.head === body.head && p.state === 'open'))
          return [422, `A pull request already exists for ${m[1]!.split('/')[0]}:${body.head}.`];
        const pull: FakePull = {
          number: state.pulls.length + 1,
          state: 'open',
          title: body.title,
          body: body.body ?? '',
          head: body.head,
          base: body.base,
          labels: [],
          reviewers: [],
          teamReviewers: [],
          comments: [],
        };
        state.pulls.push(pull);
        return [201, pullJson(m[1]!, pull)];
      },
    ],
    [
      'PATCH',
      new RegExp(`${repo}/pulls/(\\d+)$`),
      (m, body) => {
        const pull = pullOf(m[1]!, m[2]!);
        if (!pull) return undefined;
        Object.assign(pull, {
          ...(body.title ? { title: body.title } : {}),
          ...(body.body ? { body: body.body } : {}),
          ...(body.state ? { state: body.state } : {}),
        });
        return [200, pullJson(m[1]!, pull)];
      },
    ],
    [
      'POST',
      new RegExp(`${repo}/issues/(\\d+)/labels$`),
      (m, body) => {
        const pull = pullOf(m[1]!, m[2]!);
        if (!pull) return undefined;
        pull.labels.push(...(body.labels as string[]));
        return [200, pull.labels.map((name) => ({ name, color: 'ededed' }))];
      },
    ],
    [
      'POST',
      new RegExp(`${repo}/pulls/(\\d+)/requested_reviewers$`),
      (m, body) => {
        const pull = pullOf(m[1]!, m[2]!);
        if (!pull) return undefined;
        pull.reviewers.push(...(body.reviewers ?? []));
        pull.teamReviewers.push(...(body.team_reviewers ?? []));
        return [201, pullJson(m[1]!, pull)];
      },
    ],
    [
      'POST',
      new RegExp(`${repo}/issues/(\\d+)/comments$`),
      (m, body) => {
        const pull = pullOf(m[1]!, m[2]!);
        if (!pull) return undefined;
        pull.comments.push(body.body);
        return [201, { id: pull.comments.length, body: body.body, html_url: '' }];
      },
    ],
  ];
}
