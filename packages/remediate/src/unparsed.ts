/**
 * Files that do not parse are never edited, and never passed over in silence either: a templated file that mentions
 * the owner's name, and a Terraform file that may hold or feed the owner, are named in the refusal.
 */
import { directoryOf } from './hcl/model.ts';
import { isHclPath } from './hcl/parser.ts';
import type { Candidate } from './locators/types.ts';

/** A `.tf` / `.tfvars` file with a syntax error: its blocks, variables and locals cannot be read. */
export interface BrokenHcl {
  path: string;
  line: number;
  error: string;
  text: string;
}

export function brokenHcl(path: string, text: string, errors: string[]): BrokenHcl | undefined {
  if (!isHclPath(path) || errors.length === 0) return undefined;
  const error = errors[0]!;
  return { path, text, error, line: Number(/line (\d+)/.exec(error)?.[1] ?? 1) };
}

// EKS adds a 26-digit suffix to a module node group's name (name_prefix); the code holds the name without it.
const SUFFIX = /-\d{26}$/;

/**
 * The broken Terraform files that may own or feed the part: in the directory (Terraform module) of a Terraform
 * candidate (its variables or locals may be there), mentioning one of the part's names, or any when nothing that
 * parses owns the part.
 */
export function brokenFilesFor(
  broken: readonly BrokenHcl[],
  found: readonly Candidate[],
  names: string[],
): BrokenHcl[] {
  if (found.length === 0) return [...broken];
  const modules = new Set(found.filter((candidate) => isHclPath(candidate.path)).map((c) => directoryOf(c.path)));
  const bare = names.map((name) => name.replace(SUFFIX, ''));
  return broken.filter((file) => modules.has(directoryOf(file.path)) || bare.some((name) => mentions(file.text, name)));
}

/** Whether `text` holds `name` as a whole word (names of fewer than 3 characters are too common to tell). */
export function mentions(text: string, name: string): boolean {
  if (name.length < 3) return false;
  for (let at = text.indexOf(name); at !== -1; at = text.indexOf(name, at + 1)) {
    const before = text[at - 1] ?? ' ';
    const after = text[at + name.length] ?? ' ';
    if (!/[A-Za-z0-9_-]/.test(before) && !/[A-Za-z0-9_-]/.test(after)) return true;
  }
  return false;
}
