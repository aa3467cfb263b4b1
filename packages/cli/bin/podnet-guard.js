#!/usr/bin/env node
// Runs the built CLI (packages/cli/dist, written by `npm run build:cli`, which `npm install` runs through `prepare`).
// When that build is missing or a source file changed since, runs the TypeScript sources through tsx instead (slower:
// it transpiles on every run) and says so in one line on stderr.
import { readFileSync, statSync } from 'node:fs';
import module from 'node:module';

// Node 22.1+: compiled code is cached on disk, so later runs skip most of the JavaScript compilation.
module.enableCompileCache?.();

const root = new URL('../../../', import.meta.url);
const dist = new URL('../dist/', import.meta.url);

/** Why the build cannot be used, or undefined when it is current. */
async function staleReason() {
  let info;
  try {
    info = JSON.parse(readFileSync(new URL('build-info.json', dist), 'utf8'));
  } catch {
    return 'no build';
  }
  for (const input of info.inputs) {
    const file = new URL(input.path, root);
    let stat;
    try {
      stat = statSync(file);
    } catch {
      return `${input.path} is gone`;
    }
    if (stat.size === input.size && stat.mtimeMs === input.mtimeMs) continue;
    // node:crypto only when a file was touched: a current build starts without it.
    const { createHash } = await import('node:crypto');
    if (stat.size !== input.size || createHash('sha1').update(readFileSync(file)).digest('hex') !== input.sha1) {
      return `${input.path} changed since the build`;
    }
  }
  return undefined;
}

const stale = await staleReason();
if (stale === undefined) {
  await import(new URL('podnet-guard.js', dist).href);
} else {
  process.stderr.write(`podnet-guard: ${stale}; running from source (slower; \`npm run build:cli\` rebuilds)\n`);
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/bin.ts');
}
