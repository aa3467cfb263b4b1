/** Helpers the locators share. */
import { EditError, type Path, type TreeDoc } from '../tree/types.ts';
import type { Candidate } from './types.ts';

/** A candidate whose edits are computed now; an edit the tree cannot make becomes a refusal, never a guess. */
export function candidate(doc: TreeDoc, at: Path, make: () => Omit<Candidate, 'path' | 'line'>): Candidate {
  const line = safeLine(doc, at);
  try {
    return { path: doc.path, line, ...make() };
  } catch (error) {
    if (error instanceof EditError) return { path: doc.path, line, refusal: error.message };
    throw error;
  }
}

function safeLine(doc: TreeDoc, at: Path): number {
  try {
    return doc.line(at);
  } catch {
    return 1;
  }
}

export function sameList(a: unknown, b: readonly string[]): boolean {
  return Array.isArray(a) && a.length === b.length && a.every((value, index) => value === b[index]);
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
