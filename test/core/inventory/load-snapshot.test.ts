import { readFileSync } from 'node:fs';
import { loadSnapshot, SNAPSHOT_KEYS, SnapshotFormatError } from '@podnet-guard/core';
import { describe, expect, it } from 'vitest';

const samplePath = new URL('../../../events/inventory/sample-account.json', import.meta.url);
const sample = (): Record<string, unknown> => JSON.parse(readFileSync(samplePath, 'utf8'));

function formatError(run: () => unknown): SnapshotFormatError {
  try {
    run();
  } catch (error) {
    if (error instanceof SnapshotFormatError) return error;
    throw error;
  }
  throw new Error('expected a SnapshotFormatError');
}

describe('loadSnapshot on the sample account (CLI shapes, every key)', () => {
  const data = loadSnapshot(sample(), { path: 'events/inventory/sample-account.json' });

  it('knows every key', () => {
    expect(data.missing).toEqual([]);
    expect(data.account).toBe('111122223333');
    expect(data.region).toBe('eu-west-1');
  });

  it('reads VPCs and subnets', () => {
    expect(data.vpcs).toEqual([
      { id: 'vpc-0a1b2c3d4e5f60718', cidrs: ['10.0.0.0/16'], ipv6Cidrs: [], tags: { Name: 'prod' } },
    ]);
    expect(data.subnets.map((subnet) => [subnet.id, subnet.cidr, subnet.availableIpAddressCount])).toEqual([
      ['subnet-0a00000000000000a', '10.0.0.0/20', 4021],
      ['subnet-0b00000000000000b', '10.0.16.0/20', 4058],
      ['subnet-0c00000000000000c', '10.0.64.0/18', 12283],
      ['subnet-0f00000000000000f', '10.0.128.0/24', 3],
    ]);
    expect(data.subnets[0]?.availabilityZone).toBe('eu-west-1a');
  });

  it('reads security groups and takes rules from DescribeSecurityGroupRules', () => {
    const bastion = data.securityGroups.find((group) => group.id === 'sg-0e0e0000000000001');
    expect(bastion).toEqual({
      id: 'sg-0e0e0000000000001',
      name: 'bastion',
      vpcId: 'vpc-0a1b2c3d4e5f60718',
      description: 'SSH bastion',
      ownerId: '111122223333',
      tags: { Name: 'bastion' },
    });
    const ssh = data.securityGroupRules.filter((rule) => rule.groupId === 'sg-0e0e0000000000001');
    expect(ssh).toEqual([
      {
        ruleId: expect.stringMatching(/^sgr-/),
        groupId: 'sg-0e0e0000000000001',
        direction: 'ingress',
        protocol: 'tcp',
        fromPort: 22,
        toPort: 22,
        peer: { kind: 'ipv4', cidr: '203.0.113.0/24' },
        description: 'Office SSH',
      },
      {
        ruleId: expect.stringMatching(/^sgr-/),
        groupId: 'sg-0e0e0000000000001',
        direction: 'egress',
        protocol: '-1',
        peer: { kind: 'ipv4', cidr: '0.0.0.0/0' },
      },
    ]);
    const nodeSelf = data.securityGroupRules.find(
      (rule) => rule.groupId === 'sg-0d0de000000000001' && rule.description === 'Node to node',
    );
    expect(nodeSelf?.peer).toEqual({ kind: 'security-group', groupId: 'sg-0d0de000000000001', userId: '111122223333' });
  });

  it('reads network interfaces: primary IP, secondary IPs, attachment, TagSet', () => {
    const cni = data.networkInterfaces.find((eni) => eni.description === 'aws-K8S-i-0a1b2c3d4e5f00001');
    expect(cni?.privateIps).toHaveLength(10);
    expect(cni?.primaryPrivateIp).toBe('10.0.1.40');
    expect(cni?.attachment).toEqual({
      instanceId: 'i-0a1b2c3d4e5f00001',
      deviceIndex: 1,
      networkCardIndex: 0,
      status: 'attached',
    });
    expect(cni?.tags['cluster.k8s.amazonaws.com/name']).toBe('prod');
    const branch = data.networkInterfaces.find((eni) => eni.interfaceType === 'branch');
    expect(branch).toMatchObject({
      description: 'aws-k8s-branch-eni',
      groupIds: ['sg-0b0d000000000001'],
      tags: { 'vpcresources.k8s.aws/trunk-eni-id': 'eni-0a1b2c3d4e5f00302' },
    });
    expect(branch?.attachment).toBeUndefined();
    const rds = data.networkInterfaces.find((eni) => eni.id === 'eni-0db00000000000001');
    expect(rds).toMatchObject({
      requesterId: 'amazon-rds',
      requesterManaged: true,
      description: 'RDSNetworkInterface',
    });
  });

  it('reads instances: primary ENI, SGs, launch template from the aws:ec2launchtemplate tags', () => {
    const node = data.instances.find((instance) => instance.id === 'i-0a1b2c3d4e5f00001');
    expect(node).toMatchObject({
      instanceType: 'm5.large',
      state: 'running',
      subnetId: 'subnet-0a00000000000000a',
      launchTime: '2026-10-30T08:12:44+00:00',
      primaryNetworkInterfaceId: 'eni-0a1b2c3d4e5f00101',
      groupIds: ['sg-0d0de000000000001', 'sg-0c1a5000000000001'],
      networkInterfaceIds: ['eni-0a1b2c3d4e5f00101', 'eni-0a1b2c3d4e5f00102'],
      launchTemplate: { id: 'lt-0e000000000000001', version: '1' },
    });
    expect(data.instances).toHaveLength(4);
  });

  it('reads instance types with their network cards', () => {
    expect(data.instanceTypes.find((type) => type.instanceType === 'm5.large')).toEqual({
      instanceType: 'm5.large',
      vcpus: 2,
      maxEnis: 3,
      ipv4PerEni: 10,
      defaultNetworkCardIndex: 0,
      networkCards: [{ networkCardIndex: 0, maximumNetworkInterfaces: 3 }],
      hypervisor: 'nitro',
      bareMetal: false,
    });
    expect(data.instanceTypes.find((type) => type.instanceType === 'm5.xlarge')).toMatchObject({
      maxEnis: 4,
      ipv4PerEni: 15,
    });
  });

  it('decodes launch template user data and collects its SGs', () => {
    const eks = data.launchTemplateVersions.find((version) => version.launchTemplateId === 'lt-0e000000000000001');
    expect(eks?.userData).toContain('maxPods: 29');
    expect(eks?.userData).toContain('kind: NodeConfig');
    expect(eks).toMatchObject({
      versionNumber: 1,
      defaultVersion: true,
      instanceType: 'm5.large',
      groupIds: ['sg-0d0de000000000001', 'sg-0c1a5000000000001'],
      tags: { Name: 'prod-ng-general-node' },
    });
  });

  it('reads Auto Scaling groups: subnets from VPCZoneIdentifier, the mixed-instances launch template', () => {
    const sgp = data.autoScalingGroups.find((group) => group.name.startsWith('eks-ng-sgp-'));
    expect(sgp).toMatchObject({
      minSize: 1,
      maxSize: 4,
      desiredCapacity: 1,
      subnetIds: ['subnet-0a00000000000000a', 'subnet-0b00000000000000b', 'subnet-0f00000000000000f'],
      instanceIds: ['i-0a1b2c3d4e5f00003'],
      instanceTypes: ['m5.xlarge'],
      launchTemplate: { id: 'lt-0e000000000000002', version: '1' },
      tags: { 'eks:nodegroup-name': 'ng-sgp' },
    });
  });

  it('reads reservations, prefix lists, the cluster, node groups and add-ons', () => {
    expect(data.subnetCidrReservations).toEqual([
      { subnetId: 'subnet-0c00000000000000c', cidr: '10.0.64.0/20', reservationType: 'prefix' },
    ]);
    expect(data.prefixLists).toEqual([
      { prefixListId: 'pl-0a1b2c3d4e5f60718', cidrs: ['198.51.100.0/24', '203.0.113.0/24'] },
    ]);
    expect(data.clusters).toEqual([
      {
        name: 'prod',
        arn: 'arn:aws:eks:eu-west-1:111122223333:cluster/prod',
        version: '1.31',
        status: 'ACTIVE',
        roleArn: 'arn:aws:iam::111122223333:role/prod-eks-cluster-role',
        vpcId: 'vpc-0a1b2c3d4e5f60718',
        subnetIds: ['subnet-0a00000000000000a', 'subnet-0b00000000000000b'],
        clusterSecurityGroupId: 'sg-0c1a5000000000001',
        securityGroupIds: [],
        autoMode: false,
        tags: { team: 'platform' },
      },
    ]);
    expect(data.nodeGroups.find((group) => group.name === 'ng-general')).toMatchObject({
      clusterName: 'prod',
      instanceTypes: ['m5.large'],
      capacityType: 'ON_DEMAND',
      scaling: { minSize: 2, maxSize: 4, desiredSize: 2 },
      launchTemplate: { id: 'lt-0a000000000000001', name: 'prod-general', version: '1' },
      autoScalingGroupNames: ['eks-ng-general-4ec9a1b2-7c3d-4e5f-8a9b-0c1d2e3f4a5b'],
      labels: { workload: 'general' },
    });
    expect(data.addons).toEqual([
      {
        clusterName: 'prod',
        name: 'vpc-cni',
        version: 'v1.19.2-eksbuild.1',
        configurationValues: '{"env":{"ENABLE_POD_ENI":"true"}}',
      },
    ]);
  });
});

describe('loadSnapshot on SDK shapes', () => {
  it('ignores $metadata and accepts Date objects', () => {
    const metadata = { httpStatusCode: 200, requestId: 'b3a5c1d2-0000-4000-8000-000000000001', attempts: 1 };
    const data = loadSnapshot({
      account: '111122223333',
      region: 'eu-west-1',
      DescribeInstances: {
        $metadata: metadata,
        Reservations: [
          {
            Instances: [
              {
                InstanceId: 'i-0123456789abcdef0',
                InstanceType: 'm5.large',
                State: { Code: 16, Name: 'running' },
                LaunchTime: new Date('2026-10-30T08:12:44.000Z'),
                SecurityGroups: [{ GroupId: 'sg-0d0de000000000001', GroupName: 'prod-nodes' }],
                NetworkInterfaces: [
                  { NetworkInterfaceId: 'eni-0123456789abcdef0', Attachment: { DeviceIndex: 0, NetworkCardIndex: 0 } },
                ],
                Tags: [{ Key: 'eks:cluster-name', Value: 'prod' }],
              },
            ],
          },
        ],
      },
      DescribeLaunchTemplateVersions: {
        $metadata: metadata,
        LaunchTemplateVersions: [
          {
            LaunchTemplateId: 'lt-0123456789abcdef0',
            VersionNumber: 3,
            DefaultVersion: false,
            CreateTime: new Date('2026-10-30T08:00:00.000Z'),
            LaunchTemplateData: { SecurityGroupIds: ['sg-0d0de000000000001'] },
          },
        ],
      },
      DescribeCluster: [
        {
          $metadata: metadata,
          cluster: {
            name: 'prod',
            createdAt: new Date('2025-03-12T09:30:00.000Z'),
            resourcesVpcConfig: { subnetIds: [], securityGroupIds: [] },
            computeConfig: { enabled: true },
          },
        },
      ],
    });
    expect(data.instances[0]?.launchTime).toBe('2026-10-30T08:12:44.000Z');
    expect(data.instances[0]?.primaryNetworkInterfaceId).toBe('eni-0123456789abcdef0');
    expect(data.launchTemplateVersions[0]).toMatchObject({ versionNumber: 3, groupIds: ['sg-0d0de000000000001'] });
    expect(data.clusters[0]?.autoMode).toBe(true);
    expect(data.missing).not.toContain('DescribeInstances');
  });
});

describe('missing keys', () => {
  it('lists every absent key and leaves its collection empty', () => {
    const data = loadSnapshot({});
    expect(data.missing).toEqual([...SNAPSHOT_KEYS]);
    expect(data.securityGroups).toEqual([]);
    expect(data.networkInterfaces).toEqual([]);
    expect(data.account).toBe('');
  });

  it('lists only the absent keys and ignores unknown ones', () => {
    const raw = sample();
    delete raw.DescribeAddon;
    delete raw.DescribeNetworkInterfaces;
    raw.DescribeRouteTables = { RouteTables: 'not read' };
    const data = loadSnapshot(raw);
    expect(data.missing).toEqual(['DescribeNetworkInterfaces', 'DescribeAddon']);
    expect(data.addons).toEqual([]);
    expect(data.instances).toHaveLength(4);
  });

  it('takes the account and region from the cluster ARN when the snapshot does not say them', () => {
    const raw = sample();
    delete raw.account;
    delete raw.region;
    expect(loadSnapshot(raw)).toMatchObject({ account: '111122223333', region: 'eu-west-1' });
  });
});

describe('rules derived from DescribeSecurityGroups', () => {
  const groups = {
    SecurityGroups: [
      {
        GroupId: 'sg-0d0de000000000001',
        GroupName: 'prod-nodes',
        IpPermissions: [
          {
            IpProtocol: 'tcp',
            FromPort: 443,
            ToPort: 443,
            IpRanges: [{ CidrIp: '10.0.0.0/16', Description: 'VPC' }, { CidrIp: '192.168.0.0/16' }],
            Ipv6Ranges: [{ CidrIpv6: '2001:db8::/32' }],
            PrefixListIds: [{ PrefixListId: 'pl-0a1b2c3d4e5f60718' }],
            UserIdGroupPairs: [{ GroupId: 'sg-0c1a5000000000001', UserId: '111122223333' }],
          },
        ],
        IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      },
    ],
  };

  it('makes one rule per peer with synthesised ids when DescribeSecurityGroupRules is absent', () => {
    const data = loadSnapshot({ DescribeSecurityGroups: groups });
    expect(data.securityGroupRules.map((rule) => [rule.ruleId, rule.peer])).toEqual([
      ['sg-0d0de000000000001/ingress/0', { kind: 'ipv4', cidr: '10.0.0.0/16' }],
      ['sg-0d0de000000000001/ingress/1', { kind: 'ipv4', cidr: '192.168.0.0/16' }],
      ['sg-0d0de000000000001/ingress/2', { kind: 'ipv6', cidr: '2001:db8::/32' }],
      ['sg-0d0de000000000001/ingress/3', { kind: 'prefix-list', prefixListId: 'pl-0a1b2c3d4e5f60718' }],
      [
        'sg-0d0de000000000001/ingress/4',
        { kind: 'security-group', groupId: 'sg-0c1a5000000000001', userId: '111122223333' },
      ],
      ['sg-0d0de000000000001/egress/0', { kind: 'ipv4', cidr: '0.0.0.0/0' }],
    ]);
    expect(data.securityGroupRules[0]).toMatchObject({
      protocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      description: 'VPC',
    });
    expect(data.securityGroupRules[5]).toEqual({
      ruleId: 'sg-0d0de000000000001/egress/0',
      groupId: 'sg-0d0de000000000001',
      direction: 'egress',
      protocol: '-1',
      peer: { kind: 'ipv4', cidr: '0.0.0.0/0' },
    });
    // The groups carry every rule, so the rules are known.
    expect(data.missing).not.toContain('DescribeSecurityGroupRules');
  });

  it('uses DescribeSecurityGroupRules when both are present', () => {
    const data = loadSnapshot({
      DescribeSecurityGroups: groups,
      DescribeSecurityGroupRules: {
        SecurityGroupRules: [
          {
            SecurityGroupRuleId: 'sgr-0123456789abcdef0',
            GroupId: 'sg-0d0de000000000001',
            GroupOwnerId: '111122223333',
            IsEgress: false,
            IpProtocol: 'tcp',
            FromPort: 22,
            ToPort: 22,
            CidrIpv4: '0.0.0.0/0',
            Tags: [],
          },
        ],
      },
    });
    expect(data.securityGroupRules).toEqual([
      {
        ruleId: 'sgr-0123456789abcdef0',
        groupId: 'sg-0d0de000000000001',
        direction: 'ingress',
        protocol: 'tcp',
        fromPort: 22,
        toPort: 22,
        peer: { kind: 'ipv4', cidr: '0.0.0.0/0' },
      },
    ]);
  });

  it('marks DescribeSecurityGroupRules missing when neither key is present', () => {
    expect(loadSnapshot({ DescribeVpcs: { Vpcs: [] } }).missing).toContain('DescribeSecurityGroupRules');
  });
});

describe('wrong shapes', () => {
  it('names the key and the path of the wrong field', () => {
    const error = formatError(() =>
      loadSnapshot(
        { DescribeSecurityGroups: { SecurityGroups: [{ GroupId: 5, GroupName: 'x' }] } },
        { path: 's.json' },
      ),
    );
    expect(error.key).toBe('DescribeSecurityGroups');
    expect(error.path).toBe('s.json');
    expect(error.issues[0]?.path).toBe('DescribeSecurityGroups.SecurityGroups[0].GroupId');
    expect(error.message).toContain('s.json');
    expect(error.message).toContain('DescribeSecurityGroups.SecurityGroups[0].GroupId');
  });

  it.each([
    ['DescribeCluster', { cluster: { name: 'prod' } }],
    ['DescribeInstances', { Reservations: [{ Instances: [{ InstanceId: 'i-1' }] }] }],
    ['DescribeNetworkInterfaces', { NetworkInterfaces: { NetworkInterfaceId: 'eni-1' } }],
    ['DescribeSubnets', { Subnets: [{ SubnetId: 'subnet-1', VpcId: 'vpc-1', AvailableIpAddressCount: '3' }] }],
    ['DescribeAutoScalingGroups', { AutoScalingGroups: [{ AutoScalingGroupName: 'asg' }] }],
    ['GetManagedPrefixListEntries', { Entries: [] }],
    ['DescribeNodegroup', [{ nodegroup: { nodegroupName: 'ng-a' } }]],
    ['DescribeAddon', [{ addon: { addonName: 'vpc-cni', clusterName: 'prod', configurationValues: {} } }]],
  ])('rejects a wrong %s', (key, value) => {
    const error = formatError(() => loadSnapshot({ [key]: value }));
    expect(error.key).toBe(key);
    expect(error.message).toContain(key);
  });

  it('rejects a rule with no peer', () => {
    const error = formatError(() =>
      loadSnapshot({
        DescribeSecurityGroupRules: {
          SecurityGroupRules: [{ SecurityGroupRuleId: 'sgr-1', GroupId: 'sg-1', IsEgress: false, IpProtocol: 'tcp' }],
        },
      }),
    );
    expect(error.key).toBe('DescribeSecurityGroupRules');
    expect(error.issues[0]?.path).toBe('DescribeSecurityGroupRules.SecurityGroupRules[0]');
  });

  it('rejects user data that is not base64', () => {
    const error = formatError(() =>
      loadSnapshot({
        DescribeLaunchTemplateVersions: {
          LaunchTemplateVersions: [
            { LaunchTemplateId: 'lt-1', VersionNumber: 1, LaunchTemplateData: { UserData: '%%% not base64 %%%' } },
          ],
        },
      }),
    );
    expect(error.key).toBe('DescribeLaunchTemplateVersions');
    expect(error.issues[0]?.path).toMatch(/LaunchTemplateData\.UserData$/);
  });

  it.each([[null], [[]], ['{}'], [42]])('rejects a snapshot that is not an object: %j', (raw) => {
    expect(() => loadSnapshot(raw)).toThrow(SnapshotFormatError);
  });

  it('rejects an account that is not a string', () => {
    expect(formatError(() => loadSnapshot({ account: 111122223333 })).key).toBe('account');
  });
});

describe('details of the normalisation', () => {
  it('resolves launch template SG names through DescribeSecurityGroups', () => {
    const data = loadSnapshot({
      DescribeSecurityGroups: { SecurityGroups: [{ GroupId: 'sg-0d0de000000000001', GroupName: 'prod-nodes' }] },
      DescribeLaunchTemplateVersions: {
        LaunchTemplateVersions: [
          {
            LaunchTemplateId: 'lt-1',
            VersionNumber: 1,
            LaunchTemplateData: {
              SecurityGroups: ['prod-nodes', 'unknown-name'],
              NetworkInterfaces: [{ DeviceIndex: 0, Groups: ['sg-0e1c0000000000001'] }],
            },
          },
        ],
      },
    });
    expect(data.launchTemplateVersions[0]?.groupIds).toEqual([
      'sg-0d0de000000000001',
      'unknown-name',
      'sg-0e1c0000000000001',
    ]);
  });

  it('reads an ASG with a plain launch template and IPv6 reservations', () => {
    const data = loadSnapshot({
      DescribeAutoScalingGroups: {
        AutoScalingGroups: [
          {
            AutoScalingGroupName: 'prod-self-managed',
            MinSize: 0,
            MaxSize: 3,
            DesiredCapacity: 1,
            VPCZoneIdentifier: 'subnet-0a00000000000000a, subnet-0b00000000000000b',
            LaunchTemplate: { LaunchTemplateId: 'lt-1', LaunchTemplateName: 'prod-self', Version: '$Latest' },
            Instances: [{ InstanceId: 'i-1', InstanceType: 'c5.large' }],
            Tags: [],
          },
        ],
      },
      DescribeSubnetCidrReservations: {
        SubnetIpv4CidrReservations: [],
        SubnetIpv6CidrReservations: [
          { SubnetId: 'subnet-0a00000000000000a', Cidr: '2001:db8::/80', ReservationType: 'prefix' },
        ],
      },
    });
    expect(data.autoScalingGroups[0]).toMatchObject({
      subnetIds: ['subnet-0a00000000000000a', 'subnet-0b00000000000000b'],
      launchTemplate: { id: 'lt-1', name: 'prod-self', version: '$Latest' },
      instanceTypes: ['c5.large'],
    });
    expect(data.subnetCidrReservations).toEqual([
      { subnetId: 'subnet-0a00000000000000a', cidr: '2001:db8::/80', reservationType: 'prefix' },
    ]);
  });

  it('drops disassociated VPC CIDRs', () => {
    const data = loadSnapshot({
      DescribeVpcs: {
        Vpcs: [
          {
            VpcId: 'vpc-1',
            CidrBlock: '10.0.0.0/16',
            CidrBlockAssociationSet: [
              { CidrBlock: '10.0.0.0/16', CidrBlockState: { State: 'associated' } },
              { CidrBlock: '100.64.0.0/16', CidrBlockState: { State: 'associated' } },
              { CidrBlock: '172.16.0.0/16', CidrBlockState: { State: 'disassociated' } },
            ],
          },
        ],
      },
    });
    expect(data.vpcs[0]?.cidrs).toEqual(['10.0.0.0/16', '100.64.0.0/16']);
  });
});
