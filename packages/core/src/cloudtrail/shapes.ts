/**
 * zod building blocks for the shapes CloudTrail gives EC2 and EKS request and response fields: `items` wrappers
 * (lowerCamelCase records), one-or-many values and `{content, tag}` strings (PascalCase records converted from the
 * EC2 Query API's XML), numbers written as strings, and empty collections written as `{}` or `""`.
 */
import * as z from 'zod/mini';
import type { InputIssue } from '../errors.ts';

/** A whole number that CloudTrail may write as a JSON number or as a numeric string. */
export const integer = z.pipe(
  z.transform((value: unknown) => (typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value)),
  z.int(),
);

/** A string CloudTrail may write as a number (e.g. a launch template version, a protocol number). */
export const stringish = z.pipe(
  z.transform((value: unknown) => (typeof value === 'number' ? String(value) : value)),
  z.string(),
);

/** A flag CloudTrail may write as a boolean or as `"true"`/`"false"`. */
export const boolish = z.pipe(
  z.transform((value: unknown) => (value === 'true' ? true : value === 'false' ? false : value)),
  z.boolean(),
);

function isEmptyCollection(value: unknown): boolean {
  return (
    value === undefined ||
    value === null ||
    value === '' ||
    (typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0)
  );
}

/**
 * An `items` wrapper of the lowerCamelCase records: `{ "items": [...] }`, or `{}` when the list is empty. A bare array
 * is taken too. Absent means empty.
 */
export const items = <T extends z.ZodMiniType>(item: T) => {
  // Validated inside its wrapper, so issue paths read `ipPermissions.items.0.fromPort` as in the record.
  const wrapper = z.object({ items: z.array(item) });
  return z.pipe(
    z.transform((value: unknown) => {
      if (isEmptyCollection(value)) return { items: [] };
      if (Array.isArray(value)) return { items: value };
      if (typeof value === 'object' && value !== null && 'items' in value && !Array.isArray(value.items)) {
        return { items: [value.items] };
      }
      return value;
    }),
    z.pipe(
      wrapper,
      z.transform((value: z.output<typeof wrapper>) => value.items),
    ),
  );
};

/**
 * A list in the PascalCase records, which CloudTrail converts from XML: one element is an object, several are an
 * array; an `item` wrapper (`errorSet.item`) is unwrapped. Absent, `""` or `{}` means empty.
 */
export const oneOrMany = <T extends z.ZodMiniType>(item: T) =>
  z.pipe(
    z.transform((value: unknown) => {
      if (isEmptyCollection(value)) return [];
      if (typeof value === 'object' && value !== null && !Array.isArray(value) && 'item' in value) {
        const inner = value.item;
        if (isEmptyCollection(inner)) return [];
        return Array.isArray(inner) ? inner : [inner];
      }
      return Array.isArray(value) ? value : [value];
    }),
    z.array(item),
  );

/** A string of a PascalCase list: `"sg-…"` or `{ "content": "sg-…", "tag": 1 }`. */
export const content = z.union([
  z.string(),
  z.pipe(
    z.object({ content: z.string() }),
    z.transform((value: { content: string }) => value.content),
  ),
]);

/** Issues of a failed safeParse, with paths as dotted strings under `prefix`. */
export function toIssues(error: z.core.$ZodError, prefix = ''): InputIssue[] {
  return error.issues.map((issue) => ({
    path: joinPath(prefix, issue.path.map(String).join('.')),
    message: issue.message,
  }));
}

/** Joins dotted path segments, skipping empty ones; `(root)` when nothing is left. */
export function joinPath(...parts: string[]): string {
  return parts.filter((part) => part.length > 0).join('.') || '(root)';
}

/** Key/value tags from `[{key, value}]` (lowerCamelCase) as a record. */
export function tagsToRecord(tags: { key: string; value?: string | undefined }[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const tag of tags) result[tag.key] = tag.value ?? '';
  return result;
}

/** `tagSpecificationSet.items[{resourceType, tags: [{key, value}]}]` of the lowerCamelCase records. */
export const tagSpecificationSet = items(
  z.object({
    resourceType: z.optional(z.string()),
    tags: items(z.object({ key: z.string(), value: z.optional(z.string()) })),
  }),
);

/** Tags a tag specification set puts on resources of `resourceType` (all tags when no spec names a type). */
export function tagsFor(specs: z.output<typeof tagSpecificationSet>, resourceType: string): Record<string, string> {
  const matching = specs.filter((spec) => spec.resourceType === undefined || spec.resourceType === resourceType);
  return tagsToRecord(matching.flatMap((spec) => spec.tags));
}

/**
 * EC2's upper bound on security groups per network interface (the quota's maximum): a call that names more cannot have
 * succeeded, and judging thousands of groups would cost thousands of describe calls.
 */
export const MAX_GROUPS_PER_ENI = 16;
export const MORE_THAN_AN_ENI_HOLDS = `names more security groups than a network interface holds (at most ${MAX_GROUPS_PER_ENI})`;
