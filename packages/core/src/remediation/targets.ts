/**
 * Remediation builders the detectors call: each carries every name a repository may use for the resource (SG group
 * name and `Name` tag, CloudFormation logical id, node group launch template, cluster), because `remediate` locates
 * the owning block in code by those names, not by the AWS id alone.
 */
import type { Remediation, RemediationTarget, ResourceRef } from '../types/finding.ts';
import type { Inventory, Tags } from '../types/inventory.ts';

const STACK_TAG = 'aws:cloudformation:stack-name';
const LOGICAL_ID_TAG = 'aws:cloudformation:logical-id';

function cloudFormationOf(tags: Tags | undefined): RemediationTarget['cloudFormation'] {
  const logicalId = tags?.[LOGICAL_ID_TAG];
  if (!logicalId) return undefined;
  const stackName = tags[STACK_TAG];
  return { logicalId, ...(stackName ? { stackName } : {}) };
}

/** A security group target: its id, group name, `Name` tag and CloudFormation identity when the inventory knows them. */
export function securityGroupTarget(groupId: string, inventory: Inventory): RemediationTarget {
  const group = inventory.securityGroup(groupId);
  const nameTag = group?.tags.Name;
  const cloudFormation = cloudFormationOf(group?.tags);
  return {
    type: 'security-group',
    id: groupId,
    securityGroup: { id: groupId, ...(group?.name ? { name: group.name } : {}), ...(nameTag ? { nameTag } : {}) },
    ...(cloudFormation ? { cloudFormation } : {}),
  };
}

/** A node group target: cluster, name, launch template id and version, CloudFormation identity. */
export function nodeGroupTarget(cluster: string, name: string, inventory: Inventory): RemediationTarget {
  const group = inventory.nodeGroup(cluster, name);
  const cloudFormation = cloudFormationOf(group?.tags);
  return {
    type: 'nodegroup',
    id: `${cluster}/${name}`,
    cluster,
    nodeGroup: name,
    ...(group?.launchTemplate ? { launchTemplate: { ...group.launchTemplate } } : {}),
    ...(cloudFormation ? { cloudFormation } : {}),
  };
}

/** A launch template target, with the node group and cluster that use it when known. */
export function launchTemplateTarget(
  launchTemplate: { id?: string; name?: string; version?: string },
  inventory: Inventory,
  owner: { cluster?: string; nodeGroup?: string } = {},
): RemediationTarget {
  const version = inventory.launchTemplateVersions.find(
    (candidate) =>
      candidate.launchTemplateId === launchTemplate.id &&
      (launchTemplate.version ? String(candidate.versionNumber) === launchTemplate.version : candidate.defaultVersion),
  );
  const cloudFormation = cloudFormationOf(version?.tags);
  const name = launchTemplate.name ?? version?.launchTemplateName;
  return {
    type: 'launch-template',
    id: launchTemplate.id ?? name ?? 'unknown',
    launchTemplate: { ...launchTemplate, ...(name ? { name } : {}) },
    ...(owner.cluster ? { cluster: owner.cluster } : {}),
    ...(owner.nodeGroup ? { nodeGroup: owner.nodeGroup } : {}),
    ...(cloudFormation ? { cloudFormation } : {}),
  };
}

/** Revoke these rules of a security group (`direction` on each rule, for the renderers and the locators). */
export function revokeRulesRemediation(
  groupId: string,
  rules: Record<string, unknown>[],
  direction: 'ingress' | 'egress',
  reason: string,
  inventory: Inventory,
): Remediation {
  return {
    action: 'revoke-rules',
    target: securityGroupTarget(groupId, inventory),
    revoke: rules.map((rule) => ({ direction, ...rule })),
    reason,
  };
}

/**
 * Restrict a managed node group's SSH remote access. With no known source security group (the usual case: nothing
 * in the account says which bastion should reach the nodes) the only safe value is no remote access at all.
 */
export function restrictRemoteAccessRemediation(
  cluster: string,
  nodeGroup: string,
  sourceSecurityGroups: string[],
  inventory: Inventory,
): Remediation {
  return {
    action: 'restrict-remote-access',
    target: nodeGroupTarget(cluster, nodeGroup, inventory),
    set: sourceSecurityGroups.length ? { sourceSecurityGroups } : { remoteAccess: 'none' },
    reason: sourceSecurityGroups.length
      ? 'SSH remote access is limited to the given source security groups'
      : 'SSH remote access without source security groups is open to 0.0.0.0/0, and no source security group is known: remote access is removed (use SSM Session Manager)',
  };
}

/**
 * The target of a set-instance-types remediation: a node group or a launch template. Undefined for loose instances,
 * whose owner (an Auto Scaling group, a fleet) the finding cannot name.
 */
export function instanceTypesTarget(target: ResourceRef, inventory: Inventory): RemediationTarget | undefined {
  if (target.type === 'nodegroup') {
    const slash = target.id.indexOf('/');
    return slash > 0 ? nodeGroupTarget(target.id.slice(0, slash), target.id.slice(slash + 1), inventory) : undefined;
  }
  if (target.type === 'launch-template')
    return launchTemplateTarget(target.id.startsWith('lt-') ? { id: target.id } : { name: target.id }, inventory);
  return undefined;
}
