/**
 * Security group rules an EKS module call adds: `node_security_group_additional_rules` (node SG, named
 * `<cluster>-node` unless `node_security_group_name` says otherwise) and `cluster_security_group_additional_rules`
 * (v21: `security_group_additional_rules`; cluster SG `<cluster>-cluster`). A rule among them goes with its lines (or
 * its one peer leaves a list). A rule of the group that is not among them is the module's own (its recommended
 * rules): refused, since the caller does not write it.
 */
import type { RulePlan, SecurityGroupOwner } from '@podnet-guard/core';
import { removeLines, removeTupleElement } from '../hcl/edit.ts';
import { evaluate, originOf } from '../hcl/evaluate.ts';
import { objectEntries, objectLiteral } from '../hcl/model.ts';
import { EditError } from '../tree/types.ts';
import { type EksCall, fieldsOf } from './tf-eks-module.ts';
import { ownerMatches, ruleMatch } from './tf-security-groups.ts';
import { at, definitionOf, tfCandidate, tupleOf } from './tf-shared.ts';
import type { Candidate } from './types.ts';

const NOTE = 'Terraform removes the rule on the next apply; no node is replaced.';

interface ModuleGroup {
  input: string;
  name: string;
  usePrefix: boolean;
}

function groupsOf(call: EksCall): ModuleGroup[] {
  if (typeof call.cluster !== 'string') return [];
  const read = (name: string) => {
    const input = call.inputs.get(name);
    return input ? evaluate(input.expr, call.scope) : undefined;
  };
  const nodeName = read('node_security_group_name');
  const clusterName = read(call.major >= 21 ? 'security_group_name' : 'cluster_security_group_name');
  return [
    {
      input: 'node_security_group_additional_rules',
      name: typeof nodeName === 'string' ? nodeName : `${call.cluster}-node`,
      usePrefix: read('node_security_group_use_name_prefix') !== false,
    },
    {
      input: call.major >= 21 ? 'security_group_additional_rules' : 'cluster_security_group_additional_rules',
      name: typeof clusterName === 'string' ? clusterName : `${call.cluster}-cluster`,
      usePrefix:
        read(call.major >= 21 ? 'security_group_use_name_prefix' : 'cluster_security_group_use_name_prefix') !== false,
    },
  ];
}

export function eksModuleRuleCandidates(call: EksCall, owner: SecurityGroupOwner, rule: RulePlan): Candidate[] {
  const out: Candidate[] = [];
  for (const group of groupsOf(call)) {
    const named = ownerMatches(
      owner,
      group.usePrefix ? undefined : group.name,
      group.usePrefix ? `${group.name}-` : undefined,
      group.name,
    );
    if (!named) continue;
    const found = ruleCandidates(call, group.input, rule);
    if (found.length) out.push(...found);
    else
      out.push(
        tfCandidate(call.block.doc, call.block.node, () => {
          throw new EditError(
            `the rule is not among ${group.input} of this module call: the module writes it itself (its recommended rules), so the caller cannot remove it`,
          );
        }),
      );
  }
  return out;
}

function ruleCandidates(call: EksCall, input: string, rule: RulePlan): Candidate[] {
  const attribute = call.inputs.get(input);
  if (!attribute) return [];
  const origin = originOf(attribute.expr, call.scope);
  if ('refusal' in origin)
    return [
      tfCandidate(call.block.doc, attribute.node, () => {
        throw new EditError(`${input}: ${origin.refusal}`);
      }),
    ];
  const map = objectLiteral(origin.expr);
  if (!map) return [];
  const doc = origin.doc;
  const scope = { ...call.scope, doc };
  const out: Candidate[] = [];
  for (const entry of objectEntries(doc, map)) {
    const object = objectLiteral(entry.value);
    if (!object) continue;
    const fields = new Map([...fieldsOf(doc, object)].map(([key, field]) => [key, field.value]));
    const type = fields.get('type') ? evaluate(fields.get('type')!, scope) : 'ingress';
    if (type !== rule.direction) continue;
    const match = ruleMatch(fields, doc, rule, scope, 'legacy', { protocol: 'tcp' });
    if (match === false) continue;
    out.push(
      tfCandidate(doc, entry.element, () => {
        if (typeof match === 'string') throw new EditError(match);
        if (match.peers <= 1) return { edits: [removeLines(doc, entry.element)], note: NOTE };
        const list = definitionOf(fields.get(match.list)!, match.list, scope);
        const tuple = tupleOf(list.expr);
        if (!tuple) throw new EditError(`${match.list} is not a list written out in the code`);
        return { ...at(list.doc, list.expr, [removeTupleElement(list.doc, tuple, match.index)]), note: NOTE };
      }),
    );
  }
  return out;
}
