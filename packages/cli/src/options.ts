/** Option values every command parses the same way; no domain imports, so light commands stay light. */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { EXIT, ExitError } from './exit-codes.ts';

export type OutputFormat = 'json' | 'text';

/** The option table `parseArgs` takes (node:util does not export its name). */
type OptionTable = NonNullable<ParseArgsConfig['options']>;

export function parseFormat(value: string | undefined): OutputFormat {
  if (value === undefined || value === 'text' || value === 'json') return value ?? 'text';
  throw new ExitError(EXIT.usage, `--format must be json or text, not ${JSON.stringify(value)}`);
}

/**
 * A command's options, parsed as every command parses them: strict (an unknown option is refused, cli.ts words the
 * error) and no operands.
 *
 * @example const values = parseOptions(argv, { out: { type: 'string' } });
 */
export function parseOptions<const O extends OptionTable>(argv: string[], options: O) {
  return parseArgs({ args: argv, strict: true, allowPositionals: false, options }).values;
}

/**
 * A command's options and operands (`evaluate-event <file>`, `suppress <id>`), parsed strictly; the command checks
 * how many operands it got.
 *
 * @example const { values, positionals } = parseOptionsAndOperands(argv, { snapshot: { type: 'string' } });
 */
export function parseOptionsAndOperands<const O extends OptionTable>(argv: string[], options: O) {
  return parseArgs({ args: argv, strict: true, allowPositionals: true, options });
}
