/**
 * What a per-event parser is: a zod schema over the record's `requestParameters`/`responseElements` and a normaliser
 * from the schema's output to an `EventDetail`. `defineEventParser` erases the schema's type so parsers of different
 * events fit in one map.
 */
import type * as z from 'zod/mini';
import type { InputIssue } from '../errors.ts';
import { safeParseSchema } from '../safe-parse.ts';
import type { CloudTrailRecord } from './envelope.ts';
import { toIssues } from './shapes.ts';
import type { EventSource } from './sources.ts';
import type { EventDetail } from './types.ts';

/** What a normaliser returns. */
export type Normalised =
  | { ok: true; detail: EventDetail; createdRuleIds?: string[]; notJudged?: string[] }
  /** Well-formed, but a change podnet-guard ignores (e.g. `sourceDestCheck` on an ENI); `unsupported` says why. */
  | { ok: false; unsupported: string }
  /** Valid for the schema, yet missing what the event needs (e.g. neither `groupId` nor `groupName`). */
  | { ok: false; issues: InputIssue[] };

/** The record fields a normaliser may need besides its own. */
export interface NormaliseContext {
  record: CloudTrailRecord;
  /** True when the call failed (`errorCode` set): the response is usually `null`. */
  failed: boolean;
}

export interface EventParserDefinition<S extends z.ZodMiniType> {
  source: EventSource;
  eventName: string;
  /** Validates `{ requestParameters, responseElements }` of the record. */
  schema: S;
  normalise: (input: z.output<S>, context: NormaliseContext) => Normalised;
}

/** A parser with its types erased, as `PARSERS` holds it. */
export interface EventParser {
  source: EventSource;
  eventName: string;
  parse(record: CloudTrailRecord, failed: boolean): Normalised;
}

/**
 * Builds a parser from a schema and a normaliser.
 *
 * @example
 * export const deleteSecurityGroupParser = defineEventParser({
 *   source: 'ec2.amazonaws.com',
 *   eventName: 'DeleteSecurityGroup',
 *   schema: deleteSecurityGroupSchema,
 *   normalise: normaliseDeleteSecurityGroup,
 * });
 */
export function defineEventParser<S extends z.ZodMiniType>(definition: EventParserDefinition<S>): EventParser {
  return {
    source: definition.source,
    eventName: definition.eventName,
    parse(record, failed) {
      const result = safeParseSchema(definition.schema, {
        requestParameters: record.requestParameters ?? undefined,
        responseElements: record.responseElements ?? undefined,
      });
      if (!result.success) return { ok: false, issues: toIssues(result.error) };
      return definition.normalise(result.data, { record, failed });
    },
  };
}

/** Shorthand for a normaliser's single issue. */
export function invalid(path: string, message: string): Normalised {
  return { ok: false, issues: [{ path, message }] };
}
