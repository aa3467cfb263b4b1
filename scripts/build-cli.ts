/**
 * Builds the CLI to JavaScript (`npm run build:cli`; `npm install` runs it through `prepare`): packages/cli/src/bin.ts
 * and the workspace packages it uses bundled by esbuild into packages/cli/dist, one chunk per lazily loaded command, and
 * the npm dependencies (AWS SDK, yaml, zod) left to Node's resolution. `dist/build-info.json` lists every source file
 * the build read with its size and SHA-1, so packages/cli/bin/podnet-guard.js can tell a stale build from a current one.
 */
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const CLI_DIST = join(ROOT, 'packages/cli/dist');

/** Bare imports outside the workspace stay imports: they are installed JavaScript already. */
const externalDependencies: Plugin = {
  name: 'external-dependencies',
  setup(builder) {
    builder.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@podnet-guard/') ? undefined : { path: args.path, external: true },
    );
  },
};

/** One source file the build read: what the launcher compares to tell whether the build is current. */
export interface BuiltInput {
  path: string;
  size: number;
  /** Checked first: when size and mtime match, the file is not read. */
  mtimeMs: number;
  sha1: string;
}

export async function buildCli(): Promise<BuiltInput[]> {
  rmSync(CLI_DIST, { recursive: true, force: true });
  const result = await build({
    entryPoints: { 'podnet-guard': join(ROOT, 'packages/cli/src/bin.ts') },
    outdir: CLI_DIST,
    absWorkingDir: ROOT,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Chunks load one another, and the launcher loads the entry: names must not change between builds of one tree.
    chunkNames: 'chunks/[name]-[hash]',
    plugins: [externalDependencies],
    metafile: true,
    logLevel: 'warning',
  });
  const inputs = Object.keys(result.metafile.inputs)
    .filter((path) => !path.includes('node_modules/'))
    .sort()
    .map((path) => {
      const text = readFileSync(join(ROOT, path));
      const { mtimeMs } = statSync(join(ROOT, path));
      return { path, size: text.byteLength, mtimeMs, sha1: createHash('sha1').update(text).digest('hex') };
    });
  writeFileSync(join(CLI_DIST, 'build-info.json'), `${JSON.stringify({ inputs }, null, 1)}\n`);
  return inputs;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const inputs = await buildCli();
  process.stderr.write(`built ${relative(ROOT, CLI_DIST)} from ${inputs.length} source files\n`);
}
