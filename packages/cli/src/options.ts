/** Option values every command parses the same way; no domain imports, so light commands stay light. */
import { EXIT, ExitError } from './exit-codes.ts';

export type OutputFormat = 'json' | 'text';

export function parseFormat(value: string | undefined): OutputFormat {
  if (value === undefined || value === 'text' || value === 'json') return value ?? 'text';
  throw new ExitError(EXIT.usage, `--format must be json or text, not ${JSON.stringify(value)}`);
}
