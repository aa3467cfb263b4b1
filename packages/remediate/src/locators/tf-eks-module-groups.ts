/**
 * Node group entries of an EKS module call: `instance_types` (managed) or `instance_type` (self-managed),
 * `remote_access = { … }`, and maxPods where the module passes it to the node: `bootstrap_extra_args` (AL2 bootstrap.sh
 * flags, a string or a one-line heredoc; Bottlerocket TOML) or a NodeConfig in `cloudinit_pre_nodeadm` (AL2023). A
 * value inherited from `*_node_group_defaults` is edited there only when the finding covers every node group that
 * inherits it (the engine checks, tf-sharing.ts).
 */
import { addObjectKeys, RawHcl, removeLines, render, replaceNode } from '../hcl/edit.ts';
import { evaluate, type Scope } from '../hcl/evaluate.ts';
import { heredocBody, heredocEdit } from '../hcl/heredoc.ts';
import { type HclDoc, objectLiteral } from '../hcl/model.ts';
import type { HclNode } from '../hcl/parser.ts';
import { EditError } from '../tree/types.ts';
import { sameList } from './shared.ts';
import type { GroupEntry } from './tf-eks-module.ts';
import { assertDefaultsFeedOnlyThis, fieldsOf, inherited, valueIn } from './tf-eks-module.ts';
import { at, definitionOf } from './tf-shared.ts';
import { editHeredocMaxPods, userDataLiteral } from './tf-user-data.ts';
import { editBootstrapArguments } from './user-data.ts';

const REPLACED =
  'The module replaces the node group when its instance types or remote access change (a new group, the old one drained and destroyed): plan it before applying.';
const ROLLED = 'The module writes a new launch template version and the node group rolls its nodes to it on apply.';

type Made =
  | { done: true }
  | { edits: { offset: number; length: number; content: string }[]; note: string; path?: string; line?: number };

function scopeOf(group: GroupEntry, doc: HclDoc): Scope {
  return { ...group.call.scope, doc };
}

/** Sets a field of the entry (where it is written: the entry, the defaults, or the variable it reads). */
function setField(
  group: GroupEntry,
  key: string,
  value: unknown,
  same: (current: unknown) => boolean,
  note: string,
): Made {
  const found = inherited(group, key);
  if (!found) return { edits: [addObjectKeys(group.doc, group.object, [[key, value]])], note };
  if (found.from === 'defaults') assertDefaultsFeedOnlyThis(group, key);
  const origin = definitionOf(found.field.value, key, scopeOf(group, found.doc));
  if (same(evaluate(origin.expr, scopeOf(group, origin.doc)))) return { done: true };
  return { ...at(origin.doc, origin.expr, [replaceNode(origin.expr, render(value))]), note };
}

export function entryInstanceTypes(group: GroupEntry, types: string[]): Made {
  if (group.managed) return setField(group, 'instance_types', types, (current) => sameList(current, types), REPLACED);
  if (types.length !== 1)
    throw new EditError(`a self-managed node group sets one instance_type; ${types.length} types planned`);
  return setField(group, 'instance_type', types[0], (current) => current === types[0], ROLLED);
}

export function entryRemoteAccess(group: GroupEntry, sources: string[]): Made {
  const found = inherited(group, 'remote_access');
  if (!found) {
    if (sources.length === 0) return { done: true };
    throw new EditError(
      `node group ${group.entry.key} sets no remote_access: the live node group differs from the code (drift)`,
    );
  }
  if (found.from === 'defaults') assertDefaultsFeedOnlyThis(group, 'remote_access');
  if (sources.length === 0)
    return { ...at(found.doc, found.field.element, [removeLines(found.doc, found.field.element)]), note: REPLACED };
  const object = objectLiteral(found.field.value);
  if (!object) throw new EditError('remote_access is not an object written out in the code');
  const current = fieldsOf(found.doc, object).get('source_security_group_ids');
  if (!current)
    return {
      ...at(found.doc, object, [addObjectKeys(found.doc, object, [['source_security_group_ids', sources]])]),
      note: REPLACED,
    };
  const origin = definitionOf(current.value, 'source_security_group_ids', scopeOf(group, found.doc));
  if (sameList(evaluate(origin.expr, scopeOf(group, origin.doc)), sources)) return { done: true };
  return { ...at(origin.doc, origin.expr, [replaceNode(origin.expr, render(sources))]), note: REPLACED };
}

type Family = 'al2' | 'al2023' | 'bottlerocket';

/** The AMI family of a node group: its `ami_type`, else the module's default for the version. */
function familyOf(group: GroupEntry): Family {
  const found = inherited(group, 'ami_type');
  const amiType = found ? valueIn(group, found.doc, found.field.value) : undefined;
  if (typeof amiType === 'string') {
    if (amiType.startsWith('AL2023')) return 'al2023';
    if (amiType.startsWith('BOTTLEROCKET')) return 'bottlerocket';
    if (amiType.startsWith('AL2_')) return 'al2';
    throw new EditError(`ami_type ${amiType}: maxPods is not set through the module's user data for it`);
  }
  if (found) throw new EditError('ami_type is computed: the node image family is unknown');
  if (group.call.major >= 21) return 'al2023';
  const version = group.call.inputs.get('cluster_version');
  const value = version ? evaluate(version.expr, group.call.scope) : undefined;
  const minor = typeof value === 'string' ? /^1\.(\d+)$/.exec(value)?.[1] : undefined;
  if (minor === undefined)
    throw new EditError('ami_type and cluster_version are not set: the node image family is unknown');
  return Number(minor) >= 30 ? 'al2023' : 'al2';
}

export function entryMaxPods(group: GroupEntry, maxPods: number): Made {
  const family = familyOf(group);
  if (family === 'al2023') return nodeadmMaxPods(group, maxPods);
  const found = inherited(group, 'bootstrap_extra_args');
  if (!found) {
    const value =
      family === 'al2'
        ? `--use-max-pods false --kubelet-extra-args '--max-pods=${maxPods}'`
        : new RawHcl(
            (indent) => `<<-EOT\n${indent}  [settings.kubernetes]\n${indent}  max-pods = ${maxPods}\n${indent}EOT`,
          );
    return { edits: [addObjectKeys(group.doc, group.object, [['bootstrap_extra_args', value]])], note: ROLLED };
  }
  if (found.from === 'defaults') assertDefaultsFeedOnlyThis(group, 'bootstrap_extra_args');
  const scope = scopeOf(group, found.doc);
  if (family === 'bottlerocket') return userDataHeredocEdit(scope, found.field.value, maxPods);
  const origin = definitionOf(found.field.value, 'bootstrap_extra_args', scope);
  const heredoc = heredocOf(origin.expr);
  if (heredoc) return heredocFlags(origin.doc, heredoc, maxPods);
  const current = evaluate(origin.expr, scopeOf(group, origin.doc));
  if (typeof current !== 'string') throw new EditError('bootstrap_extra_args is computed');
  const edited = editBootstrapArguments(current, maxPods);
  if ('refusal' in edited) throw new EditError(`bootstrap_extra_args: ${edited.refusal}`);
  if (edited.text === current) return { done: true };
  return { ...at(origin.doc, origin.expr, [replaceNode(origin.expr, render(edited.text))]), note: ROLLED };
}

/** The heredoc an expression is (`<<-EOT … EOT`), or undefined. */
function heredocOf(expr: HclNode): HclNode | undefined {
  const template = expr.children.length === 1 ? expr.children[0] : undefined;
  const heredoc = template?.type === 'template_expr' ? template.children[0] : undefined;
  return heredoc?.type === 'heredoc_template' ? heredoc : undefined;
}

/**
 * AL2 bootstrap flags written as a heredoc: its one line of flags edited like the string form, in place (the module
 * puts the text on the bootstrap.sh command line, so flags on several lines would be several commands).
 */
function heredocFlags(doc: HclDoc, heredoc: HclNode, maxPods: number): Made {
  const body = heredocBody(doc, heredoc);
  if (/%\{/.test(body.raw.replace(/%%\{/g, '')))
    throw new EditError('bootstrap_extra_args holds template directives (%{ … }): rendered before use');
  const lines = body.text.split('\n');
  const flags = lines.flatMap((line, index) => (line.trim() ? [index] : []));
  if (flags.length !== 1)
    throw new EditError(`bootstrap_extra_args is a heredoc of ${flags.length} lines: write the flags on one line`);
  const line = lines[flags[0]!]!;
  const lead = /^\s*/.exec(line)![0];
  const edited = editBootstrapArguments(line.trim(), maxPods);
  if ('refusal' in edited) throw new EditError(`bootstrap_extra_args: ${edited.refusal}`);
  if (edited.text === line.trim()) return { done: true };
  lines[flags[0]!] = `${lead}${edited.text}${/\s*$/.exec(line)![0]}`;
  return { ...at(doc, heredoc, [heredocEdit(body, lines.join('\n'))]), note: ROLLED };
}

function userDataHeredocEdit(scope: Scope, expr: HclNode, maxPods: number): Made {
  const { doc, node } = userDataLiteral(scope, expr);
  const edit = editHeredocMaxPods(doc, node, maxPods);
  if (!edit) return { done: true };
  return { ...at(doc, node, [edit]), note: ROLLED };
}

const NODE_CONFIG = (maxPods: number) =>
  new RawHcl((indent) =>
    [
      '[',
      `${indent}  {`,
      `${indent}    content_type = "application/node.eks.aws"`,
      `${indent}    content      = <<-EOT`,
      `${indent}      ---`,
      `${indent}      apiVersion: node.eks.aws/v1alpha1`,
      `${indent}      kind: NodeConfig`,
      `${indent}      spec:`,
      `${indent}        kubelet:`,
      `${indent}          config:`,
      `${indent}            maxPods: ${maxPods}`,
      `${indent}    EOT`,
      `${indent}  }`,
      `${indent}]`,
    ].join('\n'),
  );

/** AL2023: the NodeConfig part of `cloudinit_pre_nodeadm` (one added when there is none). */
function nodeadmMaxPods(group: GroupEntry, maxPods: number): Made {
  const found = inherited(group, 'cloudinit_pre_nodeadm');
  if (!found)
    return {
      edits: [addObjectKeys(group.doc, group.object, [['cloudinit_pre_nodeadm', NODE_CONFIG(maxPods)]])],
      note: ROLLED,
    };
  if (found.from === 'defaults') assertDefaultsFeedOnlyThis(group, 'cloudinit_pre_nodeadm');
  const scope = scopeOf(group, found.doc);
  const origin = definitionOf(found.field.value, 'cloudinit_pre_nodeadm', scope);
  const tuple = origin.expr.children[0]?.children[0];
  if (tuple?.type !== 'tuple') throw new EditError('cloudinit_pre_nodeadm is not a list written out in the code');
  const parts = tuple.children
    .map((element) => objectLiteral(element))
    .filter((object): object is HclNode => object !== undefined)
    .map((object) => fieldsOf(origin.doc, object))
    .filter((fields) => {
      const type = fields.get('content_type');
      return type && evaluate(type.value, { ...scope, doc: origin.doc }) === 'application/node.eks.aws';
    });
  if (parts.length !== 1) throw new EditError(`${parts.length} NodeConfig parts in cloudinit_pre_nodeadm`);
  const content = parts[0]!.get('content');
  if (!content) throw new EditError('the NodeConfig part of cloudinit_pre_nodeadm has no content');
  return userDataHeredocEdit({ ...scope, doc: origin.doc }, content.value, maxPods);
}
