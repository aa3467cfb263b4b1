/**
 * Questions about nodes that several rules ask of an inventory (beside `exposureOf`, which answers them for a security
 * group): which nodes a cluster or node group has, which ENIs a node holds, and its trunk ENI.
 *
 * @example
 * nodesOf(inventory, { cluster: 'prod', nodeGroup: 'ng-a' }).map((node) => node.instance.id);
 * trunkOf(inventory, node)?.id; // 'eni-0a1b2c3d4e5f00302', or undefined while the node has no trunk
 */
import type { Inventory, NetworkInterface, Node } from '../types/inventory.ts';
import { isTrunkEni } from './classify.ts';

/** A cluster, or one node group of it (managed node group, Karpenter NodePool, eksctl group or ASG name). */
export type NodeScope = { cluster: string } | { cluster: string; nodeGroup: string };

/**
 * The nodes of a cluster, or of one of its node groups, sorted by instance id (as `inventory.nodes()`).
 *
 * @example
 * nodesOf(inventory, { cluster: 'prod' }).length; // every node of prod
 */
export function nodesOf(inventory: Inventory, scope: NodeScope): Node[] {
  const group = 'nodeGroup' in scope ? scope.nodeGroup : undefined;
  return inventory
    .nodes()
    .filter((node) => node.cluster === scope.cluster && (group === undefined || node.nodeGroup === group));
}

/**
 * The trunk ENI of a node, if any: among the ENIs attached to it, and the ENIs its instance lists (DescribeInstances
 * may show a trunk that a scoped DescribeNetworkInterfaces answer did not return as attached).
 *
 * @example
 * trunkOf(inventory, inventory.node('i-0a1b2c3d4e5f00003')!)?.interfaceType; // 'trunk'
 */
export function trunkOf(inventory: Inventory, node: Node): NetworkInterface | undefined {
  const listed = node.instance.networkInterfaceIds.flatMap((id) => {
    const eni = inventory.networkInterface(id);
    return eni ? [eni] : [];
  });
  return [...inventory.networkInterfacesOf(node.instance.id), ...listed].find(isTrunkEni);
}
