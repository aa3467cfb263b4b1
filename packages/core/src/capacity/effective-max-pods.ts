/**
 * The maxPods a managed node group's nodes really run with. EKS writes its own launch template for each group (and a
 * custom template's user data may override the value), so the instance type alone does not say it; pure over the
 * inventory, no AWS call.
 */
import { launchTemplateVersion } from '../inventory/queries.ts';
import type { Inventory, LaunchTemplateVersion, NodeGroup } from '../types/inventory.ts';
import { computeMaxPods, plainMaxPodsArithmetic } from './max-pods.ts';
import { readMaxPodsFromUserData } from './user-data.ts';

/** The maxPods a node group's nodes run with, and where the value came from. */
export interface EffectiveMaxPods {
  value: number;
  source: string;
}

/** The kubelet's own default when nothing sets maxPods (`bootstrap.sh --use-max-pods false`). */
const KUBELET_DEFAULT_MAX_PODS = 110;

function templateLabel(version: LaunchTemplateVersion): string {
  return `${version.launchTemplateName ?? version.launchTemplateId} v${version.versionNumber}`;
}

/**
 * The maxPods a managed node group really runs with: the kubelet setting in its launch template's user data, else in
 * the launch template EKS writes for the group (`eks-…`, named through its Auto Scaling group), else the EKS default
 * for the type (the VPC CNI formula with the EKS cap, which ignores the SGP trunk). A template version the inventory
 * does not hold sets nothing (see `launchTemplateVersion`).
 *
 * @throws Error from `computeMaxPods` for an instance type nobody knows (or prefix delegation on a non-Nitro type).
 * @example
 * effectiveMaxPods(inventory, nodeGroup, 'm5.xlarge', false); // { value: 58, source: 'EKS launch template eks-… v1 (nodeadm maxPods)' }
 */
export function effectiveMaxPods(
  inventory: Inventory,
  group: NodeGroup,
  instanceType: string,
  prefixDelegation: boolean,
): EffectiveMaxPods {
  const versionOf = (ref: NodeGroup['launchTemplate']) => (ref ? launchTemplateVersion(inventory, ref) : undefined);
  const candidates: { version: LaunchTemplateVersion | undefined; label: string }[] = [
    { version: versionOf(group.launchTemplate), label: 'launch template' },
    ...group.autoScalingGroupNames.map((name) => ({
      version: versionOf(inventory.autoScalingGroups.find((asg) => asg.name === name)?.launchTemplate),
      label: 'EKS launch template',
    })),
  ];
  for (const { version, label } of candidates) {
    if (!version?.userData) continue;
    const read = readMaxPodsFromUserData(version.userData);
    if (read.maxPods !== undefined)
      return { value: read.maxPods, source: `${label} ${templateLabel(version)} (${read.source})` };
    // bootstrap.sh --use-max-pods false without --max-pods leaves the kubelet default.
    if (read.useMaxPods === false)
      return {
        value: KUBELET_DEFAULT_MAX_PODS,
        source: `${label} ${templateLabel(version)} (--use-max-pods false: kubelet default)`,
      };
  }
  const typeInfo = inventory.instanceTypes.find((type) => type.instanceType === instanceType);
  const computed = computeMaxPods(instanceType, {
    prefixDelegation,
    cap: 'eks',
    ...(typeInfo ? { instanceTypeInfo: typeInfo } : {}),
  });
  return { value: computed.maxPods, source: `EKS default for ${instanceType}: ${plainMaxPodsArithmetic(computed)}` };
}
