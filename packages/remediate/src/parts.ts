/** A plan as the parts locators find one by one; all parts of a change must be located for it to be made. */
import type { ChangePlan } from '@podnet-guard/core';
import { rulePlanText } from '@podnet-guard/core';
import type { EditPart } from './locators/types.ts';

export function partsOf(plan: ChangePlan): EditPart[] {
  switch (plan.action) {
    case 'set-max-pods':
      return [{ kind: 'max-pods', nodeGroup: plan.nodeGroup, maxPods: plan.maxPods }];
    case 'set-instance-types':
      return [
        {
          kind: 'instance-types',
          ...(plan.nodeGroup ? { nodeGroup: plan.nodeGroup } : {}),
          ...(plan.launchTemplate ? { launchTemplate: plan.launchTemplate } : {}),
          instanceTypes: plan.instanceTypes,
        },
      ];
    case 'restrict-remote-access':
      return [{ kind: 'remote-access', nodeGroup: plan.nodeGroup, sourceSecurityGroups: plan.sourceSecurityGroups }];
    case 'revoke-rules':
      return plan.rules.map((rule) => ({ kind: 'revoke-rule', securityGroup: plan.securityGroup, rule }));
    case 'enable-prefix-delegation':
      return [
        { kind: 'prefix-delegation', cluster: plan.cluster, warmPrefixTarget: plan.warmPrefixTarget },
        ...plan.maxPods.map((entry) => ({
          kind: 'max-pods' as const,
          nodeGroup: entry.nodeGroup,
          maxPods: entry.maxPods,
        })),
      ];
  }
}

/** What a part is about, for refusal reasons. */
export function describePart(part: EditPart): string {
  const group = (owner: { cluster?: string; name: string }) =>
    owner.cluster ? `${owner.cluster}/${owner.name}` : owner.name;
  switch (part.kind) {
    case 'max-pods':
      return `maxPods of node group ${group(part.nodeGroup)}`;
    case 'instance-types':
      return part.nodeGroup
        ? `instance types of node group ${group(part.nodeGroup)}`
        : `instance type of launch template ${part.launchTemplate?.name ?? part.launchTemplate?.id ?? '?'}`;
    case 'remote-access':
      return `remote access of node group ${group(part.nodeGroup)}`;
    case 'revoke-rule':
      return `rule ${rulePlanText(part.rule)} of security group ${part.securityGroup.nameTag ?? part.securityGroup.name ?? part.securityGroup.id}`;
    case 'prefix-delegation':
      return `vpc-cni settings of cluster ${part.cluster}`;
  }
}

/** The names a templated file that cannot be parsed would mention if it owned this part. */
export function namesOf(part: EditPart): string[] {
  switch (part.kind) {
    case 'max-pods':
    case 'remote-access':
      return [part.nodeGroup.name];
    case 'instance-types':
      return [part.nodeGroup?.name ?? part.launchTemplate?.name].filter((name): name is string => Boolean(name));
    case 'revoke-rule':
      return [part.securityGroup.nameTag, part.securityGroup.name, part.securityGroup.id].filter(
        (name): name is string => Boolean(name),
      );
    case 'prefix-delegation':
      return [];
  }
}
