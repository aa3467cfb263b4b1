/**
 * Terraform (`.tf`, with values from `variable` defaults and `.tfvars`): raw resources (tf-security-groups.ts,
 * tf-node-groups.ts, tf-addons.ts) and callers of the terraform-aws-modules/eks/aws module (tf-eks-module.ts). Each
 * `.tf` file answers for the blocks it holds; a value its blocks read from elsewhere in the module is edited there.
 * Module internals (`.terraform/modules`) are never read: the caller owns the values.
 */
import type { Scope } from '../hcl/evaluate.ts';
import { addonCandidates } from './tf-addons.ts';
import { eksModuleCandidates } from './tf-eks-module.ts';
import {
  clusterName,
  instanceTypes,
  launchTemplateMaxPods,
  launchTemplatesNamed,
  launchTemplateType,
  nodeGroupBlocks,
  nodeGroupMaxPods,
  remoteAccess,
} from './tf-node-groups.ts';
import { revokeRuleCandidates } from './tf-security-groups.ts';
import { moduleOf, tfCandidate } from './tf-shared.ts';
import type { Candidate, EditPart, Locator, ParsedFile } from './types.ts';

export const terraformLocator: Locator = {
  format: 'terraform',
  locate(file: ParsedFile, part: EditPart, repo: readonly ParsedFile[]): Candidate[] {
    if (!file.hcl || !file.path.endsWith('.tf')) return [];
    const scope: Scope = { doc: file.hcl, module: moduleOf(file.hcl, repo) };
    return [...resourceCandidates(scope, part), ...eksModuleCandidates(scope, part)];
  },
};

function resourceCandidates(scope: Scope, part: EditPart): Candidate[] {
  switch (part.kind) {
    case 'revoke-rule':
      return revokeRuleCandidates(scope, part.securityGroup, part.rule);
    case 'remote-access':
      return nodeGroupBlocks(part.nodeGroup, scope).map((group) =>
        remoteAccess(group, part.sourceSecurityGroups, scope),
      );
    case 'instance-types': {
      if (part.nodeGroup) {
        const groups = nodeGroupBlocks(part.nodeGroup, scope);
        if (groups.length || nodeGroupBlocks(part.nodeGroup, scope, true).length)
          return groups.map((group) => instanceTypes(group, part.instanceTypes, scope));
      }
      const name = part.launchTemplate?.name;
      return name
        ? ownTemplates(name, scope).map((template) =>
            tfCandidate(template.doc, template.node, () => launchTemplateType(template, part.instanceTypes, scope)),
          )
        : [];
    }
    case 'max-pods': {
      const groups = nodeGroupBlocks(part.nodeGroup, scope);
      if (groups.length || nodeGroupBlocks(part.nodeGroup, scope, true).length)
        return groups.map((group) => nodeGroupMaxPods(group, part.maxPods, scope));
      // The node group is not in this code (a console or module group): its launch template by name may be.
      const name = part.nodeGroup.launchTemplate?.name;
      return name
        ? ownTemplates(name, scope).map((template) =>
            tfCandidate(template.doc, template.node, () => launchTemplateMaxPods(template, part.maxPods, scope)),
          )
        : [];
    }
    case 'prefix-delegation':
      return addonCandidates(scope, part.cluster, part.warmPrefixTarget, (block) => clusterName(block, scope));
  }
}

function ownTemplates(name: string, scope: Scope) {
  return launchTemplatesNamed(name, scope).filter((template) => template.doc === scope.doc);
}
