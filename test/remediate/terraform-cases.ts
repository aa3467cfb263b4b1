/**
 * The Terraform golden cases, per edit kind: plain resources (test/fixtures/remediate/terraform/plain-eks) and callers
 * of terraform-aws-modules/eks/aws (its own examples, v19-v21; see the fixture folder's README). The golden tests and
 * the property test both run them.
 */
import { fixture } from './helpers.ts';
import { instanceTypes, maxPods, prefixDelegation, remoteAccess, revoke, terraformFiles } from './terraform-helpers.ts';

export interface TerraformCase {
  name: string;
  files: Record<string, string>;
  findings: Record<string, unknown>[];
}

const NODES = { name: 'prod-nodes' };
const WORLD = 'ipv4:0.0.0.0/0';
const BATCH = 'batch-20240101000000000000000002';

export const TERRAFORM_CASES: TerraformCase[] = [
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
    name: 'tf-revoke-from-tfvars',
    // The same variable, set in terraform.tfvars: the value is edited there, the default stays.
    files: {
      ...terraformFiles('plain-eks'),
      'terraform.tfvars':
        '# Production settings\nenvironment = "prod"\nadmin_cidrs = [\n  "10.20.0.0/16", # office VPN\n  "0.0.0.0/0",    # temporary, incident 4711\n]\n',
    },
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

const SUFFIX = '20240101000000000000000003';
const V19 = 'ex-eks-managed-node-group';
const AL2023 = 'ex-eks-mng-al2023';

export const MODULE_CASES: TerraformCase[] = [
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
  {
    // v21 security group inputs, written into the module's example: an additional node SG rule whose world peer
    // leaves its list, and a node group's own security_group_ingress_rules entry (aws_vpc_security_group_* fields).
    name: 'tf-module-v21-rules',
    files: {
      'main.tf': fixture('terraform/eks-v21/main.tf'),
      'eks-al2023.tf': fixture('terraform/eks-v21/eks-al2023.tf')
        .replace(
          '  tags = local.tags\n}',
          [
            '  node_security_group_additional_rules = {',
            '    ingress_ssh = {',
            '      description = "SSH from the office and, for now, anywhere"',
            '      protocol    = "tcp"',
            '      from_port   = 22',
            '      to_port     = 22',
            '      type        = "ingress"',
            '      cidr_blocks = ["10.0.0.0/8", "0.0.0.0/0"]',
            '    }',
            '  }',
            '',
            '  tags = local.tags',
            '}',
          ].join('\n'),
        )
        .replace(
          '      min_size = 2\n',
          [
            '      security_group_ingress_rules = {',
            '        nodeport = {',
            '          description = "NodePort services"',
            '          from_port   = 30000',
            '          to_port     = 32767',
            '          cidr_ipv4   = "0.0.0.0/0"',
            '        }',
            '      }',
            '',
            '      min_size = 2',
            '',
          ].join('\n'),
        ),
    },
    findings: [
      revoke(
        'ssh',
        { nameTag: `${AL2023}-node` },
        { protocol: 'tcp', fromPort: 22, toPort: 22, peerKey: 'ipv4:0.0.0.0/0' },
      ),
      revoke(
        'nodeport',
        { name: `${AL2023}-example-${SUFFIX}` },
        { protocol: 'tcp', fromPort: 30000, toPort: 32767, peerKey: 'ipv4:0.0.0.0/0' },
      ),
    ],
  },
  {
    // eks-blueprints: a Bottlerocket group's TOML bootstrap_extra_args gets [settings.kubernetes] max-pods.
    name: 'tf-module-blueprints-bottlerocket',
    files: terraformFiles('eks-blueprints/bottlerocket', 'patterns/bottlerocket/'),
    findings: [
      maxPods('toml', 'bottlerocket', `bottlerocket-${SUFFIX}`, 58),
      prefixDelegation('pd', 'bottlerocket', { [`bottlerocket-${SUFFIX}`]: 58 }),
    ],
  },
  {
    // Up to v20: a value only one node group inherits from eks_managed_node_group_defaults is edited in the defaults.
    name: 'tf-module-v20-defaults',
    files: {
      'main.tf': fixture('terraform/eks-v20/main.tf'),
      'eks-al2023.tf': fixture('terraform/eks-v20/eks-al2023.tf')
        .replace('      instance_types = ["m6i.large"]\n', '')
        .replace(
          '  eks_managed_node_groups = {',
          '  eks_managed_node_group_defaults = {\n    instance_types = ["m6i.large"]\n  }\n\n  eks_managed_node_groups = {',
        ),
    },
    findings: [instanceTypes('types', AL2023, `example-${SUFFIX}`, ['m7i.large'])],
  },
];
