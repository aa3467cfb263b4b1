/**
 * `npm start`: the only file that reads process.argv, listens for signals and sets the exit code. Exit codes: 0 when
 * stopped by Ctrl-C (SIGINT) or SIGTERM; 2 for bad usage, an unreadable snapshot or config, or a port in use.
 */
import { parseArgs } from 'node:util';
import { EXIT, ExitError, loadConfigFile } from '@podnet-guard/cli';
import { escapePlainText, PodnetGuardError } from '@podnet-guard/core';
import { DataDirInUseError } from './local-table.ts';
import { DEFAULT_PORT, DEFAULT_SNAPSHOT, DEFAULT_SWEEP_SECONDS, PortInUseError, startLocalService } from './service.ts';

const USAGE = `usage: npm start -- [options]

Runs podnet-guard on this machine against a snapshot file: the API on http://127.0.0.1:<port>, the findings table,
the sweep, and alerts printed here. Ctrl-C stops it.

options:
  --port <n>             port on 127.0.0.1 (default ${DEFAULT_PORT}; 0 picks a free one)
  --snapshot <file>      the account to judge (default ${DEFAULT_SNAPSHOT}); read again on every evaluation
  --data <dir>           keep findings, suppressions and evaluations in <dir> across restarts (default: in memory)
  --sweep-seconds <n>    seconds between sweeps (default ${DEFAULT_SWEEP_SECONDS}; 0: no timed sweep)
  --config <file>        detector settings and allow-list (YAML or JSON), as for the podnet-guard command`;

// The SDK's only client here talks to the local dynalite: its notice about future Node.js support is noise in a
// terminal that shows alerts (the deployed functions run on Node.js 22).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const stdout = (text: string) => process.stdout.write(text);
const stderr = (text: string) => process.stderr.write(text);

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string' },
      snapshot: { type: 'string' },
      data: { type: 'string' },
      'sweep-seconds': { type: 'string' },
      config: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    stdout(`${USAGE}\n`);
    return EXIT.ok;
  }
  const port = integer('--port', values.port, DEFAULT_PORT, 65_535);
  const sweepSeconds = integer('--sweep-seconds', values['sweep-seconds'], DEFAULT_SWEEP_SECONDS, 86_400);
  const io = { stdout, stderr, isTTY: false, readStdin: async () => '', env: process.env };
  const config = await loadConfigFile(values.config, io);
  const service = await startLocalService({
    port,
    ...(values.snapshot ? { snapshotPath: values.snapshot } : {}),
    dataDir: values.data,
    sweepSeconds,
    config,
    alerts: stdout,
    log: stderr,
  });
  stderr(
    `podnet-guard local service on ${service.url} (snapshot ${values.snapshot ?? DEFAULT_SNAPSHOT}, findings ${
      values.data ? `in ${values.data}` : 'in memory'
    }, sweep ${sweepSeconds > 0 ? `every ${sweepSeconds} s` : 'off'}); Ctrl-C stops it\n`,
  );
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) process.exit(130);
      stopping = true;
      stderr(`${signal}: stopping\n`);
      service.close().then(resolve, (error: unknown) => {
        stderr(`error while stopping: ${(error as Error).message}\n`);
        resolve();
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return EXIT.ok;
}

function integer(flag: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!/^\d+$/.test(value) || number > max) throw new ExitError(EXIT.usage, `${flag} must be an integer 0–${max}`);
  return number;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  const code = String((error as { code?: unknown }).code ?? '');
  // Bad usage, an unreadable snapshot or config file, a taken port: the user's to fix (2); anything else is ours (1).
  const usage =
    error instanceof PortInUseError ||
    error instanceof DataDirInUseError ||
    error instanceof PodnetGuardError ||
    ['ENOENT', 'EACCES', 'EISDIR'].includes(code) ||
    code.startsWith('ERR_PARSE_ARGS');
  stderr(`podnet-guard local: ${escapePlainText((error as Error).message.split('\n')[0] ?? '')}\n`);
  process.exitCode = error instanceof ExitError ? error.code : usage ? EXIT.usage : 1;
}
