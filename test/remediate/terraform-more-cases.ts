/**
 * More Terraform golden cases: one definition feeding several owners that the finding all covers (edited once), and
 * values written as text Terraform does not parse (JSON configuration_values, heredoc bootstrap flags). The golden
 * tests and the property test both run them.
 */
import { finding } from './helpers.ts';
import type { TerraformCase } from './terraform-cases.ts';
import { instanceTypes, maxPods, prefixDelegation, SG_ID, terraformFiles } from './terraform-helpers.ts';

const SUFFIX = '20240101000000000000000003';

/** plain-eks with an ops launch template whose user data is the api template's local (one heredoc, two templates). */
export function sharedUserData(): Record<string, string> {
  const files = terraformFiles('plain-eks');
  files['node-groups.tf'] = files['node-groups.tf']!.replace(
    '  instance_types  = ["t3.large"]\n',
    '  instance_types  = ["t3.large"]\n\n  launch_template {\n    id      = aws_launch_template.ops.id\n    version = aws_launch_template.ops.latest_version\n  }\n',
  ).concat(
    '\nresource "aws_launch_template" "ops" {\n  name_prefix = "ops-"\n  user_data   = base64encode(local.node_user_data)\n}\n',
  );
  return files;
}

/** plain-eks whose NodePort rule reads var.admin_cidrs too (the SSH rule's variable). */
export function sharedCidrs(): Record<string, string> {
  const files = terraformFiles('plain-eks');
  files['security-groups.tf'] = files['security-groups.tf']!.replace(
    '    to_port     = 32767\n    protocol    = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]',
    '    to_port     = 32767\n    protocol    = "tcp"\n    cidr_blocks = var.admin_cidrs',
  );
  return files;
}

/** One finding revoking world ingress on several port ranges of the prod-nodes group. */
export function revokeWorld(id: string, ports: [number, number][]) {
  return finding(id, {
    action: 'revoke-rules',
    target: { type: 'security-group', id: SG_ID, securityGroup: { id: SG_ID, name: 'prod-nodes' } },
    revoke: ports.map(([fromPort, toPort]) => ({
      direction: 'ingress' as const,
      protocol: 'tcp',
      fromPort,
      toPort,
      peerKey: 'ipv4:0.0.0.0/0',
    })),
    reason: 'test',
  });
}

export const SHARED_CASES: TerraformCase[] = [
  {
    // local.node_user_data feeds the api and ops launch templates; the finding sets both groups to 29.
    name: 'tf-shared-user-data',
    files: sharedUserData(),
    findings: [prefixDelegation('pd', 'prod', { api: 29, 'ops-prod': 29 })],
  },
  {
    // var.admin_cidrs feeds the SSH and NodePort rules; the finding revokes the world from both.
    name: 'tf-shared-rules',
    files: sharedCidrs(),
    findings: [
      revokeWorld('world', [
        [22, 22],
        [30000, 32767],
      ]),
    ],
  },
  {
    // Up to v20: a value web and worker inherit from eks_managed_node_group_defaults, the finding covering both.
    name: 'tf-module-shared-defaults',
    files: sharedDefaults(),
    findings: [prefixDelegation('pd', 'shop', { [`web-${SUFFIX}`]: 29, [`worker-${SUFFIX}`]: 29 })],
  },
];

/** plain-eks with the vpc-cni configuration as a one-line JSON string. */
function jsonString(): Record<string, string> {
  const files = terraformFiles('plain-eks');
  files['cluster.tf'] = files['cluster.tf']!.replace(
    /configuration_values = jsonencode\(\{[\s\S]*?\}\)\n/,
    'configuration_values = "{\\"env\\": {\\"AWS_VPC_K8S_CNI_EXTERNALSNAT\\": \\"true\\"}}"\n',
  );
  return files;
}

/** module-callers with web and worker inheriting their bootstrap flags from eks_managed_node_group_defaults. */
export function sharedDefaults(): Record<string, string> {
  const files = terraformFiles('module-callers');
  files['main.tf'] = files['main.tf']!.replaceAll(
    '      bootstrap_extra_args = var.app_bootstrap_extra_args\n',
    '',
  ).replace(
    '  eks_managed_node_groups = {\n',
    '  eks_managed_node_group_defaults = {\n    bootstrap_extra_args = "--kubelet-extra-args \'--node-labels=tier=app\'"\n  }\n\n  eks_managed_node_groups = {\n',
  );
  return files;
}

export const TEXT_CASES: TerraformCase[] = [
  {
    // A one-line JSON string: the keys join the env object on its line, escaped for HCL.
    name: 'tf-addon-json-string',
    files: jsonString(),
    findings: [prefixDelegation('pd', 'prod', { api: 110 })],
  },
  {
    // module-callers: the heredoc JSON of cluster_addons gets the keys at its indentation; the variable both AL2
    // groups read is edited once, since the finding covers both.
    name: 'tf-module-shared-json',
    files: terraformFiles('module-callers'),
    findings: [prefixDelegation('pd', 'shop', { [`web-${SUFFIX}`]: 29, [`worker-${SUFFIX}`]: 29 })],
  },
  {
    // AL2 flags written as a heredoc: the one line of flags is edited like the string form, in the heredoc.
    name: 'tf-module-heredoc-flags',
    files: terraformFiles('module-callers'),
    findings: [maxPods('system', 'shop', `system-${SUFFIX}`, 17)],
  },
  {
    // data-on-eks ai-ml/ray: prefix delegation is already on (the add-on part is done); the infra group (AL2 from
    // cluster_version 1.25) gets bootstrap_extra_args, and its instance types change.
    name: 'tf-module-data-on-eks-ray',
    files: terraformFiles('data-on-eks/ray', 'ai-ml/ray/terraform/'),
    findings: [
      prefixDelegation('pd', 'ray-cluster', { [`infra-${SUFFIX}`]: 110 }),
      instanceTypes('types', 'ray-cluster', `infra-${SUFFIX}`, ['m6i.large']),
    ],
  },
];
