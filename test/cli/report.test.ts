import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InventoryLoadError } from '@podnet-guard/aws/errors';
import { describe, expect, it } from 'vitest';
import { type Command, registerCommand, runCli } from '../../packages/cli/src/cli.ts';
import { createReportCommand } from '../../packages/cli/src/commands/report.ts';
import '../../packages/cli/src/commands/index.ts';
import { EXIT } from '../../packages/cli/src/exit-codes.ts';
import { memoryIO } from '../../packages/cli/src/io.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SAMPLE = join(ROOT, 'events/inventory/sample-account.json');
const TWO = join(ROOT, 'events/inventory/two-clusters.json');
const NOW = new Date('2026-12-02T12:00:00Z');

async function cli(argv: string[], command: Command = createReportCommand({}, () => NOW)) {
  registerCommand('report-under-test', async () => command);
  const { io, stdout, stderr } = memoryIO();
  const code = await runCli(['report-under-test', ...argv], io);
  return { code, stdout: stdout(), stderr: stderr() };
}

const sections = (html: string) =>
  [...html.matchAll(/<section class="cluster" id="[^"]+" data-cluster="([^"]+)"/g)].map((match) => match[1]);

describe('podnet-guard report', () => {
  it('writes the HTML file, says so on stderr and nothing on stdout', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'report-cli-')), 'report.html');
    const result = await cli(['--snapshot', SAMPLE, '--out', out]);
    expect(result.code).toBe(EXIT.ok);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^wrote .*report\.html: 6 finding\(s\), \d+ bytes\n$/);
    const html = readFileSync(out, 'utf8');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('generated 2026-12-02T12:00:00.000Z');
    expect(html).toContain('data-id="ipe-18f1e3949ad3f5841cff4eff"');
    expect(sections(html)).toEqual(['prod']);
  });

  it('writes to standard output with --out -, and keeps only the asked clusters and detectors', async () => {
    const result = await cli([
      '--snapshot',
      TWO,
      '--out',
      '-',
      '--cluster',
      'payments',
      '--detector',
      'trunk-eni-allocation',
    ]);
    expect(result.code).toBe(EXIT.ok);
    expect(sections(result.stdout)).toEqual(['payments']);
    const detectors = [...result.stdout.matchAll(/data-detector="([^"]+)"/g)].map((match) => match[1]);
    expect(new Set(detectors)).toEqual(new Set(['[&quot;trunk-eni-allocation&quot;]']));
  });

  it('exits 1 after writing when --fail-on is reached, 0 when it is not', async () => {
    const high = await cli(['--snapshot', SAMPLE, '--out', '-', '--fail-on', 'high']);
    expect(high.code).toBe(EXIT.failOn);
    expect(high.stdout).toContain('</html>');
    expect((await cli(['--snapshot', SAMPLE, '--out', '-', '--fail-on', 'critical'])).code).toBe(EXIT.ok);
  });

  it.each([
    [['--snapshot', SAMPLE], /--out <file> is required/],
    [['--snapshot', SAMPLE, '--region', 'eu-west-1', '--out', '-'], /not both/],
    [['--snapshot', '-', '--out', '-'], /cannot both use the standard streams/],
    [['--snapshot', join(ROOT, 'missing.json'), '--out', '-'], /cannot read .*missing\.json: ENOENT/],
    [['--snapshot', SAMPLE, '--out', join(ROOT, 'no-such-dir', 'r.html')], /cannot write .*r\.html: ENOENT/],
    [['--snapshot', SAMPLE, '--out', '-', '--fail-on', 'severe'], /--fail-on must be one of/],
  ])('exits 2 with one line for %j', async (argv, reason) => {
    const result = await cli(argv);
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toMatch(reason);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stdout).toBe('');
  });

  it('answers an unknown option with the reason and the usage line, never parser internals', async () => {
    const result = await cli(['--snapshot', SAMPLE, '--out', '-', '--bogus']);
    expect(result.code).toBe(EXIT.usage);
    const lines = result.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/unknown option --bogus$/);
    expect(lines[1]).toMatch(/^usage: podnet-guard report /);
    expect(result.stdout).toBe('');
  });

  it('reads every --region of the live account and draws each', async () => {
    const sample = JSON.parse(readFileSync(SAMPLE, 'utf8'));
    const loaded: string[] = [];
    const command = createReportCommand(
      {
        clientsFor: () => ({}) as never,
        defaultRegion: async () => 'eu-west-1',
        load: async (_clients, options) => {
          loaded.push(options.region);
          return { snapshot: { ...structuredClone(sample), region: options.region }, calls: {}, warnings: [] };
        },
      },
      () => NOW,
    );
    const result = await cli(['--region', 'eu-west-1', '--region', 'us-east-1', '--out', '-'], command);
    expect(result.code).toBe(EXIT.ok);
    expect(loaded).toEqual(['eu-west-1', 'us-east-1']);
    const regions = [...result.stdout.matchAll(/<section class="cluster" [^>]*data-region="([^"]+)"/g)].map(
      (m) => m[1],
    );
    expect(regions).toEqual(['eu-west-1', 'us-east-1']);
  });

  it('exits 3 with one line when AWS cannot be read', async () => {
    const command = createReportCommand({
      clientsFor: () => ({}) as never,
      defaultRegion: async () => 'eu-west-1',
      load: async () => {
        throw new InventoryLoadError(
          { operation: 'DescribeSecurityGroups', kind: 'credentials', retryable: false },
          'DescribeSecurityGroups failed (credentials): no credentials',
        );
      },
    });
    const result = await cli(['--out', '-'], command);
    expect(result.code).toBe(EXIT.aws);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stdout).toBe('');
  });

  it('runs through the real bin', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'report-bin-')), 'r.html');
    const bin = join(ROOT, 'packages/cli/bin/podnet-guard.js');
    const run = spawnSync(process.execPath, [bin, 'report', '--snapshot', SAMPLE, '--out', out], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('wrote');
    expect(readFileSync(out, 'utf8')).toContain('<svg class="exposure"');
    const help = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
    expect(help.stdout).toMatch(/\n {2}report {10}write a self-contained HTML report/);
  });
});
