/**
 * The node group a CreateNodegroup / UpdateNodegroupConfig / UpdateNodegroupVersion call leaves behind, as the two
 * state rules (`subnet-headroom-low`, `max-pods-over-ip-capacity`) judge it: what the call set, over live state.
 */
import type { EventDetail } from '../../cloudtrail/types.ts';
import { launchTemplateVersion } from '../../inventory/queries.ts';
import type { Inventory, NodeGroup } from '../../types/inventory.ts';

/**
 * The node group after the call. A node group created by this call has no Auto Scaling group or EKS launch template
 * yet: a same-named group in live state is an older one, so only an update reads it. Live state may lag: what the
 * call set wins over what describe shows. Without instance types, the launch template's type (when the version is
 * known) stands in.
 */
export function nodeGroupAfter(
  detail: Extract<EventDetail, { kind: 'nodegroup-changed' }>,
  inventory: Inventory,
): NodeGroup {
  const live =
    detail.operation === 'create' ? undefined : inventory.nodeGroup(detail.clusterName, detail.nodegroupName);
  const group: NodeGroup = {
    clusterName: detail.clusterName,
    name: detail.nodegroupName,
    instanceTypes: detail.instanceTypes.length ? detail.instanceTypes : (live?.instanceTypes ?? []),
    subnets: detail.subnets.length ? detail.subnets : (live?.subnets ?? []),
    scaling: { ...(live?.scaling ?? {}), ...(detail.scaling ?? {}) },
    autoScalingGroupNames: live?.autoScalingGroupNames ?? [],
    labels: live?.labels ?? {},
    tags: live?.tags ?? {},
    ...(detail.launchTemplate
      ? { launchTemplate: { ...(live?.launchTemplate ?? {}), ...detail.launchTemplate } }
      : live?.launchTemplate
        ? { launchTemplate: live.launchTemplate }
        : {}),
  };
  if (group.instanceTypes.length === 0 && group.launchTemplate) {
    const version = launchTemplateVersion(inventory, group.launchTemplate);
    if (version?.instanceType) group.instanceTypes = [version.instanceType];
  }
  return group;
}
