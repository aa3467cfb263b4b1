/**
 * packages/cli/bin/podnet-guard.js runs the build when it is current and the TypeScript sources (through tsx, with a
 * one-line note) when the build is missing or a source changed. Run here on a copy of the launcher beside a small
 * stand-in build and source, so the real build is never touched.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BuiltInput } from '../../scripts/build-cli.ts';

const ROOT = join(import.meta.dirname, '../..');
let root: string;

function writeSource(text: string): void {
  writeFileSync(join(root, 'packages/cli/src/bin.ts'), text);
}

function writeBuildInfo(): void {
  const path = 'packages/cli/src/bin.ts';
  const file = join(root, path);
  const { size, mtimeMs } = statSync(file);
  const sha1 = createHash('sha1').update(readFileSync(file)).digest('hex');
  writeFileSync(
    join(root, 'packages/cli/dist/build-info.json'),
    JSON.stringify({ inputs: [{ path, size, mtimeMs, sha1 }] }),
  );
}

function run() {
  return spawnSync(process.execPath, [join(root, 'packages/cli/bin/podnet-guard.js')], { encoding: 'utf8' });
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'podnet-guard-bin-'));
  for (const dir of ['packages/cli/bin', 'packages/cli/dist', 'packages/cli/src'])
    mkdirSync(join(root, dir), { recursive: true });
  copyFileSync(join(ROOT, 'packages/cli/bin/podnet-guard.js'), join(root, 'packages/cli/bin/podnet-guard.js'));
  copyFileSync(join(ROOT, 'packages/cli/package.json'), join(root, 'packages/cli/package.json'));
  // tsx, for the fallback, resolves from the copy's node_modules.
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));
  writeFileSync(join(root, 'packages/cli/dist/podnet-guard.js'), "process.stdout.write('from the build\\n');\n");
  writeSource("const where: string = 'from source';\nprocess.stdout.write(where.concat('\\n'));\n");
  writeBuildInfo();
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('the podnet-guard launcher', () => {
  it('runs the build when every source it was built from is unchanged', () => {
    expect(run()).toMatchObject({ status: 0, stdout: 'from the build\n', stderr: '' });
  });

  it('still runs the build when only a source file time changed (a checkout), not its content', () => {
    utimesSync(join(root, 'packages/cli/src/bin.ts'), new Date(), new Date(Date.now() + 60_000));
    expect(run()).toMatchObject({ status: 0, stdout: 'from the build\n', stderr: '' });
  });

  it('runs the sources with a one-line note when a source changed since the build', () => {
    writeSource("const where: string = 'from the new source';\nprocess.stdout.write(where.concat('\\n'));\n");
    const result = run();
    expect(result.stdout).toBe('from the new source\n');
    expect(result.stderr).toBe(
      'podnet-guard: packages/cli/src/bin.ts changed since the build; running from source (slower; `npm run build:cli` rebuilds)\n',
    );
  });

  it('runs the sources with a one-line note when there is no build', () => {
    rmSync(join(root, 'packages/cli/dist'), { recursive: true });
    const result = run();
    expect(result.stdout).toBe('from source\n');
    expect(result.stderr).toMatch(/^podnet-guard: no build; running from source .*\n$/);
  });
});

describe('scripts/build-cli.ts', () => {
  // The real build, written by the suite's global setup (rebuilding here would race the tests that run the bin).
  it('records every workspace source the build read, with its hash', () => {
    const { inputs } = JSON.parse(readFileSync(join(ROOT, 'packages/cli/dist/build-info.json'), 'utf8')) as {
      inputs: BuiltInput[];
    };
    const paths = inputs.map((input) => input.path);
    expect(paths).toContain('packages/cli/src/bin.ts');
    expect(paths).toContain('packages/cli/src/commands/max-pods.ts');
    expect(paths.some((path) => path.startsWith('packages/core/src/'))).toBe(true);
    expect(paths.some((path) => path.includes('node_modules'))).toBe(false);
    for (const input of inputs) expect(input.sha1).toMatch(/^[0-9a-f]{40}$/);
  });
});
