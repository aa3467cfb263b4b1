/**
 * Parses argv and runs one command. Commands are `async (args, io) => exitCode` and throw ExitError on bad usage;
 * this file is the one place that maps errors to exit codes. What every command gets here, without code of its own:
 * `--help`/`-h` and `help <command>` (with its exit codes), `--version`, refusing a repeated option unless its usage
 * line says "repeatable", refusing options the command declares exclusive, and parser errors told as the command's
 * usage line rather than the parser's wording.
 */

import { PodnetGuardError } from '@podnet-guard/core/errors';
import { escapeTerminalLines } from '@podnet-guard/core/escape';
import packageJson from '../package.json' with { type: 'json' };
import { EXIT, type ExitCode, ExitError } from './exit-codes.ts';
import type { CommandIO } from './io.ts';

export type Command = {
  summary: string;
  /** The help text: first line `usage: podnet-guard <command> …`, then the options, one per line. */
  usage: string;
  run: (argv: string[], io: CommandIO) => Promise<ExitCode>;
  /**
   * The exit codes the command can return, for its help. Default: 0 and 2, 1 when the usage offers `--fail-on`, and 3
   * unless the command declares otherwise (it reads AWS or the API).
   */
  exitCodes?: readonly ExitCode[];
  /** Groups of options (without `--`) of which at most one may be given, e.g. `[['snapshot', 'region', 'api']]`. */
  exclusive?: readonly (readonly string[])[];
};

const commands: Record<string, { load: () => Promise<Command>; summary: string }> = {};

/** Registers a command lazily (so `max-pods` never loads the AWS SDK), with the line `--help` shows for it. */
export function registerCommand(name: string, load: () => Promise<Command>, summary = ''): void {
  commands[name] = { load, summary };
}

/** The registered command names, in registration order. */
export function registeredCommands(): string[] {
  return Object.keys(commands);
}

export const VERSION: string = packageJson.version;

export function usageText(): string {
  return [
    'usage: podnet-guard <command> [options]',
    '       podnet-guard help <command> | --version',
    '',
    'commands:',
    ...Object.entries(commands).map(([name, { summary }]) => `  ${name.padEnd(16)}${summary}`.trimEnd()),
    '',
    "Run `podnet-guard help <command>` (or `podnet-guard <command> --help`) for a command's options and exit codes.",
    '',
  ].join('\n');
}

const EXIT_MEANING: Record<ExitCode, string> = {
  [EXIT.ok]: 'the command ran, whatever it found',
  [EXIT.failOn]: '--fail-on was given and an open finding reached that severity',
  [EXIT.usage]: 'bad usage or unreadable input',
  [EXIT.aws]: 'AWS or the API could not be read (credentials, permissions, network, throttling past retries)',
};

/** The exit codes a command's help lists. */
export function exitCodesOf(command: Command): readonly ExitCode[] {
  if (command.exitCodes) return command.exitCodes;
  return [EXIT.ok, ...(command.usage.includes('--fail-on') ? [EXIT.failOn] : []), EXIT.usage, EXIT.aws];
}

/** A command's full help: summary, usage and options, then its exit codes. */
export function commandHelp(command: Command): string {
  const codes = exitCodesOf(command).map((code) => `  ${code}  ${EXIT_MEANING[code]}`);
  return `${command.summary}\n\n${command.usage}\n\nexit codes:\n${codes.join('\n')}\n`;
}

export async function runCli(argv: string[], given: CommandIO): Promise<ExitCode> {
  // Standard error is read in a terminal: whatever reaches it (error messages quoting input files, AWS or API errors,
  // warnings) has its control and bidi characters shown as escapes. Values are escaped where they enter a message too
  // (escapePlainText), so they cannot add a line; this keeps the messages' own line breaks.
  const io: CommandIO = { ...given, stderr: (text) => given.stderr(escapeTerminalLines(text)) };
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || (name === 'help' && rest.length === 0)) {
    (name === undefined ? io.stderr : io.stdout)(usageText());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    io.stdout(`podnet-guard ${VERSION}\n`);
    return EXIT.ok;
  }
  const helpFor = name === 'help' ? rest[0] : undefined;
  const commandName = helpFor ?? name;
  const load = commands[commandName]?.load;
  if (!load) {
    io.stderr(`podnet-guard: unknown command ${JSON.stringify(commandName)}\n${usageText()}`);
    return EXIT.usage;
  }
  const command = await load();
  const optionsEnd = rest.indexOf('--');
  const options = optionsEnd === -1 ? rest : rest.slice(0, optionsEnd);
  if (helpFor !== undefined || options.includes('--help') || options.includes('-h')) {
    io.stdout(commandHelp(command));
    return EXIT.ok;
  }
  try {
    checkOptions(command, options);
    return await command.run(rest, io);
  } catch (error) {
    return reportError(error, commandName, command, io);
  }
}

/** The options (without `--`) a command's usage marks as repeatable. */
export function repeatableOptions(usage: string): Set<string> {
  const repeatable = new Set<string>();
  for (const line of usage.split('\n')) {
    const match = /^\s*--([a-z][a-z0-9-]*)\b.*\brepeatable\b/.exec(line);
    if (match?.[1]) repeatable.add(match[1]);
  }
  return repeatable;
}

/** Refuses an option given twice (unless repeatable) and options of one exclusive group given together. */
function checkOptions(command: Command, options: readonly string[]): void {
  const repeatable = repeatableOptions(command.usage);
  const seen = new Set<string>();
  for (const token of options) {
    const match = /^--([a-z][a-z0-9-]*)(=|$)/.exec(token);
    if (!match?.[1]) continue;
    const option = match[1];
    if (seen.has(option) && !repeatable.has(option)) {
      throw new ExitError(EXIT.usage, `--${option} was given more than once; it takes one value`);
    }
    seen.add(option);
  }
  for (const group of command.exclusive ?? []) {
    const given = group.filter((option) => seen.has(option));
    if (given.length > 1) {
      throw new ExitError(EXIT.usage, `give ${given.map((option) => `--${option}`).join(' or ')}, not both`);
    }
  }
}

/** `node:util` parseArgs errors in the words of this CLI (its own wording tells how to pass `-x` as an argument). */
function parserReason(error: Error & { code: string }): string {
  const quoted = /'([^']+)'/.exec(error.message)?.[1] ?? '';
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${quoted}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /argument missing/.test(error.message)
        ? `${quoted.split(' ')[0]} needs a value`
        : `${quoted.split(' ')[0]} takes no value`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${JSON.stringify(quoted)}`;
    default:
      return error.message;
  }
}

function reportError(error: unknown, name: string, command: Command, io: CommandIO): ExitCode {
  if (error instanceof ExitError) {
    io.stderr(`podnet-guard ${name}: ${error.message}\n`);
    return error.code;
  }
  if (error instanceof PodnetGuardError) {
    io.stderr(`podnet-guard ${name}: ${error.message}\n`);
    return EXIT.usage;
  }
  // `parseArgs` throws TypeError with code ERR_PARSE_ARGS_* for unknown or malformed options.
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
    const usageLine = command.usage.split('\n')[0] ?? '';
    io.stderr(
      `podnet-guard ${name}: ${parserReason(error as Error & { code: string })}\n${usageLine}\n` +
        `(podnet-guard help ${name} lists the options)\n`,
    );
    return EXIT.usage;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr(`podnet-guard ${name}: internal error: ${message} (please report this)\n`);
  return EXIT.usage;
}
