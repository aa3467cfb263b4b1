/**
 * remediate on Terraform: per edit kind, the reviewed golden diff (test/fixtures/remediate/golden/tf-*.diff), `git
 * apply` takes it, the edited files parse again, and a second run on the fixed tree changes nothing.
 */

import { loadHcl, parseFile } from '@podnet-guard/remediate';
import { describe, expect, it } from 'vitest';
import { gitApplyCheck, golden, makeRepo, readRepoFile, run, write } from './helpers.ts';
import { instanceTypes, maxPods, prefixDelegation, remoteAccess, revoke, terraformFiles } from './terraform-helpers.ts';

const NODES = { name: 'prod-nodes' };
const WORLD = 'ipv4:0.0.0.0/0';
const BATCH = 'batch-20240101000000000000000002';

export const TERRAFORM_CASES: { name: string; files: Record<string, string>; findings: Record<string, unknown>[] }[] = [
  {
    name: 'tf-revoke-inline',
    files: terraformFiles('plain-eks'),
    findings: [
      // One of two inline rules: the block goes with its lines, comments around it stay.
      revoke('nodeport', NODES, { protocol: 'tcp', fromPort: 30000, toPort: 32767, peerKey: WORLD }),
      // The group's only rule (bastion-<suffix> from name_prefix): `ingress = []`, or Terraform would leave it live.
      revoke(
        'bastion',
        { name: 'bastion-20240101000000000000000001' },
        { protocol: 'tcp', fromPort: 22, toPort: 22, peerKey: WORLD },
      ),
    ],
  },
  {
    name: 'tf-revoke-from-variable',
    files: terraformFiles('plain-eks'),
    // cidr_blocks = var.admin_cidrs: the peer leaves the variable's default, the other network stays.
    findings: [revoke('ssh', NODES, { protocol: 'tcp', fromPort: 22, toPort: 22, peerKey: WORLD })],
  },
  {
    name: 'tf-revoke-standalone',
    files: terraformFiles('plain-eks'),
    findings: [
      revoke('metrics', NODES, { protocol: 'tcp', fromPort: 9100, toPort: 9100, peerKey: WORLD }),
      revoke('webhooks', { nameTag: 'prod-nodes' }, { protocol: 'tcp', fromPort: 443, toPort: 443, peerKey: WORLD }),
    ],
  },
  {
    name: 'tf-instance-types',
    files: terraformFiles('plain-eks'),
    findings: [
      instanceTypes('literal', 'prod', 'ops-prod', ['t3.xlarge', 't3a.xlarge']),
      instanceTypes('from-variable', 'prod', BATCH, ['m6i.large']),
      instanceTypes('launch-template', 'prod', 'api', ['m6i.large']),
    ],
  },
  {
    name: 'tf-remote-access',
    files: terraformFiles('plain-eks'),
    findings: [remoteAccess('ops-ssh', 'prod', 'ops-prod')],
  },
  {
    name: 'tf-user-data',
    files: terraformFiles('plain-eks'),
    findings: [
      // A heredoc in a local, with a commented-out bootstrap line that stays as it is.
      maxPods('al2', 'prod', 'api', 29),
      // base64encode(<<-EOT … EOT) holding a MIME multipart NodeConfig.
      maxPods('al2023', 'prod', BATCH, 58),
    ],
  },
  {
    name: 'tf-addon-jsonencode',
    files: terraformFiles('plain-eks'),
    findings: [prefixDelegation('pd', 'prod', { api: 110 })],
  },
];

describe('remediate on Terraform', () => {
  for (const testCase of TERRAFORM_CASES) {
    it(`${testCase.name}: the golden diff, git apply takes it, it parses again, and a second run changes nothing`, async () => {
      const root = makeRepo(testCase.files);
      const report = await run(root, testCase.findings);
      expect(report.refused).toEqual([]);
      expect(report.unsupported).toEqual([]);
      expect([...new Set(report.changes.map((change) => change.findingId))].sort()).toEqual(
        testCase.findings.map((f) => f.id as string).sort(),
      );
      expect(report.diff).toBe(golden(testCase.name, report.diff));
      gitApplyCheck(root, report.diff);

      await write(root, report);
      await loadHcl();
      for (const path of report.files.keys()) expect(parseFile(path, readRepoFile(root, path)).errors).toEqual([]);
      const again = await run(root, testCase.findings);
      expect(again.diff).toBe('');
      expect(again.refused).toEqual([]);
      expect(again.alreadyDone.sort()).toEqual(testCase.findings.map((f) => f.id as string).sort());
    });
  }
});
