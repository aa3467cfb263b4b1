/**
 * Validation with zod/mini and zod's English messages. Classic `zod` registers the English locale when it loads;
 * zod/mini registers none (every issue would read `Invalid input`), so the messages are passed per parse rather than
 * set globally with `z.config`, which would also change other zod users' messages.
 */

import type * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

// The locale adds ~3 KB to a bundle; classic zod's namespace added ~440 KB.
const englishMessages = en().localeError;

/**
 * `schema.safeParse(input)` with the messages classic zod gives (`Invalid input: expected string, received number`).
 * Messages a schema sets itself (a `z.regex(…, message)`, a `z.refine`) take precedence, as in classic zod.
 *
 * @example
 * const result = safeParseSchema(z.object({ port: z.number() }), { port: '22' });
 * // result.error.issues[0].message === 'Invalid input: expected number, received string'
 */
export function safeParseSchema<S extends z.ZodMiniType>(
  schema: S,
  input: unknown,
): z.core.util.SafeParseResult<z.output<S>> {
  return schema.safeParse(input, { error: englishMessages });
}
