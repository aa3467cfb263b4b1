/**
 * One parsed document of a YAML or JSON file, seen as plain values (CloudFormation short-form tags turned into their
 * long form, `!Ref X` into `{ Ref: X }`) and edited by path. Edits are text edits of the original source, so comments,
 * key order, quoting, anchors and formatting outside the edited value stay as they are.
 */
import type { TextEdit } from '../text-edit.ts';

export type Path = readonly (string | number)[];

export interface TreeDoc {
  readonly path: string;
  /** Index of the document in a multi-document YAML file (0 otherwise). */
  readonly index: number;
  readonly value: unknown;
  /** 1-based line where the value at `path` starts. */
  line(path: Path): number;
  /** Replaces the value at `path` (scalars keep their quoting style, lists their flow or block style). */
  replace(path: Path, value: unknown): TextEdit[];
  /** Adds `key: value` to the map at `path` (after its last entry). */
  insert(path: Path, key: string, value: unknown): TextEdit[];
  /** Appends a scalar to the list at `path`. */
  append(path: Path, value: string | number): TextEdit[];
  /** Removes the map entry or list item at `path`, with the lines it occupies. */
  remove(path: Path): TextEdit[];
}

export class EditError extends Error {
  override readonly name = 'EditError';
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at `path` in a plain value. */
export function valueAt(value: unknown, path: Path): unknown {
  let current = value;
  for (const key of path) {
    if (typeof key === 'number') current = Array.isArray(current) ? current[key] : undefined;
    else current = isRecord(current) ? current[key] : undefined;
    if (current === undefined) return undefined;
  }
  return current;
}
