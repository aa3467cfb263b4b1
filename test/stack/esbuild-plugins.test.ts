/**
 * scripts/esbuild-plugins.mjs rewrites the SDK's schema modules so esbuild can drop unused schemas. The rewrite must
 * build the very same schema values: each client's schema module is bundled with and without the plugin, both are
 * imported, and every export compared (functions by their source, since schemas refer to each other through thunks).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { BUNDLE_OPTIONS, ROOT } from '../../scripts/bundle.ts';
import { sdkSchemaLiteralKeys } from '../../scripts/esbuild-plugins.mjs';

const require = createRequire(join(ROOT, 'package.json'));
const dir = mkdtempSync(join(tmpdir(), 'podnet-guard-plugins-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function schemaModule(client: string): string {
  const packageJson = require.resolve(`@aws-sdk/${client}/package.json`);
  return join(dirname(packageJson), 'dist-es/schemas/schemas_0.js');
}

async function bundleToFile(source: string, name: string, plugins: Plugin[], minify = false): Promise<string> {
  const result = await build({
    stdin: { contents: source, resolveDir: ROOT, loader: 'js' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    mainFields: ['module', 'main'],
    minify,
    plugins,
    write: false,
    logLevel: 'silent',
  });
  const file = join(dir, `${name}.mjs`);
  writeFileSync(file, result.outputFiles[0]?.text ?? '');
  return file;
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, item) => (typeof item === 'function' ? `fn:${item.toString()}` : item));
}

describe.each([
  'client-ec2',
  'client-eks',
  'client-auto-scaling',
  'client-dynamodb',
  'client-sns',
  'client-eventbridge',
])('sdkSchemaLiteralKeys on @aws-sdk/%s', (client) => {
  it('builds the same schema values as the original module', async () => {
    const source = `export * from ${JSON.stringify(schemaModule(client))};`;
    const original = await import(pathToFileURL(await bundleToFile(source, `${client}-original`, [])).href);
    const rewritten = await import(
      pathToFileURL(await bundleToFile(source, `${client}-rewritten`, [sdkSchemaLiteralKeys()])).href
    );
    const names = Object.keys(original).sort();
    expect(names.length).toBeGreaterThan(10);
    expect(Object.keys(rewritten).sort()).toEqual(names);
    for (const name of names) expect(canonical(rewritten[name]), name).toBe(canonical(original[name]));
  }, 60_000);
});

describe('tree shaking of SDK schemas', () => {
  const oneCommand = `import { EC2Client, DescribeVpcsCommand } from '@aws-sdk/client-ec2';
export const send = () => new EC2Client({}).send(new DescribeVpcsCommand({}));`;

  async function ec2SchemaBytes(plugins: Plugin[]): Promise<number> {
    const result = await build({
      ...BUNDLE_OPTIONS,
      plugins,
      stdin: { contents: oneCommand, resolveDir: ROOT, loader: 'js' },
      outdir: join(dir, 'tree-shaking'),
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.values(result.metafile.outputs).flatMap((output) => Object.entries(output.inputs));
    return inputs
      .filter(([path]) => path.includes('@aws-sdk/client-ec2/dist-es/schemas/'))
      .reduce((sum, [, input]) => sum + input.bytesInOutput, 0);
  }

  it('keeps every EC2 schema without the plugin, only those one command needs with it', async () => {
    expect(await ec2SchemaBytes([])).toBeGreaterThan(400 * 1024);
    expect(await ec2SchemaBytes([sdkSchemaLiteralKeys()])).toBeLessThan(40 * 1024);
  }, 60_000);
});
