/**
 * VPC CNI prefix delegation in Terraform: the `vpc-cni` `aws_eks_addon`'s `configuration_values`. Written as
 * `jsonencode({ … })` (directly or in a local), the HCL object is edited: `env.ENABLE_PREFIX_DELEGATION` and
 * `env.WARM_PREFIX_TARGET` set where they stand or added beside their siblings. Written as JSON text (a string or a
 * heredoc), the JSON is edited in place (tf-json-config.ts). Absent, the attribute is added.
 */
import { addObjectKeys, insertAttributeText, render, replaceObjectKey } from '../hcl/edit.ts';
import { evaluate, originOf, type Scope } from '../hcl/evaluate.ts';
import { attributes, type HclBlock, type HclDoc, textOf } from '../hcl/model.ts';
import type { HclNode } from '../hcl/parser.ts';
import type { TextEdit } from '../text-edit.ts';
import { EditError } from '../tree/types.ts';
import { jsonTextEdit } from './tf-json-config.ts';
import { assertSingle, at, tfCandidate } from './tf-shared.ts';
import { readThrough } from './tf-sharing.ts';
import type { Candidate } from './types.ts';

export const CNI_NOTE =
  'Terraform updates the add-on in place; only nodes launched afterwards get prefixes: roll the node groups.';

export function addonCandidates(
  scope: Scope,
  cluster: string,
  warm: number,
  clusterOf: (block: HclBlock) => unknown,
): Candidate[] {
  return scope.module
    .blocks('resource', 'aws_eks_addon')
    .filter((block) => block.doc === scope.doc)
    .filter((block) => {
      const name = attributes(block).get('addon_name');
      if (!name || evaluate(name.expr, scope) !== 'vpc-cni') return false;
      const owner = clusterOf(block);
      return typeof owner !== 'string' || owner === cluster;
    })
    .map((block) => tfCandidate(block.doc, block.node, () => prefixDelegation(block, warm, scope)));
}

function prefixDelegation(block: HclBlock, warm: number, scope: Scope) {
  assertSingle(block);
  const env = { ENABLE_PREFIX_DELEGATION: 'true', WARM_PREFIX_TARGET: String(warm) };
  const attribute = attributes(block).get('configuration_values');
  if (!attribute)
    return {
      edits: [insertAttributeText(block, 'configuration_values', (indent) => `jsonencode(${render({ env }, indent)})`)],
      note: CNI_NOTE,
    };
  const text = jsonTextEdit(block.doc, attribute.expr, env, scope);
  if (text) return text.edit ? { ...at(text.doc, text.node, [text.edit]), note: CNI_NOTE } : { done: true };
  const object = jsonencodeObject(block.doc, attribute.expr, scope);
  const edits = setEnv(object.doc, object.node, env, scope);
  if (edits.length === 0) return { done: true };
  return { ...at(object.doc, object.node, edits), note: CNI_NOTE };
}

/** The object literal inside `jsonencode(…)`, followed through a local or variable. */
export function jsonencodeObject(doc: HclDoc, expr: HclNode, scope: Scope): { doc: HclDoc; node: HclNode } {
  const call = expr.children[0];
  if (call?.type !== 'function_call' || textOf(doc, call.children[0]!) !== 'jsonencode')
    throw new EditError('configuration_values is neither jsonencode({ … }) nor JSON text: computed');
  const argument = call.children.find((child) => child.type === 'function_arguments')?.children[0];
  if (!argument) throw new EditError('jsonencode() has no argument');
  const origin = originOf(argument, { ...scope, doc });
  if ('refusal' in origin) throw new EditError(`configuration_values: ${origin.refusal}`);
  for (const reference of origin.via) readThrough(reference, 'configuration_values', { ...scope, doc }, argument);
  const object = objectNode(origin.expr);
  if (!object) throw new EditError('configuration_values is not an object literal');
  return { doc: origin.doc, node: object };
}

function objectNode(expr: HclNode): HclNode | undefined {
  const collection = expr.type === 'expression' && expr.children.length === 1 ? expr.children[0] : undefined;
  const object = collection?.type === 'collection_value' ? collection.children[0] : undefined;
  return object?.type === 'object' ? object : undefined;
}

export function setEnv(doc: HclDoc, object: HclNode, env: Record<string, string>, scope: Scope): TextEdit[] {
  const envElement = object.children
    .filter((child) => child.type === 'object_elem')
    .find((element) => textOf(doc, element.children.find((child) => child.field === 'key')!).trim() === 'env');
  if (!envElement) return [addObjectKeys(doc, object, [['env', env]])];
  const value = envElement.children.find((child) => child.field === 'val')!;
  const inner = objectNode(value);
  if (!inner) throw new EditError('configuration_values env is not an object literal');
  const current = evaluate(value, { ...scope, doc }) as Record<string, unknown>;
  const edits: TextEdit[] = [];
  const missing: [string, unknown][] = [];
  for (const [key, wanted] of Object.entries(env)) {
    if (current[key] === wanted) continue;
    const edit = replaceObjectKey(doc, inner, key, wanted);
    if (edit) edits.push(edit);
    else missing.push([key, wanted]);
  }
  if (missing.length) edits.push(addObjectKeys(doc, inner, missing));
  return edits;
}
