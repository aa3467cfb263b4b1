/**
 * SGP pod queries: which branch ENIs carry an SG, the node each pod runs on (through its trunk ENI, named by the VPC
 * resource controller's `vpcresources.k8s.aws/trunk-eni-id` tag), and the SGP pods on a set of nodes.
 */
import {
  branchEnisCarrying,
  type Inventory,
  isPodSecurityGroup,
  nodeOfBranch,
  podSgExposure,
  sgpPodsOnNodes,
} from '@podnet-guard/core';
import { describe, expect, it } from 'vitest';
import { inventoryFrom, snapshotBuilder } from '../../helpers/inventory-builder.ts';

const NODE_SG = 'sg-0d0de000000000001';
const PAYMENTS_SG = 'sg-0b0d000000000001';
const WEB_SG = 'sg-0b0d000000000002';
const NODE_A = 'i-0a1b2c3d4e5f00081';
const NODE_B = 'i-0a1b2c3d4e5f00082';
const PLAIN = 'i-0a1b2c3d4e5f00083';

/** prod: ng-sgp (two trunk nodes: two payments pods on A, one web pod on B) and ng-a (no trunk). */
function cluster(): Inventory {
  return inventoryFrom(
    snapshotBuilder()
      .cluster('prod')
      .nodeGroup('prod', 'ng-sgp', { nodeSg: NODE_SG, nodes: [NODE_A, NODE_B], trunk: true })
      .nodeGroup('prod', 'ng-a', { nodeSg: NODE_SG, nodes: [PLAIN] })
      .sgpPod(NODE_A, PAYMENTS_SG)
      .sgpPod(NODE_A, PAYMENTS_SG)
      .sgpPod(NODE_B, WEB_SG)
      .build(),
  );
}

describe('pod SG queries', () => {
  it('finds the branch ENIs that carry an SG, and only those', () => {
    const inventory = cluster();
    const branches = branchEnisCarrying(inventory, PAYMENTS_SG);
    expect(branches).toHaveLength(2);
    expect(branches.every((eni) => eni.interfaceType === 'branch')).toBe(true);
    expect(isPodSecurityGroup(inventory, PAYMENTS_SG)).toBe(true);
    // The trunk ENIs carry the node SG, but a trunk is not a pod.
    expect(isPodSecurityGroup(inventory, NODE_SG)).toBe(false);
  });

  it("ties a pod to its node through its trunk ENI's attachment", () => {
    const inventory = cluster();
    const [branch] = branchEnisCarrying(inventory, WEB_SG);
    expect(branch && nodeOfBranch(inventory, branch)?.instance.id).toBe(NODE_B);
    expect(podSgExposure(inventory, PAYMENTS_SG)).toMatchObject({
      nodeGroups: ['ng-sgp'],
      clusters: ['prod'],
      nodes: [expect.objectContaining({ cluster: 'prod', nodeGroup: 'ng-sgp' })],
    });
    expect(podSgExposure(inventory, 'sg-0fffffffffffffff1')).toEqual({
      branchEnis: [],
      nodes: [],
      nodeGroups: [],
      clusters: [],
    });
  });

  it('counts the SGP pods on nodes, leaving out those that carry a given SG', () => {
    const inventory = cluster();
    const nodes = inventory.nodes();
    expect(sgpPodsOnNodes(inventory, nodes)).toBe(3);
    expect(sgpPodsOnNodes(inventory, nodes, PAYMENTS_SG)).toBe(1);
    expect(
      sgpPodsOnNodes(
        inventory,
        nodes.filter((node) => node.instance.id === PLAIN),
      ),
    ).toBe(0);
  });
});
