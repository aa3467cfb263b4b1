/**
 * remediate on callers of terraform-aws-modules/eks/aws, on the module's own examples (v19, v20, v21; see
 * test/fixtures/remediate/terraform/README.md): golden diffs of the caller's inputs, the version told from the
 * `version` constraint or, without one, from the inputs used.
 */
import { describe, expect, it } from 'vitest';
import { gitApplyCheck, golden, makeRepo, run, write } from './helpers.ts';
import { instanceTypes, maxPods, prefixDelegation, remoteAccess, terraformFiles } from './terraform-helpers.ts';

const SUFFIX = '20240101000000000000000003';
const V19 = 'ex-eks-managed-node-group';
const AL2023 = 'ex-eks-mng-al2023';

export const MODULE_CASES: { name: string; files: Record<string, string>; findings: Record<string, unknown>[] }[] = [
  {
    // No `version`: cluster_name and *_defaults say up to v20. Names carry the module's 26-digit suffix.
    name: 'tf-module-v19',
    files: terraformFiles('eks-v19/eks_managed_node_group', 'eks_managed_node_group/'),
    findings: [
      // ami_type AL2_x86_64 from the defaults: the bootstrap.sh flags go into bootstrap_extra_args.
      maxPods('al2-max-pods', V19, `complete-eks-mng-${SUFFIX}`, 29),
      instanceTypes('own-types', V19, `custom_ami-${SUFFIX}`, ['m6g.large']),
      remoteAccess('no-ssh', V19, `default_node_group-${SUFFIX}`),
      // vpc-cni already has prefix delegation: only the group's maxPods changes.
      prefixDelegation('pd', V19, { [`custom_ami-${SUFFIX}`]: 110 }),
    ],
  },
  {
    name: 'tf-module-v19-self-managed',
    files: terraformFiles('eks-v19/complete', 'complete/'),
    findings: [instanceTypes('spot-type', 'ex-complete', `spot-${SUFFIX}`, ['m6i.large'])],
  },
  {
    // version "~> 20.0": cluster_addons; AL2023 NodeConfig in cloudinit_pre_nodeadm.
    name: 'tf-module-v20',
    files: terraformFiles('eks-v20'),
    findings: [
      maxPods('nodeadm', AL2023, `example-${SUFFIX}`, 29),
      prefixDelegation('pd', AL2023, { [`example-${SUFFIX}`]: 29 }),
    ],
  },
  {
    // version "~> 21.0": `name` and `addons`.
    name: 'tf-module-v21',
    files: terraformFiles('eks-v21'),
    findings: [
      maxPods('nodeadm', AL2023, `example-${SUFFIX}`, 29),
      prefixDelegation('pd', AL2023, { [`example-${SUFFIX}`]: 29 }),
    ],
  },
];

describe('remediate on EKS module callers', () => {
  for (const testCase of MODULE_CASES) {
    it(`${testCase.name}: the golden diff, git apply takes it, and a second run changes nothing`, async () => {
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
      const again = await run(root, testCase.findings);
      expect(again.diff).toBe('');
      expect(again.refused).toEqual([]);
      expect(again.alreadyDone.sort()).toEqual(testCase.findings.map((f) => f.id as string).sort());
    });
  }
});
