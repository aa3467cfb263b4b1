/**
 * One small EKS account in eu-west-1, as the SDK answers it (PascalCase EC2/ASG output shapes, camelCase EKS shapes,
 * `Date` objects, `$metadata` on every response). Shared by the loader and CLI tests.
 */
import {
  type AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  type DescribeAutoScalingGroupsCommandOutput,
} from '@aws-sdk/client-auto-scaling';
import {
  DescribeInstancesCommand,
  type DescribeInstancesCommandOutput,
  DescribeInstanceTypesCommand,
  type DescribeInstanceTypesCommandOutput,
  DescribeLaunchTemplateVersionsCommand,
  type DescribeLaunchTemplateVersionsCommandOutput,
  DescribeNetworkInterfacesCommand,
  type DescribeNetworkInterfacesCommandOutput,
  DescribeSecurityGroupRulesCommand,
  type DescribeSecurityGroupRulesCommandOutput,
  DescribeSecurityGroupsCommand,
  type DescribeSecurityGroupsCommandOutput,
  DescribeSubnetsCommand,
  type DescribeSubnetsCommandOutput,
  DescribeVpcsCommand,
  type DescribeVpcsCommandOutput,
  type EC2Client,
  GetManagedPrefixListEntriesCommand,
  type GetManagedPrefixListEntriesCommandOutput,
  GetSubnetCidrReservationsCommand,
  type GetSubnetCidrReservationsCommandOutput,
} from '@aws-sdk/client-ec2';
import {
  DescribeAddonCommand,
  type DescribeAddonCommandOutput,
  DescribeClusterCommand,
  type DescribeClusterCommandOutput,
  DescribeNodegroupCommand,
  type DescribeNodegroupCommandOutput,
  type EKSClient,
  ListClustersCommand,
  type ListClustersCommandOutput,
  ListNodegroupsCommand,
  type ListNodegroupsCommandOutput,
  ResourceNotFoundException,
} from '@aws-sdk/client-eks';
import type { AwsClientStub } from 'aws-sdk-client-mock';

export const ACCOUNT = '111122223333';
export const REGION = 'eu-west-1';
export const SECRET = 'hunter2-db-password';

const meta = (requestId: string) => ({
  httpStatusCode: 200,
  requestId,
  attempts: 1,
  totalRetryDelay: 0,
});

/** MIME multipart user data of a managed node group's custom launch template, with a secret next to maxPods. */
export const USER_DATA_TEXT = [
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="==BOUNDARY=="',
  '',
  '--==BOUNDARY==',
  'Content-Type: text/x-shellscript; charset="us-ascii"',
  '',
  '#!/bin/bash',
  `export DB_PASSWORD=${SECRET}`,
  'set -ex',
  '/etc/eks/bootstrap.sh prod --b64-cluster-ca LS0tLS1CRUdJTi --apiserver-endpoint https://ABC.gr7.eu-west-1.eks.amazonaws.com --use-max-pods false --kubelet-extra-args "--max-pods=110 --node-labels=team=a"',
  '',
  '--==BOUNDARY==--',
  '',
].join('\n');

export const vpcs: DescribeVpcsCommandOutput = {
  $metadata: meta('r-vpcs'),
  Vpcs: [
    {
      VpcId: 'vpc-0a1b2c3d4e5f60718',
      OwnerId: ACCOUNT,
      CidrBlock: '10.0.0.0/16',
      State: 'available',
      DhcpOptionsId: 'dopt-0123456789abcdef0',
      InstanceTenancy: 'default',
      IsDefault: false,
      CidrBlockAssociationSet: [
        { AssociationId: 'vpc-cidr-assoc-0a1', CidrBlock: '10.0.0.0/16', CidrBlockState: { State: 'associated' } },
      ],
      Tags: [{ Key: 'Name', Value: 'prod' }],
    },
  ],
};

export const subnets: DescribeSubnetsCommandOutput = {
  $metadata: meta('r-subnets'),
  Subnets: [
    {
      SubnetId: 'subnet-0aaa1111aaaa1111a',
      VpcId: 'vpc-0a1b2c3d4e5f60718',
      CidrBlock: '10.0.0.0/19',
      AvailabilityZone: 'eu-west-1a',
      AvailabilityZoneId: 'euw1-az1',
      AvailableIpAddressCount: 8000,
      State: 'available',
      OwnerId: ACCOUNT,
      Ipv6CidrBlockAssociationSet: [],
      Tags: [{ Key: 'kubernetes.io/role/internal-elb', Value: '1' }],
    },
    {
      SubnetId: 'subnet-0bbb2222bbbb2222b',
      VpcId: 'vpc-0a1b2c3d4e5f60718',
      CidrBlock: '10.0.32.0/19',
      AvailabilityZone: 'eu-west-1b',
      AvailabilityZoneId: 'euw1-az2',
      AvailableIpAddressCount: 8100,
      State: 'available',
      OwnerId: ACCOUNT,
      Ipv6CidrBlockAssociationSet: [],
    },
  ],
};

const nodeSg = {
  GroupId: 'sg-0node000000000001',
  GroupName: 'eks-prod-node',
  Description: 'EKS node shared security group',
  OwnerId: ACCOUNT,
  VpcId: 'vpc-0a1b2c3d4e5f60718',
  IpPermissions: [
    {
      IpProtocol: 'tcp',
      FromPort: 443,
      ToPort: 443,
      IpRanges: [],
      Ipv6Ranges: [],
      PrefixListIds: [{ PrefixListId: 'pl-0office00000000001', Description: 'office' }],
      UserIdGroupPairs: [],
    },
  ],
  IpPermissionsEgress: [
    {
      IpProtocol: '-1',
      IpRanges: [{ CidrIp: '0.0.0.0/0' }],
      Ipv6Ranges: [],
      PrefixListIds: [],
      UserIdGroupPairs: [],
    },
  ],
  SecurityGroupArn: `arn:aws:ec2:${REGION}:${ACCOUNT}:security-group/sg-0node000000000001`,
  Tags: [{ Key: 'kubernetes.io/cluster/prod', Value: 'owned' }],
};
const clusterSg = {
  GroupId: 'sg-0cluster00000000001',
  GroupName: 'eks-cluster-sg-prod-1234567890',
  Description: 'EKS created security group applied to ENI that is attached to EKS Control Plane master nodes',
  OwnerId: ACCOUNT,
  VpcId: 'vpc-0a1b2c3d4e5f60718',
  IpPermissions: [
    {
      IpProtocol: '-1',
      IpRanges: [],
      Ipv6Ranges: [],
      PrefixListIds: [],
      UserIdGroupPairs: [{ GroupId: 'sg-0cluster00000000001', UserId: ACCOUNT }],
    },
  ],
  IpPermissionsEgress: [],
  Tags: [{ Key: 'aws:eks:cluster-name', Value: 'prod' }],
};

/** Two pages: the loader must follow NextToken. */
export const securityGroupsPage1: DescribeSecurityGroupsCommandOutput = {
  $metadata: meta('r-sg-1'),
  SecurityGroups: [nodeSg],
  NextToken: 'eyJ2IjoiMiIsImMiOiJzZy1wYWdlMiJ9',
};
export const securityGroupsPage2: DescribeSecurityGroupsCommandOutput = {
  $metadata: meta('r-sg-2'),
  SecurityGroups: [clusterSg],
};

export const securityGroupRules: DescribeSecurityGroupRulesCommandOutput = {
  $metadata: meta('r-sgr'),
  SecurityGroupRules: [
    {
      SecurityGroupRuleId: 'sgr-0aaa0000000000001',
      GroupId: 'sg-0node000000000001',
      GroupOwnerId: ACCOUNT,
      IsEgress: false,
      IpProtocol: 'tcp',
      FromPort: 443,
      ToPort: 443,
      PrefixListId: 'pl-0office00000000001',
      Description: 'office',
      SecurityGroupRuleArn: `arn:aws:ec2:${REGION}:${ACCOUNT}:security-group-rule/sgr-0aaa0000000000001`,
      Tags: [],
    },
    {
      SecurityGroupRuleId: 'sgr-0bbb0000000000002',
      GroupId: 'sg-0node000000000001',
      GroupOwnerId: ACCOUNT,
      IsEgress: true,
      IpProtocol: '-1',
      FromPort: -1,
      ToPort: -1,
      CidrIpv4: '0.0.0.0/0',
      Tags: [],
    },
  ],
};

export const networkInterfaces: DescribeNetworkInterfacesCommandOutput = {
  $metadata: meta('r-eni'),
  NetworkInterfaces: [
    {
      NetworkInterfaceId: 'eni-0primary000000001',
      InterfaceType: 'interface',
      Description: '',
      SubnetId: 'subnet-0aaa1111aaaa1111a',
      VpcId: 'vpc-0a1b2c3d4e5f60718',
      AvailabilityZone: 'eu-west-1a',
      OwnerId: ACCOUNT,
      RequesterManaged: false,
      Status: 'in-use',
      PrivateIpAddress: '10.0.1.10',
      PrivateIpAddresses: [
        { Primary: true, PrivateIpAddress: '10.0.1.10' },
        { Primary: false, PrivateIpAddress: '10.0.1.11' },
      ],
      Groups: [{ GroupId: 'sg-0node000000000001', GroupName: 'eks-prod-node' }],
      Attachment: {
        AttachmentId: 'eni-attach-0a1',
        AttachTime: new Date('2026-11-01T08:00:00Z'),
        DeleteOnTermination: true,
        DeviceIndex: 0,
        NetworkCardIndex: 0,
        InstanceId: 'i-0node00000000000001',
        InstanceOwnerId: ACCOUNT,
        Status: 'attached',
      },
      TagSet: [],
    },
  ],
};

export const instances: DescribeInstancesCommandOutput = {
  $metadata: meta('r-inst'),
  Reservations: [
    {
      ReservationId: 'r-0node0000000000001',
      OwnerId: ACCOUNT,
      RequesterId: '940372691376',
      Groups: [],
      Instances: [
        {
          InstanceId: 'i-0node00000000000001',
          InstanceType: 'm5.large',
          ImageId: 'ami-0eks000000000001',
          LaunchTime: new Date('2026-11-01T08:00:00Z'),
          State: { Code: 16, Name: 'running' },
          SubnetId: 'subnet-0aaa1111aaaa1111a',
          VpcId: 'vpc-0a1b2c3d4e5f60718',
          PrivateIpAddress: '10.0.1.10',
          SecurityGroups: [{ GroupId: 'sg-0node000000000001', GroupName: 'eks-prod-node' }],
          NetworkInterfaces: [
            {
              NetworkInterfaceId: 'eni-0primary000000001',
              SubnetId: 'subnet-0aaa1111aaaa1111a',
              Attachment: { DeviceIndex: 0, NetworkCardIndex: 0, Status: 'attached', AttachmentId: 'eni-attach-0a1' },
              Groups: [{ GroupId: 'sg-0node000000000001', GroupName: 'eks-prod-node' }],
            },
          ],
          Tags: [
            { Key: 'kubernetes.io/cluster/prod', Value: 'owned' },
            { Key: 'eks:cluster-name', Value: 'prod' },
            { Key: 'eks:nodegroup-name', Value: 'ng-a' },
            { Key: 'aws:autoscaling:groupName', Value: 'eks-ng-a-42c5a1b2-0000-1111-2222-333344445555' },
            { Key: 'aws:ec2launchtemplate:id', Value: 'lt-0custom000000001' },
            { Key: 'aws:ec2launchtemplate:version', Value: '3' },
          ],
        },
      ],
    },
    {
      ReservationId: 'r-0bastion0000000001',
      OwnerId: ACCOUNT,
      Groups: [],
      Instances: [
        {
          InstanceId: 'i-0bastion00000000001',
          InstanceType: 't3.micro',
          LaunchTime: new Date('2026-10-01T08:00:00Z'),
          State: { Code: 16, Name: 'running' },
          SubnetId: 'subnet-0bbb2222bbbb2222b',
          VpcId: 'vpc-0a1b2c3d4e5f60718',
          Tags: [{ Key: 'Name', Value: 'bastion' }],
        },
      ],
    },
  ],
};

export const clusters: ListClustersCommandOutput = { $metadata: meta('r-lc'), clusters: ['dev', 'prod'] };

export const prodCluster: DescribeClusterCommandOutput = {
  $metadata: meta('r-dc-prod'),
  cluster: {
    name: 'prod',
    arn: `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/prod`,
    createdAt: new Date('2025-01-15T10:00:00Z'),
    version: '1.33',
    status: 'ACTIVE',
    resourcesVpcConfig: {
      subnetIds: ['subnet-0aaa1111aaaa1111a', 'subnet-0bbb2222bbbb2222b'],
      securityGroupIds: [],
      clusterSecurityGroupId: 'sg-0cluster00000000001',
      vpcId: 'vpc-0a1b2c3d4e5f60718',
      endpointPublicAccess: false,
      endpointPrivateAccess: true,
    },
    tags: {},
  },
};
export const devCluster: DescribeClusterCommandOutput = {
  $metadata: meta('r-dc-dev'),
  cluster: {
    name: 'dev',
    arn: `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/dev`,
    createdAt: new Date('2025-02-15T10:00:00Z'),
    version: '1.33',
    status: 'ACTIVE',
    resourcesVpcConfig: {
      subnetIds: ['subnet-0bbb2222bbbb2222b'],
      securityGroupIds: [],
      clusterSecurityGroupId: 'sg-0cluster00000000002',
      vpcId: 'vpc-0a1b2c3d4e5f60718',
    },
  },
};

export const prodNodegroups: ListNodegroupsCommandOutput = { $metadata: meta('r-ln'), nodegroups: ['ng-a'] };
export const devNodegroups: ListNodegroupsCommandOutput = { $metadata: meta('r-ln-dev'), nodegroups: [] };

export const ngA: DescribeNodegroupCommandOutput = {
  $metadata: meta('r-dn'),
  nodegroup: {
    nodegroupName: 'ng-a',
    clusterName: 'prod',
    nodegroupArn: `arn:aws:eks:${REGION}:${ACCOUNT}:nodegroup/prod/ng-a/42c5a1b2-0000-1111-2222-333344445555`,
    createdAt: new Date('2025-01-15T11:00:00Z'),
    modifiedAt: new Date('2026-11-01T07:00:00Z'),
    status: 'ACTIVE',
    capacityType: 'ON_DEMAND',
    scalingConfig: { minSize: 1, maxSize: 5, desiredSize: 1 },
    instanceTypes: ['m5.large'],
    subnets: ['subnet-0aaa1111aaaa1111a'],
    amiType: 'AL2_x86_64',
    nodeRole: `arn:aws:iam::${ACCOUNT}:role/prod-node`,
    labels: { team: 'a' },
    resources: { autoScalingGroups: [{ name: 'eks-ng-a-42c5a1b2-0000-1111-2222-333344445555' }] },
    launchTemplate: { name: 'prod-ng-a', version: '3', id: 'lt-0custom000000001' },
    tags: {},
  },
};

export const vpcCni: DescribeAddonCommandOutput = {
  $metadata: meta('r-da'),
  addon: {
    addonName: 'vpc-cni',
    clusterName: 'prod',
    status: 'ACTIVE',
    addonVersion: 'v1.20.4-eksbuild.1',
    createdAt: new Date('2025-01-15T10:30:00Z'),
    modifiedAt: new Date('2026-10-30T10:30:00Z'),
    configurationValues: '{"env":{"ENABLE_PREFIX_DELEGATION":"true"}}',
  },
};

export const autoScalingGroups: DescribeAutoScalingGroupsCommandOutput = {
  $metadata: meta('r-asg'),
  AutoScalingGroups: [
    {
      AutoScalingGroupName: 'eks-ng-a-42c5a1b2-0000-1111-2222-333344445555',
      AutoScalingGroupARN: `arn:aws:autoscaling:${REGION}:${ACCOUNT}:autoScalingGroup:1:autoScalingGroupName/eks-ng-a`,
      MixedInstancesPolicy: {
        LaunchTemplate: {
          LaunchTemplateSpecification: {
            LaunchTemplateId: 'lt-0eksmanaged000001',
            LaunchTemplateName: 'eks-42c5a1b2-0000-1111-2222-333344445555',
            Version: '1',
          },
          Overrides: [{ InstanceType: 'm5.large' }],
        },
      },
      MinSize: 1,
      MaxSize: 5,
      DesiredCapacity: 1,
      DefaultCooldown: 300,
      AvailabilityZones: ['eu-west-1a'],
      HealthCheckType: 'EC2',
      CreatedTime: new Date('2025-01-15T11:00:00Z'),
      VPCZoneIdentifier: 'subnet-0aaa1111aaaa1111a',
      Instances: [
        {
          InstanceId: 'i-0node00000000000001',
          InstanceType: 'm5.large',
          AvailabilityZone: 'eu-west-1a',
          LifecycleState: 'InService',
          HealthStatus: 'Healthy',
          ProtectedFromScaleIn: false,
        },
      ],
      Tags: [],
    },
  ],
};

const userDataBase64 = Buffer.from(USER_DATA_TEXT, 'utf8').toString('base64');
export const customTemplateVersions: DescribeLaunchTemplateVersionsCommandOutput = {
  $metadata: meta('r-ltv-1'),
  LaunchTemplateVersions: [
    {
      LaunchTemplateId: 'lt-0custom000000001',
      LaunchTemplateName: 'prod-ng-a',
      VersionNumber: 4,
      DefaultVersion: false,
      CreateTime: new Date('2026-11-02T08:00:00Z'),
      CreatedBy: `arn:aws:iam::${ACCOUNT}:role/platform`,
      LaunchTemplateData: {
        InstanceType: 'm5.xlarge',
        UserData: userDataBase64,
        SecurityGroupIds: ['sg-0node000000000001'],
      },
    },
    {
      LaunchTemplateId: 'lt-0custom000000001',
      LaunchTemplateName: 'prod-ng-a',
      VersionNumber: 3,
      DefaultVersion: true,
      CreateTime: new Date('2026-11-01T07:00:00Z'),
      LaunchTemplateData: { UserData: userDataBase64, SecurityGroupIds: ['sg-0node000000000001'] },
    },
  ],
};
export const managedTemplateVersions: DescribeLaunchTemplateVersionsCommandOutput = {
  $metadata: meta('r-ltv-2'),
  LaunchTemplateVersions: [
    {
      LaunchTemplateId: 'lt-0eksmanaged000001',
      LaunchTemplateName: 'eks-42c5a1b2-0000-1111-2222-333344445555',
      VersionNumber: 1,
      DefaultVersion: true,
      CreateTime: new Date('2025-01-15T11:00:00Z'),
      LaunchTemplateData: { InstanceType: 'm5.large' },
    },
  ],
};

export const instanceTypes: DescribeInstanceTypesCommandOutput = {
  $metadata: meta('r-it'),
  InstanceTypes: [
    {
      InstanceType: 'm5.large',
      Hypervisor: 'nitro',
      BareMetal: false,
      VCpuInfo: { DefaultVCpus: 2 },
      NetworkInfo: {
        MaximumNetworkInterfaces: 3,
        Ipv4AddressesPerInterface: 10,
        DefaultNetworkCardIndex: 0,
        NetworkCards: [{ NetworkCardIndex: 0, MaximumNetworkInterfaces: 3 }],
      },
    },
    {
      InstanceType: 'm5.xlarge',
      Hypervisor: 'nitro',
      NetworkInfo: { MaximumNetworkInterfaces: 4, Ipv4AddressesPerInterface: 15 },
    },
    {
      InstanceType: 't3.micro',
      Hypervisor: 'nitro',
      NetworkInfo: { MaximumNetworkInterfaces: 2, Ipv4AddressesPerInterface: 2 },
    },
  ],
};

export const prefixListEntries: GetManagedPrefixListEntriesCommandOutput = {
  $metadata: meta('r-pl'),
  Entries: [{ Cidr: '203.0.113.0/24', Description: 'office' }],
};

export const cidrReservationsA: GetSubnetCidrReservationsCommandOutput = {
  $metadata: meta('r-scr-a'),
  SubnetIpv4CidrReservations: [
    {
      SubnetCidrReservationId: 'scr-0aaa000000000001',
      SubnetId: 'subnet-0aaa1111aaaa1111a',
      Cidr: '10.0.16.0/20',
      ReservationType: 'prefix',
      OwnerId: ACCOUNT,
    },
  ],
  SubnetIpv6CidrReservations: [],
};
export const cidrReservationsB: GetSubnetCidrReservationsCommandOutput = {
  $metadata: meta('r-scr-b'),
  SubnetIpv4CidrReservations: [],
  SubnetIpv6CidrReservations: [],
};

/** Answers every read of the world above; call after the catch-all `onAnyCommand().rejects(...)`. */
export function answerWorld(mocks: {
  ec2: AwsClientStub<EC2Client>;
  eks: AwsClientStub<EKSClient>;
  autoscaling: AwsClientStub<AutoScalingClient>;
}): void {
  const { ec2, eks, autoscaling: asg } = mocks;
  ec2.on(DescribeVpcsCommand).resolves(vpcs);
  ec2.on(DescribeSubnetsCommand).resolves(subnets);
  ec2
    .on(DescribeSecurityGroupsCommand)
    .resolvesOnce(securityGroupsPage1)
    .resolvesOnce(securityGroupsPage2)
    .rejects(new Error('DescribeSecurityGroups called a third time'));
  ec2.on(DescribeSecurityGroupRulesCommand).resolves(securityGroupRules);
  ec2.on(DescribeNetworkInterfacesCommand).resolves(networkInterfaces);
  ec2.on(DescribeInstancesCommand).resolves(instances);
  ec2
    .on(DescribeLaunchTemplateVersionsCommand, { LaunchTemplateId: 'lt-0custom000000001' })
    .resolves(customTemplateVersions);
  ec2
    .on(DescribeLaunchTemplateVersionsCommand, { LaunchTemplateId: 'lt-0eksmanaged000001' })
    .resolves(managedTemplateVersions);
  ec2.on(DescribeInstanceTypesCommand).resolves(instanceTypes);
  ec2.on(GetManagedPrefixListEntriesCommand, { PrefixListId: 'pl-0office00000000001' }).resolves(prefixListEntries);
  ec2.on(GetSubnetCidrReservationsCommand, { SubnetId: 'subnet-0aaa1111aaaa1111a' }).resolves(cidrReservationsA);
  ec2.on(GetSubnetCidrReservationsCommand, { SubnetId: 'subnet-0bbb2222bbbb2222b' }).resolves(cidrReservationsB);
  eks.on(ListClustersCommand).resolves(clusters);
  eks.on(DescribeClusterCommand, { name: 'prod' }).resolves(prodCluster);
  eks.on(DescribeClusterCommand, { name: 'dev' }).resolves(devCluster);
  eks.on(ListNodegroupsCommand, { clusterName: 'prod' }).resolves(prodNodegroups);
  eks.on(ListNodegroupsCommand, { clusterName: 'dev' }).resolves(devNodegroups);
  eks.on(DescribeNodegroupCommand, { clusterName: 'prod', nodegroupName: 'ng-a' }).resolves(ngA);
  eks.on(DescribeAddonCommand, { clusterName: 'prod', addonName: 'vpc-cni' }).resolves(vpcCni);
  eks.on(DescribeAddonCommand, { clusterName: 'dev', addonName: 'vpc-cni' }).rejects(
    new ResourceNotFoundException({
      message: 'No addon: vpc-cni found in cluster: dev',
      $metadata: { httpStatusCode: 404 },
      addonName: 'vpc-cni',
      clusterName: 'dev',
    }),
  );
  asg.on(DescribeAutoScalingGroupsCommand).resolves(autoScalingGroups);
}
