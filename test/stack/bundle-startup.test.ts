/**
 * What a cold start loads: the entry chunk and the chunks it imports statically. Code only some invocations need
 * (YAML, DynamoDB/SNS/EventBridge clients) must sit in chunks loaded on first use (see README "npm run bench").
 */
import { basename } from 'node:path';
import type { Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { bundleFunction, functionEntries } from '../../scripts/bundle.ts';

/** The input files of the chunks a cold start loads (a dynamic import is an entry point too: match the function's). */
function startupInputs(metafile: Metafile, name: string): string[] {
  const outputs = metafile.outputs;
  const entry = Object.keys(outputs).find((file) => outputs[file]?.entryPoint?.endsWith(`functions/${name}.ts`));
  if (!entry) throw new Error('no entry chunk');
  const loaded = new Set<string>();
  const visit = (file: string) => {
    if (loaded.has(file)) return;
    loaded.add(file);
    for (const imported of outputs[file]?.imports ?? []) {
      if (imported.kind === 'import-statement' && !imported.external) visit(imported.path);
    }
  };
  visit(entry);
  return [...loaded].flatMap((file) => Object.keys(outputs[file]?.inputs ?? {}));
}

describe.each(functionEntries().map((entry) => [basename(entry, '.ts'), entry]))('%s', (name, entry) => {
  it('loads no YAML parser at start', async () => {
    const { metafile } = await bundleFunction(entry as string);
    const inputs = startupInputs(metafile, name as string);
    expect(inputs.length).toBeGreaterThan(10);
    expect(inputs.filter((path) => path.includes('node_modules/yaml/'))).toEqual([]);
  }, 60_000);
});

describe('on-cloudtrail-event', () => {
  it('keeps YAML in a chunk of its own, and no store or delivery client at start', async () => {
    const entry = functionEntries().find((path) => path.endsWith('/on-cloudtrail-event.ts')) as string;
    const { metafile } = await bundleFunction(entry);
    const all = Object.values(metafile.outputs).flatMap((output) => Object.keys(output.inputs));
    expect(all.some((path) => path.includes('node_modules/yaml/'))).toBe(true);
    const atStart = startupInputs(metafile, 'on-cloudtrail-event');
    for (const client of ['client-dynamodb', 'client-sns', 'client-eventbridge']) {
      expect(atStart.filter((path) => path.includes(`@aws-sdk/${client}/`))).toEqual([]);
    }
  }, 60_000);
});
