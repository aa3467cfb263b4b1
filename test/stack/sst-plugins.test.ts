/**
 * Does SST 4 apply `nodejs.plugins` (sst.config.ts: './scripts/esbuild-plugins.mjs') to the function bundles?
 *
 * SST bundles with esbuild's Go API. With `plugins` set, its bundler (pkg/runtime/node: `plugin()`) registers one Go
 * plugin for every path (filter `.*`), starts `node .sst/platform/functions/nodejs-runtime/plugin.mjs <plugins file>`
 * and forwards each resolve and load to that bridge as a line of JSON; the bridge runs the file's default export's
 * plugins and answers `{contents, loader}` or `{}`. The component passes `nodejs` to the bundler whole
 * (platform/src/components/aws/function.ts: `properties: nodejs`).
 *
 * This test takes the bridge script out of the SST binary npm installed (the very file `sst install` writes to
 * .sst/platform), checks the binary carries the Go side and the component, then bundles on-cloudtrail-event through
 * the bridge, forwarding as the Go side does, and compares the result with the bundle scripts/bundle.ts makes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { type BuildOptions, build, type Plugin } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { BUNDLE_OPTIONS, ROOT } from '../../scripts/bundle.ts';

const require = createRequire(join(ROOT, 'package.json'));
const sstBinary = readFileSync(require.resolve(`sst-${process.platform}-${process.arch}/bin/sst`));
const dir = mkdtempSync(join(tmpdir(), 'podnet-guard-sst-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The bridge script embedded in the SST binary: from its first import to the end of its line handler. */
function bridgeScript(): string {
  const text = sstBinary.toString('latin1');
  const body = text.indexOf('const plugins = await import(process.argv[2]);');
  const start = text.lastIndexOf('import { createInterface } from "readline";', body);
  const endMarker = '\n  });\n});\n';
  const end = text.indexOf(endMarker, body);
  if (body < 0 || start < 0 || end < 0) throw new Error('the SST binary no longer holds the nodejs plugin bridge');
  return text.slice(start, end + endMarker.length);
}

/** A Go-side stand-in: forwards every resolve and load to the bridge, as SST's `plugin()` does, and maps the reply. */
function forwardTo(bridge: ChildProcess): Plugin {
  let next = 0;
  const pending = new Map<number, (value: Record<string, unknown>) => void>();
  createInterface({ input: bridge.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    const reply = JSON.parse(line) as { id: number; value: Record<string, unknown> };
    pending.get(reply.id)?.(reply.value);
    pending.delete(reply.id);
  });
  const request = (command: string, value: Record<string, unknown>) =>
    new Promise<Record<string, unknown>>((resolve) => {
      const id = next++;
      pending.set(id, resolve);
      bridge.stdin?.write(`${JSON.stringify({ id, command, value })}\n`);
    });
  return {
    name: 'nodejs-plugin',
    setup(build) {
      build.onResolve({ filter: /.*/ }, async (args) => {
        const reply = await request('resolve', {
          path: args.path,
          importer: args.importer,
          namespace: args.namespace,
          resolveDir: args.resolveDir,
          kind: args.kind,
          pluginData: args.pluginData,
          with: args.with,
        });
        return typeof reply.path === 'string' ? { path: reply.path } : undefined;
      });
      build.onLoad({ filter: /.*/ }, async (args) => {
        const reply = await request('load', {
          path: args.path,
          namespace: args.namespace,
          suffix: args.suffix,
          pluginData: args.pluginData,
          with: args.with,
        });
        if (typeof reply.contents !== 'string') return undefined;
        return { contents: reply.contents, loader: reply.loader as 'js' };
      });
    },
  };
}

async function bundleText(plugins: Plugin[]): Promise<string> {
  const options: BuildOptions = {
    ...BUNDLE_OPTIONS,
    plugins,
    entryPoints: { index: join(ROOT, 'functions/on-cloudtrail-event.ts') },
    outdir: join(dir, 'out'),
    outExtension: { '.js': '.mjs' },
    write: false,
    logLevel: 'silent',
  };
  const result = await build(options);
  return (result.outputFiles ?? [])
    .map((file) => `${file.path.slice(dir.length)}\n${file.text}`)
    .sort()
    .join('\n');
}

describe('SST 4 nodejs.plugins', () => {
  it('is wired in the installed SST: the Go plugin, the bridge path, and the component passing nodejs whole', () => {
    const text = sstBinary.toString('latin1');
    expect(text).toContain('nodejs-plugin');
    expect(text).toContain('.sst/platform/functions/nodejs-runtime/plugin.mjs');
    expect(text).toContain('properties: nodejs,');
    expect(bridgeScript()).toContain('for (const plugin of plugins.default)');
  });

  it('matches a filter against the message, not its path: a plugin with a narrow filter never runs there', async () => {
    const script = join(dir, 'plugin.mjs');
    writeFileSync(script, bridgeScript());
    const narrow = join(dir, 'narrow-plugins.mjs');
    writeFileSync(
      narrow,
      `export default [{ name: 'narrow', setup(build) {
        build.onLoad({ filter: /schemas_0\\.js$/ }, () => ({ contents: 'export {}', loader: 'js' }));
      } }];`,
    );
    const load = async (pluginsFile: string) => {
      const bridge = spawn(process.execPath, [script, pluginsFile], { stdio: ['pipe', 'pipe', 'inherit'] });
      const reply = new Promise<string>((resolve) =>
        createInterface({ input: bridge.stdout as NodeJS.ReadableStream }).once('line', resolve),
      );
      // The message SST's Go side writes for a load (pkg/runtime/node/plugin.go: {id, command, value}).
      const path = join(ROOT, 'node_modules/@aws-sdk/client-ec2/dist-es/schemas/schemas_0.js');
      bridge.stdin?.write(`${JSON.stringify({ id: 0, command: 'load', value: { path, namespace: 'file' } })}\n`);
      const value = (JSON.parse(await reply) as { value: Record<string, unknown> }).value;
      bridge.kill();
      return value;
    };
    expect(await load(narrow)).toEqual({});
    const ours = await load(join(ROOT, 'scripts/esbuild-plugins.mjs'));
    expect(ours.loader).toBe('js');
    expect(ours.contents).toMatch(/"xmlName":/);
  }, 60_000);

  it('bundles on-cloudtrail-event through the bridge exactly as scripts/bundle.ts does, and not as without plugins', async () => {
    const script = join(dir, 'plugin.mjs');
    writeFileSync(script, bridgeScript());
    // sst.config.ts gives the path relative to the project root; SST joins it with its working directory.
    const bridge = spawn(process.execPath, [script, join(ROOT, 'scripts/esbuild-plugins.mjs')], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    try {
      const throughSst = await bundleText([forwardTo(bridge)]);
      const direct = await bundleText(BUNDLE_OPTIONS.plugins);
      const without = await bundleText([]);
      expect(throughSst).toBe(direct);
      expect(without.length).toBeGreaterThan(direct.length + 100 * 1024);
    } finally {
      bridge.kill();
    }
  }, 120_000);
});
