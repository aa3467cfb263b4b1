/** What every snapshot key's loader shares: parsing one key against its schema, and small value helpers. */
import type * as z from 'zod/mini';
import { type InputIssue, SnapshotFormatError } from '../errors.ts';
import { safeParseSchema } from '../safe-parse.ts';
import type { SnapshotKey, Tags } from '../types/inventory.ts';

/** The snapshot's operation keys, as read (before validation). */
export type Raw = Partial<Record<SnapshotKey, unknown>>;
/** Where the snapshot came from, for error messages (a file path). */
export type LoadContext = { path?: string };

/** `[{Key, Value}]` as AWS lists tags, as a record. */
export function tagsOf(tags: { Key: string; Value?: string | undefined }[] | undefined): Tags {
  const out: Tags = {};
  for (const tag of tags ?? []) out[tag.Key] = tag.Value ?? '';
  return out;
}

export function defined<T>(values: (T | undefined | null)[]): T[] {
  return values.filter((value): value is T => value !== undefined && value !== null);
}

function pathOf(key: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : `${acc}.${String(part)}`),
    key,
  );
}

/**
 * Parses one snapshot key against its AWS response schema.
 *
 * @throws SnapshotFormatError naming the key and the path of the first wrong field.
 */
export function parseKey<S extends z.ZodMiniType>(
  key: SnapshotKey,
  schema: S,
  value: unknown,
  context: { path?: string },
): z.output<S> {
  const result = safeParseSchema(schema, value);
  if (result.success) return result.data;
  const issues: InputIssue[] = result.error.issues.map((issue) => ({
    path: pathOf(key, issue.path),
    message: issue.message,
  }));
  const where = context.path ? `${context.path}: ` : '';
  const first = issues[0];
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  throw new SnapshotFormatError(
    `${where}snapshot key ${key} does not have the AWS response shape: ${first?.path}: ${first?.message}${more}`,
    { ...(context.path === undefined ? {} : { path: context.path }), key, issues },
    { cause: result.error },
  );
}

/** Decodes base64 text as UTF-8; `where` is the error thrown when it is not base64. */
export function decodeBase64(text: string, where: () => SnapshotFormatError): string {
  try {
    const binary = atob(text.replace(/\s+/g, ''));
    return new TextDecoder().decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)));
  } catch {
    throw where();
  }
}
