import { buildInventory, type Inventory, nodesOf, trunkOf } from '@podnet-guard/core';
import { describe, expect, it } from 'vitest';
import { inventoryFrom, snapshotBuilder } from '../../helpers/inventory-builder.ts';

const NODE_SG = 'sg-0d0de000000000001';
const SGP_NODE = 'i-0a1b2c3d4e5f00071';
const PLAIN_NODE = 'i-0a1b2c3d4e5f00072';
const OTHER_CLUSTER_NODE = 'i-0a1b2c3d4e5f00073';

/** prod: ng-sgp (one node with a trunk) and ng-a (one node without); dev: one node. */
function twoClusters(): Inventory {
  return inventoryFrom(
    snapshotBuilder()
      .subnet('subnet-0a00000000000000a', { cidr: '10.0.0.0/20' })
      .cluster('prod')
      .cluster('dev')
      .nodeGroup('prod', 'ng-sgp', { nodeSg: NODE_SG, nodes: [SGP_NODE], trunk: true, secondaryIpsPerNode: 20 })
      .nodeGroup('prod', 'ng-a', { nodeSg: NODE_SG, nodes: [PLAIN_NODE] })
      .nodeGroup('dev', 'ng-a', { nodeSg: NODE_SG, nodes: [OTHER_CLUSTER_NODE] })
      .build(),
  );
}

function node(inventory: Inventory, instanceId: string) {
  const found = inventory.node(instanceId);
  if (!found) throw new Error(`${instanceId} is a node`);
  return found;
}

describe('nodesOf', () => {
  it('lists the nodes of a cluster, sorted by instance id', () => {
    expect(nodesOf(twoClusters(), { cluster: 'prod' }).map((n) => n.instance.id)).toEqual([SGP_NODE, PLAIN_NODE]);
    expect(nodesOf(twoClusters(), { cluster: 'dev' }).map((n) => n.instance.id)).toEqual([OTHER_CLUSTER_NODE]);
  });

  it('lists the nodes of one node group of a cluster (a name another cluster also uses stays apart)', () => {
    expect(nodesOf(twoClusters(), { cluster: 'prod', nodeGroup: 'ng-a' }).map((n) => n.instance.id)).toEqual([
      PLAIN_NODE,
    ]);
    expect(nodesOf(twoClusters(), { cluster: 'prod', nodeGroup: 'ng-none' })).toEqual([]);
    expect(nodesOf(twoClusters(), { cluster: 'staging' })).toEqual([]);
  });
});

describe('inventory.networkInterfacesOf', () => {
  it("lists every ENI attached to the instance, the trunk included, and no other instance's", () => {
    const inventory = twoClusters();
    const enis = inventory.networkInterfacesOf(SGP_NODE);
    expect(enis.length).toBeGreaterThan(1);
    expect(enis.every((eni) => eni.attachment?.instanceId === SGP_NODE)).toBe(true);
    expect(enis.some((eni) => eni.interfaceType === 'trunk')).toBe(true);
    expect(inventory.networkInterfacesOf('i-0000000000000000f')).toEqual([]);
  });
});

describe('trunkOf', () => {
  it('finds the trunk ENI attached to a node', () => {
    const inventory = twoClusters();
    expect(trunkOf(inventory, node(inventory, SGP_NODE))).toMatchObject({ interfaceType: 'trunk' });
  });

  it('is undefined for a node without a trunk', () => {
    const inventory = twoClusters();
    expect(trunkOf(inventory, node(inventory, PLAIN_NODE))).toBeUndefined();
  });

  it("finds a trunk the instance lists though the ENI's answer shows no attachment", () => {
    const full = twoClusters();
    const trunkId = trunkOf(full, node(full, SGP_NODE))?.id;
    const detached = buildInventory({
      ...full,
      networkInterfaces: full.networkInterfaces.map((eni) => {
        if (eni.id !== trunkId) return eni;
        const { attachment: _attachment, ...rest } = eni;
        return rest;
      }),
    });
    expect(detached.networkInterfacesOf(SGP_NODE).some((eni) => eni.id === trunkId)).toBe(false);
    expect(trunkOf(detached, node(detached, SGP_NODE))?.id).toBe(trunkId);
  });
});
