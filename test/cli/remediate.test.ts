/**
 * The worked example of the README: scan the sample account, remediate the sample repository
 * (events/iac/sample-repo), git apply. Plus the JSON output, --write, --id and the exit codes.
 */
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../packages/cli/src/cli.ts';
import '../../packages/cli/src/commands/index.ts';
import { EXIT } from '../../packages/cli/src/exit-codes.ts';
import { memoryIO } from '../../packages/cli/src/io.ts';
import { gitApplyCheck, golden, makeRepo } from '../remediate/helpers.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SNAPSHOT = join(ROOT, 'events/inventory/sample-account.json');
const SAMPLE_REPO = join(ROOT, 'events/iac/sample-repo');
const SAMPLE_TERRAFORM = join(ROOT, 'events/iac/sample-repo-terraform');

async function cli(argv: string[], stdin = '') {
  const { io, stdout, stderr } = memoryIO(stdin);
  const code = await runCli(argv, io);
  return { code, stdout: stdout(), stderr: stderr() };
}

/** A copy of the sample repository, so --write never touches the one in events/. */
function sampleRepo(source = SAMPLE_REPO): string {
  const root = makeRepo({});
  cpSync(source, root, { recursive: true });
  return root;
}

async function findings(): Promise<string> {
  const scan = await cli(['scan', '--snapshot', SNAPSHOT, '--format', 'json']);
  const event = await cli([
    'evaluate-event',
    join(ROOT, 'events/cloudtrail/AuthorizeSecurityGroupIngress/world-open-ssh.json'),
    '--snapshot',
    SNAPSHOT,
    '--format',
    'json',
  ]);
  // Both outputs as one findings file, as a user would collect them.
  const all = [...JSON.parse(scan.stdout).findings, ...JSON.parse(event.stdout).findings];
  return JSON.stringify({ findings: all });
}

describe('podnet-guard remediate', () => {
  it('prints one diff that git apply takes, and notes each change, refusal and unsupported finding', async () => {
    const root = sampleRepo();
    const result = await cli(['remediate', '-', '--repo', root], await findings());
    expect(result.code).toBe(EXIT.ok);
    expect(result.stdout).toBe(golden('sample-repo', result.stdout));
    gitApplyCheck(root, result.stdout);
    expect(result.stderr).toMatch(
      /^changed eksctl\/prod\.yaml for ipe-[0-9a-f]+: node group prod\/ng-general: maxPods 20\./m,
    );
    expect(result.stderr).toMatch(
      /^changed cloudformation\/prod-security-groups\.yaml for nsw-[0-9a-f]+: security group prod-nodes/m,
    );
    // The pod SG admitting the node SG is expected (kubelet probes): never revoked.
    expect(result.stderr).toMatch(/^unsupported nsw-[0-9a-f]+: expected: sg-0b0d000000000001 is a pod security group/m);
  });

  it('the same account owned by Terraform (an EKS module call and plain security groups): the same fixes', async () => {
    const root = sampleRepo(SAMPLE_TERRAFORM);
    const input = await findings();
    const result = await cli(['remediate', '-', '--repo', root], input);
    expect(result.code).toBe(EXIT.ok);
    expect(result.stdout).toBe(golden('sample-repo-terraform', result.stdout));
    gitApplyCheck(root, result.stdout);
    expect(result.stderr).toMatch(/^changed eks\.tf for ipe-[0-9a-f]+: node group prod\/ng-general: maxPods 20\./m);
    expect(result.stderr).toMatch(/^changed security-groups\.tf for nsw-[0-9a-f]+: security group prod-nodes/m);
    expect(result.stderr).not.toMatch(/^refused/m);
    await cli(['remediate', '-', '--repo', root, '--write'], input);
    const again = await cli(['remediate', '-', '--repo', root], input);
    expect(again.stdout).toBe('');
  });

  it('--format json has changes, refused and unsupported, each change with its own diff', async () => {
    const root = sampleRepo();
    const result = await cli(['remediate', '-', '--repo', root, '--format', 'json'], await findings());
    const output = JSON.parse(result.stdout);
    expect(Object.keys(output)).toEqual(['changes', 'refused', 'unsupported']);
    expect(output.changes).toHaveLength(3);
    for (const change of output.changes) {
      expect(Object.keys(change)).toEqual(['findingId', 'path', 'action', 'summary', 'diff']);
      expect(change.diff).toMatch(new RegExp(`^diff --git a/${change.path} b/${change.path}\n`));
    }
    expect(output.changes.map((c: { action: string }) => c.action).sort()).toEqual([
      'revoke-rules',
      'set-max-pods',
      'set-max-pods',
    ]);
    expect(output.refused).toEqual([]);
    expect(output.unsupported.length).toBeGreaterThan(0);
  });

  it('--write edits in place; a second run prints no change', async () => {
    const root = sampleRepo();
    const input = await findings();
    const first = await cli(['remediate', '-', '--repo', root, '--write'], input);
    expect(first.stderr).toMatch(/wrote 2 file\(s\)/);
    expect(readFileSync(join(root, 'eksctl/prod.yaml'), 'utf8')).toMatch(/maxPodsPerNode: 44\n/);
    const second = await cli(['remediate', '-', '--repo', root], input);
    expect(second.code).toBe(EXIT.ok);
    expect(second.stdout).toBe('');
    expect(second.stderr).toMatch(/no change for ipe-[0-9a-f]+: the owning code already holds the planned values/);
  });

  it('--id limits the run to those findings; one finding object is input too', async () => {
    const root = sampleRepo();
    const all = JSON.parse(await findings()).findings as { id: string; rule: string }[];
    const ssh = all.find((f) => f.rule === 'world-open-ingress')!;
    const byId = await cli(
      ['remediate', '-', '--repo', root, '--id', ssh.id, '--format', 'json'],
      JSON.stringify({ findings: all }),
    );
    expect(JSON.parse(byId.stdout).changes.map((c: { findingId: string }) => c.findingId)).toEqual([ssh.id]);
    const single = await cli(['remediate', '-', '--repo', root, '--format', 'json'], JSON.stringify(ssh));
    expect(JSON.parse(single.stdout).changes).toHaveLength(1);
  });

  it.each([
    [['remediate', '-', '--repo', '.'], 'not json', /is not valid JSON/],
    [['remediate', '-', '--repo', '.'], '{"items": []}', /neither scan\/evaluate-event JSON output/],
    [['remediate', '-'], '{"findings": []}', /give --repo <dir>/],
    [['remediate', '--repo', '.'], '', /give exactly one findings file/],
    [['remediate', '-', '--repo', '/nonexistent-podnet-guard'], '{"findings": []}', /cannot open/],
    [['remediate', '-', '--repo', '.', '--format', 'text'], '{"findings": []}', /--format must be diff or json/],
    [
      ['remediate', '-', '--repo', '.', '--bogus'],
      '{"findings": []}',
      /unknown option --bogus\nusage: podnet-guard remediate /,
    ],
  ])('%j with %j exits 2 with a one-line reason', async (argv, stdin, message) => {
    const result = await cli(argv, stdin);
    expect(result.code).toBe(EXIT.usage);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
  });
});
