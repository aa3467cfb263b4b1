/**
 * The git object store behind the loopback GitHub server (github-server.ts): blobs, nested trees and commits keyed by
 * a SHA-1 of their content, so equal content has an equal sha as in git, and refs per repository.
 */
import { createHash } from 'node:crypto';

export interface TreeEntry {
  name: string;
  type: 'blob' | 'tree';
  sha: string;
}

export interface CommitObject {
  tree: string;
  parents: string[];
  message: string;
}

export class GitStore {
  readonly blobs = new Map<string, string>();
  readonly trees = new Map<string, TreeEntry[]>();
  readonly commits = new Map<string, CommitObject>();
  /** `owner/repo` → branch → commit sha. */
  readonly refs = new Map<string, Map<string, string>>();

  private hash(kind: string, value: unknown): string {
    return createHash('sha1').update(kind).update(JSON.stringify(value)).digest('hex');
  }

  putBlob(content: string): string {
    const sha = this.hash('blob', content);
    this.blobs.set(sha, content);
    return sha;
  }

  putTree(entries: TreeEntry[]): string {
    const sorted = [...entries].sort((a, b) => a.name.localeCompare(b.name));
    const sha = this.hash('tree', sorted);
    this.trees.set(sha, sorted);
    return sha;
  }

  putCommit(commit: CommitObject): string {
    const sha = this.hash('commit', { ...commit, at: this.commits.size });
    this.commits.set(sha, commit);
    return sha;
  }

  /** Builds nested trees from `path → blob sha`; returns the root tree's sha. */
  treeFromPaths(paths: ReadonlyMap<string, string>): string {
    const build = (prefix: string): string => {
      const names = new Map<string, TreeEntry>();
      for (const [path, sha] of paths) {
        if (!path.startsWith(prefix)) continue;
        const rest = path.slice(prefix.length);
        const [head, ...tail] = rest.split('/');
        if (tail.length === 0) names.set(head!, { name: head!, type: 'blob', sha });
        else if (!names.has(head!)) names.set(head!, { name: head!, type: 'tree', sha: build(`${prefix}${head}/`) });
      }
      return this.putTree([...names.values()]);
    };
    return build('');
  }

  /** Every blob under a tree as `path → sha`. */
  pathsOf(treeSha: string, prefix = '', out = new Map<string, string>()): Map<string, string> {
    for (const entry of this.trees.get(treeSha) ?? []) {
      const path = `${prefix}${entry.name}`;
      if (entry.type === 'blob') out.set(path, entry.sha);
      else this.pathsOf(entry.sha, `${path}/`, out);
    }
    return out;
  }

  /** Every entry under a tree, trees included, as GitHub lists a recursive tree. */
  listRecursive(treeSha: string, prefix = ''): { path: string; entry: TreeEntry }[] {
    const out: { path: string; entry: TreeEntry }[] = [];
    for (const entry of this.trees.get(treeSha) ?? []) {
      const path = `${prefix}${entry.name}`;
      out.push({ path, entry });
      if (entry.type === 'tree') out.push(...this.listRecursive(entry.sha, `${path}/`));
    }
    return out;
  }

  branches(repository: string): Map<string, string> {
    const refs = this.refs.get(repository) ?? new Map<string, string>();
    this.refs.set(repository, refs);
    return refs;
  }

  /** Commits `files` (path → text) on `branch` of `repository` (over its head when it exists). */
  commitFiles(repository: string, branch: string, files: Record<string, string>, message = 'seed'): string {
    const head = this.branches(repository).get(branch);
    const paths = head ? this.pathsOf(this.commits.get(head)!.tree) : new Map<string, string>();
    for (const [path, text] of Object.entries(files)) paths.set(path, this.putBlob(text));
    const sha = this.putCommit({ tree: this.treeFromPaths(paths), parents: head ? [head] : [], message });
    this.branches(repository).set(branch, sha);
    return sha;
  }

  /** The text of `path` at a branch's head. */
  fileAt(repository: string, branch: string, path: string): string | undefined {
    const head = this.branches(repository).get(branch);
    const sha = head && this.pathsOf(this.commits.get(head)!.tree).get(path);
    return sha ? this.blobs.get(sha) : undefined;
  }
}
