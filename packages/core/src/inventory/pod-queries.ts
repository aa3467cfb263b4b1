/**
 * Questions about SGP pods (security groups for pods) that rules ask of an inventory: which branch ENIs carry a
 * security group (its pods), which nodes and node groups those pods run on, and how many SGP pods a set of nodes
 * holds. A branch ENI is tied to its node through its trunk ENI: the VPC resource controller tags it with
 * `vpcresources.k8s.aws/trunk-eni-id`, and the trunk is attached to the node.
 *
 * @example
 * podSgExposure(inventory, 'sg-0b0d000000000001').branchEnis.length; // SGP pods whose branch ENIs carry the SG
 * sgpPodsOnNodes(inventory, exposure.nodes, 'sg-0d0de000000000001'); // SGP pods there that the node SG does not cover
 */
import { sortedUnique } from '../collections.ts';
import type { Inventory, NetworkInterface, Node } from '../types/inventory.ts';
import { clusterOfEniTags, isBranchEni, TRUNK_ENI_TAG } from './classify.ts';
import { trunkOf } from './node-queries.ts';

/** Who a pod security group governs: the SGP pods whose branch ENIs carry it, their nodes, node groups and clusters. */
export interface PodSgExposure {
  branchEnis: NetworkInterface[];
  /** Nodes the pods run on (through their trunk ENIs), sorted by instance id. */
  nodes: Node[];
  nodeGroups: string[];
  clusters: string[];
}

/** Branch ENIs (one SGP pod each) that carry the security group now. */
export function branchEnisCarrying(inventory: Inventory, groupId: string): NetworkInterface[] {
  return inventory.networkInterfacesWith(groupId).filter(isBranchEni);
}

/** True when any branch ENI carries the SG now: a pod security group. */
export function isPodSecurityGroup(inventory: Inventory, groupId: string): boolean {
  return inventory.networkInterfacesWith(groupId).some(isBranchEni);
}

/** The node a branch ENI's pod runs on: its trunk ENI's instance. */
export function nodeOfBranch(inventory: Inventory, branch: NetworkInterface): Node | undefined {
  const trunk = branch.tags[TRUNK_ENI_TAG];
  const instanceId = trunk ? inventory.networkInterface(trunk)?.attachment?.instanceId : undefined;
  return instanceId ? inventory.node(instanceId) : undefined;
}

/** The SGP pods that carry a security group, and the nodes, node groups and clusters they run in. */
export function podSgExposure(inventory: Inventory, groupId: string): PodSgExposure {
  const branchEnis = branchEnisCarrying(inventory, groupId);
  const nodes = new Map<string, Node>();
  const clusters: string[] = [];
  for (const branch of branchEnis) {
    const node = nodeOfBranch(inventory, branch);
    if (node) nodes.set(node.instance.id, node);
    const cluster = node?.cluster ?? clusterOfEniTags(branch.tags);
    if (cluster) clusters.push(cluster);
  }
  const nodeList = [...nodes.values()].sort((a, b) => a.instance.id.localeCompare(b.instance.id));
  return {
    branchEnis,
    nodes: nodeList,
    nodeGroups: sortedUnique(nodeList.flatMap((node) => (node.nodeGroup ? [node.nodeGroup] : []))),
    clusters: sortedUnique(clusters),
  };
}

/** SGP pods (branch ENIs) on the nodes, leaving out those whose branch ENIs carry `exceptGroupId`. */
export function sgpPodsOnNodes(inventory: Inventory, nodes: readonly Node[], exceptGroupId?: string): number {
  let count = 0;
  for (const node of nodes) {
    const trunk = trunkOf(inventory, node);
    for (const branch of trunk ? inventory.branchesOfTrunk(trunk.id) : []) {
      if (exceptGroupId === undefined || !branch.groupIds.includes(exceptGroupId)) count += 1;
    }
  }
  return count;
}
