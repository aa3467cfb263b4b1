/** The vpc-cni entry of an EKS module call's `cluster_addons` (up to v20) or `addons` (v21): prefix delegation. */
import { addObjectKeys, RawHcl, render } from '../hcl/edit.ts';
import { originOf } from '../hcl/evaluate.ts';
import { objectEntries, objectLiteral } from '../hcl/model.ts';
import { EditError } from '../tree/types.ts';
import { CNI_NOTE, jsonencodeObject, setEnv } from './tf-addons.ts';
import { type EksCall, fieldsOf } from './tf-eks-module.ts';
import { jsonTextEdit } from './tf-json-config.ts';
import { at, tfCandidate } from './tf-shared.ts';
import type { Candidate } from './types.ts';

export function eksModuleAddonCandidates(call: EksCall, warm: number): Candidate[] {
  const input = call.major >= 21 ? 'addons' : 'cluster_addons';
  const attribute = call.inputs.get(input);
  return [
    tfCandidate(call.block.doc, attribute?.node ?? call.block.node, () => {
      if (!attribute) throw new EditError(`the module call sets no ${input}: vpc-cni is not managed by it`);
      const origin = originOf(attribute.expr, call.scope);
      const map = 'refusal' in origin ? undefined : objectLiteral(origin.expr);
      if ('refusal' in origin || !map) throw new EditError(`${input} is not an object written out in the code`);
      const entry = objectEntries(origin.doc, map).find((candidate) => candidate.key === 'vpc-cni');
      const object = entry ? objectLiteral(entry.value) : undefined;
      if (!entry || !object)
        throw new EditError(`${input} has no vpc-cni entry: the add-on is not managed by this call`);
      const env = { ENABLE_PREFIX_DELEGATION: 'true', WARM_PREFIX_TARGET: String(warm) };
      const values = fieldsOf(origin.doc, object).get('configuration_values');
      if (!values) {
        const raw = new RawHcl((indent) => `jsonencode(${render({ env }, indent)})`);
        return {
          ...at(origin.doc, object, [addObjectKeys(origin.doc, object, [['configuration_values', raw]])]),
          note: CNI_NOTE,
        };
      }
      const text = jsonTextEdit(origin.doc, values.value, env, { ...call.scope, doc: origin.doc });
      if (text) return text.edit ? { ...at(text.doc, text.node, [text.edit]), note: CNI_NOTE } : { done: true };
      const target = jsonencodeObject(origin.doc, values.value, { ...call.scope, doc: origin.doc });
      const edits = setEnv(target.doc, target.node, env, { ...call.scope, doc: target.doc });
      if (edits.length === 0) return { done: true };
      return { ...at(target.doc, target.node, edits), note: CNI_NOTE };
    }),
  ];
}
