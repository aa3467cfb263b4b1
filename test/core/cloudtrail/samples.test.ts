import {
  type CloudTrailEvent,
  type EventDetail,
  parseCloudTrailEvent,
  UnsupportedEventError,
} from '@podnet-guard/core';
import { describe, expect, it } from 'vitest';
import { listEventSamples, loadEvent } from '../../helpers/events.ts';

const NODE_SG = 'sg-0d0de000000000001';
const CLUSTER_SG = 'sg-0c1a5000000000001';
const RDS_SG = 'sg-0db00000000000001';
const OTHER_SG = 'sg-0e0e0000000000001';
const POD_SG = 'sg-0b0d000000000001';
const SUB_A = 'subnet-0a00000000000000a';
const SUB_B = 'subnet-0b00000000000000b';
const SUB_C = 'subnet-0c00000000000000c';
const LT = 'lt-0a1b2c3d4e5f60001';
const WORLD = { kind: 'ipv4', cidr: '0.0.0.0/0' } as const;
const TRUNK_TAGS = { 'eks:eni:owner': 'eks-vpc-resource-controller', 'vpcresources.k8s.aws/cluster-name': 'prod' };
const CNI_TAGS = {
  'node.k8s.amazonaws.com/instance_id': 'i-0a1b2c3d4e5f00001',
  'cluster.k8s.amazonaws.com/name': 'prod',
  'node.k8s.amazonaws.com/createdAt': '2026-11-26T10:20:11Z',
};
const NODEGROUP_TAGS = {
  'eks:cluster-name': 'prod',
  'eks:nodegroup-name': 'ng-sgp',
  'kubernetes.io/cluster/prod': 'owned',
  'aws:autoscaling:groupName': 'eks-ng-sgp-0ac9a1b2-3c4d-5e6f-7081-92a3b4c5d6e7',
};
const NO_IPS = (subnet: string, what: string) =>
  `There are not enough free addresses in subnet '${subnet}' to satisfy the requested number of ${what}.`;

type Expected = { detail: EventDetail } & Partial<Omit<CloudTrailEvent, 'detail'>>;

/** Every sample with the event it must parse to. A new sample needs a row here (checked below). */
const EXPECTED: Record<string, Record<string, Expected | 'unsupported'>> = {
  AuthorizeSecurityGroupIngress: {
    'world-open-ssh': {
      createdRuleIds: ['sgr-0a0000000000000a1'],
      detail: {
        kind: 'sg-rules-authorized',
        direction: 'ingress',
        groupId: NODE_SG,
        rules: [
          {
            protocol: 'tcp',
            fromPort: 22,
            toPort: 22,
            peer: WORLD,
            description: 'temp ssh for debugging',
            ruleId: 'sgr-0a0000000000000a1',
          },
        ],
      },
    },
    'pod-sg-world-open-ssh': {
      createdRuleIds: ['sgr-0a000000000000201'],
      detail: {
        kind: 'sg-rules-authorized',
        direction: 'ingress',
        groupId: POD_SG,
        rules: [
          {
            protocol: 'tcp',
            fromPort: 22,
            toPort: 22,
            peer: WORLD,
            description: 'debug payments pod',
            ruleId: 'sgr-0a000000000000201',
          },
        ],
      },
    },
    'several-permissions': {
      createdRuleIds: [
        'sgr-0a0000000000000b1',
        'sgr-0a0000000000000b2',
        'sgr-0a0000000000000b3',
        'sgr-0a0000000000000b4',
      ],
      detail: {
        kind: 'sg-rules-authorized',
        direction: 'ingress',
        groupId: NODE_SG,
        rules: [
          {
            protocol: 'tcp',
            fromPort: 443,
            toPort: 443,
            peer: { kind: 'ipv4', cidr: '10.0.0.0/16' },
            ruleId: 'sgr-0a0000000000000b1',
          },
          {
            protocol: 'tcp',
            fromPort: 443,
            toPort: 443,
            peer: { kind: 'ipv4', cidr: '192.168.0.0/16' },
            description: 'office',
            ruleId: 'sgr-0a0000000000000b2',
          },
          {
            protocol: 'udp',
            fromPort: 53,
            toPort: 53,
            peer: { kind: 'ipv4', cidr: '10.0.0.0/8' },
            ruleId: 'sgr-0a0000000000000b3',
          },
          {
            protocol: 'udp',
            fromPort: 53,
            toPort: 53,
            peer: { kind: 'security-group', groupId: CLUSTER_SG, userId: '111122223333' },
            ruleId: 'sgr-0a0000000000000b4',
          },
        ],
      },
    },
    'legacy-flat': {
      createdRuleIds: ['sgr-0a0000000000000c1'],
      detail: {
        kind: 'sg-rules-authorized',
        direction: 'ingress',
        groupId: NODE_SG,
        rules: [{ protocol: 'tcp', fromPort: 10250, toPort: 10250, peer: WORLD, ruleId: 'sgr-0a0000000000000c1' }],
      },
    },
    'legacy-source-group': {
      detail: {
        kind: 'sg-rules-authorized',
        direction: 'ingress',
        groupName: 'default',
        rules: [{ protocol: '-1', peer: { kind: 'security-group', groupName: 'prod-nodes', userId: '111122223333' } }],
      },
    },
    'by-group-name': {
      createdRuleIds: ['sgr-0a0000000000000d1'],
      detail: {
        kind: 'sg-rules-authorized',
        direction: 'ingress',
        // The request named the group; the id comes from the response.
        groupId: NODE_SG,
        groupName: 'prod-nodes',
        rules: [
          {
            protocol: 'tcp',
            fromPort: 8080,
            toPort: 8080,
            peer: { kind: 'ipv4', cidr: '10.20.0.0/16' },
            ruleId: 'sgr-0a0000000000000d1',
          },
        ],
      },
    },
    'source-group': {
      createdRuleIds: ['sgr-0a0000000000000e1'],
      detail: {
        kind: 'sg-rules-authorized',
        direction: 'ingress',
        groupId: RDS_SG,
        rules: [
          {
            protocol: 'tcp',
            fromPort: 5432,
            toPort: 5432,
            peer: { kind: 'security-group', groupId: NODE_SG },
            description: 'postgres from nodes',
            ruleId: 'sgr-0a0000000000000e1',
          },
        ],
      },
    },
    ipv6: {
      createdRuleIds: ['sgr-0a0000000000000f1'],
      detail: {
        kind: 'sg-rules-authorized',
        direction: 'ingress',
        groupId: NODE_SG,
        rules: [
          {
            protocol: 'tcp',
            fromPort: 443,
            toPort: 443,
            peer: { kind: 'ipv6', cidr: '::/0' },
            ruleId: 'sgr-0a0000000000000f1',
          },
        ],
      },
    },
    'prefix-list': {
      createdRuleIds: ['sgr-0a000000000000101'],
      detail: {
        kind: 'sg-rules-authorized',
        direction: 'ingress',
        groupId: NODE_SG,
        rules: [
          {
            protocol: 'tcp',
            fromPort: 443,
            toPort: 443,
            peer: { kind: 'prefix-list', prefixListId: 'pl-0f1e2d3c4b5a69788' },
            description: 'corporate ranges',
            ruleId: 'sgr-0a000000000000101',
          },
        ],
      },
    },
    'numeric-protocol': {
      createdRuleIds: ['sgr-0a000000000000111'],
      detail: {
        kind: 'sg-rules-authorized',
        direction: 'ingress',
        groupId: NODE_SG,
        // "6" stays a string; the response's "tcp" still matches it.
        rules: [{ protocol: '6', fromPort: 10250, toPort: 10250, peer: WORLD, ruleId: 'sgr-0a000000000000111' }],
      },
    },
    'failed-duplicate': {
      errorCode: 'InvalidPermission.Duplicate',
      rawErrorCode: 'Client.InvalidPermission.Duplicate',
      errorMessage: 'the specified rule "peer: 0.0.0.0/0, TCP, from port: 22, to port: 22, ALLOW" already exists',
      detail: {
        kind: 'sg-rules-authorized',
        direction: 'ingress',
        groupId: NODE_SG,
        rules: [{ protocol: 'tcp', fromPort: 22, toPort: 22, peer: WORLD }],
      },
    },
    'failed-unauthorized': {
      errorCode: 'UnauthorizedOperation',
      rawErrorCode: 'Client.UnauthorizedOperation',
      detail: {
        kind: 'sg-rules-authorized',
        direction: 'ingress',
        groupId: NODE_SG,
        rules: [{ protocol: '-1', peer: WORLD }],
      },
    },
    'older-return-only': {
      detail: {
        kind: 'sg-rules-authorized',
        direction: 'ingress',
        groupId: NODE_SG,
        rules: [{ protocol: '-1', peer: WORLD }],
      },
    },
    'kubernetes-nlb': {
      createdRuleIds: ['sgr-0a000000000000121'],
      detail: {
        kind: 'sg-rules-authorized',
        direction: 'ingress',
        groupId: NODE_SG,
        rules: [
          {
            protocol: 'tcp',
            fromPort: 31234,
            toPort: 31234,
            peer: { kind: 'ipv4', cidr: '10.0.0.0/16' },
            description: 'kubernetes.io/rule/nlb/health=a8f2c5e1d3b74f0e9a1c2b3d4e5f6071',
            ruleId: 'sgr-0a000000000000121',
          },
        ],
      },
    },
  },
  AuthorizeSecurityGroupEgress: {
    'to-rds': {
      createdRuleIds: ['sgr-0a000000000000131'],
      detail: {
        kind: 'sg-rules-authorized',
        direction: 'egress',
        groupId: NODE_SG,
        rules: [
          {
            protocol: 'tcp',
            fromPort: 5432,
            toPort: 5432,
            peer: { kind: 'security-group', groupId: RDS_SG },
            ruleId: 'sgr-0a000000000000131',
          },
        ],
      },
    },
  },
  RevokeSecurityGroupIngress: {
    'by-rule-ids': {
      detail: {
        kind: 'sg-rules-revoked',
        direction: 'ingress',
        groupId: NODE_SG,
        rules: [],
        ruleIds: ['sgr-0a0000000000000a1'],
        unmatched: [],
      },
    },
    'by-shape': {
      detail: {
        kind: 'sg-rules-revoked',
        direction: 'ingress',
        groupId: NODE_SG,
        rules: [{ protocol: 'tcp', fromPort: 22, toPort: 22, peer: WORLD }],
        ruleIds: [],
        unmatched: [],
      },
    },
    'unknown-permission': {
      detail: {
        kind: 'sg-rules-revoked',
        direction: 'ingress',
        groupId: NODE_SG,
        // It revoked nothing: the permission is unmatched, not a revoked rule.
        rules: [],
        ruleIds: [],
        unmatched: [{ protocol: 'tcp', fromPort: 22, toPort: 22, peer: { kind: 'ipv4', cidr: '198.51.100.0/24' } }],
      },
    },
  },
  RevokeSecurityGroupEgress: {
    'by-shape': {
      detail: {
        kind: 'sg-rules-revoked',
        direction: 'egress',
        groupId: NODE_SG,
        rules: [{ protocol: '-1', peer: WORLD }],
        ruleIds: [],
        unmatched: [],
      },
    },
  },
  ModifySecurityGroupRules: {
    single: {
      detail: {
        kind: 'sg-rules-modified',
        groupId: NODE_SG,
        changes: [
          {
            ruleId: 'sgr-0a0000000000000b1',
            rule: { protocol: 'tcp', fromPort: 443, toPort: 443, peer: WORLD, description: 'opened for the demo' },
          },
        ],
      },
    },
    list: {
      detail: {
        kind: 'sg-rules-modified',
        groupId: RDS_SG,
        changes: [
          {
            ruleId: 'sgr-0a0000000000000e1',
            rule: {
              protocol: 'tcp',
              fromPort: 5432,
              toPort: 5432,
              peer: { kind: 'security-group', groupId: CLUSTER_SG },
              description: 'postgres from cluster SG',
            },
          },
          {
            ruleId: 'sgr-0a000000000000141',
            rule: { protocol: '-1', peer: { kind: 'prefix-list', prefixListId: 'pl-0f1e2d3c4b5a69788' } },
          },
        ],
      },
    },
  },
  DeleteSecurityGroup: {
    'by-id': { detail: { kind: 'sg-deleted', groupId: OTHER_SG } },
    'by-name': { detail: { kind: 'sg-deleted', groupId: 'sg-0f0f0000000000001', groupName: 'launch-wizard-1' } },
  },
  ModifyNetworkInterfaceAttribute: {
    'group-set': {
      detail: {
        kind: 'eni-groups-changed',
        networkInterfaceId: 'eni-0a1b2c3d4e5f60001',
        groupIds: [NODE_SG, OTHER_SG],
      },
    },
    'source-dest-check': 'unsupported',
  },
  ModifyInstanceAttribute: {
    'group-set': {
      detail: { kind: 'instance-groups-changed', instanceId: 'i-0a1b2c3d4e5f00002', groupIds: [NODE_SG, RDS_SG] },
    },
    'instance-type': 'unsupported',
  },
  CreateNetworkInterface: {
    'trunk-failed-eni-quota': {
      errorCode: 'NetworkInterfaceLimitExceeded',
      rawErrorCode: 'Client.NetworkInterfaceLimitExceeded',
      detail: {
        kind: 'network-interface-created',
        subnetId: SUB_A,
        interfaceType: 'trunk',
        description: 'aws-k8s-trunk-eni',
        groupIds: [NODE_SG],
        tags: { 'eks:eni:owner': 'eks-vpc-resource-controller', 'kubernetes.io/cluster/prod': 'owned' },
      },
    },
    'branch-ok': {
      detail: {
        kind: 'network-interface-created',
        subnetId: SUB_A,
        interfaceType: 'branch',
        description: 'aws-k8s-branch-eni',
        groupIds: ['sg-0b0d000000000001'],
        networkInterfaceId: 'eni-0a1b2c3d4e5f00304',
        tags: { ...TRUNK_TAGS, 'vpcresources.k8s.aws/trunk-eni-id': 'eni-0a1b2c3d4e5f00302' },
      },
    },
    'trunk-ok': {
      actor: {
        type: 'AssumedRole',
        arn: 'arn:aws:sts::111122223333:assumed-role/prod-eks-cluster-role/amazon-vpc-resource-controller-k8s',
        issuerArn: 'arn:aws:iam::111122223333:role/prod-eks-cluster-role',
        principalId: 'AROAYEXAMPLECLUSTER1:amazon-vpc-resource-controller-k8s',
        sessionName: 'amazon-vpc-resource-controller-k8s',
        accountId: '111122223333',
        invokedBy: 'eks.amazonaws.com',
      },
      sourceIp: 'eks.amazonaws.com',
      sourceIsService: true,
      detail: {
        kind: 'network-interface-created',
        subnetId: SUB_A,
        interfaceType: 'trunk',
        description: 'trunk-eni',
        groupIds: [NODE_SG],
        tags: TRUNK_TAGS,
        networkInterfaceId: 'eni-0a1b2c3d4e5f60011',
      },
    },
    'trunk-failed-no-ips': {
      errorCode: 'InsufficientFreeAddressesInSubnet',
      rawErrorCode: 'Server.InsufficientFreeAddressesInSubnet',
      errorMessage: NO_IPS(SUB_A, 'network interfaces'),
      detail: {
        kind: 'network-interface-created',
        subnetId: SUB_A,
        interfaceType: 'trunk',
        description: 'trunk-eni',
        groupIds: [NODE_SG],
        tags: TRUNK_TAGS,
      },
    },
    'failed-unauthorized': {
      errorCode: 'UnauthorizedOperation',
      detail: {
        kind: 'network-interface-created',
        subnetId: SUB_B,
        interfaceType: 'trunk',
        description: 'trunk-eni',
        groupIds: [NODE_SG],
        tags: TRUNK_TAGS,
      },
    },
    'cni-routine': {
      actor: {
        type: 'AssumedRole',
        arn: 'arn:aws:sts::111122223333:assumed-role/prod-eks-node-role/i-0a1b2c3d4e5f00001',
        issuerArn: 'arn:aws:iam::111122223333:role/prod-eks-node-role',
        principalId: 'AROAYEXAMPLENODE0001:i-0a1b2c3d4e5f00001',
        sessionName: 'i-0a1b2c3d4e5f00001',
        accountId: '111122223333',
      },
      sourceIp: '10.0.1.23',
      sourceIsService: false,
      detail: {
        kind: 'network-interface-created',
        subnetId: SUB_A,
        interfaceType: 'interface',
        description: 'aws-K8S-i-0a1b2c3d4e5f00001',
        groupIds: [NODE_SG, CLUSTER_SG],
        tags: CNI_TAGS,
        networkInterfaceId: 'eni-0a1b2c3d4e5f60021',
        privateIpCount: 9,
      },
    },
    'cni-prefix-delegation': {
      detail: {
        kind: 'network-interface-created',
        subnetId: SUB_C,
        interfaceType: 'interface',
        description: 'aws-K8S-i-0a1b2c3d4e5f00001',
        groupIds: [OTHER_SG],
        tags: CNI_TAGS,
        networkInterfaceId: 'eni-0a1b2c3d4e5f60022',
        prefixCount: 1,
      },
    },
    'branch-failed': {
      errorCode: 'InsufficientFreeAddressesInSubnet',
      detail: {
        kind: 'network-interface-created',
        subnetId: SUB_C,
        interfaceType: 'branch',
        description: 'aws-k8s-branch-eni',
        groupIds: [RDS_SG],
        tags: { ...TRUNK_TAGS, 'vpcresources.k8s.aws/trunk-eni-id': 'eni-0a1b2c3d4e5f60011' },
      },
    },
  },
  AttachNetworkInterface: {
    trunk: {
      detail: {
        kind: 'network-interface-attached',
        networkInterfaceId: 'eni-0a1b2c3d4e5f60011',
        instanceId: 'i-0a1b2c3d4e5f00003',
        deviceIndex: 2,
        networkCardIndex: 0,
      },
    },
    'failed-limit': {
      errorCode: 'AttachmentLimitExceeded',
      detail: {
        kind: 'network-interface-attached',
        networkInterfaceId: 'eni-0a1b2c3d4e5f60012',
        instanceId: 'i-0a1b2c3d4e5f00004',
        deviceIndex: 3,
        networkCardIndex: 0,
      },
    },
  },
  AssignPrivateIpAddresses: {
    'cni-warm-pool': {
      detail: { kind: 'private-ips-assigned', networkInterfaceId: 'eni-0a1b2c3d4e5f60021', count: 5, addresses: [] },
    },
    prefix: {
      detail: {
        kind: 'private-ips-assigned',
        networkInterfaceId: 'eni-0a1b2c3d4e5f60022',
        prefixCount: 1,
        addresses: [],
      },
    },
    'explicit-addresses': {
      detail: {
        kind: 'private-ips-assigned',
        networkInterfaceId: 'eni-0a1b2c3d4e5f60001',
        addresses: ['10.0.1.200', '10.0.1.201'],
      },
    },
    'failed-no-ips': {
      errorCode: 'InsufficientFreeAddressesInSubnet',
      errorMessage: NO_IPS(SUB_A, 'private IP addresses'),
      detail: { kind: 'private-ips-assigned', networkInterfaceId: 'eni-0a1b2c3d4e5f60021', count: 5, addresses: [] },
    },
    'ip-prefix-insufficient-cidr-blocks': {
      errorCode: 'InsufficientCidrBlocks',
      rawErrorCode: 'Client.InsufficientCidrBlocks',
      detail: {
        kind: 'private-ips-assigned',
        networkInterfaceId: 'eni-0a1b2c3d4e5f00102',
        prefixCount: 1,
        addresses: [],
      },
    },
    'ip-limit-exceeded': {
      errorCode: 'PrivateIpAddressLimitExceeded',
      rawErrorCode: 'Client.PrivateIpAddressLimitExceeded',
      detail: { kind: 'private-ips-assigned', networkInterfaceId: 'eni-0a1b2c3d4e5f00102', count: 3, addresses: [] },
    },
  },
  RunInstances: {
    'sgp-t3-node-launch': {
      detail: {
        kind: 'instances-launched',
        operation: 'run-instances',
        instanceTypes: ['t3.large'],
        subnetIds: [SUB_B],
        instanceIds: ['i-0a1b2c3d4e5f00009'],
        launchTemplate: { id: 'lt-0a1b2c3d4e5f60009', version: '1' },
        tags: {
          ...NODEGROUP_TAGS,
          'eks:nodegroup-name': 'ng-burst',
          'aws:autoscaling:groupName': 'eks-ng-burst-1bd0a2c3-4d5e-6f70-8192-a3b4c5d6e7f8',
        },
        fleetErrors: [],
      },
    },
    'nodegroup-launch': {
      actor: {
        type: 'AssumedRole',
        arn: 'arn:aws:sts::111122223333:assumed-role/AWSServiceRoleForAutoScaling/AutoScaling',
        issuerArn:
          'arn:aws:iam::111122223333:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling',
        principalId: 'AROAYEXAMPLEASG00001:AutoScaling',
        sessionName: 'AutoScaling',
        accountId: '111122223333',
        invokedBy: 'autoscaling.amazonaws.com',
      },
      sourceIsService: true,
      detail: {
        kind: 'instances-launched',
        operation: 'run-instances',
        instanceTypes: ['m5.large'],
        subnetIds: [SUB_B],
        instanceIds: ['i-0a1b2c3d4e5f00004'],
        launchTemplate: { id: LT, version: '3' },
        tags: NODEGROUP_TAGS,
        fleetErrors: [],
      },
    },
    'failed-capacity': {
      errorCode: 'InsufficientInstanceCapacity',
      rawErrorCode: 'Server.InsufficientInstanceCapacity',
      detail: {
        kind: 'instances-launched',
        operation: 'run-instances',
        instanceTypes: ['m5.large'],
        subnetIds: [SUB_A],
        instanceIds: [],
        launchTemplate: { id: LT, version: '3' },
        tags: NODEGROUP_TAGS,
        fleetErrors: [],
      },
    },
    'subnet-no-free-ipv4': {
      errorCode: 'InvalidParameterValue',
      rawErrorCode: 'Client.InvalidParameterValue',
      errorMessage: "There aren't sufficient free Ipv4 addresses or prefixes",
      detail: {
        kind: 'instances-launched',
        operation: 'run-instances',
        instanceTypes: ['m5.xlarge'],
        subnetIds: ['subnet-0f00000000000000f'],
        instanceIds: [],
        launchTemplate: { id: LT, version: '3' },
        tags: NODEGROUP_TAGS,
        fleetErrors: [],
      },
    },
    'ip-invalid-parameter-other': {
      errorCode: 'InvalidParameterValue',
      rawErrorCode: 'Client.InvalidParameterValue',
      detail: {
        kind: 'instances-launched',
        operation: 'run-instances',
        instanceTypes: ['m5.large'],
        subnetIds: [SUB_A],
        instanceIds: [],
        launchTemplate: { id: LT, version: '3' },
        tags: NODEGROUP_TAGS,
        fleetErrors: [],
      },
    },
    'network-interfaces': {
      detail: {
        kind: 'instances-launched',
        operation: 'run-instances',
        instanceTypes: ['t3.medium'],
        subnetIds: [SUB_A],
        instanceIds: ['i-0a1b2c3d4e5f00003'],
        tags: {},
        fleetErrors: [],
      },
    },
  },
  CreateFleet: {
    'karpenter-partial': {
      detail: {
        kind: 'instances-launched',
        operation: 'create-fleet',
        instanceTypes: ['c5.large', 'm5.large'],
        subnetIds: [SUB_A, SUB_B],
        instanceIds: ['i-0a1b2c3d4e5f00003'],
        launchTemplate: { name: 'karpenter.k8s.aws/12837459012384756', version: '$Latest' },
        tags: {
          'karpenter.sh/nodepool': 'default',
          'karpenter.k8s.aws/ec2nodeclass': 'default',
          'eks:eks-cluster-name': 'prod',
          'kubernetes.io/cluster/prod': 'owned',
        },
        fleetErrors: [
          {
            errorCode: 'InsufficientInstanceCapacity',
            errorMessage:
              'We currently do not have sufficient c5.large capacity in the Availability Zone you requested (eu-west-1a).',
            instanceType: 'c5.large',
            subnetId: SUB_A,
          },
        ],
      },
    },
    'all-failed': {
      detail: {
        kind: 'instances-launched',
        operation: 'create-fleet',
        instanceTypes: ['m5.large', 'm5.xlarge'],
        subnetIds: [SUB_C],
        instanceIds: [],
        launchTemplate: { id: LT, version: '3' },
        tags: { 'karpenter.sh/nodepool': 'sgp' },
        fleetErrors: [
          {
            errorCode: 'InsufficientFreeAddressesInSubnet',
            errorMessage: NO_IPS(SUB_C, 'instances'),
            instanceType: 'm5.large',
            subnetId: SUB_C,
          },
          {
            errorCode: 'InsufficientFreeAddressesInSubnet',
            errorMessage: NO_IPS(SUB_C, 'instances'),
            instanceType: 'm5.xlarge',
            subnetId: SUB_C,
          },
        ],
      },
    },
  },
  CreateLaunchTemplateVersion: {
    'sgp-t3-template': {
      detail: {
        kind: 'launch-template-version-created',
        launchTemplateId: 'lt-0a000000000000002',
        launchTemplateName: 'prod-sgp',
        versionNumber: 2,
        instanceType: 't3.large',
        userDataChanged: true,
        groupIds: [NODE_SG],
      },
    },
    'node-template': {
      detail: {
        kind: 'launch-template-version-created',
        launchTemplateId: LT,
        launchTemplateName: 'prod-ng-sgp',
        versionNumber: 4,
        instanceType: 'm5.large',
        userDataChanged: true,
        groupIds: [NODE_SG],
      },
    },
    'maxpods-sgp-template': {
      detail: {
        kind: 'launch-template-version-created',
        launchTemplateId: 'lt-0a000000000000002',
        launchTemplateName: 'prod-sgp',
        versionNumber: 2,
        instanceType: 'm5.xlarge',
        userDataChanged: true,
        groupIds: [NODE_SG],
      },
    },
    'security-groups-list': {
      detail: {
        kind: 'launch-template-version-created',
        launchTemplateId: 'lt-0a1b2c3d4e5f60002',
        launchTemplateName: 'prod-ng-general',
        versionNumber: 7,
        userDataChanged: false,
        groupIds: [NODE_SG, RDS_SG],
      },
    },
  },
  CreateNodegroup: {
    'sgp-t3-nodegroup': {
      detail: {
        kind: 'nodegroup-changed',
        operation: 'create',
        clusterName: 'prod',
        nodegroupName: 'ng-burst',
        instanceTypes: ['t3.large'],
        subnets: [SUB_A, SUB_B],
        scaling: { minSize: 2, maxSize: 6, desiredSize: 3 },
        amiType: 'AL2023_x86_64_STANDARD',
      },
    },
    general: {
      eventSource: 'eks.amazonaws.com',
      detail: {
        kind: 'nodegroup-changed',
        operation: 'create',
        clusterName: 'prod',
        nodegroupName: 'ng-general',
        instanceTypes: ['m5.large'],
        subnets: [SUB_A, SUB_B],
        scaling: { minSize: 2, maxSize: 6, desiredSize: 3 },
        amiType: 'AL2023_x86_64_STANDARD',
      },
    },
    'launch-template': {
      detail: {
        kind: 'nodegroup-changed',
        operation: 'create',
        clusterName: 'prod',
        nodegroupName: 'ng-sgp',
        // Not in the request: EKS's answer fills in the instance type and AMI type.
        instanceTypes: ['m5.large'],
        subnets: [SUB_A, SUB_B],
        launchTemplate: { id: LT, version: '3' },
        scaling: { minSize: 1, maxSize: 4, desiredSize: 2 },
        amiType: 'AL2023_x86_64_STANDARD',
      },
    },
    'remote-access': {
      detail: {
        kind: 'nodegroup-changed',
        operation: 'create',
        clusterName: 'prod',
        nodegroupName: 'ng-debug',
        instanceTypes: ['t3.medium'],
        subnets: [SUB_A],
        remoteAccess: { ec2SshKey: 'ops-key', sourceSecurityGroups: [] },
        scaling: { minSize: 1, maxSize: 1, desiredSize: 1 },
        amiType: 'AL2_x86_64',
      },
    },
    'failed-exists': {
      // EKS codes carry no prefix.
      errorCode: 'ResourceInUseException',
      rawErrorCode: 'ResourceInUseException',
      detail: {
        kind: 'nodegroup-changed',
        operation: 'create',
        clusterName: 'prod',
        nodegroupName: 'ng-general',
        instanceTypes: ['m5.large'],
        subnets: [SUB_A, SUB_B],
        scaling: { minSize: 2, maxSize: 6, desiredSize: 3 },
      },
    },
  },
  UpdateNodegroupConfig: {
    'scale-up': {
      detail: {
        kind: 'nodegroup-changed',
        operation: 'update-config',
        clusterName: 'prod',
        nodegroupName: 'ng-sgp',
        instanceTypes: [],
        subnets: [],
        scaling: { minSize: 1, maxSize: 10, desiredSize: 6 },
      },
    },
  },
  UpdateNodegroupVersion: {
    'launch-template': {
      detail: {
        kind: 'nodegroup-changed',
        operation: 'update-version',
        clusterName: 'prod',
        nodegroupName: 'ng-sgp',
        instanceTypes: [],
        subnets: [],
        launchTemplate: { id: LT, version: '4' },
      },
    },
  },
};

const samples = listEventSamples();

describe('sample events', () => {
  it('has an expectation for every sample and a sample for every expectation', () => {
    const onDisk = samples.map((sample) => `${sample.eventName}/${sample.caseName}`).sort();
    const expected = Object.entries(EXPECTED)
      .flatMap(([eventName, cases]) => Object.keys(cases).map((caseName) => `${eventName}/${caseName}`))
      .sort();
    expect(onDisk).toEqual(expected);
  });

  it.each(samples.map((sample) => [sample.eventName, sample.caseName] as const))(
    '%s/%s parses as expected',
    (eventName, caseName) => {
      const raw = loadEvent(eventName, caseName) as { id: string; detail: Record<string, unknown> };
      const expected = EXPECTED[eventName]?.[caseName];
      const parsed = parseCloudTrailEvent(raw);
      if (expected === 'unsupported') {
        expect(parsed.ok).toBe(false);
        if (!parsed.ok) expect(parsed.error).toBeInstanceOf(UnsupportedEventError);
        return;
      }
      if (!parsed.ok) throw parsed.error;
      const { detail, ...fields } = expected!;
      expect(parsed.event.detail).toEqual(detail);
      expect(parsed.event).toMatchObject(fields);
      // Shared fields straight from the record.
      expect(parsed.event).toMatchObject({
        eventId: raw.detail.eventID,
        eventName,
        eventTime: raw.detail.eventTime,
        region: 'eu-west-1',
        account: '111122223333',
        sourceIp: raw.detail.sourceIPAddress,
        userAgent: raw.detail.userAgent,
      });
      if (fields.createdRuleIds === undefined) expect(parsed.event.createdRuleIds).toBeUndefined();
      if (raw.detail.errorCode === undefined) expect(parsed.event.errorCode).toBeUndefined();
    },
  );

  it.each(samples.map((sample) => [sample.eventName, sample.caseName] as const))(
    '%s/%s is the exact EventBridge envelope Lambda receives',
    (eventName, caseName) => {
      const raw = loadEvent(eventName, caseName) as Record<string, unknown> & { detail: Record<string, unknown> };
      expect(raw).toMatchObject({
        version: '0',
        'detail-type': 'AWS API Call via CloudTrail',
        account: '111122223333',
        region: 'eu-west-1',
        resources: [],
        time: raw.detail.eventTime,
      });
      expect(raw.source).toBe(raw.detail.eventSource === 'eks.amazonaws.com' ? 'aws.eks' : 'aws.ec2');
      expect(raw.detail).toMatchObject({
        eventVersion: '1.11',
        eventName,
        awsRegion: 'eu-west-1',
        readOnly: false,
        eventType: 'AwsApiCall',
        managementEvent: true,
        recipientAccountId: '111122223333',
        eventCategory: 'Management',
      });
      expect(Object.keys(raw.detail)).toEqual(
        expect.arrayContaining(['requestParameters', 'responseElements', 'requestID', 'eventID']),
      );
      // A failed call has no response.
      if (raw.detail.errorCode !== undefined) expect(raw.detail.responseElements).toBeNull();
    },
  );

  it('returns a fresh copy on every load', () => {
    const first = loadEvent('AuthorizeSecurityGroupIngress', 'world-open-ssh') as { detail: { eventName: string } };
    first.detail.eventName = 'Changed';
    const second = loadEvent('AuthorizeSecurityGroupIngress', 'world-open-ssh') as { detail: { eventName: string } };
    expect(second.detail.eventName).toBe('AuthorizeSecurityGroupIngress');
  });
});
