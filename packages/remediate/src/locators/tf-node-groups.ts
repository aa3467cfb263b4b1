/**
 * Managed node groups and their launch templates in Terraform: `aws_eks_node_group` (`instance_types`,
 * `remote_access`), found by `node_group_name` (or `node_group_name_prefix`) and `cluster_name`, and
 * `aws_launch_template` (`instance_type`, `user_data` maxPods), found through the node group's `launch_template`
 * block or by its `name`. A value read from a variable or local is edited where it is defined.
 */
import type { NodeGroupOwner } from '@podnet-guard/core';
import { insertAttribute, removeLines, render } from '../hcl/edit.ts';
import { evaluate, Reference, resourceBlock, type Scope } from '../hcl/evaluate.ts';
import { attributes, childBlocks, type HclBlock } from '../hcl/model.ts';
import { EditError } from '../tree/types.ts';
import { sameList } from './shared.ts';
import { assertSingle, at, definedValue, definition, label, tfCandidate } from './tf-shared.ts';
import { editHeredocMaxPods, userDataLiteral } from './tf-user-data.ts';
import type { Candidate } from './types.ts';

const REPLACED =
  'Terraform replaces the node group when its instance types or remote access change (a new group, then the old one drained and destroyed): plan it before applying.';
const LAUNCH_TEMPLATE_NOTE =
  'Terraform writes a new launch template version; a managed node group using it rolls its nodes to it on apply (when it follows the latest version).';

function read(block: HclBlock, name: string, scope: Scope): unknown {
  const attribute = attributes(block).get(name);
  return attribute ? evaluate(attribute.expr, { ...scope, doc: block.doc }) : undefined;
}

export function clusterName(block: HclBlock, scope: Scope): unknown {
  const value = read(block, 'cluster_name', scope);
  if (value instanceof Reference && value.resourceType === 'aws_eks_cluster' && value.parts[2] === 'name') {
    const cluster = resourceBlock(scope.module, 'aws_eks_cluster', value.resourceName ?? '');
    return cluster ? read(cluster, 'name', scope) : undefined;
  }
  return value;
}

/** Node groups of this file named `owner.name` (a name prefix plus AWS's suffix counts), in its cluster. */
export function nodeGroupBlocks(owner: NodeGroupOwner, scope: Scope, everywhere = false): HclBlock[] {
  return scope.module.blocks('resource', 'aws_eks_node_group').filter((block) => {
    if (!everywhere && block.doc !== scope.doc) return false;
    const name = read(block, 'node_group_name', scope);
    const prefix = read(block, 'node_group_name_prefix', scope);
    const named = name === owner.name || (typeof prefix === 'string' && prefix !== '' && owner.name.startsWith(prefix));
    if (!named) return false;
    const cluster = clusterName(block, scope);
    return !owner.cluster || typeof cluster !== 'string' || cluster === owner.cluster;
  });
}

/** The launch template a node group uses (`launch_template { id | name = aws_launch_template.x.… }`). */
function launchTemplateOf(group: HclBlock, scope: Scope): HclBlock | undefined {
  const spec = childBlocks(group, 'launch_template')[0];
  if (!spec) return undefined;
  // A pinned version keeps the group on the old template: the new version would never reach a node.
  const version = read(spec, 'version', scope);
  if (
    (typeof version === 'string' || typeof version === 'number') &&
    !['$Latest', '$Default'].includes(String(version))
  )
    throw new EditError(
      `${label(group)} pins launch template version ${version}: a new version would not reach its nodes`,
    );
  for (const key of ['id', 'name']) {
    const value = read(spec, key, scope);
    if (value instanceof Reference && value.resourceType === 'aws_launch_template')
      return resourceBlock(scope.module, 'aws_launch_template', value.resourceName ?? '');
  }
  throw new EditError(`the launch template of ${label(group)} is not an aws_launch_template of this module`);
}

/** Launch templates named `name` (or by a name prefix of it). */
export function launchTemplatesNamed(name: string, scope: Scope): HclBlock[] {
  return scope.module.blocks('resource', 'aws_launch_template').filter((block) => {
    const own = read(block, 'name', scope);
    const prefix = read(block, 'name_prefix', scope);
    return own === name || (typeof prefix === 'string' && prefix !== '' && name.startsWith(prefix));
  });
}

export function instanceTypes(group: HclBlock, types: string[], scope: Scope): Candidate {
  return tfCandidate(group.doc, group.node, () => {
    assertSingle(group);
    if (attributes(group).has('instance_types')) {
      const origin = definition(group, 'instance_types', scope);
      if (sameList(definedValue(origin, scope), types)) return { done: true };
      return {
        ...at(origin.doc, origin.expr, [
          { offset: origin.expr.start, length: origin.expr.end - origin.expr.start, content: render(types) },
        ]),
        note: REPLACED,
      };
    }
    const template = launchTemplateOf(group, scope);
    if (template && attributes(template).has('instance_type')) return launchTemplateType(template, types, scope);
    return { edits: [insertAttribute(group, 'instance_types', types)], note: REPLACED };
  });
}

export function launchTemplateType(
  template: HclBlock,
  types: string[],
  scope: Scope,
): ReturnType<Parameters<typeof tfCandidate>[2]> {
  if (types.length !== 1)
    throw new EditError(`${label(template)} sets one instance_type; ${types.length} types planned`);
  if (!attributes(template).has('instance_type'))
    return { edits: [insertAttribute(template, 'instance_type', types[0])], note: LAUNCH_TEMPLATE_NOTE };
  const origin = definition(template, 'instance_type', scope);
  if (definedValue(origin, scope) === types[0]) return { done: true };
  return {
    ...at(origin.doc, origin.expr, [
      { offset: origin.expr.start, length: origin.expr.end - origin.expr.start, content: render(types[0]) },
    ]),
    note: LAUNCH_TEMPLATE_NOTE,
  };
}

export function remoteAccess(group: HclBlock, sources: string[], scope: Scope): Candidate {
  return tfCandidate(group.doc, group.node, () => {
    assertSingle(group);
    const block = childBlocks(group, 'remote_access')[0];
    if (!block) {
      if (sources.length === 0) return { done: true };
      throw new EditError(
        `${label(group)} has no remote_access block: the live node group differs from the code (drift)`,
      );
    }
    if (sources.length === 0) return { edits: [removeLines(group.doc, block.node)], note: REPLACED };
    if (!attributes(block).has('source_security_group_ids'))
      return { edits: [insertAttribute(block, 'source_security_group_ids', sources)], note: REPLACED };
    const origin = definition(block, 'source_security_group_ids', scope);
    if (sameList(definedValue(origin, scope), sources)) return { done: true };
    return {
      ...at(origin.doc, origin.expr, [
        { offset: origin.expr.start, length: origin.expr.end - origin.expr.start, content: render(sources) },
      ]),
      note: REPLACED,
    };
  });
}

/** maxPods of a node group: in the user data of its launch template. */
export function nodeGroupMaxPods(group: HclBlock, maxPods: number, scope: Scope): Candidate {
  return tfCandidate(group.doc, group.node, () => {
    const template = launchTemplateOf(group, scope);
    if (!template)
      throw new EditError(
        `${label(group)} has no launch template: its maxPods is the EKS default; add a launch template whose user data sets it`,
      );
    return launchTemplateMaxPods(template, maxPods, scope);
  });
}

export function launchTemplateMaxPods(template: HclBlock, maxPods: number, scope: Scope) {
  assertSingle(template);
  if (!attributes(template).has('user_data'))
    throw new EditError(`${label(template)} has no user_data: the node image's default maxPods applies`);
  const attribute = attributes(template).get('user_data')!;
  // `base64encode(local.user_data)`: the heredoc is in the local (or variable) it reads.
  const { doc, node } = userDataLiteral({ ...scope, doc: template.doc }, attribute.expr);
  const edit = editHeredocMaxPods(doc, node, maxPods);
  if (!edit) return { done: true };
  return { ...at(doc, node, [edit]), note: LAUNCH_TEMPLATE_NOTE };
}
