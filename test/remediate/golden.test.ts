/**
 * remediate on real files from public projects (test/fixtures/remediate/*, SOURCE.md in each folder): the diff
 * equals the reviewed golden diff, `git apply` takes it, and a second run on the fixed tree changes nothing.
 */
import { describe, expect, it } from 'vitest';
import { finding, fixture, gitApplyCheck, golden, makeRepo, nodeGroupTarget, run, write } from './helpers.ts';

const SG = 'sg-0123456789abcdef0';

/** Karpenter's examples as a user commits them: the envsubst placeholder replaced by the cluster name. */
function rendered(path: string): string {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the envsubst placeholder itself
  return fixture(path).replaceAll('${CLUSTER_NAME}', 'prod');
}

const CASES: { name: string; files: Record<string, string>; findings: Record<string, unknown>[] }[] = [
  {
    name: 'eksctl-max-pods',
    files: {
      'clusters/05-advanced-nodegroups.yaml': fixture('eksctl/05-advanced-nodegroups.yaml'),
      'clusters/15-managed-nodes.yaml': fixture('eksctl/15-managed-nodes.yaml'),
    },
    findings: [
      finding('mp-insert', {
        action: 'set-max-pods',
        target: nodeGroupTarget('cluster-5', 'ng2-private-a'),
        set: { maxPods: 20 },
        reason: 'test',
      }),
      // An overridden bootstrap command: eksctl ignores maxPodsPerNode there, so the AL2 flags go into the command.
      finding('mp-override', {
        action: 'set-max-pods',
        target: nodeGroupTarget('cluster-15', 'custom-ami'),
        set: { maxPods: 29 },
        reason: 'test',
      }),
    ],
  },
  {
    name: 'eksctl-instance-types',
    files: {
      '05-advanced-nodegroups.yaml': fixture('eksctl/05-advanced-nodegroups.yaml'),
      '08-spot-instances.yaml': fixture('eksctl/08-spot-instances.yaml'),
    },
    findings: [
      finding('it-scalar', {
        action: 'set-instance-types',
        target: nodeGroupTarget('cluster-5', 'ng3-private-b'),
        set: { instanceTypes: ['c5.9xlarge'] },
        reason: 'test',
      }),
      finding('it-distribution', {
        action: 'set-instance-types',
        target: nodeGroupTarget('cluster-8', 'ng-1'),
        set: { instanceTypes: ['m5.large', 'm5.xlarge'] },
        reason: 'test',
      }),
    ],
  },
  {
    name: 'eksctl-remote-access',
    files: {
      '07-ssh-keys.yaml': fixture('eksctl/07-ssh-keys.yaml'),
      '15-managed-nodes.yaml': fixture('eksctl/15-managed-nodes.yaml'),
    },
    findings: [
      finding('ssh-allow', {
        action: 'restrict-remote-access',
        target: nodeGroupTarget('cluster-7', 'ng-2'),
        set: { remoteAccess: 'none' },
        reason: 'test',
      }),
      // A key without `allow`: eksctl turns SSH on, so `allow: false` is added.
      finding('ssh-key-only', {
        action: 'restrict-remote-access',
        target: nodeGroupTarget('cluster-7', 'ng-1'),
        set: { remoteAccess: 'none' },
        reason: 'test',
      }),
      finding('ssh-sources', {
        action: 'restrict-remote-access',
        target: nodeGroupTarget('cluster-15', 'managed-ng-public'),
        set: { sourceSecurityGroups: ['sg-0bbbbbbbbbbbbbbb1'] },
        reason: 'test',
      }),
    ],
  },
  {
    name: 'eksctl-prefix-delegation',
    files: { 'cluster.yaml': fixture('eksctl/25-addons.yaml') },
    findings: [
      finding('pd', {
        action: 'enable-prefix-delegation',
        target: { type: 'cluster', id: 'cluster-25', cluster: 'cluster-25', addon: 'vpc-cni' },
        set: { ENABLE_PREFIX_DELEGATION: 'true', WARM_PREFIX_TARGET: 1, maxPods: { mng1: 110 } },
        reason: 'test',
      }),
    ],
  },
  {
    name: 'karpenter-v1',
    files: {
      'karpenter/general-purpose.yaml': rendered('karpenter/general-purpose.yaml'),
      'karpenter/al2023.yaml': rendered('karpenter/al2023-custom-userdata.yaml'),
    },
    findings: [
      finding('kp-general', {
        action: 'set-max-pods',
        target: nodeGroupTarget('prod', 'general-purpose'),
        set: { maxPods: 58 },
        reason: 'test',
      }),
      // The EC2NodeClass ends with a block scalar (userData): the kubelet block goes after it.
      finding('kp-al2023', {
        action: 'set-max-pods',
        target: nodeGroupTarget('prod', 'default'),
        set: { maxPods: 29 },
        reason: 'test',
      }),
    ],
  },
  {
    name: 'cfn-self-managed-node-group',
    files: { 'cfn/amazon-eks-nodegroup.yaml': fixture('cloudformation/amazon-eks-nodegroup.yaml') },
    findings: [
      // The instance type comes from parameter NodeInstanceType: its Default changes and m6i.large joins AllowedValues.
      finding('lt-type', {
        action: 'set-instance-types',
        target: {
          type: 'launch-template',
          id: 'lt-0abc0000000000001',
          cloudFormation: { logicalId: 'NodeLaunchTemplate' },
        },
        set: { instanceTypes: ['m6i.large'] },
        reason: 'test',
      }),
      // `bootstrap.sh ${ClusterName} ${BootstrapArguments}`: the flags go into that parameter's Default.
      finding('asg-max-pods', {
        action: 'set-max-pods',
        target: nodeGroupTarget('prod', 'prod-nodes', { cloudFormation: { logicalId: 'NodeGroup' } }),
        set: { maxPods: 17 },
        reason: 'test',
      }),
    ],
  },
  {
    name: 'cfn-managed-node-group-yaml',
    files: { 'EKS/template.yaml': fixture('cloudformation/EKS-template.yaml') },
    findings: [
      finding('mng-types', {
        action: 'set-instance-types',
        target: nodeGroupTarget('demo-cluster', 'ng-demo', { cloudFormation: { logicalId: 'ManagedNodeGroup' } }),
        set: { instanceTypes: ['m5.large'] },
        reason: 'test',
      }),
    ],
  },
  {
    name: 'cfn-managed-node-group-json',
    files: { 'EKS/template.json': fixture('cloudformation/EKS-template.json') },
    findings: [
      finding('mng-types', {
        action: 'set-instance-types',
        target: nodeGroupTarget('demo-cluster', 'ng-demo', { cloudFormation: { logicalId: 'ManagedNodeGroup' } }),
        set: { instanceTypes: ['m5.large'] },
        reason: 'test',
      }),
    ],
  },
  ...(['yaml', 'json'] as const).map((format) => ({
    name: `cfn-revoke-${format}`,
    files: { [`EC2/template.${format}`]: fixture(`cloudformation/EC2-ec2_with_waitcondition_template.${format}`) },
    findings: [
      finding('revoke-8888', {
        action: 'revoke-rules',
        target: {
          type: 'security-group',
          id: SG,
          securityGroup: { id: SG },
          cloudFormation: { logicalId: 'KWOSSecurityGroup' },
        },
        revoke: [
          {
            direction: 'ingress',
            protocol: 'tcp',
            fromPort: 8888,
            toPort: 8888,
            peer: '0.0.0.0/0',
            peerKey: 'ipv4:0.0.0.0/0',
          },
        ],
        reason: 'test',
      }),
    ],
  })),
];

describe('remediate on real templates', () => {
  for (const testCase of CASES) {
    it(`${testCase.name}: the golden diff, git apply takes it, and a second run changes nothing`, async () => {
      const root = makeRepo(testCase.files);
      const report = await run(root, testCase.findings);
      expect(report.refused).toEqual([]);
      expect(report.unsupported).toEqual([]);
      expect(report.changes.map((change) => change.findingId).sort()).toEqual(
        testCase.findings.map((f) => f.id as string).sort(),
      );
      expect(report.diff).toBe(golden(testCase.name, report.diff));
      gitApplyCheck(root, report.diff);

      await write(root, report);
      const again = await run(root, testCase.findings);
      expect(again.diff).toBe('');
      expect(again.changes).toEqual([]);
      expect(again.refused).toEqual([]);
      expect(again.alreadyDone.sort()).toEqual(testCase.findings.map((f) => f.id as string).sort());
    });
  }
});
