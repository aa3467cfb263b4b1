/**
 * CloudFormation templates, YAML (short-form tags kept as written) or JSON: managed node groups
 * (`AWS::EKS::Nodegroup` InstanceTypes, RemoteAccess), launch templates (InstanceType, user data maxPods), and the
 * parameter `Default` a value comes from (a new instance type joins the parameter's `AllowedValues`). Security group
 * rules are in cfn-security-groups.ts.
 */
import type { NodeGroupOwner } from '@podnet-guard/core';
import type { TextEdit } from '../text-edit.ts';
import { EditError, isRecord, type Path, type TreeDoc } from '../tree/types.ts';
import { isTemplate, type Resource, referencedResource, resolve, resources, type Template } from './cfn-model.ts';
import { revokeRuleCandidates } from './cfn-security-groups.ts';
import { candidate, sameList, str } from './shared.ts';
import type { Candidate, EditPart, Locator, ParsedFile } from './types.ts';
import { editBootstrapArguments, editUserDataMaxPods } from './user-data.ts';

const MANAGED_REPLACED =
  'CloudFormation replaces a managed node group whose instance types or remote access change: a new group is created and the old one drained and deleted on stack update.';
const LAUNCH_TEMPLATE_NOTE =
  'The stack update creates a new launch template version: a managed node group rolls its nodes to it; a self-managed Auto Scaling group replaces nodes by its UpdatePolicy (or an instance refresh).';

export const cloudFormationLocator: Locator = {
  format: 'cloudformation',
  locate(file: ParsedFile, part: EditPart): Candidate[] {
    const out: Candidate[] = [];
    for (const doc of file.docs) {
      const template = doc.value;
      if (!isTemplate(template)) continue;
      switch (part.kind) {
        case 'revoke-rule':
          out.push(...revokeRuleCandidates(doc, template, part.securityGroup, part.rule));
          break;
        case 'max-pods':
          for (const group of nodeGroupResources(template, part.nodeGroup))
            out.push(candidate(doc, resourcePath(group), () => maxPods(doc, template, group, part.maxPods)));
          break;
        case 'instance-types': {
          const groups = part.nodeGroup ? nodeGroupResources(template, part.nodeGroup) : [];
          for (const group of groups)
            out.push(
              candidate(doc, resourcePath(group), () => nodeGroupTypes(doc, template, group, part.instanceTypes)),
            );
          if (groups.length === 0 && part.launchTemplate) {
            const wanted = part.launchTemplate;
            for (const template_ of resources(template, 'AWS::EC2::LaunchTemplate')) {
              const name = str(template_.properties.LaunchTemplateName);
              const matches =
                (wanted.cloudFormationLogicalId && template_.logicalId === wanted.cloudFormationLogicalId) ||
                (wanted.name !== undefined && name === wanted.name);
              if (matches)
                out.push(
                  candidate(doc, resourcePath(template_), () =>
                    launchTemplateType(doc, template, template_, part.instanceTypes),
                  ),
                );
            }
          }
          break;
        }
        case 'remote-access':
          for (const group of nodeGroupResources(template, part.nodeGroup).filter(
            (g) => g.type === 'AWS::EKS::Nodegroup',
          ))
            out.push(candidate(doc, resourcePath(group), () => remoteAccess(doc, group, part.sourceSecurityGroups)));
          break;
        case 'prefix-delegation':
          break;
      }
    }
    return out;
  },
};

function resourcePath(resource: Resource): Path {
  return ['Resources', resource.logicalId];
}

function propertyPath(resource: Resource, ...rest: (string | number)[]): Path {
  return ['Resources', resource.logicalId, 'Properties', ...rest];
}

/** Literal value, or a parameter's Default; undefined when computed. */
function known(template: Template, value: unknown): unknown {
  const resolved = resolve(template, value);
  return resolved.kind === 'literal' ? resolved.value : resolved.kind === 'parameter' ? resolved.default : undefined;
}

/** Managed node groups by NodegroupName (or its parameter's Default) and cluster; either kind by logical id. */
function nodeGroupResources(template: Template, owner: NodeGroupOwner): Resource[] {
  return resources(template).filter((resource) => {
    if (owner.cloudFormationLogicalId && resource.logicalId === owner.cloudFormationLogicalId)
      return resource.type === 'AWS::EKS::Nodegroup' || resource.type === 'AWS::AutoScaling::AutoScalingGroup';
    if (resource.type !== 'AWS::EKS::Nodegroup') return false;
    if (known(template, resource.properties.NodegroupName) !== owner.name) return false;
    const cluster = known(template, resource.properties.ClusterName);
    return !owner.cluster || cluster === undefined || cluster === owner.cluster;
  });
}

/** The launch template resource a node group or Auto Scaling group uses, when it is in this template. */
function launchTemplateOf(template: Template, group: Resource): Resource {
  const spec = group.properties.LaunchTemplate;
  if (!isRecord(spec)) throw new EditError(`${group.logicalId} has no launch template in this template`);
  const ref = spec.Id ?? spec.LaunchTemplateId ?? spec.Name ?? spec.LaunchTemplateName;
  const logicalId = referencedResource(template, ref);
  const found = logicalId
    ? resources(template, 'AWS::EC2::LaunchTemplate').find((r) => r.logicalId === logicalId)
    : undefined;
  if (!found) throw new EditError(`${group.logicalId} uses a launch template defined outside this template`);
  return found;
}

function setFromParameter(
  doc: TreeDoc,
  template: Template,
  name: string,
  value: string,
  newItems: string[],
): TextEdit[] {
  const parameter = (template.Parameters as Record<string, Record<string, unknown>>)[name]!;
  if (parameter.Default === undefined)
    throw new EditError(`parameter ${name} has no Default: its value is given at deploy time`);
  const edits = doc.replace(['Parameters', name, 'Default'], value);
  const allowed = parameter.AllowedValues;
  if (Array.isArray(allowed))
    for (const item of newItems)
      if (!allowed.includes(item)) edits.push(...doc.append(['Parameters', name, 'AllowedValues'], item));
  return edits;
}

function maxPods(doc: TreeDoc, template: Template, group: Resource, value: number): Omit<Candidate, 'path' | 'line'> {
  const launchTemplate = launchTemplateOf(template, group);
  const data = launchTemplate.properties.LaunchTemplateData;
  const userData = isRecord(data) ? data.UserData : undefined;
  if (userData === undefined)
    throw new EditError(`launch template ${launchTemplate.logicalId} has no user data: EKS sets maxPods itself`);
  const base = propertyPath(launchTemplate, 'LaunchTemplateData', 'UserData');
  const found = userDataString(userData);
  if (!found)
    throw new EditError(`the user data of ${launchTemplate.logicalId} is not a string under Fn::Base64 (computed)`);
  const path = [...base, ...found.path];
  // `${BootstrapArguments}` in the bootstrap call: the flags belong in that parameter's Default.
  const parameter = bootstrapParameter(template, found.text);
  if (parameter) {
    const current = String((template.Parameters as Record<string, Record<string, unknown>>)[parameter]!.Default ?? '');
    const edited = editBootstrapArguments(current, value);
    if ('refusal' in edited) throw new EditError(`parameter ${parameter}: ${edited.refusal}`);
    if (edited.text === current) return { done: true };
    return { edits: setFromParameter(doc, template, parameter, edited.text, []), note: LAUNCH_TEMPLATE_NOTE };
  }
  const edited = editUserDataMaxPods(found.text, value);
  if ('refusal' in edited) throw new EditError(`user data of ${launchTemplate.logicalId}: ${edited.refusal}`);
  if (edited.text === found.text) return { done: true };
  return { edits: doc.replace(path, edited.text), note: LAUNCH_TEMPLATE_NOTE };
}

/** The user data text under Fn::Base64 (directly, or the template string of a Fn::Sub). */
function userDataString(value: unknown): { text: string; path: (string | number)[] } | undefined {
  if (!isRecord(value)) return undefined;
  const inner = value['Fn::Base64'];
  if (typeof inner === 'string') return { text: inner, path: ['Fn::Base64'] };
  if (!isRecord(inner)) return undefined;
  const sub = inner['Fn::Sub'];
  if (typeof sub === 'string') return { text: sub, path: ['Fn::Base64', 'Fn::Sub'] };
  if (Array.isArray(sub) && typeof sub[0] === 'string') return { text: sub[0], path: ['Fn::Base64', 'Fn::Sub', 0] };
  return undefined;
}

function bootstrapParameter(template: Template, userData: string): string | undefined {
  const line = userData.split('\n').find((candidate) => candidate.includes('/etc/eks/bootstrap.sh'));
  if (!line || line.includes('--kubelet-extra-args') || line.includes('--use-max-pods')) return undefined;
  const parameters = isRecord(template.Parameters) ? template.Parameters : {};
  const names = [...line.matchAll(/\$\{([A-Za-z0-9]+)\}/g)]
    .map((match) => match[1]!)
    .filter((name) => {
      const parameter = parameters[name];
      return isRecord(parameter) && parameter.Type === 'String' && /argument/i.test(name);
    });
  return names.length === 1 ? names[0] : undefined;
}

function nodeGroupTypes(
  doc: TreeDoc,
  template: Template,
  group: Resource,
  types: string[],
): Omit<Candidate, 'path' | 'line'> {
  if (group.type === 'AWS::AutoScaling::AutoScalingGroup')
    return launchTemplateType(doc, template, launchTemplateOf(template, group), types);
  const current = group.properties.InstanceTypes;
  if (current === undefined) {
    if (group.properties.LaunchTemplate !== undefined)
      return launchTemplateType(doc, template, launchTemplateOf(template, group), types);
    return { edits: doc.insert(propertyPath(group), 'InstanceTypes', types), note: MANAGED_REPLACED };
  }
  // `InstanceTypes: [!Ref Param]`: one type, from a parameter's Default.
  if (Array.isArray(current) && current.length === 1 && types.length === 1) {
    const item = resolve(template, current[0]);
    if (item.kind === 'parameter') {
      if (item.default === types[0]) return { done: true };
      return { edits: setFromParameter(doc, template, item.name, types[0]!, types), note: MANAGED_REPLACED };
    }
  }
  if (Array.isArray(current) && current.some((item) => resolve(template, item).kind !== 'literal'))
    throw new EditError(`InstanceTypes of ${group.logicalId} holds computed values`);
  const resolved = resolve(template, current);
  if (resolved.kind === 'literal') {
    if (sameList(resolved.value, types)) return { done: true };
    return { edits: doc.replace(propertyPath(group, 'InstanceTypes'), types), note: MANAGED_REPLACED };
  }
  if (resolved.kind === 'parameter') {
    const value = types.join(',');
    if (resolved.default === value) return { done: true };
    return { edits: setFromParameter(doc, template, resolved.name, value, types), note: MANAGED_REPLACED };
  }
  throw new EditError(
    `InstanceTypes of ${group.logicalId} is computed (${resolved.kind === 'computed' ? resolved.intrinsic : 'a resource'})`,
  );
}

function launchTemplateType(
  doc: TreeDoc,
  template: Template,
  launchTemplate: Resource,
  types: string[],
): Omit<Candidate, 'path' | 'line'> {
  if (types.length !== 1) throw new EditError(`a launch template holds one instance type; ${types.length} planned`);
  const type = types[0]!;
  const data = launchTemplate.properties.LaunchTemplateData;
  if (!isRecord(data) || data.InstanceType === undefined)
    throw new EditError(`launch template ${launchTemplate.logicalId} sets no InstanceType`);
  const resolved = resolve(template, data.InstanceType);
  if (resolved.kind === 'literal') {
    if (resolved.value === type) return { done: true };
    return {
      edits: doc.replace(propertyPath(launchTemplate, 'LaunchTemplateData', 'InstanceType'), type),
      note: LAUNCH_TEMPLATE_NOTE,
    };
  }
  if (resolved.kind === 'parameter') {
    if (resolved.default === type) return { done: true };
    return { edits: setFromParameter(doc, template, resolved.name, type, [type]), note: LAUNCH_TEMPLATE_NOTE };
  }
  throw new EditError(`InstanceType of ${launchTemplate.logicalId} is computed`);
}

function remoteAccess(doc: TreeDoc, group: Resource, sources: string[]): Omit<Candidate, 'path' | 'line'> {
  const access = group.properties.RemoteAccess;
  if (access === undefined && sources.length === 0) return { done: true };
  if (!isRecord(access))
    throw new EditError(
      `${group.logicalId} has no RemoteAccess: the live node group differs from the template (drift)`,
    );
  if (sources.length === 0) return { edits: doc.remove(propertyPath(group, 'RemoteAccess')), note: MANAGED_REPLACED };
  if (sameList(access.SourceSecurityGroups, sources)) return { done: true };
  const edits =
    access.SourceSecurityGroups === undefined
      ? doc.insert(propertyPath(group, 'RemoteAccess'), 'SourceSecurityGroups', sources)
      : doc.replace(propertyPath(group, 'RemoteAccess', 'SourceSecurityGroups'), sources);
  return { edits, note: MANAGED_REPLACED };
}
