/**
 * Parses argv and runs one command. Commands are `async (args, io) => exitCode` and throw ExitError on bad usage;
 * this file is the one place that maps errors to exit codes.
 */
import { escapeTerminalLines, PodnetGuardError } from '@podnet-guard/core';
import { EXIT, type ExitCode, ExitError } from './exit-codes.ts';
import type { CommandIO } from './io.ts';

export type Command = {
  summary: string;
  usage: string;
  run: (argv: string[], io: CommandIO) => Promise<ExitCode>;
};

const commands: Record<string, { load: () => Promise<Command>; summary: string }> = {};

/** Registers a command lazily (so `max-pods` never loads the AWS SDK), with the line `--help` shows for it. */
export function registerCommand(name: string, load: () => Promise<Command>, summary = ''): void {
  commands[name] = { load, summary };
}

export function usageText(): string {
  return [
    'usage: podnet-guard <command> [options]',
    '',
    'commands:',
    ...Object.entries(commands).map(([name, { summary }]) => `  ${name.padEnd(16)}${summary}`.trimEnd()),
    '',
    "Run `podnet-guard <command> --help` for a command's options.",
    '',
  ].join('\n');
}

export async function runCli(argv: string[], given: CommandIO): Promise<ExitCode> {
  // Standard error is read in a terminal: whatever reaches it (error messages quoting input files, AWS or API errors,
  // warnings) has its control and bidi characters shown as escapes. Values are escaped where they enter a message too
  // (escapePlainText), so they cannot add a line; this keeps the messages' own line breaks.
  const io: CommandIO = { ...given, stderr: (text) => given.stderr(escapeTerminalLines(text)) };
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout)(usageText());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const load = commands[name]?.load;
  if (!load) {
    io.stderr(`podnet-guard: unknown command ${JSON.stringify(name)}\n${usageText()}`);
    return EXIT.usage;
  }
  const command = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`${command.summary}\n\n${command.usage}\n`);
    return EXIT.ok;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    return reportError(error, name, io);
  }
}

function reportError(error: unknown, command: string, io: CommandIO): ExitCode {
  if (error instanceof ExitError) {
    io.stderr(`podnet-guard ${command}: ${error.message}\n`);
    return error.code;
  }
  if (error instanceof PodnetGuardError) {
    io.stderr(`podnet-guard ${command}: ${error.message}\n`);
    return EXIT.usage;
  }
  // `parseArgs` throws TypeError with code ERR_PARSE_ARGS_* for unknown or malformed options.
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
    io.stderr(`podnet-guard ${command}: ${(error as Error).message}\n`);
    return EXIT.usage;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr(`podnet-guard ${command}: internal error: ${message} (please report this)\n`);
  return EXIT.usage;
}
