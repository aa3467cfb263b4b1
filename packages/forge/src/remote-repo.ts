/**
 * A branch of a forge repository as `remediate` reads one (packages/remediate/src/repo.ts's `Repo`): the files of
 * the supported formats only, each at most 2 MB, read through the API on demand. Nothing is cloned or written.
 */
import type { BranchSnapshot, Forge, RepositoryRef } from './forge.ts';

/** What `remediate` reads: the same formats and bounds as a local repository. */
const EXTENSIONS = ['.yaml', '.yml', '.json', '.template', '.tf', '.tfvars'];
const SKIPPED_DIRECTORIES = new Set(['node_modules', '.terraform', '.sst', 'cdk.out', '.serverless']);
export const MAX_BLOB_BYTES = 2 * 1024 * 1024;
export const MAX_FILES = 20_000;

/** The `Repo` shape of packages/remediate, structurally (the forge needs none of remediate's code for it). */
export interface RemoteRepo {
  readonly root: string;
  files(): Promise<string[]>;
  read(relativePath: string): Promise<string>;
  write(relativePath: string, text: string): Promise<void>;
}

/** True for a file `remediate` may read: a supported format, not too large, in no skipped directory. */
export function isCandidateFile(path: string, size: number): boolean {
  if (size > MAX_BLOB_BYTES) return false;
  if (!EXTENSIONS.some((extension) => path.endsWith(extension))) return false;
  return !path.split('/').some((part) => SKIPPED_DIRECTORIES.has(part));
}

/** The snapshot as a read-only repository; blobs are read once, when `remediate` asks for them. */
export function remoteRepo(forge: Forge, repository: RepositoryRef, snapshot: BranchSnapshot): RemoteRepo {
  const candidates = new Map(
    snapshot.files
      .filter((file) => isCandidateFile(file.path, file.size))
      .sort((a, b) => a.path.localeCompare(b.path))
      .slice(0, MAX_FILES)
      .map((file) => [file.path, file.sha]),
  );
  return {
    root: `${repository.owner}/${repository.repo}@${snapshot.commitSha}`,
    files: async () => [...candidates.keys()],
    read: async (path) => {
      const sha = candidates.get(path);
      if (!sha) throw new Error(`${path} is not a candidate file`);
      return forge.readBlob(repository, sha);
    },
    write: async () => {
      throw new Error('a remote repository is changed by a commit, never written in place');
    },
  };
}
