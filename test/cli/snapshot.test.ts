import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import {
  DescribeSecurityGroupsCommand,
  DescribeVpcsCommand,
  EC2Client,
  EC2ServiceException,
} from '@aws-sdk/client-ec2';
import { EKSClient } from '@aws-sdk/client-eks';
import { createClientSet } from '@podnet-guard/aws/clients';
import { EXIT, ExitError, memoryIO } from '@podnet-guard/cli';
import { SNAPSHOT_KEYS } from '@podnet-guard/core';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSnapshotCommand } from '../../packages/cli/src/commands/snapshot.ts';
import { ACCOUNT, answerWorld, REGION, SECRET, securityGroupsPage2 } from '../aws/inventory/aws-world.ts';

const ec2 = mockClient(EC2Client);
const eks = mockClient(EKSClient);
const autoscaling = mockClient(AutoScalingClient);

let dir: string;
beforeEach(async () => {
  ec2.reset().onAnyCommand().rejects(new Error('unexpected EC2 call'));
  eks.reset().onAnyCommand().rejects(new Error('unexpected EKS call'));
  autoscaling.reset().onAnyCommand().rejects(new Error('unexpected Auto Scaling call'));
  dir = await mkdtemp(join(tmpdir(), 'podnet-guard-snapshot-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const regionsAsked: string[] = [];
/** The command over mocked clients; `defaultRegion` stands for what the standard chain resolves (null: nothing). */
const command = (defaultRegion: string | null = REGION) =>
  createSnapshotCommand({
    clientsFor: (region) => {
      regionsAsked.push(region);
      return createClientSet(region);
    },
    defaultRegion: async () => defaultRegion ?? undefined,
  });

async function failure(promise: Promise<unknown>): Promise<ExitError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ExitError);
  return error as ExitError;
}

describe('podnet-guard snapshot', () => {
  it('writes a snapshot file with every key, no user-data secrets and no $metadata', async () => {
    answerWorld({ ec2, eks, autoscaling });
    const { io, stdout, stderr } = memoryIO();
    const out = join(dir, 'snaps', '{region}.json');
    const code = await command().run(['--region', REGION, '--out', out], io);
    expect(code).toBe(EXIT.ok);
    expect(stdout()).toBe('');
    expect(stderr()).toBe('');
    const text = await readFile(join(dir, 'snaps', `${REGION}.json`), 'utf8');
    const snapshot = JSON.parse(text);
    expect(snapshot.account).toBe(ACCOUNT);
    expect(snapshot.region).toBe(REGION);
    for (const key of SNAPSHOT_KEYS) {
      expect(snapshot).toHaveProperty(key);
    }
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('$metadata');
    expect(text).toContain('"SecurityGroups"');
  });

  it('prints to standard output by default, for the region of the standard chain', async () => {
    answerWorld({ ec2, eks, autoscaling });
    regionsAsked.length = 0;
    const { io, stdout, stderr } = memoryIO();
    expect(await command('eu-west-1').run([], io)).toBe(EXIT.ok);
    expect(regionsAsked).toEqual(['eu-west-1']);
    expect(JSON.parse(stdout())).toMatchObject({ region: 'eu-west-1', DescribeVpcs: { Vpcs: [expect.anything()] } });
    expect(stderr()).toBe('');
  });

  it('shows progress on stderr only on a terminal', async () => {
    answerWorld({ ec2, eks, autoscaling });
    const { io, stdout, stderr } = memoryIO();
    io.isTTY = true;
    expect(await command().run(['--region', REGION, '--cluster', 'prod'], io)).toBe(EXIT.ok);
    expect(stderr()).toContain(`[${REGION}] DescribeSecurityGroups: page 2, 2 item(s) so far`);
    expect(stderr()).toContain(`[${REGION}] DescribeSecurityGroups: 2 item(s) in 2 call(s)`);
    expect(stderr()).toMatch(/done: \d+ call\(s\)/);
    expect(JSON.parse(stdout()).DescribeCluster).toHaveLength(1);
  });

  it('reports a named cluster it cannot find on stderr even without a terminal', async () => {
    answerWorld({ ec2, eks, autoscaling });
    const { io, stderr } = memoryIO();
    expect(await command().run(['--region', REGION, '--cluster', 'staging'], io)).toBe(EXIT.ok);
    expect(stderr()).toBe(`[${REGION}] warning: cluster staging not found in ${REGION}\n`);
  });

  it('exits 3 with a one-line reason when AWS throttles past the retries', async () => {
    answerWorld({ ec2, eks, autoscaling });
    ec2.on(DescribeVpcsCommand).rejects(
      new EC2ServiceException({
        name: 'RequestLimitExceeded',
        message: 'Request limit exceeded.',
        $fault: 'client',
        $metadata: { httpStatusCode: 503, attempts: 5 },
      }),
    );
    const { io, stdout } = memoryIO();
    const error = await failure(command().run(['--region', REGION], io));
    expect(error.code).toBe(EXIT.aws);
    expect(error.message).toBe(
      `cannot read AWS in ${REGION}: DescribeVpcs failed (throttled): RequestLimitExceeded: Request limit exceeded.`,
    );
    expect(error.message).not.toContain('\n');
    expect(stdout()).toBe('');
  });

  it.each([
    [['--region', 'eu-west-1', '--region', 'us-east-1'], 'with several --region'],
    [['--region', 'eu-west-1', '--region', 'us-east-1', '--out', 'snap.json'], 'with several --region'],
    [['--region', 'Ireland'], 'not a region'],
    [['--format', 'text'], 'JSON only'],
    [['--concurrency', '0'], '--concurrency'],
  ])('exits 2 on bad usage: %j', async (argv, reason) => {
    const { io } = memoryIO();
    const error = await failure(command().run(argv, io));
    expect(error.code).toBe(EXIT.usage);
    expect(error.message).toContain(reason);
    expect(ec2.calls()).toHaveLength(0);
  });

  it('exits 2 when no region is set anywhere', async () => {
    const { io } = memoryIO();
    const error = await failure(command(null).run([], io));
    expect(error.code).toBe(EXIT.usage);
    expect(error.message).toContain('no region');
  });

  it('writes one file per region with a {region} pattern', async () => {
    answerWorld({ ec2, eks, autoscaling });
    // Both regions answer the same single page (the shared world pages it once).
    ec2.on(DescribeSecurityGroupsCommand).resolves(securityGroupsPage2);
    const { io } = memoryIO();
    const out = join(dir, 'snap-{region}.json');
    expect(await command().run(['--region', 'eu-west-1', '--region', 'us-east-1', '--out', out], io)).toBe(EXIT.ok);
    expect(JSON.parse(await readFile(join(dir, 'snap-eu-west-1.json'), 'utf8')).region).toBe('eu-west-1');
    expect(JSON.parse(await readFile(join(dir, 'snap-us-east-1.json'), 'utf8')).region).toBe('us-east-1');
  });
});

describe('podnet-guard snapshot (real bin)', () => {
  it('exits 3 with one line on stderr and nothing on stdout when AWS is unreachable', () => {
    const bin = join(import.meta.dirname, '../../packages/cli/bin/podnet-guard.js');
    const result = spawnSync(process.execPath, [bin, 'snapshot', '--region', 'eu-west-1'], {
      encoding: 'utf8',
      timeout: 30_000,
      env: {
        PATH: process.env.PATH,
        HOME: dir,
        AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        // Port 1 on loopback refuses connections; one attempt so the test does not wait on backoff.
        AWS_ENDPOINT_URL: 'http://127.0.0.1:1',
        AWS_MAX_ATTEMPTS: '1',
        AWS_EC2_METADATA_DISABLED: 'true',
        // The SDK warns once on Node 20 that later versions need Node 22; not what this test pins.
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
    });
    expect(result.stdout).toBe('');
    expect(result.status).toBe(EXIT.aws);
    expect(result.stderr).toMatch(
      /^podnet-guard snapshot: cannot read AWS in eu-west-1: \w+ failed \(network\): .+\n$/,
    );
  });
});
