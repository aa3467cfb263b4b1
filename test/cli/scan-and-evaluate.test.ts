import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InventoryLoadError } from '@podnet-guard/aws/errors';
import { describe, expect, it } from 'vitest';
import { type Command, registerCommand, runCli } from '../../packages/cli/src/cli.ts';
import { createScanCommand } from '../../packages/cli/src/commands/scan.ts';
import '../../packages/cli/src/commands/index.ts';
import { EXIT } from '../../packages/cli/src/exit-codes.ts';
import { type CommandIO, memoryIO } from '../../packages/cli/src/io.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SNAPSHOT = join(ROOT, 'events/inventory/sample-account.json');
const EVENT = (name: string, c: string) => join(ROOT, 'events/cloudtrail', name, `${c}.json`);

async function cli(argv: string[], stdin = '') {
  const { io, stdout, stderr } = memoryIO(stdin);
  const code = await runCli(argv, io);
  return { code, stdout: stdout(), stderr: stderr() };
}

describe('podnet-guard evaluate-event', () => {
  it('prints {"findings": [...]} with the finding contract for an EventBridge envelope', async () => {
    const result = await cli([
      'evaluate-event',
      EVENT('AuthorizeSecurityGroupIngress', 'source-group'),
      '--snapshot',
      SNAPSHOT,
      '--format',
      'json',
    ]);
    expect(result.code).toBe(EXIT.ok);
    const output = JSON.parse(result.stdout);
    expect(output.findings).toHaveLength(1);
    expect(Object.keys(output.findings[0])).toEqual(
      expect.arrayContaining([
        'id',
        'detector',
        'rule',
        'severity',
        'status',
        'title',
        'summary',
        'account',
        'region',
        'clusters',
        'resources',
        'blastRadius',
        'evidence',
        'recommendation',
        'firstSeen',
        'lastSeen',
      ]),
    );
    expect(output.findings[0].rule).toBe('node-sg-granted-to-data-store');
  });

  it('takes a bare CloudTrail record, a log file and lookup-events output from standard input', async () => {
    const envelope = JSON.parse(
      await import('node:fs').then((fs) =>
        fs.readFileSync(EVENT('AuthorizeSecurityGroupIngress', 'world-open-ssh'), 'utf8'),
      ),
    );
    const record = envelope.detail;
    const forms = {
      bare: record,
      logFile: { Records: [record, { ...record, eventName: 'DescribeInstances' }] },
      lookupEvents: {
        Events: [{ EventId: record.eventID, EventName: record.eventName, CloudTrailEvent: JSON.stringify(record) }],
      },
    };
    for (const [form, document] of Object.entries(forms)) {
      const result = await cli(
        ['evaluate-event', '-', '--snapshot', SNAPSHOT, '--format', 'json'],
        JSON.stringify(document),
      );
      expect(result.code, form).toBe(EXIT.ok);
      expect(
        JSON.parse(result.stdout).findings.map((f: { rule: string }) => f.rule),
        form,
      ).toEqual(['world-open-ingress']);
    }
  });

  it('exits 1 when --fail-on is reached, 0 when it is not', async () => {
    const args = ['evaluate-event', EVENT('AuthorizeSecurityGroupIngress', 'world-open-ssh'), '--snapshot', SNAPSHOT];
    expect((await cli([...args, '--fail-on', 'critical'])).code).toBe(EXIT.failOn);
    const quiet = await cli([
      'evaluate-event',
      EVENT('AuthorizeSecurityGroupIngress', 'failed-duplicate'),
      '--snapshot',
      SNAPSHOT,
      '--fail-on',
      'info',
    ]);
    expect(quiet.code).toBe(EXIT.ok);
  });

  it('applies the allow-list from a YAML config file and counts what it suppressed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pg-config-'));
    const config = join(dir, 'podnet-guard.yaml');
    writeFileSync(
      config,
      '# SSH from anywhere on the jump nodes is accepted\nallow:\n  - reason: jump host\n    securityGroups: [sg-0d0de000000000001]\n    ports: [22]\n',
    );
    const result = await cli([
      'evaluate-event',
      EVENT('AuthorizeSecurityGroupIngress', 'world-open-ssh'),
      '--snapshot',
      SNAPSHOT,
      '--config',
      config,
      '--fail-on',
      'high',
      '--format',
      'json',
    ]);
    expect(result.code).toBe(EXIT.ok);
    const output = JSON.parse(result.stdout);
    expect(output.summary.suppressed).toBe(1);
    expect(output.findings[0].status).toBe('suppressed');
  });

  it('exits 2 with one line on stderr for unreadable input', async () => {
    const missing = await cli(['evaluate-event', '/nonexistent/event.json', '--snapshot', SNAPSHOT]);
    expect(missing.code).toBe(EXIT.usage);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    const notJson = await cli(['evaluate-event', '-', '--snapshot', SNAPSHOT], '{not json');
    expect(notJson.code).toBe(EXIT.usage);
    const malformed = await cli(['evaluate-event', '-', '--snapshot', SNAPSHOT], JSON.stringify({ eventName: 42 }));
    expect(malformed.code).toBe(EXIT.usage);
    const badOption = await cli(['evaluate-event', '-', '--snapshot', SNAPSHOT, '--bogus']);
    expect(badOption.code).toBe(EXIT.usage);
    const badSeverity = await cli(['evaluate-event', '-', '--snapshot', SNAPSHOT, '--fail-on', 'urgent']);
    expect(badSeverity.code).toBe(EXIT.usage);
  });
});

describe('podnet-guard scan', () => {
  it('reports existing grants in the sample account as text', async () => {
    const result = await cli(['scan', '--snapshot', SNAPSHOT]);
    expect(result.code).toBe(EXIT.ok);
    expect(result.stdout).toContain('(node-sg-widening/node-sg-granted-to-sg)');
    const json = await cli(['scan', '--snapshot', SNAPSHOT, '--format', 'json']);
    const count = JSON.parse(json.stdout).findings.length;
    // The counts come first now (the summary before the blocks).
    expect(result.stdout.split('\n')[0]).toMatch(new RegExp(`^${count} open findings: `));
  });

  it('exits 2 when the snapshot is not in AWS response shapes', async () => {
    const result = await cli(
      ['scan', '--snapshot', '-'],
      // account and region given, as every snapshot needs them: the shape is what is wrong here.
      JSON.stringify({
        account: '111122223333',
        region: 'eu-west-1',
        DescribeSecurityGroups: { SecurityGroups: 'nope' },
      }),
    );
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toMatch(/DescribeSecurityGroups/);
  });

  it('runs through the real bin: stdout carries only the JSON, exit code 0', () => {
    const bin = join(ROOT, 'packages/cli/bin/podnet-guard.js');
    const run = spawnSync(process.execPath, [bin, 'scan', '--snapshot', SNAPSHOT, '--format', 'json'], {
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).findings.length).toBeGreaterThan(0);
    const failing = spawnSync(
      process.execPath,
      [
        bin,
        'evaluate-event',
        EVENT('AuthorizeSecurityGroupIngress', 'world-open-ssh'),
        '--snapshot',
        SNAPSHOT,
        '--fail-on',
        'high',
      ],
      { encoding: 'utf8' },
    );
    expect(failing.status).toBe(1);
    expect(failing.stdout).toContain('[CRITICAL]');
  });
});

describe('podnet-guard scan of the live account', () => {
  const sample = JSON.parse(readFileSync(SNAPSHOT, 'utf8'));
  const fakeClients = {} as never;

  it('reads every --region once and judges each', async () => {
    const loaded: string[] = [];
    const command = createScanCommand({
      clientsFor: () => fakeClients,
      defaultRegion: async () => 'eu-west-1',
      load: async (_clients, options) => {
        loaded.push(options.region);
        return { snapshot: { ...structuredClone(sample), region: options.region }, calls: {}, warnings: [] };
      },
    });
    const { io, stdout } = memoryIO();
    const code = await command.run(['--region', 'eu-west-1', '--region', 'us-east-1', '--format', 'json'], io);
    expect(code).toBe(EXIT.ok);
    expect(loaded).toEqual(['eu-west-1', 'us-east-1']);
    const regions = new Set(JSON.parse(stdout()).findings.map((f: { region: string }) => f.region));
    expect([...regions].sort()).toEqual(['eu-west-1', 'us-east-1']);
  });

  it('exits 3 with one line when AWS cannot be read', async () => {
    const command = createScanCommand({
      clientsFor: () => fakeClients,
      defaultRegion: async () => 'eu-west-1',
      load: async () => {
        throw new InventoryLoadError(
          { operation: 'DescribeSecurityGroups', kind: 'credentials', retryable: false },
          'DescribeSecurityGroups failed (credentials): no credentials',
        );
      },
    });
    const { io, stderr } = memoryIO();
    const code = await runWith(command, [], io);
    expect(code).toBe(EXIT.aws);
    expect(stderr().trim().split('\n')).toHaveLength(1);
  });

  it('exits 2 without a region, and for --snapshot with --region', async () => {
    const command = createScanCommand({
      clientsFor: () => fakeClients,
      defaultRegion: async () => undefined,
      load: async () => {
        throw new Error('not called');
      },
    });
    const { io } = memoryIO();
    expect(await runWith(command, [], io)).toBe(EXIT.usage);
    expect(await runWith(command, ['--snapshot', SNAPSHOT, '--region', 'eu-west-1'], io)).toBe(EXIT.usage);
  });
});

/** Runs a command through cli.ts, which maps thrown errors to exit codes. */
async function runWith(command: Command, argv: string[], io: CommandIO) {
  registerCommand('scan-under-test', async () => command);
  return runCli(['scan-under-test', ...argv], io);
}
