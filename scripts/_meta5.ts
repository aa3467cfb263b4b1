import { build } from 'esbuild';
import { BUNDLE_OPTIONS } from './bundle.ts';

const r = await build({
  ...BUNDLE_OPTIONS,
  entryPoints: { index: process.argv[2]! },
  outdir: '/tmp/cli-meta',
  write: false,
  metafile: true,
  outExtension: { '.js': '.mjs' },
});
const outs = r.metafile.outputs;
const main = Object.keys(outs).find((f) => f.endsWith('/index.mjs'))!;
const seen = new Set<string>();
const visit = (f: string) => {
  if (seen.has(f)) return;
  seen.add(f);
  for (const i of outs[f]?.imports ?? []) if (i.kind === 'import-statement' && !i.external) visit(i.path);
};
visit(main);
const by = new Map<string, number>();
for (const f of seen)
  for (const [p, i] of Object.entries(outs[f]!.inputs)) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(p);
    const k = m?.[1] ?? p.split('/').slice(0, 3).join('/');
    by.set(k, (by.get(k) ?? 0) + i.bytesInOutput);
  }
console.log(
  [...by]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 22)
    .map(([k, v]) => `${k} ${(v / 1024).toFixed(1)}`)
    .join('\n'),
);
