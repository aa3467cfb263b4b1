import { readMaxPodsFromUserData } from '@podnet-guard/core';
import { describe, expect, it } from 'vitest';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/** User data of the launch template EKS creates for an AL2 managed node group (no blank line after the part header). */
const al2ManagedNodeGroup = `MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="//"

--//
Content-Type: text/x-shellscript; charset="us-ascii"
#!/bin/bash
set -ex
B64_CLUSTER_CA=LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUM=
API_SERVER_URL=https://0123456789ABCDEF0123456789ABCDEF.gr7.eu-west-1.eks.amazonaws.com
K8S_CLUSTER_DNS_IP=172.20.0.10
/etc/eks/bootstrap.sh prod --kubelet-extra-args '--node-labels=eks.amazonaws.com/sourceLaunchTemplateVersion=1,eks.amazonaws.com/nodegroup-image=ami-0c3b1c4bd6b8a1c2d,eks.amazonaws.com/capacityType=ON_DEMAND,eks.amazonaws.com/nodegroup=ng-a,eks.amazonaws.com/sourceLaunchTemplateId=lt-0a1b2c3d4e5f60718 --max-pods=58' --b64-cluster-ca $B64_CLUSTER_CA --apiserver-endpoint $API_SERVER_URL --dns-cluster-ip $K8S_CLUSTER_DNS_IP --use-max-pods false

--//--
`;

/** AL2023 user data as EKS and Terraform write it: a NodeConfig part, then a shell part. */
const al2023 = (kubelet: string) => `MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="//"

--//
Content-Type: application/node.eks.aws

---
apiVersion: node.eks.aws/v1alpha1
kind: NodeConfig
spec:
  cluster:
    apiServerEndpoint: https://0123456789ABCDEF0123456789ABCDEF.gr7.eu-west-1.eks.amazonaws.com
    certificateAuthority: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUM=
    cidr: 172.20.0.0/16
    name: prod
${kubelet}
--//
Content-Type: text/x-shellscript; charset="us-ascii"

#!/bin/bash
echo "node ready"

--//--
`;

describe('readMaxPodsFromUserData: AL2 bootstrap.sh', () => {
  it('reads --max-pods from --kubelet-extra-args and --use-max-pods', () => {
    const result = readMaxPodsFromUserData(
      "#!/bin/bash\n/etc/eks/bootstrap.sh prod --use-max-pods false --kubelet-extra-args '--max-pods=110'\n",
    );
    expect(result).toEqual({ maxPods: 110, source: 'kubelet-extra-args', format: 'al2-bootstrap', useMaxPods: false });
  });

  it('reads the launch template EKS writes for a managed node group', () => {
    expect(readMaxPodsFromUserData(al2ManagedNodeGroup)).toEqual({
      maxPods: 58,
      source: 'kubelet-extra-args',
      format: 'al2-bootstrap',
      useMaxPods: false,
    });
  });

  it('reads the space-separated kubelet flag, the last one winning, across line continuations', () => {
    const script = [
      '#!/bin/bash',
      '/etc/eks/bootstrap.sh prod \\',
      '  --kubelet-extra-args "--max-pods 20 --node-labels=team=a --max-pods 35" \\',
      '  --use-max-pods true',
    ].join('\n');
    expect(readMaxPodsFromUserData(script)).toEqual({
      maxPods: 35,
      source: 'kubelet-extra-args',
      format: 'al2-bootstrap',
      useMaxPods: true,
    });
  });

  it('keeps a non-literal value as an expression and notices the prefix-delegation calculator', () => {
    const script = [
      '#!/bin/bash',
      'MAX_PODS=$(/etc/eks/max-pods-calculator.sh --instance-type-from-imds --cni-version 1.18.3 --cni-prefix-delegation-enabled)',
      '/etc/eks/bootstrap.sh prod --use-max-pods false --kubelet-extra-args "--max-pods=$MAX_PODS"',
    ].join('\n');
    expect(readMaxPodsFromUserData(script)).toEqual({
      source: 'kubelet-extra-args',
      format: 'al2-bootstrap',
      useMaxPods: false,
      expression: '$MAX_PODS',
      prefixDelegation: true,
    });
  });

  it('does not report prefix delegation for the calculator without the flag', () => {
    const script = [
      'MAX_PODS=$(/etc/eks/max-pods-calculator.sh --instance-type-from-imds --cni-version 1.18.3)',
      '/etc/eks/bootstrap.sh prod --kubelet-extra-args "--max-pods=$MAX_PODS"',
    ].join('\n');
    expect(readMaxPodsFromUserData(script).prefixDelegation).toBeUndefined();
  });

  it('reports bootstrap.sh without a maxPods setting as none', () => {
    expect(readMaxPodsFromUserData("/etc/eks/bootstrap.sh prod --kubelet-extra-args '--node-labels=a=b'")).toEqual({
      source: 'none',
      format: 'al2-bootstrap',
    });
  });

  it.each([
    ['a commented-out call', "# /etc/eks/bootstrap.sh prod --kubelet-extra-args '--max-pods=110'"],
    ['a flag outside bootstrap.sh', 'echo "--max-pods=110" >> /tmp/notes'],
    [
      'a kubelet flag given to bootstrap.sh directly (it has no such option)',
      '/etc/eks/bootstrap.sh prod --max-pods 58',
    ],
  ])('ignores %s', (_, script) => {
    expect(readMaxPodsFromUserData(`#!/bin/bash\n${script}\n`).maxPods).toBeUndefined();
  });

  it('reads user data still in base64, as DescribeLaunchTemplateVersions returns it', () => {
    expect(readMaxPodsFromUserData(b64(al2ManagedNodeGroup)).maxPods).toBe(58);
  });

  it('reads a base64-encoded MIME part and CRLF line ends', () => {
    const script = "#!/bin/bash\n/etc/eks/bootstrap.sh prod --kubelet-extra-args '--max-pods=29'\n";
    const mime = [
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="==BOUNDARY=="',
      '',
      '--==BOUNDARY==',
      'Content-Type: text/x-shellscript',
      'Content-Transfer-Encoding: base64',
      '',
      b64(script),
      '--==BOUNDARY==--',
      '',
    ].join('\r\n');
    expect(readMaxPodsFromUserData(mime)).toMatchObject({ maxPods: 29, source: 'kubelet-extra-args' });
  });
});

describe('readMaxPodsFromUserData: AL2023 nodeadm', () => {
  it('reads spec.kubelet.config.maxPods', () => {
    const result = readMaxPodsFromUserData(al2023('  kubelet:\n    config:\n      maxPods: 110\n'));
    expect(result).toEqual({ maxPods: 110, source: 'nodeadm maxPods', format: 'nodeadm' });
  });

  it('reads spec.kubelet.maxPodsExpression', () => {
    const kubelet = '  kubelet:\n    maxPodsExpression: "((default_enis - 1) * (ips_per_eni - 1)) + 2"\n';
    expect(readMaxPodsFromUserData(al2023(kubelet))).toEqual({
      source: 'nodeadm maxPodsExpression',
      format: 'nodeadm',
      expression: '((default_enis - 1) * (ips_per_eni - 1)) + 2',
    });
  });

  it('takes a literal expression as the value', () => {
    const result = readMaxPodsFromUserData(al2023('  kubelet:\n    maxPodsExpression: "417"\n'));
    expect(result).toMatchObject({ maxPods: 417, source: 'nodeadm maxPodsExpression' });
  });

  it('prefers maxPods over maxPodsExpression, and kubelet flags over both', () => {
    const both = '  kubelet:\n    config:\n      maxPods: 58\n    maxPodsExpression: "max_pods - 2"\n';
    expect(readMaxPodsFromUserData(al2023(both))).toMatchObject({ maxPods: 58, source: 'nodeadm maxPods' });
    const flags = `${both}    flags:\n      - "--node-labels=team=a"\n      - "--max-pods=30"\n`;
    expect(readMaxPodsFromUserData(al2023(flags))).toMatchObject({ maxPods: 30, source: 'nodeadm kubelet flags' });
  });

  it('lets a later NodeConfig override an earlier one, as nodeadm merges them', () => {
    const yaml = [
      'apiVersion: node.eks.aws/v1alpha1',
      'kind: NodeConfig',
      'spec:',
      '  kubelet:',
      '    config:',
      '      maxPods: 58',
      '---',
      'apiVersion: node.eks.aws/v1alpha1',
      'kind: NodeConfig',
      'spec:',
      '  kubelet:',
      '    config:',
      '      maxPods: 20',
    ].join('\n');
    expect(readMaxPodsFromUserData(yaml)).toEqual({ maxPods: 20, source: 'nodeadm maxPods', format: 'nodeadm' });
  });

  it('reports a NodeConfig without kubelet settings as none', () => {
    expect(readMaxPodsFromUserData(al2023(''))).toEqual({ source: 'none', format: 'nodeadm' });
  });

  it.each([
    [
      'another kind',
      'apiVersion: node.eks.aws/v1alpha1\nkind: Other\nspec:\n  kubelet:\n    config:\n      maxPods: 5\n',
    ],
    [
      'another API group',
      'apiVersion: example.com/v1\nkind: NodeConfig\nspec:\n  kubelet:\n    config:\n      maxPods: 5\n',
    ],
    ['invalid YAML', 'apiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec: [unclosed\n  maxPods: 5\n'],
  ])('ignores %s', (_, yaml) => {
    expect(readMaxPodsFromUserData(yaml)).toMatchObject({ source: 'none' });
  });
});

describe('readMaxPodsFromUserData: Bottlerocket', () => {
  it('reads max-pods from the [settings.kubernetes] table', () => {
    const toml = [
      '[settings.kubernetes]',
      'api-server = "https://0123456789ABCDEF0123456789ABCDEF.gr7.eu-west-1.eks.amazonaws.com"',
      'cluster-name = "prod"',
      'max-pods = 58 # set by the platform team',
      '',
      '[settings.kubernetes.node-labels]',
      '"team" = "a"',
    ].join('\n');
    expect(readMaxPodsFromUserData(toml)).toEqual({
      maxPods: 58,
      source: 'bottlerocket settings.kubernetes.max-pods',
      format: 'bottlerocket',
    });
  });

  it.each([
    ['a dotted key', 'settings.kubernetes.max-pods = 110'],
    ['a quoted dotted key under [settings]', '[settings]\nkubernetes."max-pods" = 110'],
  ])('reads %s', (_, toml) => {
    expect(readMaxPodsFromUserData(toml)).toMatchObject({ maxPods: 110, format: 'bottlerocket' });
  });

  it.each([
    ['no max-pods', '[settings.kubernetes]\ncluster-name = "prod"'],
    ['max-pods in another table', '[settings.kubernetes.node-labels]\nmax-pods = 58'],
    ['a commented-out key', '[settings.kubernetes]\n# max-pods = 58'],
  ])('reports none for %s', (_, toml) => {
    expect(readMaxPodsFromUserData(toml)).toEqual({ source: 'none', format: 'bottlerocket' });
  });
});

describe('readMaxPodsFromUserData: anything else', () => {
  it.each([
    ['empty user data', ''],
    ['a script that does not bootstrap', '#!/bin/bash\nyum install -y htop\n'],
    ['cloud-config', '#cloud-config\npackages:\n  - htop\n'],
  ])('reports none for %s', (_, userData) => {
    expect(readMaxPodsFromUserData(userData)).toEqual({ source: 'none', format: 'unknown' });
  });
});
