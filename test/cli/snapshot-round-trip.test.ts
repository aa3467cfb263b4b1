/**
 * A snapshot written from a live account reads back to the same findings: `snapshot` then `scan --snapshot` equals a
 * live `scan`, over the real full loader with EC2/EKS/Auto Scaling answered from the sample account.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EKSClient } from '@aws-sdk/client-eks';
import { createClientSet } from '@podnet-guard/aws/clients';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createScanCommand } from '../../packages/cli/src/commands/scan.ts';
import { createSnapshotCommand } from '../../packages/cli/src/commands/snapshot.ts';
import { EXIT } from '../../packages/cli/src/exit-codes.ts';
import { memoryIO } from '../../packages/cli/src/io.ts';
import { sampleAccountSnapshot, serveFullSnapshot } from '../helpers/sample-aws.ts';

const ec2 = mockClient(EC2Client);
const eks = mockClient(EKSClient);
const autoscaling = mockClient(AutoScalingClient);
const live = { clientsFor: (region: string) => createClientSet(region), defaultRegion: async () => 'eu-west-1' };

let dir: string;
beforeEach(async () => {
  ec2.reset().onAnyCommand().rejects(new Error('unexpected EC2 call'));
  eks.reset().onAnyCommand().rejects(new Error('unexpected EKS call'));
  autoscaling.reset().onAnyCommand().rejects(new Error('unexpected Auto Scaling call'));
  serveFullSnapshot(sampleAccountSnapshot(), ec2, eks, autoscaling);
  dir = await mkdtemp(join(tmpdir(), 'podnet-guard-round-trip-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function findingsOf(output: string) {
  return (JSON.parse(output).findings as { id: string; rule: string; severity: string; status: string }[])
    .map(({ id, rule, severity, status }) => ({ id, rule, severity, status }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

describe('snapshot round trip', () => {
  it('scan --snapshot of a written snapshot gives the findings of a live scan', async () => {
    const path = join(dir, 'eu-west-1.json');
    const written = memoryIO();
    expect(await createSnapshotCommand(live).run(['--region', 'eu-west-1', '--out', path], written.io)).toBe(EXIT.ok);

    const fromFile = memoryIO();
    expect(await createScanCommand().run(['--snapshot', path, '--format', 'json'], fromFile.io)).toBe(EXIT.ok);
    const fromLive = memoryIO();
    const { loadFullSnapshot } = await import('@podnet-guard/aws/inventory');
    expect(await createScanCommand({ ...live, load: loadFullSnapshot }).run(['--format', 'json'], fromLive.io)).toBe(
      EXIT.ok,
    );

    const expected = await findingsOf(fromLive.stdout());
    expect(expected.length).toBeGreaterThan(0);
    expect(await findingsOf(fromFile.stdout())).toEqual(expected);
  });
});
