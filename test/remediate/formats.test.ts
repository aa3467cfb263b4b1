/**
 * The forms the real fixtures do not show: Karpenter v1beta1 and multi-document files, CloudFormation RemoteAccess,
 * standalone ingress resources, launch template user data (AL2023 in JSON, Bottlerocket in YAML), add-on settings
 * already present, and a file without a final newline.
 */
import { describe, expect, it } from 'vitest';
import { finding, makeRepo, nodeGroupTarget, run } from './helpers.ts';

const SG = 'sg-0123456789abcdef0';

async function edited(files: Record<string, string>, remediation: Parameters<typeof finding>[1]) {
  const report = await run(makeRepo(files), [finding('f', remediation)]);
  expect(report.refused).toEqual([]);
  return report;
}

describe('Karpenter', () => {
  it('v1beta1: spec.template.spec.kubelet.maxPods of the NodePool, in a multi-document file', async () => {
    const text = [
      'apiVersion: karpenter.sh/v1beta1',
      'kind: NodePool',
      'metadata:',
      '  name: other',
      'spec:',
      '  template:',
      '    spec:',
      '      kubelet:',
      '        maxPods: 110',
      '---',
      'apiVersion: karpenter.sh/v1beta1',
      'kind: NodePool',
      'metadata:',
      '  name: batch',
      'spec:',
      '  template:',
      '    spec:',
      '      kubelet:',
      '        maxPods: 110 # too many',
      '      nodeClassRef:',
      '        name: default',
      '',
    ].join('\n');
    const report = await edited(
      { 'pools.yaml': text },
      {
        action: 'set-max-pods',
        target: nodeGroupTarget('prod', 'batch'),
        set: { maxPods: 29 },
        reason: 't',
      },
    );
    expect(report.files.get('pools.yaml')).toBe(text.replace('110 # too many', '29 # too many'));
  });

  it('v1: a NodeClass shared by two NodePools is edited once, and the summary names the other pool', async () => {
    const pool = (name: string) =>
      `apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata:\n  name: ${name}\nspec:\n  template:\n    spec:\n      nodeClassRef:\n        group: karpenter.k8s.aws\n        kind: EC2NodeClass\n        name: shared\n`;
    const nodeClass =
      'apiVersion: karpenter.k8s.aws/v1\nkind: EC2NodeClass\nmetadata:\n  name: shared\nspec:\n  kubelet:\n    maxPods: 110\n  role: nodes';
    const report = await edited(
      { 'pools/a.yaml': pool('a'), 'pools/b.yaml': pool('b'), 'classes.yaml': nodeClass },
      { action: 'set-max-pods', target: nodeGroupTarget('prod', 'a'), set: { maxPods: 29 }, reason: 't' },
    );
    // No final newline before, none after.
    expect(report.files.get('classes.yaml')).toBe(nodeClass.replace('maxPods: 110', 'maxPods: 29'));
    expect(report.changes[0]?.summary).toMatch(/EC2NodeClass shared is shared with NodePool\(s\) b/);
  });
});

describe('CloudFormation', () => {
  const nodegroup = (remoteAccess: string) =>
    [
      'Resources:',
      '  Workers:',
      '    Type: AWS::EKS::Nodegroup',
      '    Properties:',
      '      ClusterName: prod',
      '      NodegroupName: ng-debug',
      '      InstanceTypes: [t3.medium]',
      remoteAccess,
      '      NodeRole: !GetAtt NodeRole.Arn # the role',
      '',
    ].join('\n');

  it('removes RemoteAccess of a managed node group when no source SG is known', async () => {
    const text = nodegroup('      RemoteAccess:\n        Ec2SshKey: ops');
    const report = await edited(
      { 'ng.yaml': text },
      {
        action: 'restrict-remote-access',
        target: nodeGroupTarget('prod', 'ng-debug'),
        set: { remoteAccess: 'none' },
        reason: 't',
      },
    );
    expect(report.files.get('ng.yaml')).toBe(text.replace('      RemoteAccess:\n        Ec2SshKey: ops\n', ''));
    expect(report.changes[0]?.summary).toMatch(/CloudFormation replaces a managed node group/);
  });

  it('sets SourceSecurityGroups in JSON when they are known, in the file own indentation', async () => {
    const text = JSON.stringify(
      {
        Resources: {
          Workers: {
            Type: 'AWS::EKS::Nodegroup',
            Properties: { ClusterName: 'prod', NodegroupName: 'ng-debug', RemoteAccess: { Ec2SshKey: 'ops' } },
          },
        },
      },
      null,
      4,
    );
    const report = await edited(
      { 'ng.json': text },
      {
        action: 'restrict-remote-access',
        target: nodeGroupTarget('prod', 'ng-debug'),
        set: { sourceSecurityGroups: ['sg-0bbbbbbbbbbbbbbb1'] },
        reason: 't',
      },
    );
    const after = report.files.get('ng.json')!;
    expect(JSON.parse(after).Resources.Workers.Properties.RemoteAccess).toEqual({
      Ec2SshKey: 'ops',
      SourceSecurityGroups: ['sg-0bbbbbbbbbbbbbbb1'],
    });
    expect(after).toContain('\n                    "Ec2SshKey": "ops",\n');
  });

  const ingress = (extra = '') =>
    [
      'Resources:',
      '  Nodes:',
      '    Type: AWS::EC2::SecurityGroup',
      '    Properties:',
      '      GroupDescription: nodes',
      '      Tags:',
      '        - Key: Name',
      '          Value: prod-nodes',
      '  # opened for a vendor',
      '  VendorHttps:',
      '    Type: AWS::EC2::SecurityGroupIngress',
      '    Properties:',
      '      GroupId: !GetAtt Nodes.GroupId',
      '      IpProtocol: tcp',
      '      FromPort: 443',
      '      ToPort: 443',
      '      CidrIp: 0.0.0.0/0',
      extra,
      'Outputs:',
      '  Group:',
      '    Value: !Ref Nodes',
      '',
    ].join('\n');
  const revoke443 = {
    action: 'revoke-rules' as const,
    target: { type: 'security-group' as const, id: SG, securityGroup: { id: SG, nameTag: 'prod-nodes' } },
    revoke: [{ direction: 'ingress', protocol: 'tcp', fromPort: 443, toPort: 443, peerKey: 'ipv4:0.0.0.0/0' }],
    reason: 't',
  };

  it('removes a standalone SecurityGroupIngress of the group found by its Name tag; the comment above stays', async () => {
    const text = ingress();
    const report = await edited({ 'sg.yaml': text }, revoke443);
    const after = report.files.get('sg.yaml')!;
    expect(after).not.toContain('VendorHttps');
    expect(after).toContain('  # opened for a vendor\n');
    expect(after).toContain('Outputs:\n  Group:\n    Value: !Ref Nodes\n');
  });

  it('refuses to remove an ingress resource another resource refers to', async () => {
    const text = ingress('  Waiter:\n    Type: AWS::CloudFormation::WaitConditionHandle\n    DependsOn: VendorHttps\n');
    const report = await run(makeRepo({ 'sg.yaml': text }), [finding('f', revoke443)]);
    expect(report.refused[0]?.reason).toMatch(/VendorHttps is referenced elsewhere in the template/);
  });

  it('sets maxPods in AL2023 launch template user data inside JSON (Fn::Base64 of a string)', async () => {
    const userData = [
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="//"',
      '',
      '--//',
      'Content-Type: application/node.eks.aws',
      '',
      'apiVersion: node.eks.aws/v1alpha1',
      'kind: NodeConfig',
      'spec:',
      '  cluster:',
      '    name: prod',
      '  kubelet:',
      '    config:',
      '      maxPods: 58',
      '',
      '--//--',
      '',
    ].join('\n');
    const text = `${JSON.stringify(
      {
        Resources: {
          Template: {
            Type: 'AWS::EC2::LaunchTemplate',
            Properties: { LaunchTemplateData: { UserData: { 'Fn::Base64': userData } } },
          },
          Workers: {
            Type: 'AWS::EKS::Nodegroup',
            Properties: { ClusterName: 'prod', NodegroupName: 'ng-sgp', LaunchTemplate: { Id: { Ref: 'Template' } } },
          },
        },
      },
      null,
      2,
    )}\n`;
    const report = await edited(
      { 'lt.json': text },
      {
        action: 'set-max-pods',
        target: nodeGroupTarget('prod', 'ng-sgp'),
        set: { maxPods: 44 },
        reason: 't',
      },
    );
    const after = JSON.parse(report.files.get('lt.json')!);
    expect(after.Resources.Template.Properties.LaunchTemplateData.UserData['Fn::Base64']).toBe(
      userData.replace('maxPods: 58', 'maxPods: 44'),
    );
  });

  it('sets max-pods in Bottlerocket user data (a YAML block scalar under !Base64), keeping the tags', async () => {
    const text = [
      'Resources:',
      '  Template:',
      '    Type: AWS::EC2::LaunchTemplate',
      '    Properties:',
      '      LaunchTemplateData:',
      '        InstanceType: m5.large',
      '        UserData: !Base64 |',
      '          [settings.kubernetes]',
      '          cluster-name = "prod"',
      '',
      '          [settings.host-containers.admin]',
      '          enabled = false',
      '  Asg:',
      '    Type: AWS::AutoScaling::AutoScalingGroup',
      '    Properties:',
      '      LaunchTemplate:',
      '        LaunchTemplateId: !Ref Template',
      '        Version: !GetAtt Template.LatestVersionNumber',
      '',
    ].join('\n');
    const report = await edited(
      { 'br.yaml': text },
      {
        action: 'set-max-pods',
        target: nodeGroupTarget('prod', 'br', { cloudFormation: { logicalId: 'Asg' } }),
        set: { maxPods: 29 },
        reason: 't',
      },
    );
    expect(report.files.get('br.yaml')).toBe(
      text.replace('          cluster-name = "prod"\n', '          max-pods = 29\n          cluster-name = "prod"\n'),
    );
  });
});

describe('eksctl add-on settings already present', () => {
  it('adds to the configurationValues JSON in its own style, with maxPods of the node group in the same change', async () => {
    const text = [
      'apiVersion: eksctl.io/v1alpha5',
      'kind: ClusterConfig',
      'metadata:',
      '  name: prod',
      'managedNodeGroups:',
      '  - name: ng-a',
      '    instanceType: m5.large',
      'addons:',
      '  - name: vpc-cni',
      `    configurationValues: '{"env":{"ENABLE_POD_ENI":"true", "POD_SECURITY_GROUP_ENFORCING_MODE":"standard"}}'`,
      '',
    ].join('\n');
    const report = await edited(
      { 'c.yaml': text },
      {
        action: 'enable-prefix-delegation',
        target: { type: 'cluster', id: 'prod', cluster: 'prod', addon: 'vpc-cni' },
        set: { ENABLE_PREFIX_DELEGATION: 'true', WARM_PREFIX_TARGET: 1, maxPods: { 'ng-a': 110 } },
        reason: 't',
      },
    );
    expect(report.changes).toHaveLength(1);
    expect(report.files.get('c.yaml')).toBe(
      text
        .replace('    instanceType: m5.large\n', '    instanceType: m5.large\n    maxPodsPerNode: 110\n')
        .replace(
          '"POD_SECURITY_GROUP_ENFORCING_MODE":"standard"}}',
          '"POD_SECURITY_GROUP_ENFORCING_MODE":"standard", "ENABLE_PREFIX_DELEGATION":"true", "WARM_PREFIX_TARGET":"1"}}',
        ),
    );
  });
});

it('refuses a NodeClass in a templated file, though the NodePool file is plain', async () => {
  const pool =
    'apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata:\n  name: a\nspec:\n  template:\n    spec:\n      nodeClassRef:\n        name: shared\n';
  const nodeClass =
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the envsubst placeholder itself
    'apiVersion: karpenter.k8s.aws/v1\nkind: EC2NodeClass\nmetadata:\n  name: shared\nspec:\n  role: "KarpenterNodeRole-${CLUSTER_NAME}"\n';
  const report = await run(makeRepo({ 'pool.yaml': pool, 'class.yaml': nodeClass }), [
    finding('f', { action: 'set-max-pods', target: nodeGroupTarget('prod', 'a'), set: { maxPods: 29 }, reason: 't' }),
  ]);
  expect(report.refused[0]).toMatchObject({
    reason: expect.stringMatching(/class\.yaml is rendered before use: the envsubst placeholder/),
    candidates: [{ path: 'class.yaml', line: 5 }],
  });
});
