/**
 * The inventory queries several rules share: one answer for which launch template version a reference means, and for
 * which clusters use a subnet.
 */
import {
  clusterSubnets,
  clustersOfSubnet,
  type Inventory,
  launchTemplateVersion,
  nodesOf,
  ownerOfSubnet,
  usersOfLaunchTemplate,
} from '@podnet-guard/core';
import { describe, expect, it } from 'vitest';
import { inventoryFrom, snapshotBuilder } from '../../helpers/inventory-builder.ts';

const SUBNET_A = 'subnet-0a00000000000000a';
const SUBNET_B = 'subnet-0b00000000000000b';
const SUBNET_C = 'subnet-0c00000000000000c';
const SUBNET_D = 'subnet-0d00000000000000d';

/** A node group's launch template (`lt-00000000000000001`, `nodes`) with versions 1 (default), 2 and 3. */
function templateAccount(defaultVersion: number | 'none' = 1): Inventory {
  const snapshot = snapshotBuilder().cluster('prod').nodeGroup('prod', 'ng', { kind: 'self-managed' }).build();
  const list = (snapshot.DescribeLaunchTemplateVersions as { LaunchTemplateVersions: Record<string, unknown>[] })
    .LaunchTemplateVersions;
  const first = list[0]!;
  list.length = 0;
  for (const [version, type] of [
    [1, 'm5.large'],
    [3, 'm5.2xlarge'],
    [2, 'm5.xlarge'],
  ] as const) {
    list.push({
      ...first,
      LaunchTemplateName: 'nodes',
      VersionNumber: version,
      DefaultVersion: version === defaultVersion,
      LaunchTemplateData: { InstanceType: type },
    });
  }
  return inventoryFrom(snapshot);
}

const ID = 'lt-00000000000000001';

describe('launchTemplateVersion', () => {
  const inventory = templateAccount();
  const typeOf = (ref: { id?: string; name?: string; version?: string }) =>
    launchTemplateVersion(inventory, ref)?.instanceType;

  it('reads $Latest as the highest version number, whatever the order EC2 listed them in', () => {
    expect(launchTemplateVersion(inventory, { id: ID, version: '$Latest' })?.versionNumber).toBe(3);
  });

  it('reads $Default and an absent version as the default version', () => {
    expect(typeOf({ id: ID, version: '$Default' })).toBe('m5.large');
    expect(typeOf({ id: ID })).toBe('m5.large');
    expect(launchTemplateVersion(templateAccount(2), { id: ID })?.versionNumber).toBe(2);
  });

  it('reads a number as that version', () => {
    expect(typeOf({ id: ID, version: '2' })).toBe('m5.xlarge');
    expect(typeOf({ id: ID, version: '3' })).toBe('m5.2xlarge');
  });

  it('finds the template by name as well as by id', () => {
    expect(typeOf({ name: 'nodes', version: '2' })).toBe('m5.xlarge');
    expect(typeOf({ id: 'lt-0ffffffffffffffff', name: 'nodes', version: '$Latest' })).toBe('m5.2xlarge');
  });

  it('answers undefined for an unknown version, never the default version in its place', () => {
    expect(launchTemplateVersion(inventory, { id: ID, version: '7' })).toBeUndefined();
    expect(launchTemplateVersion(inventory, { id: ID, version: '$latest' })).toBeUndefined();
    expect(launchTemplateVersion(inventory, { id: ID, version: 'v2' })).toBeUndefined();
    expect(launchTemplateVersion(inventory, { id: ID, version: '' })).toBeUndefined();
  });

  it('answers undefined for a template the inventory does not hold, or one without a default version', () => {
    expect(launchTemplateVersion(inventory, { id: 'lt-0ffffffffffffffff' })).toBeUndefined();
    expect(launchTemplateVersion(inventory, {})).toBeUndefined();
    expect(launchTemplateVersion(templateAccount('none'), { id: ID })).toBeUndefined();
    expect(launchTemplateVersion(templateAccount('none'), { id: ID, version: '$Latest' })?.versionNumber).toBe(3);
  });
});

describe('clustersOfSubnet', () => {
  /**
   * `alpha` lists subnet A; `beta` has a node group in B; `gamma` has an ENI tagged for it in C; D is tagged for
   * `delta`, and `alpha`'s nodes are in A too.
   */
  const inventory = inventoryFrom(
    snapshotBuilder()
      .subnet(SUBNET_A, { cidr: '10.0.0.0/24' })
      .subnet(SUBNET_B, { cidr: '10.0.1.0/24' })
      .subnet(SUBNET_C, { cidr: '10.0.2.0/24' })
      .subnet(SUBNET_D, { cidr: '10.0.3.0/24', tags: { 'kubernetes.io/cluster/delta': 'shared' } })
      .cluster('alpha', { subnetIds: [SUBNET_A] })
      .cluster('beta', { subnetIds: [SUBNET_A] })
      .nodeGroup('alpha', 'ng-a', { subnetId: SUBNET_A })
      .nodeGroup('beta', 'ng-b', { subnetId: SUBNET_B })
      .serviceEni([], { description: 'cni', subnetId: SUBNET_C, tags: { 'cluster.k8s.amazonaws.com/name': 'gamma' } })
      .serviceEni([], { description: 'other', subnetId: SUBNET_D, tags: { 'cluster.k8s.amazonaws.com/name': 'alpha' } })
      .build(),
  );

  it('returns every cluster that uses the subnet, sorted', () => {
    expect(clustersOfSubnet(inventory, SUBNET_A)).toEqual(['alpha', 'beta']);
    expect(clustersOfSubnet(inventory, SUBNET_D)).toEqual(['alpha', 'delta']);
  });

  it('counts node groups, nodes and ENIs tagged for a cluster, not only the cluster configuration', () => {
    expect(clustersOfSubnet(inventory, SUBNET_B)).toEqual(['beta']);
    expect(clustersOfSubnet(inventory, SUBNET_C)).toEqual(['gamma']);
  });

  it('ownerOfSubnet: the one cluster that lists it, else the only user, else none', () => {
    // alpha and beta both list A: a shared subnet is not guessed to one cluster.
    expect(ownerOfSubnet(inventory, SUBNET_A)).toBeUndefined();
    expect(ownerOfSubnet(inventory, SUBNET_B)).toBe('beta');
    expect(ownerOfSubnet(inventory, SUBNET_C)).toBe('gamma');
    expect(ownerOfSubnet(inventory, SUBNET_D)).toBeUndefined();
    expect(ownerOfSubnet(inventory, undefined)).toBeUndefined();
    const listedOnce = inventoryFrom(
      snapshotBuilder()
        .subnet(SUBNET_A, { cidr: '10.0.0.0/24' })
        .cluster('alpha', { subnetIds: [SUBNET_A] })
        .cluster('beta', { subnetIds: [SUBNET_B] })
        .nodeGroup('beta', 'ng-b', { subnetId: SUBNET_A })
        .build(),
    );
    // beta's nodes run in A, but alpha is the cluster configured with it.
    expect(clustersOfSubnet(listedOnce, SUBNET_A)).toEqual(['alpha', 'beta']);
    expect(ownerOfSubnet(listedOnce, SUBNET_A)).toBe('alpha');
  });

  it('returns [] for a subnet no cluster uses', () => {
    expect(clustersOfSubnet(inventory, 'subnet-0eeeeeeeeeeeeeeee')).toEqual([]);
  });

  it('lists every cluster subnet with its clusters in clusterSubnets, in id order', () => {
    // C is used only through an ENI tag: clusterSubnets starts from clusters, node groups, nodes and subnet tags.
    expect([...clusterSubnets(inventory)]).toEqual([
      [SUBNET_A, ['alpha', 'beta']],
      [SUBNET_B, ['beta']],
      [SUBNET_D, ['alpha', 'delta']],
    ]);
  });
});

describe('nodesOf a node group', () => {
  it('returns the nodes of one node group of one cluster', () => {
    const inventory = inventoryFrom(
      snapshotBuilder()
        .cluster('prod')
        .cluster('dev')
        .nodeGroup('prod', 'ng', { nodes: 2 })
        .nodeGroup('dev', 'ng', { nodes: 1 })
        .build(),
    );
    expect(nodesOf(inventory, { cluster: 'prod', nodeGroup: 'ng' })).toHaveLength(2);
    expect(nodesOf(inventory, { cluster: 'dev', nodeGroup: 'ng' })).toHaveLength(1);
    expect(nodesOf(inventory, { cluster: 'prod', nodeGroup: 'other' })).toEqual([]);
  });
});

describe('usersOfLaunchTemplate', () => {
  it('names the node group and the nodes launched from a template, by id or by name, and nobody else', () => {
    const inventory = inventoryFrom(
      snapshotBuilder()
        .cluster('prod')
        .nodeGroup('prod', 'ng-a', { nodes: 2, kind: 'self-managed' })
        .nodeGroup('prod', 'ng-b', { nodes: 1, kind: 'self-managed' })
        .build(),
    );
    const template = inventory.launchTemplateVersions.find((version) => version.launchTemplateName === 'prod-ng-a');
    expect(template).toBeDefined();
    const byId = usersOfLaunchTemplate(inventory, template?.launchTemplateId, undefined);
    const byName = usersOfLaunchTemplate(inventory, undefined, 'prod-ng-a');
    expect(byId).toEqual(byName);
    // A self-managed group is named by its Auto Scaling group (`prod-ng-a`).
    expect(byId.map((user) => [user.cluster, user.nodeGroup, user.nodes.length])).toEqual([['prod', 'prod-ng-a', 2]]);
    expect(usersOfLaunchTemplate(inventory, 'lt-0000000000000dead', undefined)).toEqual([]);
  });
});
