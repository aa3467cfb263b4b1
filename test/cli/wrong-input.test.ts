/**
 * What a user sees for wrong (not hostile) input: every record or rule that cannot be judged is listed under
 * `notJudged` with its reason, a snapshot that is none exits 2 naming what is wrong, and a CloudTrail history is
 * judged in time order with one finding per id.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { registerCommand, runCli } from '../../packages/cli/src/cli.ts';
import { createScanCommand } from '../../packages/cli/src/commands/scan.ts';
import '../../packages/cli/src/commands/index.ts';
import { EXIT } from '../../packages/cli/src/exit-codes.ts';
import { memoryIO } from '../../packages/cli/src/io.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SNAPSHOT = join(ROOT, 'events/inventory/sample-account.json');
const EVENT = (name: string, c: string) => join(ROOT, 'events/cloudtrail', name, `${c}.json`);
type Record_ = Record<string, unknown> & { eventID: string; eventName: string; requestParameters: never };
const record = (name: string, c: string) =>
  (JSON.parse(readFileSync(EVENT(name, c), 'utf8')) as { detail: Record_ }).detail;
const snapshot = () => JSON.parse(readFileSync(SNAPSHOT, 'utf8')) as Record<string, unknown>;

async function cli(argv: string[], stdin = '') {
  const { io, stdout, stderr } = memoryIO(stdin);
  const code = await runCli(argv, io);
  return { code, stdout: stdout(), stderr: stderr() };
}

/** `aws cloudtrail lookup-events` output for these records (it lists newest first). */
function lookupEvents(records: Record<string, unknown>[]) {
  return {
    Events: records.map((r) => ({ EventId: r.eventID, EventName: r.eventName, CloudTrailEvent: JSON.stringify(r) })),
  };
}

const evaluate = (document: unknown, ...extra: string[]) =>
  cli(['evaluate-event', '-', '--snapshot', SNAPSHOT, '--format', 'json', ...extra], JSON.stringify(document));

describe('evaluate-event over a CloudTrail history', () => {
  const open = record('AuthorizeSecurityGroupIngress', 'world-open-ssh'); // 10:01:07
  const revoke = record('RevokeSecurityGroupIngress', 'by-shape'); // 10:16:52, the same rule

  it('judges lookup-events output (newest first) in eventTime order: opened then revoked ends resolved', async () => {
    const result = await evaluate(lookupEvents([revoke, open]), '--fail-on', 'high');
    expect(result.code).toBe(EXIT.ok);
    const { findings } = JSON.parse(result.stdout) as { findings: { rule: string; status: string }[] };
    // The SSH rule opened two findings (world-open, sensitive port); the revoke resolved both.
    expect(findings.map((f) => `${f.rule} ${f.status}`).sort()).toEqual([
      'sensitive-port-ingress resolved',
      'world-open-ingress resolved',
    ]);
  });

  it('still fails the build when the rule was revoked and opened again', async () => {
    const reopened = { ...open, eventID: 'reopened-1', eventTime: '2026-11-26T10:30:00Z' };
    const result = await evaluate(lookupEvents([reopened, revoke, open]), '--fail-on', 'high');
    expect(result.code).toBe(EXIT.failOn);
    const findings = JSON.parse(result.stdout).findings as { rule: string }[];
    expect(findings).toHaveLength(2);
    expect(findings.find((f) => f.rule === 'world-open-ingress')).toMatchObject({
      status: 'open',
      firstSeen: '2026-11-26T10:01:07Z',
    });
  });

  it('prints a finding once however many records repeat it', async () => {
    const copies = Array.from({ length: 50 }, (_, index) => ({ ...open, eventID: `copy-${index}` }));
    const result = await evaluate({ Records: [...copies, open, open] });
    const output = JSON.parse(result.stdout);
    expect(output.findings).toHaveLength(1);
    expect(output.summary.total).toBe(1);
    expect(output.records).toBe(52);
  });

  it('evaluates the other records when one CloudTrailEvent string is not JSON, and names the bad one', async () => {
    const output = lookupEvents([open]);
    output.Events.unshift({ EventId: 'broken-1', EventName: 'AuthorizeSecurityGroupIngress', CloudTrailEvent: '{"ev' });
    const result = await evaluate(output);
    expect(result.code).toBe(EXIT.ok);
    const json = JSON.parse(result.stdout);
    expect(json.findings.map((f: { rule: string }) => f.rule)).toEqual(['world-open-ingress']);
    expect(json.notJudged).toEqual([
      {
        eventId: 'broken-1',
        eventName: 'AuthorizeSecurityGroupIngress',
        reason: 'Events.0.CloudTrailEvent: not valid JSON',
      },
    ]);
  });
});

describe('evaluate-event: what is not judged', () => {
  it.each([
    ['ModifyInstanceAttribute', 'instance-type'],
    ['ModifyNetworkInterfaceAttribute', 'source-dest-check'],
  ])('exits 0 for the valid sample %s/%s and lists it as not judged, with the reason', async (name, c) => {
    const result = await cli(['evaluate-event', EVENT(name, c), '--snapshot', SNAPSHOT, '--format', 'json']);
    expect(result.code).toBe(EXIT.ok);
    const output = JSON.parse(result.stdout);
    expect(output.findings).toEqual([]);
    expect(output.notJudged).toEqual([
      {
        eventId: record(name, c).eventID,
        eventName: name,
        reason: expect.stringMatching(/an attribute other than groupSet was changed/),
      },
    ]);
    const twice = await evaluate({ Records: [record(name, c), record(name, c)] });
    expect(JSON.parse(twice.stdout).notJudged).toHaveLength(1);
    const text = await cli(['evaluate-event', EVENT(name, c), '--snapshot', SNAPSHOT]);
    expect(text.stdout).toMatch(new RegExp(`Not judged: ${name} .*: .*groupSet`));
  });

  it('lists a permission with a CIDR that is none, as an array entry (no "skipped" string)', async () => {
    const bad = structuredClone(open());
    (bad.requestParameters as { ipPermissions: { items: { ipRanges: unknown }[] } }).ipPermissions.items[0]!.ipRanges =
      { items: [{ cidrIp: '999.1.1.1/33' }] };
    const result = await evaluate(bad, '--fail-on', 'info');
    expect(result.code).toBe(EXIT.ok);
    const output = JSON.parse(result.stdout);
    expect(output.skipped).toBeUndefined();
    expect(output.findings).toEqual([]);
    expect(output.notJudged).toEqual([
      {
        eventId: bad.eventID,
        eventName: bad.eventName,
        reason: expect.stringMatching(/"999\.1\.1\.1\/33" is not a CIDR/),
      },
    ]);
  });

  it('lists an event from another account than the snapshot instead of judging it', async () => {
    const elsewhere = { ...open(), recipientAccountId: '444455556666' };
    const output = JSON.parse((await evaluate(elsewhere)).stdout);
    expect(output.findings).toEqual([]);
    expect(output.notJudged[0].reason).toMatch(/account 444455556666 is not the inventory's account 111122223333/);
  });

  it('exits 2 when no record at all can be read, naming why on stderr', async () => {
    const result = await evaluate({ ...open(), eventTime: 'yesterday' });
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toMatch(/eventTime: expected an ISO 8601 time/);
  });

  function open() {
    return record('AuthorizeSecurityGroupIngress', 'world-open-ssh');
  }
});

describe('snapshot files that are none', () => {
  it.each([
    ['{}', {}, /account: missing[\s\S]*region: missing[\s\S]*no known operation key/],
    ['an event file', JSON.parse(readFileSync(EVENT('ModifyInstanceAttribute', 'instance-type'), 'utf8')), /no known/],
    ['another object', { findings: [], summary: {} }, /no known operation key/],
    ['a snapshot without its region', { account: '111122223333', DescribeSubnets: { Subnets: [] } }, /region: missing/],
  ])('scan --snapshot with %s exits 2 and says why', async (_, document, reason) => {
    const result = await cli(['scan', '--snapshot', '-'], JSON.stringify(document));
    expect(result.code).toBe(EXIT.usage);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(reason);
  });

  it('scans a snapshot with account, region and one known key (a missing key still means "not known")', async () => {
    const document = { account: '111122223333', region: 'eu-west-1', DescribeSubnets: { Subnets: [] } };
    const result = await cli(['scan', '--snapshot', '-', '--format', 'json'], JSON.stringify(document));
    expect(result.code).toBe(EXIT.ok);
    expect(JSON.parse(result.stdout).notJudged.length).toBeGreaterThan(0);
  });

  it('names duplicate ids and negative free-address counts on stderr, exit 2', async () => {
    const document = snapshot() as { DescribeSubnets: { Subnets: Record<string, unknown>[] } } & Record<string, never>;
    const subnets = document.DescribeSubnets.Subnets;
    subnets.push({ ...subnets[0] });
    subnets[1] = { ...subnets[1], AvailableIpAddressCount: -5 };
    const result = await cli(['scan', '--snapshot', '-'], JSON.stringify(document));
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toContain(`DescribeSubnets.Subnets: ${subnets[0]!.SubnetId} is listed more than once`);
    expect(result.stderr).toMatch(
      /Subnets\[1\]\.AvailableIpAddressCount: subnet-\w+ has a negative free-address count/,
    );
  });

  it('evaluate-event refuses such a snapshot too', async () => {
    const event = EVENT('AuthorizeSecurityGroupIngress', 'world-open-ssh');
    const result = await cli(['evaluate-event', event, '--snapshot', '-'], '{}');
    expect(result.code).toBe(EXIT.usage);
  });
});

describe('scan --cluster', () => {
  it('exits 2 for a cluster the snapshot does not have, naming the ones it has', async () => {
    const result = await cli(['scan', '--snapshot', SNAPSHOT, '--cluster', 'prdo']);
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toMatch(/--cluster "prdo": no such cluster .*\(clusters: prod\)/);
  });

  it('scans a cluster the snapshot has', async () => {
    expect((await cli(['scan', '--snapshot', SNAPSHOT, '--cluster', 'prod'])).code).toBe(EXIT.ok);
  });

  it('exits 2 in a live scan when no region has the cluster, and scans when one has', async () => {
    const command = (clusters: string[]) =>
      createScanCommand({
        clientsFor: () => ({}) as never,
        defaultRegion: async () => 'eu-west-1',
        // What the loader answers for a named cluster: only the clusters that exist.
        load: async (_clients, options) => {
          const world = snapshot() as { DescribeCluster: { cluster: { name: string } }[] };
          world.DescribeCluster = world.DescribeCluster.filter((entry) => clusters.includes(entry.cluster.name));
          return { snapshot: { ...world, region: options.region }, calls: {}, warnings: [] };
        },
      });
    registerCommand('scan-without-prod', async () => command([]));
    registerCommand('scan-with-prod', async () => command(['prod']));
    const missing = await cli(['scan-without-prod', '--region', 'eu-west-1', '--cluster', 'prod']);
    expect(missing.code).toBe(EXIT.usage);
    expect(missing.stderr).toMatch(/--cluster "prod": no such cluster in region eu-west-1 \(clusters: none\)/);
    expect((await cli(['scan-with-prod', '--region', 'eu-west-1', '--cluster', 'prod'])).code).toBe(EXIT.ok);
  });
});
