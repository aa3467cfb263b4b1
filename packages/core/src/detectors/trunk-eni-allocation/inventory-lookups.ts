/**
 * Inventory lookups only this detector makes today: the cluster of a subnet, and launch templates (the type a version
 * sets, who launches nodes from a template). Kept here until the shared inventory queries take them over.
 */
import type { Inventory, Node } from '../../types/inventory.ts';

/** The one cluster a subnet belongs to (by the cluster's subnets, else by its nodes); undefined when none or several. */
export function clusterOfSubnet(subnetId: string | undefined, inventory: Inventory): string | undefined {
  if (!subnetId) return undefined;
  const owners = inventory.clusters.filter((cluster) => cluster.subnetIds.includes(subnetId));
  if (owners.length === 1) return owners[0]?.name;
  const nodeClusters = new Set(
    inventory
      .nodes()
      .filter((node) => node.instance.subnetId === subnetId)
      .map((node) => node.cluster),
  );
  return nodeClusters.size === 1 ? [...nodeClusters][0] : undefined;
}

/** The instance type a launch template version sets: the named version, `$Latest`, or the default. */
export function launchTemplateType(
  inventory: Inventory,
  template: { id?: string; name?: string; version?: string },
): string | undefined {
  const versions = inventory.launchTemplateVersions.filter(
    (version) =>
      (template.id !== undefined && version.launchTemplateId === template.id) ||
      (template.name !== undefined && version.launchTemplateName === template.name),
  );
  const wanted = template.version;
  const chosen =
    wanted && /^\d+$/.test(wanted)
      ? versions.find((version) => version.versionNumber === Number(wanted))
      : wanted === '$Latest'
        ? [...versions].sort((a, b) => b.versionNumber - a.versionNumber)[0]
        : versions.find((version) => version.defaultVersion);
  return chosen?.instanceType;
}

/** Who launches nodes from a launch template: managed node groups that name it, and nodes launched from it. */
export function usersOfLaunchTemplate(
  inventory: Inventory,
  id: string | undefined,
  name: string | undefined,
): { cluster: string; nodeGroup?: string; nodes: Node[] }[] {
  const templateId =
    id ?? inventory.launchTemplateVersions.find((version) => version.launchTemplateName === name)?.launchTemplateId;
  const matches = (template: { id?: string; name?: string } | undefined) =>
    template !== undefined &&
    ((templateId !== undefined && template.id === templateId) || (name !== undefined && template.name === name));
  const users = new Map<string, { cluster: string; nodeGroup?: string; nodes: Node[] }>();
  const user = (cluster: string, nodeGroup: string | undefined) => {
    const key = `${cluster}/${nodeGroup ?? ''}`;
    const existing = users.get(key) ?? { cluster, ...(nodeGroup ? { nodeGroup } : {}), nodes: [] };
    users.set(key, existing);
    return existing;
  };
  for (const nodeGroup of inventory.nodeGroups)
    if (matches(nodeGroup.launchTemplate)) user(nodeGroup.clusterName, nodeGroup.name);
  for (const node of inventory.nodes()) {
    if (matches(node.instance.launchTemplate)) user(node.cluster, node.nodeGroup).nodes.push(node);
  }
  return [...users.values()];
}
