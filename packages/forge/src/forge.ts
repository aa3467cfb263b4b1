/**
 * What podnet-guard needs from a code forge to keep one fix pull request per finding: read a branch's files through
 * the API (no clone), build a commit, move a branch, and open, update, comment on and close a pull request. GitHub
 * implements it (github.ts); GitLab can follow behind the same interface.
 */

/** A repository on the forge: `owner/repo`. */
export interface RepositoryRef {
  owner: string;
  repo: string;
}

/** One file of a branch's tree. */
export interface TreeFile {
  path: string;
  /** The blob's id. */
  sha: string;
  size: number;
}

/** A branch's files as of its head commit. */
export interface BranchSnapshot {
  /** The head commit. */
  commitSha: string;
  /** The head commit's root tree. */
  treeSha: string;
  files: TreeFile[];
}

export type PullRequestState = 'open' | 'closed' | 'merged';

export interface PullRequest {
  number: number;
  url: string;
  state: PullRequestState;
  /** The head branch's commit the pull request shows. */
  headSha: string;
  title: string;
}

export interface NewPullRequest {
  head: string;
  base: string;
  title: string;
  body: string;
  labels: readonly string[];
  reviewers: readonly string[];
}

export interface Forge {
  /**
   * A branch's files: its tree, recursively; when the forge answers with a truncated tree, only `paths` are walked
   * (and with no paths, ForgeError `tree-truncated`).
   */
  snapshot(repository: RepositoryRef, branch: string, paths?: readonly string[]): Promise<BranchSnapshot>;
  /** A blob's text (UTF-8). */
  readBlob(repository: RepositoryRef, sha: string): Promise<string>;
  /** The branch's head commit, or undefined when there is no such branch. */
  branchHead(repository: RepositoryRef, branch: string): Promise<string | undefined>;
  /** A commit of `files` (path → new text) over `parent`'s tree; returns its sha and its tree's. */
  commit(
    repository: RepositoryRef,
    change: { parentSha: string; baseTreeSha: string; files: ReadonlyMap<string, string>; message: string },
  ): Promise<{ sha: string; treeSha: string }>;
  /** A commit's root tree and parents. */
  readCommit(repository: RepositoryRef, sha: string): Promise<{ treeSha: string; parents: string[] }>;
  /**
   * Creates the branch at `sha`. A branch that already exists (a racing invocation made it) is adopted, never
   * overwritten: `created: false` and its head.
   */
  createBranch(repository: RepositoryRef, branch: string, sha: string): Promise<{ created: boolean; headSha: string }>;
  /** Moves the branch to `sha` (`force`: a rebuild on a moved base, which is not a fast-forward). */
  moveBranch(repository: RepositoryRef, branch: string, sha: string, force: boolean): Promise<void>;
  deleteBranch(repository: RepositoryRef, branch: string): Promise<void>;
  /** The pull request whose head is `branch` (the open one first, else the latest), or undefined. */
  findPullRequest(repository: RepositoryRef, branch: string): Promise<PullRequest | undefined>;
  /** Opens a pull request; when one already exists for the branch (a race), returns that one instead. */
  openPullRequest(repository: RepositoryRef, request: NewPullRequest): Promise<PullRequest>;
  updatePullRequest(repository: RepositoryRef, number: number, update: { title: string; body: string }): Promise<void>;
  comment(repository: RepositoryRef, number: number, body: string): Promise<void>;
  closePullRequest(repository: RepositoryRef, number: number): Promise<void>;
}

export type ForgeErrorCode =
  | 'unreachable'
  | 'unauthorized'
  | 'not-found'
  | 'conflict'
  | 'rate-limited'
  | 'tree-truncated'
  | 'invalid';

/** A forge call that failed: the code, the HTTP status and what was asked; never a credential or a response body. */
export class ForgeError extends Error {
  override readonly name = 'ForgeError';
  constructor(
    readonly code: ForgeErrorCode,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/**
 * `owner/repo` as a reference; throws ForgeError `invalid` otherwise.
 *
 * @example repositoryRef('acme/infra'); // { owner: 'acme', repo: 'infra' }
 */
export function repositoryRef(name: string): RepositoryRef {
  const [owner, repo, ...rest] = name.split('/');
  if (!owner || !repo || rest.length) throw new ForgeError('invalid', `${name} is not owner/repo`);
  return { owner, repo };
}

/** The branch of a finding's pull request: one per finding, found again by this name. */
export function findingBranch(findingId: string): string {
  return `podnet-guard/${findingId}`;
}
