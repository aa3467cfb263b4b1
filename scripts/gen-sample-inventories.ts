/**
 * Writes `events/inventory/two-clusters.json`: an SGP cluster (`payments`, vpc-cni ENABLE_POD_ENI) with a t3 node
 * group that cannot trunk and a node group on a nearly full subnet, beside a cluster without SGP (`batch`). Built with
 * the test builder so it is in the exact AWS response shapes the loader reads. Run: `npx tsx scripts/gen-sample-inventories.ts`.
 */
import { writeFileSync } from 'node:fs';
import { snapshotBuilder } from '../test/helpers/inventory-builder.ts';

const snapshot = snapshotBuilder()
  .instanceType('t3.large', { vcpus: 2, enis: 3, ipsPerEni: 12 })
  .subnet('subnet-0a00000000000000a', { cidr: '10.0.0.0/20', availabilityZone: 'eu-west-1a' })
  .subnet('subnet-0b00000000000000b', { cidr: '10.0.16.0/20', availabilityZone: 'eu-west-1b' })
  // Nearly full: 251 usable addresses, 6 free.
  .subnet('subnet-0f00000000000000f', {
    cidr: '10.0.128.0/24',
    availabilityZone: 'eu-west-1c',
    availableIpAddressCount: 6,
  })
  .cluster('payments', {
    clusterSg: 'sg-0c1a5000000000002',
    subnetIds: ['subnet-0a00000000000000a', 'subnet-0f00000000000000f'],
  })
  .addon(
    'payments',
    'vpc-cni',
    JSON.stringify({ env: { ENABLE_POD_ENI: 'true', POD_SECURITY_GROUP_ENFORCING_MODE: 'standard' } }),
  )
  .securityGroup('sg-0d0de000000000002', { name: 'payments-nodes' })
  .nodeGroup('payments', 'ng-api', {
    instanceType: 'm5.large',
    nodeSg: 'sg-0d0de000000000002',
    nodes: 2,
    secondaryIpsPerNode: 9,
    trunk: true,
    subnetId: 'subnet-0a00000000000000a',
  })
  .nodeGroup('payments', 'ng-burst', {
    instanceType: 't3.large',
    nodeSg: 'sg-0d0de000000000002',
    nodes: 2,
    secondaryIpsPerNode: 11,
    subnetId: 'subnet-0f00000000000000f',
  })
  .cluster('batch', { clusterSg: 'sg-0c1a5000000000003', subnetIds: ['subnet-0b00000000000000b'] })
  .addon('batch', 'vpc-cni', JSON.stringify({ env: { WARM_ENI_TARGET: '1' } }))
  .securityGroup('sg-0d0de000000000003', { name: 'batch-nodes' })
  .nodeGroup('batch', 'ng-jobs', {
    instanceType: 't3.large',
    nodeSg: 'sg-0d0de000000000003',
    nodes: 3,
    secondaryIpsPerNode: 11,
    subnetId: 'subnet-0b00000000000000b',
  })
  .build();

const path = new URL('../events/inventory/two-clusters.json', import.meta.url);
writeFileSync(path, `${JSON.stringify(snapshot, null, 1)}\n`);
console.log(`wrote ${path.pathname}`);
