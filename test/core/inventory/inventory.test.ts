import { readFileSync } from 'node:fs';
import { buildInventory, loadSnapshot, serviceOfNetworkInterface } from '@podnet-guard/core';
import { describe, expect, it } from 'vitest';
import { inventoryFrom, snapshotBuilder } from '../../helpers/inventory-builder.ts';

const CLUSTER_SG = 'sg-0c1a5000000000001';
const NODE_SG = 'sg-0d0de000000000001';
const RDS_SG = 'sg-0db00000000000001';
const POD_SG = 'sg-0b0d000000000001';
const ENICONFIG_SG = 'sg-0e1c0000000000001';
const OTHER_SG = 'sg-0e0e0000000000001';

/** Snapshot JSON edited in place for a case the builder does not model; the loader checks its shape. */
// biome-ignore lint/suspicious/noExplicitAny: hand-edited AWS response JSON
type RawJson = any;

describe('nodes(): which instances are EKS nodes', () => {
  it.each([
    [{ 'eks:cluster-name': 'prod', 'eks:nodegroup-name': 'ng-a' }, 'prod', 'ng-a', 'managed'],
    [{ 'aws:eks:cluster-name': 'prod' }, 'prod', undefined, 'self-managed'],
    [{ 'eks:eks-cluster-name': 'prod' }, 'prod', undefined, 'auto-mode'],
    [
      { 'eks:eks-cluster-name': 'prod', 'eks:kubernetes-node-pool-name': 'general-purpose' },
      'prod',
      'general-purpose',
      'auto-mode',
    ],
    [{ 'eks:eks-cluster-name': 'prod', 'karpenter.sh/nodepool': 'default' }, 'prod', 'default', 'karpenter'],
    [{ 'kubernetes.io/cluster/prod': 'owned', 'karpenter.sh/nodepool': 'spot' }, 'prod', 'spot', 'karpenter'],
    [
      { 'kubernetes.io/cluster/prod': 'shared', 'aws:autoscaling:groupName': 'prod-workers' },
      'prod',
      'prod-workers',
      'self-managed',
    ],
    [{ 'alpha.eksctl.io/cluster-name': 'prod', 'alpha.eksctl.io/nodegroup-name': 'ng-1' }, 'prod', 'ng-1', 'eksctl'],
  ] as const)('tags %j make a node of %s (%s, %s)', (tags, cluster, nodeGroup, kind) => {
    const inventory = inventoryFrom(snapshotBuilder().instance('i-0123456789abcdef0', { tags }).build());
    const node = inventory.node('i-0123456789abcdef0');
    expect(node).toMatchObject({ cluster, nodeGroupKind: kind });
    expect(node?.nodeGroup).toBe(nodeGroup);
    expect(inventory.nodes()).toHaveLength(1);
  });

  it.each([
    [{ Name: 'bastion' }, 'running'],
    [{ 'kubernetes.io/cluster/prod': 'ignored' }, 'running'],
    [{ 'eks:cluster-name': '' }, 'running'],
    [{ 'eks:cluster-name': 'prod' }, 'stopped'],
    [{ 'eks:cluster-name': 'prod' }, 'terminated'],
  ])('tags %j in state %s do not make a node', (tags, state) => {
    const inventory = inventoryFrom(snapshotBuilder().instance('i-0123456789abcdef0', { tags, state }).build());
    expect(inventory.node('i-0123456789abcdef0')).toBeUndefined();
    expect(inventory.nodes()).toEqual([]);
    expect(inventory.instance('i-0123456789abcdef0')).toBeDefined();
  });

  it('counts pending nodes', () => {
    const inventory = inventoryFrom(
      snapshotBuilder().cluster('prod').nodeGroup('prod', 'ng-a', { nodes: 2, state: 'pending' }).build(),
    );
    expect(inventory.nodes()).toHaveLength(2);
  });
});

describe('nodeSecurityGroupReasons', () => {
  it('gives each reason: primary ENI, cluster SG, launch template', () => {
    const inventory = inventoryFrom(
      snapshotBuilder()
        .cluster('prod', { clusterSg: CLUSTER_SG })
        .nodeGroup('prod', 'ng-a', {
          nodeSg: NODE_SG,
          nodes: ['i-0a1b2c3d4e5f00001'],
          launchTemplateSgs: [NODE_SG, ENICONFIG_SG],
        })
        .securityGroup(OTHER_SG, { name: 'bastion' })
        .build(),
    );
    expect(inventory.nodeSecurityGroupReasons(NODE_SG)).toEqual([
      { kind: 'primary-eni', instanceId: 'i-0a1b2c3d4e5f00001', cluster: 'prod' },
      { kind: 'launch-template', launchTemplateId: 'lt-00000000000000001', cluster: 'prod' },
    ]);
    expect(inventory.nodeSecurityGroupReasons(CLUSTER_SG)).toEqual([
      { kind: 'primary-eni', instanceId: 'i-0a1b2c3d4e5f00001', cluster: 'prod' },
      { kind: 'cluster-sg', cluster: 'prod' },
    ]);
    // Only in the launch template: still a node SG (the next node launched gets it).
    expect(inventory.nodeSecurityGroupReasons(ENICONFIG_SG)).toEqual([
      { kind: 'launch-template', launchTemplateId: 'lt-00000000000000001', cluster: 'prod' },
    ]);
    expect(inventory.isNodeSecurityGroup(ENICONFIG_SG)).toBe(true);
    expect(inventory.nodeSecurityGroupReasons(OTHER_SG)).toEqual([]);
    expect(inventory.isNodeSecurityGroup(OTHER_SG)).toBe(false);
  });

  it('does not count the SGs of an instance that is not a node', () => {
    const inventory = inventoryFrom(
      snapshotBuilder()
        .instance('i-0b0b0000000000001', { sgs: [OTHER_SG], tags: { Name: 'bastion' } })
        .build(),
    );
    expect(inventory.isNodeSecurityGroup(OTHER_SG)).toBe(false);
  });

  it('follows node groups and their ASGs to launch templates, by id or name, and resolves the version', () => {
    const base = snapshotBuilder()
      .cluster('prod', { clusterSg: CLUSTER_SG })
      .nodeGroup('prod', 'ng-a', { nodeSg: NODE_SG, nodes: 0 })
      .build();
    const templates = (version: string) => ({
      LaunchTemplateVersions: [
        {
          LaunchTemplateId: 'lt-0a000000000000009',
          LaunchTemplateName: 'prod-custom',
          VersionNumber: 1,
          DefaultVersion: true,
          LaunchTemplateData: { SecurityGroupIds: [OTHER_SG] },
        },
        {
          LaunchTemplateId: 'lt-0a000000000000009',
          LaunchTemplateName: 'prod-custom',
          VersionNumber: 2,
          DefaultVersion: false,
          LaunchTemplateData: { SecurityGroupIds: [ENICONFIG_SG] },
        },
      ],
      version,
    });
    const withNodegroupTemplate = (version: string) => {
      const snapshot = structuredClone(base) as RawJson;
      snapshot.DescribeNodegroup[0].nodegroup.launchTemplate = { name: 'prod-custom', version };
      snapshot.DescribeLaunchTemplateVersions = templates(version);
      return inventoryFrom(snapshot);
    };
    expect(withNodegroupTemplate('2').nodeSecurityGroupReasons(ENICONFIG_SG)).toEqual([
      { kind: 'launch-template', launchTemplateId: 'lt-0a000000000000009', cluster: 'prod' },
    ]);
    expect(withNodegroupTemplate('2').isNodeSecurityGroup(OTHER_SG)).toBe(false);
    expect(withNodegroupTemplate('$Default').isNodeSecurityGroup(OTHER_SG)).toBe(true);
    expect(withNodegroupTemplate('$Default').isNodeSecurityGroup(ENICONFIG_SG)).toBe(false);
    expect(withNodegroupTemplate('$Latest').isNodeSecurityGroup(ENICONFIG_SG)).toBe(true);
    // A version the snapshot does not hold: every known version counts rather than none.
    expect(withNodegroupTemplate('7').isNodeSecurityGroup(OTHER_SG)).toBe(true);

    const viaAsg = structuredClone(base) as RawJson;
    viaAsg.DescribeAutoScalingGroups.AutoScalingGroups[0].LaunchTemplate = {
      LaunchTemplateId: 'lt-0a000000000000009',
      Version: '1',
    };
    viaAsg.DescribeLaunchTemplateVersions = templates('1');
    expect(inventoryFrom(viaAsg).isNodeSecurityGroup(OTHER_SG)).toBe(true);
    expect(inventoryFrom(viaAsg).isNodeSecurityGroup(ENICONFIG_SG)).toBe(false);
  });

  it('ignores launch templates no node uses', () => {
    const snapshot = snapshotBuilder().cluster('prod').build() as RawJson;
    snapshot.DescribeLaunchTemplateVersions = {
      LaunchTemplateVersions: [
        {
          LaunchTemplateId: 'lt-0a000000000000009',
          VersionNumber: 1,
          LaunchTemplateData: { SecurityGroupIds: [OTHER_SG] },
        },
      ],
    };
    expect(inventoryFrom(snapshot).isNodeSecurityGroup(OTHER_SG)).toBe(false);
  });
});

describe('exposureOf', () => {
  it('default mode: secondary IPs on the primary and CNI ENIs that carry the SG', () => {
    // m5.large: 10 IPs per ENI, so 15 pod IPs = 9 on the primary ENI + 6 on one aws-K8S ENI.
    const inventory = inventoryFrom(
      snapshotBuilder()
        .cluster('prod', { clusterSg: CLUSTER_SG })
        .nodeGroup('prod', 'ng-a', { nodeSg: NODE_SG, nodes: 2, secondaryIpsPerNode: 15 })
        .nodeGroup('prod', 'ng-b', { nodeSg: OTHER_SG, clusterSgOnNodes: false, nodes: 1, secondaryIpsPerNode: 4 })
        .build(),
    );
    const exposure = inventory.exposureOf(NODE_SG);
    expect(exposure).toMatchObject({
      clusters: ['prod'],
      nodeGroups: ['ng-a'],
      podIps: 30,
      sgpPods: 0,
      sgpPodsLeavingVpc: 0,
      fargatePods: 0,
    });
    expect(exposure.nodes.map((node) => node.instance.id)).toEqual(['i-00000000000000001', 'i-00000000000000002']);
    expect(inventory.exposureOf(CLUSTER_SG)).toMatchObject({ nodeGroups: ['ng-a'], podIps: 30 });
    expect(inventory.exposureOf(OTHER_SG)).toMatchObject({ nodeGroups: ['ng-b'], podIps: 4 });
  });

  it('custom networking: pod IPs belong to the ENIConfig SG, not the node SG', () => {
    const inventory = inventoryFrom(
      snapshotBuilder()
        .subnet('subnet-0a00000000000000a', { cidr: '10.0.0.0/20' })
        .subnet('subnet-0c00000000000000c', { cidr: '100.64.0.0/16' })
        .cluster('prod', { clusterSg: CLUSTER_SG })
        .nodeGroup('prod', 'ng-a', {
          nodeSg: NODE_SG,
          nodes: 1,
          secondaryIpsPerNode: 9,
          customNetworking: { subnetId: 'subnet-0c00000000000000c', securityGroups: [ENICONFIG_SG] },
        })
        .build(),
    );
    expect(inventory.exposureOf(NODE_SG)).toMatchObject({ podIps: 0, nodeGroups: ['ng-a'] });
    expect(inventory.exposureOf(NODE_SG).nodes).toHaveLength(1);
    expect(inventory.exposureOf(ENICONFIG_SG)).toMatchObject({ podIps: 9, nodeGroups: ['ng-a'], clusters: ['prod'] });
    expect(inventory.clusterSubnetCidrs('prod')).toEqual(['10.0.0.0/20', '100.64.0.0/16']);
  });

  it('prefix delegation: each /28 counts 16 pod IPs', () => {
    const inventory = inventoryFrom(
      snapshotBuilder()
        .cluster('prod', { clusterSg: CLUSTER_SG })
        .nodeGroup('prod', 'ng-a', { nodeSg: NODE_SG, nodes: 1, prefixesPerNode: 2, secondaryIpsPerNode: 1 })
        .build(),
    );
    // 2 × 16 + 1 secondary IP.
    expect(inventory.exposureOf(NODE_SG).podIps).toBe(33);
  });

  it('SGP: a branch ENI counts to its own SG, and to sgpPodsLeavingVpc of its node SG; trunks hold no pod IP', () => {
    const inventory = inventoryFrom(
      snapshotBuilder()
        .cluster('prod', { clusterSg: CLUSTER_SG })
        .nodeGroup('prod', 'ng-sgp', {
          instanceType: 'm5.xlarge',
          nodeSg: NODE_SG,
          nodes: ['i-0a1b2c3d4e5f00003'],
          trunk: true,
        })
        .sgpPod('i-0a1b2c3d4e5f00003', POD_SG)
        .sgpPod('i-0a1b2c3d4e5f00003', POD_SG)
        .nodeGroup('prod', 'ng-plain', { nodeSg: OTHER_SG, clusterSgOnNodes: false, nodes: 1, secondaryIpsPerNode: 3 })
        .build(),
    );
    expect(inventory.exposureOf(POD_SG)).toMatchObject({
      sgpPods: 2,
      podIps: 0,
      nodes: [],
      nodeGroups: [],
      clusters: ['prod'],
    });
    expect(inventory.exposureOf(NODE_SG)).toMatchObject({
      sgpPods: 0,
      sgpPodsLeavingVpc: 2,
      podIps: 0,
      nodeGroups: ['ng-sgp'],
    });
    expect(inventory.exposureOf(OTHER_SG)).toMatchObject({ sgpPodsLeavingVpc: 0, podIps: 3 });
  });

  it('never counts addresses on a trunk ENI as pod IPs', () => {
    const snapshot = snapshotBuilder()
      .cluster('prod', { clusterSg: CLUSTER_SG })
      .nodeGroup('prod', 'ng-sgp', { instanceType: 'm5.xlarge', nodeSg: NODE_SG, trunk: true })
      .build() as RawJson;
    const trunk = snapshot.DescribeNetworkInterfaces.NetworkInterfaces.find(
      (eni: RawJson) => eni.InterfaceType === 'trunk',
    );
    trunk.PrivateIpAddresses.push({ Primary: false, PrivateIpAddress: '10.0.0.200' });
    expect(inventoryFrom(snapshot).exposureOf(NODE_SG).podIps).toBe(0);
    trunk.InterfaceType = 'interface';
    trunk.Description = 'aws-K8S-i-00000000000000001';
    expect(inventoryFrom(snapshot).exposureOf(NODE_SG).podIps).toBe(1);
  });

  it('Fargate: pod ENIs with the cluster SG count apart', () => {
    const inventory = inventoryFrom(
      snapshotBuilder()
        .cluster('prod', { clusterSg: CLUSTER_SG })
        .fargatePod('prod')
        .fargatePod('prod')
        .fargatePod('prod', { sgs: [OTHER_SG] })
        .build(),
    );
    expect(inventory.exposureOf(CLUSTER_SG)).toMatchObject({
      fargatePods: 2,
      podIps: 0,
      clusters: ['prod'],
      nodes: [],
    });
    expect(inventory.exposureOf(OTHER_SG)).toMatchObject({ fargatePods: 1 });
    expect(inventory.exposureOf(NODE_SG)).toMatchObject({ fargatePods: 0, clusters: [] });
  });

  it('ignores ENIs of instances that are not nodes and SGs without ENIs', () => {
    const inventory = inventoryFrom(
      snapshotBuilder()
        .instance('i-0b0b0000000000001', { sgs: [OTHER_SG] })
        .rdsEni(RDS_SG)
        .securityGroup(NODE_SG)
        .build(),
    );
    const empty = {
      clusters: [],
      nodeGroups: [],
      nodes: [],
      podIps: 0,
      sgpPods: 0,
      sgpPodsLeavingVpc: 0,
      fargatePods: 0,
    };
    expect(inventory.exposureOf(OTHER_SG)).toEqual(empty);
    expect(inventory.exposureOf(RDS_SG)).toEqual(empty);
    expect(inventory.exposureOf(NODE_SG)).toEqual(empty);
    expect(inventory.exposureOf('sg-does-not-exist')).toEqual(empty);
  });
});

describe('protectedServices', () => {
  it.each([
    [{ description: 'RDSNetworkInterface', requesterId: 'amazon-rds' }, 'RDS'],
    [{ description: 'RDSNetworkInterface' }, 'RDS'],
    [{ description: 'ElastiCache prod-sessions-0001-001', requesterId: 'amazon-elasticache' }, 'ElastiCache'],
    [{ description: 'RedshiftNetworkInterface', requesterId: 'amazon-redshift' }, 'Redshift'],
    [{ description: 'ES prod-search', requesterId: 'amazon-elasticsearch' }, 'OpenSearch'],
    [{ description: 'EFS mount target for fs-0a1b2c3d (fsmt-0a1b2c3d)', interfaceType: 'efs' }, 'EFS'],
    [
      {
        description:
          'DO NOT DELETE - Amazon MSK network interface for cluster arn:aws:kafka:eu-west-1:111122223333:cluster/prod/0a1b',
      },
      'MSK',
    ],
    [
      {
        description: 'AWS Lambda VPC ENI-report-builder-1a2b3c4d',
        interfaceType: 'lambda',
        requesterId: 'AROAEXAMPLE:report-builder',
      },
      'Lambda',
    ],
    [{ description: 'ELB app/k8s-prod-ingress/50dc6c495c0c9188', requesterId: 'amazon-elb' }, 'Load balancer'],
    [{ description: 'ELB net/k8s-prod-nlb/0a1b2c3d', interfaceType: 'network_load_balancer' }, 'Load balancer'],
    [{ description: 'VPC Endpoint Interface vpce-0a1b2c3d4e5f60718', interfaceType: 'vpc_endpoint' }, 'VPC endpoint'],
  ])('recognises %j as %s', (spec, service) => {
    const inventory = inventoryFrom(snapshotBuilder().serviceEni(RDS_SG, spec).build());
    expect(inventory.protectedServices(RDS_SG)).toEqual([service]);
  });

  it.each([
    { description: '' },
    { description: 'aws-K8S-i-0a1b2c3d4e5f00001', requesterManaged: false },
    { description: 'Interface for NAT Gateway nat-0a1b2c3d4e5f60718', interfaceType: 'nat_gateway' },
    { description: 'Amazon EKS prod' },
  ])('recognises nothing in %j', (spec) => {
    const inventory = inventoryFrom(snapshotBuilder().serviceEni(RDS_SG, spec).build());
    expect(inventory.protectedServices(RDS_SG)).toEqual([]);
  });

  it('is empty for an SG with no ENI, and lists each service once, sorted', () => {
    const inventory = inventoryFrom(
      snapshotBuilder()
        .rdsEni(RDS_SG)
        .rdsEni(RDS_SG)
        .serviceEni(RDS_SG, { description: 'ElastiCache prod-0001-001', requesterId: 'amazon-elasticache' })
        .securityGroup(OTHER_SG, { name: 'prod-postgres-old', description: 'rds db' })
        .build(),
    );
    expect(inventory.protectedServices(RDS_SG)).toEqual(['ElastiCache', 'RDS']);
    expect(inventory.protectedServices(OTHER_SG)).toEqual([]);
  });

  it('serviceOfNetworkInterface is undefined for a node ENI', () => {
    const data = loadSnapshot(snapshotBuilder().cluster('prod').nodeGroup('prod', 'ng-a', { nodeSg: NODE_SG }).build());
    expect(data.networkInterfaces.map(serviceOfNetworkInterface)).toEqual([undefined]);
  });
});

describe('clusterSubnetCidrs', () => {
  const inventory = inventoryFrom(
    snapshotBuilder()
      .subnet('subnet-0a00000000000000a', { cidr: '10.0.0.0/20' })
      .subnet('subnet-0b00000000000000b', { cidr: '10.0.16.0/20' })
      .subnet('subnet-0d00000000000000d', { cidr: '10.0.32.0/20' })
      .subnet('subnet-0e00000000000000e', { cidr: '10.0.48.0/20' })
      .subnet('subnet-0f00000000000000f', { cidr: '10.0.128.0/24' })
      .cluster('prod', { clusterSg: CLUSTER_SG, subnetIds: ['subnet-0a00000000000000a'] })
      .nodeGroup('prod', 'ng-a', { nodeSg: NODE_SG, subnetId: 'subnet-0b00000000000000b', secondaryIpsPerNode: 2 })
      .fargatePod('prod', { subnetId: 'subnet-0f00000000000000f' })
      .cluster('staging', { subnetIds: ['subnet-0d00000000000000d'] })
      .instance('i-0b0b0000000000001', { subnetId: 'subnet-0e00000000000000e' })
      .build(),
  );

  it('joins the cluster subnets, node and pod ENI subnets of one cluster', () => {
    expect(inventory.clusterSubnetCidrs('prod')).toEqual(['10.0.0.0/20', '10.0.128.0/24', '10.0.16.0/20']);
    expect(inventory.clusterSubnetCidrs('staging')).toEqual(['10.0.32.0/20']);
  });

  it('covers all clusters when none is named, and nothing for an unknown cluster', () => {
    expect(inventory.clusterSubnetCidrs()).toEqual(['10.0.0.0/20', '10.0.128.0/24', '10.0.16.0/20', '10.0.32.0/20']);
    expect(inventory.clusterSubnetCidrs('nope')).toEqual([]);
  });
});

describe('lookups', () => {
  const snapshot = snapshotBuilder()
    .cluster('prod', { clusterSg: CLUSTER_SG })
    .nodeGroup('prod', 'ng-a', { nodeSg: NODE_SG, nodes: ['i-0a1b2c3d4e5f00001'] })
    .securityGroup(NODE_SG, {
      name: 'prod-nodes',
      ingress: [
        { protocol: '-1', sourceSg: NODE_SG },
        { port: 443, cidr: '10.0.0.0/16' },
      ],
    })
    .securityGroup(OTHER_SG, { name: 'default' })
    .securityGroup(RDS_SG, { name: 'default', vpcId: 'vpc-0ffffffffffffffff' })
    .prefixList('pl-0a1b2c3d4e5f60718', ['198.51.100.0/24'])
    .without('DescribeAddon')
    .build();
  const inventory = inventoryFrom(snapshot);

  it('knows which keys the snapshot had', () => {
    expect(inventory.knows('DescribeAddon')).toBe(false);
    expect(inventory.knows('DescribeSecurityGroupRules')).toBe(true);
    expect(inventory.missing).toEqual(['DescribeAddon']);
  });

  it('finds security groups by id and name', () => {
    expect(inventory.securityGroup(NODE_SG)?.name).toBe('prod-nodes');
    expect(inventory.securityGroup('sg-nope')).toBeUndefined();
    expect(inventory.securityGroupIdByName('prod-nodes')).toBe(NODE_SG);
    // Two groups named `default`: ambiguous without a VPC.
    expect(inventory.securityGroupIdByName('default')).toBeUndefined();
    expect(inventory.securityGroupIdByName('default', 'vpc-0ffffffffffffffff')).toBe(RDS_SG);
    expect(inventory.securityGroupIdByName('default', 'vpc-0a1b2c3d4e5f60718')).toBe(OTHER_SG);
    expect(inventory.securityGroupIdByName('nope')).toBeUndefined();
  });

  it('lists rules by group and direction and finds one by id', () => {
    expect(inventory.rulesOf(NODE_SG)).toHaveLength(3);
    const ingress = inventory.rulesOf(NODE_SG, 'ingress');
    expect(ingress.map((rule) => rule.peer.kind)).toEqual(['security-group', 'ipv4']);
    expect(inventory.rulesOf(NODE_SG, 'egress')).toHaveLength(1);
    expect(inventory.rule(ingress[1]!.ruleId)).toMatchObject({ fromPort: 443, toPort: 443 });
    expect(inventory.rule('sgr-nope')).toBeUndefined();
    expect(inventory.rulesOf('sg-nope')).toEqual([]);
  });

  it('finds subnets, ENIs, instances, clusters, node groups and prefix lists', () => {
    expect(inventory.prefixListCidrs('pl-0a1b2c3d4e5f60718')).toEqual(['198.51.100.0/24']);
    expect(inventory.prefixListCidrs('pl-nope')).toBeUndefined();
    expect(inventory.subnet('subnet-0a00000000000000a')?.cidr).toBe('10.0.0.0/20');
    const primary = inventory.instance('i-0a1b2c3d4e5f00001')?.primaryNetworkInterfaceId;
    expect(primary && inventory.networkInterface(primary)?.groupIds).toEqual([NODE_SG, CLUSTER_SG]);
    expect(inventory.cluster('prod')?.clusterSecurityGroupId).toBe(CLUSTER_SG);
    expect(inventory.cluster('nope')).toBeUndefined();
    expect(inventory.nodeGroup('prod', 'ng-a')?.instanceTypes).toEqual(['m5.large']);
    expect(inventory.nodeGroup('staging', 'ng-a')).toBeUndefined();
  });

  it('keeps the data collections', () => {
    expect(inventory.account).toBe('111122223333');
    expect(inventory.securityGroups.map((group) => group.id)).toContain(NODE_SG);
  });
});

describe('the sample account', () => {
  const inventory = buildInventory(
    loadSnapshot(
      JSON.parse(readFileSync(new URL('../../../events/inventory/sample-account.json', import.meta.url), 'utf8')),
    ),
  );

  it('has three managed nodes in two node groups', () => {
    expect(inventory.nodes().map((node) => [node.instance.id, node.nodeGroup, node.nodeGroupKind])).toEqual([
      ['i-0a1b2c3d4e5f00001', 'ng-general', 'managed'],
      ['i-0a1b2c3d4e5f00002', 'ng-general', 'managed'],
      ['i-0a1b2c3d4e5f00003', 'ng-sgp', 'managed'],
    ]);
    expect(inventory.node('i-0b0b0000000000001')).toBeUndefined();
  });

  it('exposes the node SG to every non-SGP pod IP', () => {
    // ng-general: 2 nodes × (9 on the primary ENI + 9 on the aws-K8S ENI); ng-sgp: 14 on the primary ENI.
    expect(inventory.exposureOf('sg-0d0de000000000001')).toMatchObject({
      clusters: ['prod'],
      nodeGroups: ['ng-general', 'ng-sgp'],
      podIps: 50,
      sgpPods: 0,
      sgpPodsLeavingVpc: 2,
    });
    expect(inventory.exposureOf('sg-0b0d000000000001')).toMatchObject({ sgpPods: 2, podIps: 0 });
  });

  it('knows node SGs, the RDS SG and the bastion', () => {
    expect(inventory.isNodeSecurityGroup('sg-0d0de000000000001')).toBe(true);
    expect(inventory.nodeSecurityGroupReasons('sg-0c1a5000000000001')).toContainEqual({
      kind: 'cluster-sg',
      cluster: 'prod',
    });
    expect(inventory.isNodeSecurityGroup('sg-0db00000000000001')).toBe(false);
    expect(inventory.protectedServices('sg-0db00000000000001')).toEqual(['RDS']);
    expect(inventory.isNodeSecurityGroup('sg-0e0e0000000000001')).toBe(false);
    expect(inventory.securityGroupIdByName('prod-postgres')).toBe('sg-0db00000000000001');
  });

  it('knows the cluster subnets, including the nearly full one of ng-sgp', () => {
    expect(inventory.clusterSubnetCidrs('prod')).toEqual(['10.0.0.0/20', '10.0.128.0/24', '10.0.16.0/20']);
    expect(inventory.subnet('subnet-0f00000000000000f')?.availableIpAddressCount).toBe(3);
  });
});
