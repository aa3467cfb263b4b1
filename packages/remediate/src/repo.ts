/**
 * The repository as `remediate` may see it: regular files under the root, reached without following a symbolic link
 * and without `..`, so nothing outside `--repo` is ever read or written, whatever the repository contains.
 */
import { lstat, open, readdir, realpath, rename, writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';

/** Files larger than this are not templates anyone edits by hand: skipped. */
const MAX_FILE_BYTES = 2 * 1024 * 1024;
const MAX_FILES = 20_000;
const SKIPPED_DIRECTORIES = new Set(['.git', 'node_modules', '.terraform', '.sst', 'cdk.out', '.serverless']);
const EXTENSIONS = ['.yaml', '.yml', '.json', '.template', '.tf', '.tfvars'];

export class RepoError extends Error {
  override readonly name = 'RepoError';
}

export interface Repo {
  readonly root: string;
  /** Candidate files (relative, `/`-separated), sorted. */
  files(): Promise<string[]>;
  read(relativePath: string): Promise<string>;
  write(relativePath: string, text: string): Promise<void>;
}

/** Opens a repository directory; throws RepoError when it is not a directory. */
export async function openRepo(directory: string): Promise<Repo> {
  let root: string;
  try {
    root = await realpath(directory);
    if (!(await lstat(root)).isDirectory()) throw new RepoError(`${directory} is not a directory`);
  } catch (cause) {
    if (cause instanceof RepoError) throw cause;
    throw new RepoError(`cannot open ${directory}: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}`);
  }
  return new LocalRepo(root);
}

class LocalRepo implements Repo {
  constructor(readonly root: string) {}

  async files(): Promise<string[]> {
    const out: string[] = [];
    const walk = async (directory: string): Promise<void> => {
      const entries = await readdir(join(this.root, directory), { withFileTypes: true });
      for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
        if (out.length >= MAX_FILES) return;
        const path = directory ? `${directory}/${entry.name}` : entry.name;
        // Dirent types come from lstat: a symbolic link is neither a file nor a directory here, so it is never followed.
        if (entry.isDirectory() && !SKIPPED_DIRECTORIES.has(entry.name)) await walk(path);
        else if (entry.isFile() && EXTENSIONS.some((extension) => entry.name.endsWith(extension))) out.push(path);
      }
    };
    await walk('');
    return out;
  }

  /** Absolute path of a repository file, after checking that every step stays inside the root and is no link. */
  private async resolve(relativePath: string): Promise<string> {
    const parts = relativePath.split('/');
    if (isAbsolute(relativePath) || parts.some((part) => part === '..' || part === '.' || part === ''))
      throw new RepoError(`${relativePath} is not a plain path inside the repository`);
    const absolute = join(this.root, ...parts);
    const back = relative(this.root, absolute);
    if (back.startsWith(`..${sep}`) || back === '..' || isAbsolute(back))
      throw new RepoError(`${relativePath} is outside the repository`);
    let current = this.root;
    for (const part of parts) {
      current = join(current, part);
      const stat = await lstat(current);
      if (stat.isSymbolicLink()) throw new RepoError(`${relativePath} goes through a symbolic link`);
    }
    return absolute;
  }

  async read(relativePath: string): Promise<string> {
    const absolute = await this.resolve(relativePath);
    const handle = await open(absolute, 'r');
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) throw new RepoError(`${relativePath} is not a regular file`);
      if (stat.size > MAX_FILE_BYTES) throw new RepoError(`${relativePath} is larger than ${MAX_FILE_BYTES} bytes`);
      return await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  }

  async write(relativePath: string, text: string): Promise<void> {
    const absolute = await this.resolve(relativePath);
    // Write beside the file, then rename over it: a crash never leaves half a template.
    const temporary = `${absolute}.podnet-guard-${process.pid}.tmp`;
    await writeFile(temporary, text, { encoding: 'utf8', flag: 'wx' });
    await rename(temporary, absolute);
  }
}
