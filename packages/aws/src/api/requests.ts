/**
 * What the API accepts, as zod schemas, and the `400` body that names each wrong field. Strict objects: a misspelt
 * query parameter (`?stauts=open`) is an error, not a silent "list everything".
 */
import { DETECTOR_IDS, SEVERITIES } from '@podnet-guard/core';
import * as z from 'zod/mini';

/** Finding and evaluation ids in paths: URL-safe, as `findingId` makes them. */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

/** Longest a suppression may last. */
export const MAX_SUPPRESS_DAYS = 90;

/** Largest page of `GET /findings`. */
export const MAX_PAGE_SIZE = 100;

// EKS cluster names: 1–100 characters, starting with a letter or digit.
const clusterName = z.string().check(z.regex(/^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/, 'not an EKS cluster name'));

export const EvaluationRequestSchema = z.strictObject({
  clusters: z.optional(z.array(clusterName).check(z.minLength(1), z.maxLength(50))),
  detectors: z.optional(z.array(z.enum(DETECTOR_IDS)).check(z.minLength(1))),
});

export const FindingsQuerySchema = z.strictObject({
  status: z.optional(z.enum(['open', 'resolved', 'suppressed'])),
  cluster: z.optional(clusterName),
  severity: z.optional(z.enum(SEVERITIES)),
  detector: z.optional(z.enum(DETECTOR_IDS)),
  limit: z.optional(z.coerce.number().check(z.int(), z.gte(1), z.lte(MAX_PAGE_SIZE))),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
});

/**
 * `POST /findings/{id}/suppress`; `until` is checked against the clock by `suppressionSchema`. `via` says which client
 * made it (the CLI sends `cli`; default `api`); `slack` is only ever set by the Slack function.
 */
export function suppressionSchema(now: Date, maxDays = MAX_SUPPRESS_DAYS) {
  const latest = now.getTime() + maxDays * 24 * 3600 * 1000;
  return z.strictObject({
    reason: z.string().check(z.trim(), z.minLength(3, 'give a reason of at least 3 characters'), z.maxLength(500)),
    until: z.iso.datetime({ offset: true }).check(
      z.refine((value) => Date.parse(value) > now.getTime(), 'must be in the future'),
      z.refine((value) => Date.parse(value) <= latest, `must be at most ${maxDays} days ahead`),
    ),
    via: z.optional(z.enum(['api', 'cli'])),
  });
}

/** One wrong field. */
export interface FieldIssue {
  path: string;
  message: string;
}

/** The issues of a failed parse, one per field (unknown keys named one by one). */
export function fieldIssues(error: z.core.$ZodError, prefix?: string): FieldIssue[] {
  const issues = error.issues.flatMap((issue) => {
    const base = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: [base, key].filter(Boolean).join('.'), message: 'unknown field' }));
    }
    return [{ path: base || (prefix ?? 'body'), message: issue.message }];
  });
  // One issue per field: the first says what is wrong (a malformed date is not also "in the past").
  return issues.filter((issue, index) => issues.findIndex((other) => other.path === issue.path) === index);
}
