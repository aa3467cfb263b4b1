/** groupNeed: what a node group still needs from one of its subnets to reach its maximum size. */
import { groupNeed } from '@podnet-guard/core';
import { describe, expect, it } from 'vitest';
import { inventoryFrom, snapshotBuilder } from '../../helpers/inventory-builder.ts';
import { FULL_SUBNET, sampleAccount } from '../detectors/ip-pool-exhaustion/fixtures.ts';

const SUBNET_A = 'subnet-0a00000000000000a';

describe('groupNeed', () => {
  it('counts the SGP node group of the sample account: the trunk takes a slot, its primary IP stays', () => {
    const inventory = sampleAccount();
    const need = groupNeed(inventory, inventory.nodeGroup('prod', 'ng-sgp')!, FULL_SUBNET);
    expect(need).toMatchObject({ nodeGroup: 'ng-sgp', cluster: 'prod', instanceType: 'm5.xlarge', ips: 46 });
    expect(need?.formula).toContain('(trunk primary)');
  });

  it('spreads the growth evenly over the group subnets: 4 − 1 nodes on one subnet, secondary-IP mode', () => {
    const inventory = inventoryFrom(
      snapshotBuilder()
        .subnet(SUBNET_A, { cidr: '10.0.0.0/24' })
        .cluster('dev', { subnetIds: [SUBNET_A] })
        .addon('dev', 'vpc-cni', '{}')
        .nodeGroup('dev', 'ng', { instanceType: 'm5.large', nodes: 1, subnetId: SUBNET_A })
        .build(),
    );
    // maxSize 4 (the builder's default), 1 node: 3 more m5.large nodes, each 3 ENIs × 10 IPs.
    expect(groupNeed(inventory, inventory.nodeGroup('dev', 'ng')!, SUBNET_A)).toMatchObject({
      growth: 3,
      nodesHere: 3,
      ips: 90,
      blocks: 0,
      formula: '3 node(s) × 3 × 10 = 30 IPs',
    });
  });

  it('asks for /28 blocks under prefix delegation', () => {
    const inventory = inventoryFrom(
      snapshotBuilder()
        .subnet(SUBNET_A, { cidr: '10.0.0.0/24' })
        .cluster('dev', { subnetIds: [SUBNET_A] })
        .addon('dev', 'vpc-cni', '{"env":{"ENABLE_PREFIX_DELEGATION":"true"}}')
        .nodeGroup('dev', 'ng', { instanceType: 'm5.large', nodes: 1, subnetId: SUBNET_A })
        .build(),
    );
    // maxPods 110 (EKS cap under prefix delegation): ceil(110 / 16) + 1 = 8 blocks per node.
    expect(groupNeed(inventory, inventory.nodeGroup('dev', 'ng')!, SUBNET_A)).toMatchObject({ blocks: 24, ips: 3 });
  });

  it('needs nothing from a subnet the group does not use, without a maximum, or at its maximum', () => {
    const inventory = sampleAccount();
    const group = inventory.nodeGroup('prod', 'ng-sgp')!;
    expect(groupNeed(inventory, group, 'subnet-0eeeeeeeeeeeeeeee')).toBeUndefined();
    expect(groupNeed(inventory, { ...group, scaling: {} }, FULL_SUBNET)).toBeUndefined();
    expect(groupNeed(inventory, { ...group, scaling: { maxSize: 0 } }, FULL_SUBNET)).toBeUndefined();
  });

  it('gives no need for a type nobody knows', () => {
    const inventory = sampleAccount();
    const group = inventory.nodeGroup('prod', 'ng-sgp')!;
    expect(groupNeed(inventory, { ...group, instanceTypes: ['zz9.large'] }, FULL_SUBNET)).toBeUndefined();
  });
});
