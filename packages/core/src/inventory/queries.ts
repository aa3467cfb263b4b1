/**
 * Inventory facts more than one rule (and the report) asks, answered in one place so two callers never disagree:
 * which launch template version a reference means, which clusters use a subnet, which nodes a node group has. Pure
 * functions over an {@link Inventory}; beside `inventory.exposureOf` (inventory.ts), which is memoised per SG.
 */
import type { Inventory, LaunchTemplateVersion, Node } from '../types/inventory.ts';
import { clusterFromTags, clusterOfEniTags } from './classify.ts';

/** A launch template as EKS, Auto Scaling and EC2 name it: by id or name, and a version selector. */
export interface LaunchTemplateRef {
  id?: string;
  name?: string;
  /** `$Latest`, `$Default`, a version number as text, or absent (the default version, as EC2 and EKS read it). */
  version?: string;
}

const VERSION_NUMBER = /^\d+$/;

/**
 * The launch template version a reference means, among the versions the inventory holds (matched by id or name):
 * `$Latest` is the highest version number, `$Default` and an absent version the default version, a number that
 * version.
 *
 * An unknown version answers undefined, never another version: a number the inventory does not hold (a version
 * created after the snapshot, or one the loader did not read) and a selector that is none of the above (`$latest`,
 * `v2`, ''). A guard must not judge a node group by the content of a version it may not run, so callers treat
 * undefined as "not known" (effective maxPods then falls back to the EKS default for the type). The same holds when
 * the template is not in the inventory at all, or no version of it is marked default.
 *
 * @example
 * launchTemplateVersion(inventory, { id: 'lt-0123', version: '$Latest' })?.versionNumber; // 3
 * launchTemplateVersion(inventory, { name: 'nodes', version: '7' }); // undefined when v7 was not loaded
 */
export function launchTemplateVersion(inventory: Inventory, ref: LaunchTemplateRef): LaunchTemplateVersion | undefined {
  const versions = inventory.launchTemplateVersions.filter(
    (version) =>
      (ref.id !== undefined && version.launchTemplateId === ref.id) ||
      (ref.name !== undefined && version.launchTemplateName === ref.name),
  );
  return selectLaunchTemplateVersion(versions, ref.version);
}

/** Among one template's versions, the one a selector means (see {@link launchTemplateVersion}); undefined when unknown. */
export function selectLaunchTemplateVersion(
  versions: readonly LaunchTemplateVersion[],
  selector: string | undefined,
): LaunchTemplateVersion | undefined {
  if (versions.length === 0) return undefined;
  if (selector === '$Latest') return versions.reduce((a, b) => (b.versionNumber > a.versionNumber ? b : a));
  if (selector === undefined || selector === '$Default') return versions.find((version) => version.defaultVersion);
  if (VERSION_NUMBER.test(selector)) return versions.find((version) => version.versionNumber === Number(selector));
  return undefined;
}

/**
 * Every cluster that uses a subnet, sorted: the clusters that list it, node groups in it, nodes in it, the nodes (or
 * cluster tags) of ENIs in it, and the subnet's own cluster tag. Empty when none does. A caller that needs one owner
 * decides what several mean; this says who is there.
 *
 * @example
 * clustersOfSubnet(inventory, 'subnet-0f00000000000000f'); // ['prod']
 */
export function clustersOfSubnet(inventory: Inventory, subnetId: string): string[] {
  const clusters = new Set<string>();
  for (const cluster of inventory.clusters) if (cluster.subnetIds.includes(subnetId)) clusters.add(cluster.name);
  for (const group of inventory.nodeGroups) if (group.subnets.includes(subnetId)) clusters.add(group.clusterName);
  for (const node of inventory.nodes()) if (node.instance.subnetId === subnetId) clusters.add(node.cluster);
  for (const eni of inventory.networkInterfaces) {
    if (eni.subnetId !== subnetId) continue;
    const instanceId = eni.attachment?.instanceId;
    const node = instanceId ? inventory.node(instanceId) : undefined;
    const cluster = node?.cluster ?? clusterOfEniTags(eni.tags);
    if (cluster) clusters.add(cluster);
  }
  const subnet = inventory.subnet(subnetId);
  const tagged = subnet ? clusterFromTags(subnet.tags) : undefined;
  if (tagged) clusters.add(tagged);
  return [...clusters].sort();
}

/**
 * The one cluster a subnet serves, for a finding that knows only the subnet (a failed ENI creation): the cluster whose
 * configuration lists it when exactly one does, else the only cluster of {@link clustersOfSubnet}; undefined when
 * none or several (a shared subnet is named by the finding's subnet, not guessed to a cluster).
 */
export function ownerOfSubnet(inventory: Inventory, subnetId: string | undefined): string | undefined {
  if (!subnetId) return undefined;
  const listing = inventory.clusters.filter((cluster) => cluster.subnetIds.includes(subnetId));
  if (listing.length === 1) return listing[0]?.name;
  const users = clustersOfSubnet(inventory, subnetId);
  return users.length === 1 ? users[0] : undefined;
}

/**
 * Every subnet some cluster uses (its own subnets, its node groups', its nodes', subnets tagged for it), in id order,
 * each with {@link clustersOfSubnet}.
 *
 * @example
 * clusterSubnets(inventory).get('subnet-0f00000000000000f'); // ['prod']
 */
export function clusterSubnets(inventory: Inventory): Map<string, string[]> {
  const ids = new Set<string>();
  for (const cluster of inventory.clusters) for (const id of cluster.subnetIds) ids.add(id);
  for (const group of inventory.nodeGroups) for (const id of group.subnets) ids.add(id);
  for (const node of inventory.nodes()) if (node.instance.subnetId) ids.add(node.instance.subnetId);
  for (const subnet of inventory.subnets) if (clusterFromTags(subnet.tags)) ids.add(subnet.id);
  const result = new Map<string, string[]>();
  for (const id of [...ids].sort()) {
    const clusters = clustersOfSubnet(inventory, id);
    if (clusters.length > 0) result.set(id, clusters);
  }
  return result;
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
