/**
 * The local service as `npm start` wires it (in process, port 0): the README's commands through the real CLI against
 * it, the sweep following edits of the snapshot file, findings kept across a restart with `--data`, and start-up
 * failures. The account is a copy of events/inventory/sample-account.json in a temporary directory.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirInUseError, type LocalService, PortInUseError, startLocalService } from '@podnet-guard/local';
import { reportContentSecurityPolicy } from '@podnet-guard/report';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../packages/cli/src/cli.ts';
import '../../packages/cli/src/commands/index.ts';
import { EXIT } from '../../packages/cli/src/exit-codes.ts';
import { memoryIO } from '../../packages/cli/src/io.ts';

const NODE_SG = 'sg-0d0de000000000001';
const WORLD_SSH = {
  SecurityGroupRuleId: 'sgr-0open000000000001',
  GroupId: NODE_SG,
  GroupOwnerId: '111122223333',
  IsEgress: false,
  IpProtocol: 'tcp',
  FromPort: 22,
  ToPort: 22,
  CidrIpv4: '0.0.0.0/0',
  Description: 'debug ssh',
};

let dir: string;
let snapshotPath: string;
let sample: { DescribeSecurityGroupRules: { SecurityGroupRules: unknown[] } } & Record<string, unknown>;
let service: LocalService | undefined;
let alerts: string[];
let logs: string[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'podnet-guard-local-'));
  sample = JSON.parse(await readFile('events/inventory/sample-account.json', 'utf8'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));
beforeEach(async () => {
  snapshotPath = join(dir, `snapshot-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(snapshotPath, JSON.stringify(sample));
  alerts = [];
  logs = [];
});
afterEach(async () => {
  await service?.close();
  service = undefined;
});

async function start(options: { dataDir?: string } = {}): Promise<LocalService> {
  service = await startLocalService({
    port: 0,
    snapshotPath,
    sweepSeconds: 0,
    alerts: (text) => alerts.push(text),
    log: (text) => logs.push(text),
    ...options,
  });
  return service;
}

async function cli(argv: string[]) {
  // No credentials in the environment: the CLI talks to the loopback service unsigned.
  const { io, stdout, stderr } = memoryIO('', {});
  const code = await runCli(argv, io);
  return { code, stdout: stdout(), stderr: stderr() };
}

/** The transitions printed so far, as `<transition> <finding id>`. */
const printed = () =>
  alerts.map((block) => /^━━ alert: (\w+) (\S+)/.exec(block)).map((match) => `${match?.[1]} ${match?.[2]}`);

// biome-ignore lint/suspicious/noExplicitAny: API answers are read field by field in the assertions.
const getJson = async (url: string): Promise<any> => (await fetch(url)).json();

async function withSnapshot(change: (snapshot: typeof sample) => void): Promise<void> {
  const copy = structuredClone(sample);
  change(copy);
  await writeFile(snapshotPath, JSON.stringify(copy));
}

describe('the page at /', () => {
  it("is the HTML report of the stored findings over the snapshot, under the report's own CSP", async () => {
    const { url } = await start();
    const scan = await cli(['scan', '--api', url, '--format', 'json']);
    const ids = (JSON.parse(scan.stdout).findings as { id: string }[]).map((finding) => finding.id);
    const response = await fetch(`${url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe(reportContentSecurityPolicy());
    const html = await response.text();
    expect(html).toContain(`podnet-guard (local): ${snapshotPath}`);
    for (const id of ids) expect(html).toContain(`data-id="${id}"`);
    // The pictures come from the snapshot: its cluster has a section.
    expect(html).toContain('id="cluster-0"');
  });
});

describe('the README walk-through', () => {
  it('evaluates, lists and suppresses through the CLI; alerts print as email and Slack would show them', async () => {
    const { url } = await start();
    const scan = await cli(['scan', '--api', url, '--format', 'json']);
    expect(scan.code).toBe(EXIT.ok);
    const findings = JSON.parse(scan.stdout).findings as { id: string; severity: string }[];
    expect(findings).toHaveLength(6);
    expect(printed().sort()).toEqual(findings.map((f) => `opened ${f.id}`).sort());
    const high = findings.find((f) => f.severity === 'high')!;
    const block = alerts.find((text) => text.includes(`opened ${high.id}`))!;
    expect(block).toMatch(/^email {2}Subject: \[HIGH\] /m);
    expect(block).toMatch(/^slack {2}:red_circle: \*\[HIGH\]\* /m);
    expect(block).toContain(`dedupeKey ${high.id}#1`);

    const listed = await cli(['findings', '--api', url]);
    expect(listed.code).toBe(EXIT.ok);
    expect(listed.stdout).toContain(high.id);

    // A second evaluation changes nothing and prints nothing.
    expect((await cli(['scan', '--api', url])).code).toBe(EXIT.ok);
    expect(alerts).toHaveLength(6);

    // Suppressed for a moment: when it runs out while the cause is still there, the sweep reminds (`opened`).
    const until = new Date(Date.now() + 1500).toISOString();
    const suppressed = await cli(['suppress', high.id, '--reason', 'change window', '--until', until, '--api', url]);
    expect(suppressed.code).toBe(EXIT.ok);
    expect(suppressed.stdout).toContain(`${high.id} suppressed until`);
    expect(suppressed.stdout).toContain('by local');
    await service!.sweep();
    expect(alerts).toHaveLength(6);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    await service!.sweep();
    expect(printed().slice(6)).toEqual([`opened ${high.id}`]);
  });
});

describe('the sweep', () => {
  it('opens what the edited snapshot adds and resolves it once it is gone', async () => {
    const running = await start();
    await running.sweep();
    const before = alerts.length;
    await withSnapshot((snapshot) => snapshot.DescribeSecurityGroupRules.SecurityGroupRules.push(WORLD_SSH));
    await running.sweep();
    expect(alerts.slice(before)).toHaveLength(1);
    expect(alerts[before]).toMatch(/^━━ alert: opened nsw-/);
    expect(alerts[before]).toContain('Subject: [CRITICAL]');
    const id = /alert: opened (\S+)/.exec(alerts[before]!)![1];
    await withSnapshot(() => {});
    await running.sweep();
    expect(printed().slice(before + 1)).toEqual([`resolved ${id}`]);
  });

  it('runs on its timer', async () => {
    service = await startLocalService({
      port: 0,
      snapshotPath,
      sweepSeconds: 1,
      alerts: (text) => alerts.push(text),
      log: (text) => logs.push(text),
    });
    await expect.poll(() => logs.join(''), { timeout: 10_000 }).toContain('sweep done');
    expect(alerts).toHaveLength(6);
  });
});

describe('--data', () => {
  it('keeps findings and suppressions across a restart', async () => {
    const dataDir = join(dir, `data-${Math.random().toString(36).slice(2)}`);
    let running = await start({ dataDir });
    await running.sweep();
    const id = (await getJson(`${running.url}/findings?severity=high&limit=1`)).items[0].id;
    const until = new Date(Date.now() + 86_400_000).toISOString();
    const suppress = await fetch(`${running.url}/findings/${id}/suppress`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'change window', until }),
    });
    expect(suppress.status).toBe(200);
    await running.close();

    running = await start({ dataDir });
    const after = await getJson(`${running.url}/findings/${id}`);
    expect(after.suppression).toMatchObject({ reason: 'change window', by: 'local' });
    // The stored findings are already known: a sweep after the restart tells nothing again.
    alerts = [];
    await running.sweep();
    expect(alerts).toEqual([]);
  });

  it('refuses a directory another running service holds, and takes over one a killed service left', async () => {
    const dataDir = join(dir, `data-${Math.random().toString(36).slice(2)}`);
    const first = await start({ dataDir });
    const second = startLocalService({ port: 0, snapshotPath, dataDir, alerts: () => {}, log: () => {} });
    await expect(second).rejects.toBeInstanceOf(DataDirInUseError);
    await expect(second).rejects.toThrow(`(pid ${process.pid})`);
    expect((await fetch(`${first.url}/findings`)).status).toBe(200);
    await first.close();
    // A pid that cannot exist (above any pid_max): the file is stale.
    await writeFile(join(dataDir, 'podnet-guard.pid'), '2147483646');
    const third = await start({ dataDir });
    expect((await fetch(`${third.url}/findings`)).status).toBe(200);
  });

  it('starts empty without --data', async () => {
    const running = await start();
    expect((await getJson(`${running.url}/findings`)).items).toEqual([]);
  });
});

describe('start-up failures', () => {
  it('says the port is in use', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as { port: number }).port;
    try {
      const failed = startLocalService({ port, snapshotPath, alerts: () => {}, log: () => {} });
      await expect(failed).rejects.toBeInstanceOf(PortInUseError);
      await expect(failed).rejects.toThrow(`port ${port} on 127.0.0.1 is already in use`);
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
    }
  });

  it('refuses a snapshot that is not JSON, naming the file and not its bytes', async () => {
    await writeFile(snapshotPath, '{"account": "\u001b[31mred');
    const failed = startLocalService({ port: 0, snapshotPath, alerts: () => {}, log: () => {} });
    await expect(failed).rejects.toThrow(`${snapshotPath}: not valid JSON`);
    await expect(failed).rejects.not.toThrow('red');
  });
});
