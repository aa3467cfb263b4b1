/**
 * The text a person reads from `scan` and `evaluate-event` on the two sample accounts: the summary first, findings
 * most severe first and by cluster, compact blocks, `--verbose` for evidence and links, plain wording; and standard
 * error that input files cannot drive.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SEVERITY_RANK, type Severity } from '@podnet-guard/core';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../packages/cli/src/cli.ts';
import '../../packages/cli/src/commands/index.ts';
import { EXIT } from '../../packages/cli/src/exit-codes.ts';
import { memoryIO } from '../../packages/cli/src/io.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SAMPLE = join(ROOT, 'events/inventory/sample-account.json');
const TWO_CLUSTERS = join(ROOT, 'events/inventory/two-clusters.json');
const EVENT = (name: string, c: string) => join(ROOT, 'events/cloudtrail', name, `${c}.json`);

async function cli(argv: string[], stdin = '') {
  const { io, stdout, stderr } = memoryIO(stdin);
  const code = await runCli(argv, io);
  return { code, stdout: stdout(), stderr: stderr() };
}

/** The blocks of a text report: the summary, then one per finding. */
function blocksOf(stdout: string): { summary: string; findings: string[] } {
  const [summary = '', ...findings] = stdout.trimEnd().split('\n\n');
  return { summary, findings };
}

const severityOf = (block: string) => /^\[([A-Z]+)\]/.exec(block)?.[1]?.toLowerCase() as Severity;

describe.each([
  ['sample-account', SAMPLE],
  ['two-clusters', TWO_CLUSTERS],
])('scan --snapshot %s as text', (_name, snapshot) => {
  it('starts with the counts, then findings most severe first', async () => {
    const result = await cli(['scan', '--snapshot', snapshot]);
    expect(result.code).toBe(EXIT.ok);
    const { summary, findings } = blocksOf(result.stdout);
    expect(summary).toMatch(/^\d+ open findings?: (\d+ (critical|high|medium|low|info)(, )?)+\.$/);
    const json = JSON.parse((await cli(['scan', '--snapshot', snapshot, '--format', 'json'])).stdout);
    expect(findings).toHaveLength(json.findings.length);
    const ranks = findings.map((block) => SEVERITY_RANK[severityOf(block)]);
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
  });

  it('gives each finding a compact block: title, summary, where, blast radius, what to do, id', async () => {
    const { findings } = blocksOf((await cli(['scan', '--snapshot', snapshot])).stdout);
    for (const block of findings) {
      const lines = block.split('\n');
      expect(lines.length).toBeLessThanOrEqual(7);
      expect(lines.some((line) => line.startsWith('  where: cluster '))).toBe(true);
      expect(lines.some((line) => line.startsWith('  what to do: '))).toBe(true);
      expect(lines.at(-1)).toMatch(/^ {2}id: [a-z]{3}-[0-9a-f]{24} \([a-z-]+\/[a-z-]+\)$/);
      // Evidence and links only with --verbose.
      expect(block).not.toMatch(/https:\/\/|seen in:|event:/);
    }
  });

  it('says counts plainly: no "node(s)", no "up to 0 pod IPs", no "0 node(s)", no hundreds of hours', async () => {
    const { stdout } = await cli(['scan', '--snapshot', snapshot]);
    expect(stdout).not.toMatch(/node\(s\)|up to 0 pod IPs|\b0 nodes?\b|\d{3,} hours/);
    // The maxPods arithmetic in words, with no parentheses inside parentheses.
    for (const line of stdout.split('\n')) expect(line).not.toMatch(/\([^()]*\([^()]*\(/);
  });

  it('adds evidence and links with --verbose', async () => {
    const compact = blocksOf((await cli(['scan', '--snapshot', snapshot])).stdout).findings;
    const verbose = blocksOf((await cli(['scan', '--snapshot', snapshot, '--verbose'])).stdout).findings;
    expect(verbose).toHaveLength(compact.length);
    for (const [index, block] of verbose.entries()) {
      expect(block.split('\n').length).toBeGreaterThan(compact[index]?.split('\n').length ?? 0);
      expect(block).toMatch(/\n {2}seen in: /);
      expect(block).toMatch(/\n {4}- .+: https:\/\/docs\.aws\.amazon\.com\//);
      expect(block).toMatch(/\n {2}first seen /);
    }
  });
});

describe('scan text of the samples', () => {
  it('orders the second sample HIGH before MEDIUM, and the first ends with its INFO finding', async () => {
    const two = blocksOf((await cli(['scan', '--snapshot', TWO_CLUSTERS])).stdout).findings.map(severityOf);
    expect(two).toEqual(['high', 'high', 'medium']);
    const one = blocksOf((await cli(['scan', '--snapshot', SAMPLE])).stdout).findings.map(severityOf);
    expect(one[0]).toBe('high');
    expect(one.at(-1)).toBe('info');
  });

  it('says "admits" for existing state, "now admits" for an event', async () => {
    const scan = (await cli(['scan', '--snapshot', SAMPLE])).stdout;
    expect(scan).toMatch(/\(prod-payments-pods\) admits node SG/);
    expect(scan).not.toContain('now admits');
    const event = await cli([
      'evaluate-event',
      EVENT('AuthorizeSecurityGroupIngress', 'source-group'),
      '--snapshot',
      SAMPLE,
    ]);
    expect(event.stdout).toContain('now admits node SG');
  });

  it('says how long a node has waited for its trunk in days, and the maxPods arithmetic in words', async () => {
    const { stdout } = await cli(['scan', '--snapshot', SAMPLE]);
    expect(stdout).toMatch(/has had no trunk ENI for \d+ days after launch/);
    expect(stdout).toContain(
      'A node holds only 44 pod IPs: 3 ENIs for pods (of 4; 1 taken by the SGP trunk) × 14 pod IPs each + 2 host-network pods = 44.',
    );
  });

  it('shows a node group without nodes there as "no nodes yet", not "0 node(s)"', async () => {
    const { stdout } = await cli(['scan', '--snapshot', SAMPLE]);
    const headroom = blocksOf(stdout).findings.find((block) => block.includes('subnet-headroom-low'));
    expect(headroom).toContain('  where: cluster prod; node group ng-sgp; eu-west-1');
    expect(headroom).toContain('  blast radius: no nodes yet');
  });

  it('adds the event, actor and source IP of an event finding with --verbose', async () => {
    const argv = ['evaluate-event', EVENT('AuthorizeSecurityGroupIngress', 'source-group'), '--snapshot', SAMPLE];
    const compact = (await cli(argv)).stdout;
    const verbose = (await cli([...argv, '--verbose'])).stdout;
    expect(compact).not.toContain('event: AuthorizeSecurityGroupIngress');
    expect(verbose).toMatch(/\n {2}event: AuthorizeSecurityGroupIngress by arn:aws:\S+ from \S+ at \S+ \(event \S+\)/);
  });
});

describe('account text in a scanned snapshot', () => {
  it('cannot forge a [CRITICAL] line with a line break or U+202E in a security group name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podnet-guard-text-'));
    const path = join(dir, 'snapshot.json');
    const hostile = 'pods\n\n[CRITICAL] all nodes open to 0.0.0.0/0\u202e\u001b[31m';
    writeFileSync(path, readFileSync(SAMPLE, 'utf8').replaceAll('"prod-payments-pods"', JSON.stringify(hostile)));
    const result = await cli(['scan', '--snapshot', path]);
    const clean = await cli(['scan', '--snapshot', SAMPLE]);
    const headings = (text: string) => text.split('\n').filter((line) => line.startsWith('['));
    expect(headings(result.stdout)).toEqual(headings(clean.stdout));
    expect(result.stdout.split('\n')).toHaveLength(clean.stdout.split('\n').length);
    expect(result.stdout).toContain('pods\\n\\n[CRITICAL] all nodes open to 0.0.0.0/0\\u202e\\u001b[31m');
    // JSON stays exact.
    const json = await cli(['scan', '--snapshot', path, '--format', 'json']);
    expect(JSON.stringify(JSON.parse(json.stdout).findings)).toContain(JSON.stringify(hostile).slice(1, -1));
  });
});

describe('standard error', () => {
  it('shows the bytes of a file that is not JSON as escapes, on one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podnet-guard-text-'));
    const path = join(dir, 'event.json');
    writeFileSync(path, '\u001b[2J\u001b[32m[INFO] all clear\n[CRITICAL] forged\u202e');
    const result = await cli(['evaluate-event', path, '--snapshot', SAMPLE]);
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: checking for them is the point.
    expect(result.stderr.trimEnd()).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect(result.stderr).toContain('\\u001b[2J');
    expect(readFileSync(path, 'utf8')).toContain('\u001b');
  });

  it('names a rejected record without letting its event name add lines', async () => {
    const record = {
      eventVersion: '1.08',
      eventName: 'Authorize\n[CRITICAL] forged\u001b[31m',
      eventSource: 'ec2.amazonaws.com',
    };
    const result = await cli(['evaluate-event', '-', '--snapshot', SAMPLE], JSON.stringify(record));
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr.split('\n').filter((line) => line.startsWith('[CRITICAL]'))).toEqual([]);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: checking for them is the point.
    expect(result.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  });
});
