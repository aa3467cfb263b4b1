/** What remediate refuses in Terraform, one test per rule: the reason, the candidates, and nothing written. */
import { type Locator, openRepo, remediate } from '@podnet-guard/remediate';
import { describe, expect, it } from 'vitest';
import { fixture, makeRepo, run } from './helpers.ts';
import { instanceTypes, maxPods, prefixDelegation, remoteAccess, revoke, terraformFiles } from './terraform-helpers.ts';

const WORLD = 'ipv4:0.0.0.0/0';
const NODES = { name: 'prod-nodes' };
const SUFFIX = '20240101000000000000000003';

/** The plain-eks project with one file's text changed. */
function plain(file: string, change: (text: string) => string): Record<string, string> {
  const files = terraformFiles('plain-eks');
  files[file] = change(files[file]!);
  return files;
}

async function refusal(files: Record<string, string>, finding: Record<string, unknown>) {
  const report = await run(makeRepo(files), [finding]);
  expect(report.changes).toEqual([]);
  expect(report.files.size).toBe(0);
  expect(report.refused).toHaveLength(1);
  return report.refused[0]!;
}

describe('remediate refuses in Terraform', () => {
  it('a variable that feeds an owner the finding does not cover (var.api_instance_types, read by ops too)', async () => {
    const files = plain('node-groups.tf', (text) =>
      text.replace('instance_types  = ["t3.large"]', 'instance_types  = var.api_instance_types'),
    );
    const refused = await refusal(files, instanceTypes('types', 'prod', `batch-${SUFFIX}`, ['m6i.large']));
    expect(refused.reason).toBe(
      'instance_types comes from var.api_instance_types, which 2 places read; aws_eks_node_group.ops reads it too and the finding does not cover it: refusing to change it',
    );
    // The definition, and where the uncovered owner reads it.
    expect(refused.candidates).toEqual([
      { path: 'variables.tf', line: 15 },
      { path: 'node-groups.tf', line: 94 },
    ]);
  });

  it('a variable set in two .tfvars files (one per environment): which one is deployed is unknown', async () => {
    const files = {
      ...terraformFiles('plain-eks'),
      'dev.tfvars': 'admin_cidrs = ["0.0.0.0/0"]\n',
      'prod.tfvars': 'admin_cidrs = ["0.0.0.0/0", "10.0.0.0/8"]\n',
    };
    const refused = await refusal(
      files,
      revoke('ssh', NODES, { protocol: 'tcp', fromPort: 22, toPort: 22, peerKey: WORLD }),
    );
    expect(refused.reason).toMatch(/cidr_blocks: var\.admin_cidrs differs between dev\.tfvars, prod\.tfvars/);
  });

  it('a module default that other node groups inherit (eks_managed_node_group_defaults.instance_types)', async () => {
    const files = terraformFiles('eks-v19/eks_managed_node_group', 'eks_managed_node_group/');
    const refused = await refusal(
      files,
      instanceTypes('types', 'ex-eks-managed-node-group', `default_node_group-${SUFFIX}`, ['m6i.large']),
    );
    expect(refused.reason).toBe(
      'instance_types comes from eks_managed_node_group_defaults.instance_types, which 4 places read; module.eks eks_managed_node_groups.bottlerocket_default, module.eks eks_managed_node_groups.bottlerocket_add, module.eks eks_managed_node_groups.bottlerocket_custom read it too and the finding does not cover them: refusing to change it',
    );
    // The default, then the entries that inherit it.
    expect(refused.candidates[0]).toEqual({ path: 'eks_managed_node_group/main.tf', line: 86 });
    expect(refused.candidates.slice(1).map((candidate) => candidate.path)).toEqual(
      Array(3).fill('eks_managed_node_group/main.tf'),
    );
  });

  it('user data rendered by templatefile(): the template file is not what the node runs', async () => {
    const files = plain('node-groups.tf', (text) =>
      text.replace(
        'base64encode(local.node_user_data)',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a Terraform interpolation
        'base64encode(templatefile("${path.module}/user-data.sh.tpl", { cluster = var.cluster_name }))',
      ),
    );
    const refused = await refusal(files, maxPods('mp', 'prod', 'api', 29));
    expect(refused.reason).toMatch(/user_data is rendered by templatefile\(…\) before use/);
  });

  it('user data with template directives (%{ if }): rendered before use', async () => {
    const files = plain('node-groups.tf', (text) =>
      text.replace('    set -o xtrace\n', '    %{ if var.debug }set -o xtrace%{ endif }\n'),
    );
    const refused = await refusal(files, maxPods('mp', 'prod', 'api', 29));
    expect(refused.reason).toMatch(/template directives/);
  });

  it('a resource with count: its instances share one block', async () => {
    const files = plain('security-groups.tf', (text) =>
      text.replace(
        'resource "aws_security_group_rule" "metrics" {\n',
        'resource "aws_security_group_rule" "metrics" {\n  count             = var.environment == "prod" ? 1 : 0\n',
      ),
    );
    const refused = await refusal(
      files,
      revoke('metrics', NODES, { protocol: 'tcp', fromPort: 9100, toPort: 9100, peerKey: WORLD }),
    );
    expect(refused.reason).toMatch(/resource "aws_security_group_rule" "metrics" uses count/);
  });

  it('a standalone rule that other code reads (an output)', async () => {
    const files = {
      ...terraformFiles('plain-eks'),
      'outputs.tf': 'output "https_rule" {\n  value = aws_vpc_security_group_ingress_rule.https.id\n}\n',
    };
    const refused = await refusal(
      files,
      revoke('https', NODES, { protocol: 'tcp', fromPort: 443, toPort: 443, peerKey: WORLD }),
    );
    expect(refused.reason).toMatch(/is read elsewhere \(outputs\.tf:2\)/);
  });

  it('rules built in a dynamic block: whether the rule is there is only known at plan time', async () => {
    const files = plain('security-groups.tf', (text) =>
      text.replace(
        '  # SSH for the admins (temporary)\n',
        '  dynamic "ingress" {\n    for_each = var.extra_rules\n    content {\n      from_port = ingress.value.port\n      to_port   = ingress.value.port\n      protocol  = "tcp"\n    }\n  }\n\n  # SSH for the admins (temporary)\n',
      ),
    );
    const refused = await refusal(
      files,
      revoke('udp', NODES, { protocol: 'udp', fromPort: 53, toPort: 53, peerKey: WORLD }),
    );
    expect(refused.reason).toMatch(/builds its ingress rules in a dynamic block/);
  });

  it('a rule whose peer is a reference (an SG made by Terraform): its id is known only at apply time', async () => {
    const files = terraformFiles('eks-v19/complete', 'complete/');
    const finding = revoke(
      'ssh',
      { nameTag: 'ex-complete-node' },
      { protocol: 'tcp', fromPort: 22, toPort: 22, peerKey: 'sg:sg-0aaaaaaaaaaaaaaa1' },
    );
    const refused = await refusal(files, finding);
    expect(refused.reason).toMatch(
      /source_security_group_id: aws_security_group\.additional\.id is only known at apply time/,
    );
  });

  it("a rule of the module's own (recommended rules): the caller does not write it", async () => {
    const files = terraformFiles('eks-v19/complete', 'complete/');
    const finding = revoke(
      'kubelet',
      { nameTag: 'ex-complete-node' },
      { protocol: 'tcp', fromPort: 10250, toPort: 10250, peerKey: 'sg:sg-0aaaaaaaaaaaaaaa1' },
    );
    const refused = await refusal(files, finding);
    expect(refused.reason).toMatch(
      /not among node_security_group_additional_rules of this module call: the module writes such rules itself/,
    );
  });

  it('maxPods of a node group without a launch template (the EKS default applies)', async () => {
    const refused = await refusal(terraformFiles('plain-eks'), maxPods('mp', 'prod', 'ops-prod', 20));
    expect(refused.reason).toMatch(/has no launch template: its maxPods is the EKS default/);
    expect(refused.candidates).toEqual([{ path: 'node-groups.tf', line: 89 }]);
  });

  it('configuration_values as JSON text that Terraform interpolates, or that is not a JSON object', async () => {
    const withValues = (hcl: string) =>
      plain('cluster.tf', (text) =>
        text.replace(/configuration_values = jsonencode\(\{[\s\S]*?\}\)\n/, `configuration_values = ${hcl}\n`),
      );
    const cases: [string, RegExp][] = [
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Terraform interpolation
      ['"{\\"env\\":${var.cni_env}}"', /configuration_values is a string with Terraform interpolations/],
      [
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a Terraform interpolation
        '<<-JSON\n    {"env": {"A": "${var.a}"}}\n  JSON',
        /configuration_values is a heredoc with Terraform interpolations/,
      ],
      ['"{env: 1}"', /configuration_values is not a JSON object/],
      ['"[]"', /configuration_values is not a JSON object/],
      ['"{\\"env\\": []}"', /configuration_values env is not a JSON object/],
    ];
    for (const [hcl, reason] of cases) {
      const refused = await refusal(withValues(hcl), prefixDelegation('pd', 'prod', { api: 110 }));
      expect(refused.reason).toMatch(reason);
      expect(refused.candidates).toEqual([{ path: 'cluster.tf', line: 11 }]);
    }
  });

  it('two node groups that resolve to the same name in two environments: refusing to guess', async () => {
    const files = { ...terraformFiles('plain-eks', 'envs/a/'), ...terraformFiles('plain-eks', 'envs/b/') };
    const refused = await refusal(files, remoteAccess('ssh', 'prod', 'ops-prod'));
    expect(refused.reason).toMatch(/2 blocks could own the remote access of node group prod\/ops-prod/);
    expect(refused.candidates).toEqual([
      { path: 'envs/a/node-groups.tf', line: 89 },
      { path: 'envs/b/node-groups.tf', line: 89 },
    ]);
  });

  it('a name that does not resolve (a variable with no default or .tfvars value) matches nothing', async () => {
    const files = plain('variables.tf', (text) => text.replace('  default = "dev"\n', ''));
    const files2 = { ...files, 'terraform.tfvars': '# nothing set\n' };
    const refused = await refusal(files2, remoteAccess('ssh', 'prod', 'ops-prod'));
    expect(refused.reason).toBe('nothing in the repository owns the remote access of node group prod/ops-prod');
  });

  it('an AMI family the module call does not tell (no ami_type, no cluster_version, up to v20)', async () => {
    const text = fixture('terraform/eks-v20/eks-al2023.tf')
      .replace('      ami_type       = "AL2023_x86_64_STANDARD"\n', '')
      .replace('  cluster_version = "1.33"\n', '');
    const refused = await refusal(
      { 'eks.tf': text, 'main.tf': fixture('terraform/eks-v20/main.tf') },
      maxPods('mp', 'ex-eks-mng-al2023', `example-${SUFFIX}`, 29),
    );
    expect(refused.reason).toMatch(/ami_type and cluster_version are not set/);
  });

  it('an edit that leaves a .tf file unparseable', async () => {
    const root = makeRepo(terraformFiles('plain-eks'));
    const breaking: Locator = {
      format: 'breaking',
      locate: (file) =>
        file.path === 'cluster.tf'
          ? [{ path: file.path, line: 1, edits: [{ offset: 0, length: 0, content: '{' }] }]
          : [],
    };
    const report = await remediate({ findings: [maxPods('mp', 'prod', 'api', 29)] }, await openRepo(root), {
      locators: [breaking],
    });
    expect(report.refused[0]?.reason).toMatch(/^cluster\.tf does not parse after the edit: a syntax error near line 1/);
    expect(report.files.size).toBe(0);
  });

  it('a node group that pins its launch template version: a new version would not reach its nodes', async () => {
    const files = plain('node-groups.tf', (text) =>
      text.replace('version = aws_launch_template.api.latest_version', 'version = "3"'),
    );
    const refused = await refusal(files, maxPods('mp', 'prod', 'api', 29));
    expect(refused.reason).toMatch(/pins launch template version 3: a new version would not reach its nodes/);
  });
});
