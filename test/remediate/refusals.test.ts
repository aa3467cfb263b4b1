/** What remediate refuses, and why: a refusal names the reason and the candidate blocks; nothing is written. */
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { type Locator, openRepo, RepoError, remediate } from '@podnet-guard/remediate';
import { describe, expect, it } from 'vitest';
import { finding, fixture, makeRepo, nodeGroupTarget, run } from './helpers.ts';

const SG = 'sg-0123456789abcdef0';
const kwosRule = (port: number) =>
  finding(`revoke-${port}`, {
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
        fromPort: port,
        toPort: port,
        peer: '0.0.0.0/0',
        peerKey: 'ipv4:0.0.0.0/0',
      },
    ],
    reason: 'test',
  });
const maxPods = (cluster: string, nodeGroup: string, value = 20) =>
  finding(`mp-${nodeGroup}`, {
    action: 'set-max-pods',
    target: nodeGroupTarget(cluster, nodeGroup),
    set: { maxPods: value },
    reason: 'test',
  });

describe('remediate refuses', () => {
  it('two blocks that could own the rule (the same template in YAML and JSON), naming both', async () => {
    const root = makeRepo({
      'a/template.yaml': fixture('cloudformation/EC2-ec2_with_waitcondition_template.yaml'),
      'b/template.json': fixture('cloudformation/EC2-ec2_with_waitcondition_template.json'),
    });
    const report = await run(root, [kwosRule(8888)]);
    expect(report.changes).toEqual([]);
    expect(report.diff).toBe('');
    expect(report.refused).toEqual([
      {
        findingId: 'revoke-8888',
        reason: expect.stringContaining('2 blocks could own the rule tcp/8888 from 0.0.0.0/0'),
        candidates: [
          { path: 'a/template.yaml', line: 231 },
          { path: 'b/template.json', line: 289 },
        ],
      },
    ]);
  });

  it('a rule whose source comes from a parameter (SSHLocation): the deployed value may differ', async () => {
    const root = makeRepo({ 'template.yaml': fixture('cloudformation/EC2-ec2_with_waitcondition_template.yaml') });
    const report = await run(root, [kwosRule(22)]);
    expect(report.refused[0]?.reason).toMatch(/CidrIp comes from parameter SSHLocation/);
    expect(report.refused[0]?.candidates).toEqual([{ path: 'template.yaml', line: 243 }]);
  });

  it('an eksctl file rendered with envsubst (eks-workshop cluster.yaml)', async () => {
    const root = makeRepo({ 'cluster/eksctl/cluster.yaml': fixture('eks-workshop/cluster.yaml') });
    const report = await run(root, [maxPods('eks-workshop', 'default')]);
    expect(report.refused).toEqual([
      {
        findingId: 'mp-default',
        reason: expect.stringMatching(/rendered before use: the envsubst placeholder \$\{AWS_REGION\}/),
        candidates: [{ path: 'cluster/eksctl/cluster.yaml', line: 23 }],
      },
    ]);
  });

  it("Karpenter's own examples as shipped (CLUSTER_NAME placeholders), but not once rendered", async () => {
    const verbatim = makeRepo({ 'general-purpose.yaml': fixture('karpenter/general-purpose.yaml') });
    const refused = await run(verbatim, [maxPods('prod', 'general-purpose')]);
    expect(refused.refused[0]?.reason).toMatch(/envsubst placeholder \$\{CLUSTER_NAME\}/);
    const renderedRepo = makeRepo({
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the envsubst placeholder itself
      'general-purpose.yaml': fixture('karpenter/general-purpose.yaml').replaceAll('${CLUSTER_NAME}', 'prod'),
    });
    expect((await run(renderedRepo, [maxPods('prod', 'general-purpose')])).changes).toHaveLength(1);
  });

  it('a Helm template that mentions the node group, though it does not parse as YAML', async () => {
    const root = makeRepo({
      'chart/templates/nodepool.yaml': [
        'apiVersion: karpenter.sh/v1',
        'kind: NodePool',
        'metadata:',
        '  name: batch',
        'spec:',
        '  template:',
        '    spec:',
        '      {{- with .Values.kubelet }}',
        '      kubelet: {{ toYaml . | nindent 8 }}',
        '      {{- end }}',
        '',
      ].join('\n'),
    });
    const report = await run(root, [maxPods('prod', 'batch')]);
    expect(report.refused[0]?.reason).toMatch(/Helm\/Go template/);
    expect(report.refused[0]?.candidates).toEqual([{ path: 'chart/templates/nodepool.yaml', line: 1 }]);
  });

  it('when nothing in the repository owns the node group', async () => {
    const root = makeRepo({ 'cluster.yaml': fixture('eksctl/05-advanced-nodegroups.yaml') });
    const report = await run(root, [maxPods('cluster-5', 'ng-missing')]);
    expect(report.refused).toEqual([
      {
        findingId: 'mp-ng-missing',
        reason: 'nothing in the repository owns the maxPods of node group cluster-5/ng-missing',
        candidates: [],
      },
    ]);
  });

  it('a node group of another cluster is not an owner', async () => {
    const root = makeRepo({ 'cluster.yaml': fixture('eksctl/05-advanced-nodegroups.yaml') });
    const report = await run(root, [maxPods('other-cluster', 'ng2-private-a')]);
    expect(report.refused[0]?.reason).toMatch(/^nothing in the repository owns/);
  });

  it('instance types that come from a launch template outside the file', async () => {
    const root = makeRepo({ 'cluster.yaml': fixture('eksctl/15-managed-nodes.yaml') });
    const report = await run(root, [
      finding('lt', {
        action: 'set-instance-types',
        target: nodeGroupTarget('cluster-15', 'custom-launch-template'),
        set: { instanceTypes: ['m5.large'] },
        reason: 'test',
      }),
    ]);
    expect(report.refused[0]?.reason).toMatch(/comes from the node group launch template/);
  });

  it('a managed node group whose name is computed (!Sub ng-<stack name>) without its logical id', async () => {
    const root = makeRepo({ 'template.yaml': fixture('cloudformation/EKS-template.yaml') });
    const report = await run(root, [
      finding('mng', {
        action: 'set-instance-types',
        target: nodeGroupTarget('demo', 'ng-demo'),
        set: { instanceTypes: ['m5.large'] },
        reason: 'test',
      }),
    ]);
    expect(report.refused[0]?.reason).toMatch(/^nothing in the repository owns the instance types/);
  });

  it('maxPods of a managed node group whose launch template has no user data (EKS sets maxPods itself)', async () => {
    const root = makeRepo({ 'template.yaml': fixture('cloudformation/EKS-template.yaml') });
    const report = await run(root, [
      finding('mng-mp', {
        action: 'set-max-pods',
        target: nodeGroupTarget('demo', 'ng-demo', { cloudFormation: { logicalId: 'ManagedNodeGroup' } }),
        set: { maxPods: 20 },
        reason: 'test',
      }),
    ]);
    expect(report.refused[0]).toMatchObject({
      reason: expect.stringMatching(/LaunchTemplate has no user data/),
      candidates: [{ path: 'template.yaml', line: 415 }],
    });
  });
});

describe('remediate lists as unsupported', () => {
  it('findings without remediation, resolved or suppressed ones, replace-node, placeholders and unknown actions', async () => {
    const root = makeRepo({ 'cluster.yaml': fixture('eksctl/07-ssh-keys.yaml') });
    const ssh = {
      action: 'restrict-remote-access' as const,
      target: nodeGroupTarget('cluster-7', 'ng-2'),
      reason: 'test',
    };
    const report = await run(root, [
      { id: 'none', detector: 'node-sg-widening', status: 'open' },
      finding('resolved', { ...ssh, set: { remoteAccess: 'none' } }, 'resolved'),
      finding('suppressed', { ...ssh, set: { remoteAccess: 'none' } }, 'suppressed'),
      finding('replace', {
        action: 'replace-node',
        target: { type: 'instance', id: 'i-0123456789abcdef0' },
        reason: 'test',
      }),
      finding('placeholder', { ...ssh, set: { sourceSecurityGroups: ['<bastion-sg-id>'] } }),
      { ...finding('old', { ...ssh, set: {} }), remediation: { ...ssh, action: 'set-nodegroup-remote-access' } },
    ]);
    expect(report.changes).toEqual([]);
    expect(report.unsupported).toEqual([
      { findingId: 'none', reason: 'the finding carries no remediation' },
      { findingId: 'resolved', reason: 'the finding is resolved' },
      { findingId: 'suppressed', reason: 'the finding is suppressed' },
      { findingId: 'replace', reason: expect.stringMatching(/^replace-node is not a code change/) },
      {
        findingId: 'placeholder',
        reason: 'restrict-remote-access carries a source security group that is not an SG id',
      },
      { findingId: 'old', reason: 'unknown remediation action "set-nodegroup-remote-access"' },
    ]);
  });

  it('--id values that match no finding', async () => {
    const root = makeRepo({ 'cluster.yaml': fixture('eksctl/07-ssh-keys.yaml') });
    const report = await run(root, [maxPods('cluster-7', 'ng-1')], ['nope']);
    expect(report.unsupported).toEqual([{ findingId: 'nope', reason: 'no finding with this id in the input' }]);
    expect(report.changes).toEqual([]);
  });
});

describe('the repository boundary', () => {
  it('never follows a symbolic link, to a file or a directory outside the repository', async () => {
    const outside = makeRepo({ 'cluster.yaml': fixture('eksctl/05-advanced-nodegroups.yaml') });
    const root = makeRepo({ 'README.md': 'x' });
    symlinkSync(join(outside, 'cluster.yaml'), join(root, 'linked.yaml'));
    mkdirSync(join(root, 'infra'));
    symlinkSync(outside, join(root, 'infra', 'elsewhere'));
    const repo = await openRepo(root);
    expect(await repo.files()).toEqual([]);
    const report = await run(root, [maxPods('cluster-5', 'ng2-private-a')]);
    expect(report.refused[0]?.reason).toMatch(/^nothing in the repository owns/);
    await expect(repo.read('linked.yaml')).rejects.toThrow(/symbolic link/);
    await expect(repo.read('infra/elsewhere/cluster.yaml')).rejects.toThrow(/symbolic link/);
    await expect(repo.write('linked.yaml', 'x')).rejects.toThrow(RepoError);
  });

  it('rejects paths with .. or absolute paths', async () => {
    const root = makeRepo({ 'a/cluster.yaml': 'x: 1\n' });
    const repo = await openRepo(root);
    await expect(repo.read('../pg-remediate-outside.yaml')).rejects.toThrow(/not a plain path/);
    await expect(repo.read('a/../../pg-remediate-outside.yaml')).rejects.toThrow(/not a plain path/);
    await expect(repo.read('/etc/passwd')).rejects.toThrow(/not a plain path/);
    expect(await repo.read('a/cluster.yaml')).toBe('x: 1\n');
  });

  it('opening a missing directory or a file is an error', async () => {
    const root = makeRepo({ 'file.yaml': 'x: 1\n' });
    await expect(openRepo(join(root, 'missing'))).rejects.toThrow(/cannot open/);
    await expect(openRepo(join(root, 'file.yaml'))).rejects.toThrow(/not a directory/);
  });
});

describe('read-back', () => {
  it('refuses an edit after which the owner does not hold the planned value, and writes nothing', async () => {
    const root = makeRepo({ 'cluster.yaml': 'kind: Thing\nmaxPods: 10\n' });
    // A locator whose edit changes the file but never to the planned value.
    const faulty: Locator = {
      format: 'faulty',
      locate: (file) =>
        file.docs.length
          ? [{ path: file.path, line: 2, edits: [{ offset: file.text.indexOf('10'), length: 2, content: '11' }] }]
          : [],
    };
    const report = await remediate({ findings: [maxPods('c', 'ng')] }, await openRepo(root), { locators: [faulty] });
    expect(report.refused).toEqual([
      {
        findingId: 'mp-ng',
        reason: 'the edit does not read back as planned (maxPods of node group c/ng)',
        candidates: [{ path: 'cluster.yaml', line: 1 }],
      },
    ]);
    expect(report.changes).toEqual([]);
    expect(report.files.size).toBe(0);
  });

  it('refuses an edit that leaves the file unparseable', async () => {
    const root = makeRepo({ 'cluster.yaml': 'kind: Thing\nmaxPods: 10\n' });
    const breaking: Locator = {
      format: 'breaking',
      locate: (file) =>
        file.docs.length ? [{ path: file.path, line: 2, edits: [{ offset: 0, length: 0, content: '[' }] }] : [],
    };
    const report = await remediate({ findings: [maxPods('c', 'ng')] }, await openRepo(root), { locators: [breaking] });
    expect(report.refused[0]?.reason).toMatch(/^cluster\.yaml does not parse after the edit/);
    expect(report.files.size).toBe(0);
  });
});

describe('templates inside scripts are not templating', () => {
  it('edits a file whose bootstrap commands hold {{ }} and a shell variable, but refuses {{ }} in a value', async () => {
    const script = [
      'apiVersion: eksctl.io/v1alpha5',
      'kind: ClusterConfig',
      'metadata:',
      '  name: prod',
      'managedNodeGroups:',
      '  - name: ng-a',
      '    preBootstrapCommands:',
      `      - "docker inspect --format '{{.Id}}' pause && echo \${HOSTNAME}"`,
      '',
    ].join('\n');
    const edited = await run(makeRepo({ 'c.yaml': script }), [maxPods('prod', 'ng-a')]);
    expect(edited.changes).toHaveLength(1);
    const templated = script.replace('  name: prod', '  name: prod\n  tags: {owner: "{{ .Values.owner }}"}');
    const refused = await run(makeRepo({ 'c.yaml': templated }), [maxPods('prod', 'ng-a')]);
    expect(refused.refused[0]?.reason).toMatch(/Helm\/Go template expression \{\{ \.Values\.owner \}\}/);
  });
});

it('refuses a Helm template that happens to parse as YAML (nested flow maps)', async () => {
  const text =
    'apiVersion: karpenter.sh/v1beta1\nkind: NodePool\nmetadata:\n  name: batch\n  labels: {{ .Values.labels }}\nspec:\n  template:\n    spec:\n      kubelet:\n        maxPods: 110\n';
  const report = await run(makeRepo({ 'pool.yaml': text }), [maxPods('prod', 'batch')]);
  expect(report.refused[0]?.reason).toMatch(/Helm\/Go template expression \{\{ \.Values\.labels \}\}/);
});
