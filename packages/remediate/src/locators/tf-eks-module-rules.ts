/**
 * Security group rules an EKS module call adds: `node_security_group_additional_rules` (node SG, named
 * `<cluster>-node` unless `node_security_group_name` says otherwise) and `cluster_security_group_additional_rules`
 * (v21: `security_group_additional_rules`; cluster SG `<cluster>-cluster`). A rule among them goes with its lines (or
 * its one peer leaves a list). A rule of the group that is not among them is the module's own (its recommended
 * rules): refused, since the caller does not write it. From v21 a node group entry's `security_group_ingress_rules`
 * / `security_group_egress_rules` too (its security group `<cluster>-<node group>`, `aws_vpc_security_group_*_rule`
 * fields).
 */
import type { RulePlan, SecurityGroupOwner } from '@podnet-guard/core';
import { removeLines, removeTupleElement } from '../hcl/edit.ts';
import { evaluate, originOf } from '../hcl/evaluate.ts';
import { type HclDoc, objectEntries, objectLiteral } from '../hcl/model.ts';
import type { HclNode } from '../hcl/parser.ts';
import { EditError } from '../tree/types.ts';
import { type EksCall, entryName, fieldsOf, groupEntries } from './tf-eks-module.ts';
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
  const out: Candidate[] = call.major >= 21 ? nodeGroupRuleCandidates(call, owner, rule) : [];
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
          if (!moduleWritesSuch(rule)) return { done: true };
          throw new EditError(
            `the rule is not among ${group.input} of this module call: the module writes such rules itself (its recommended rules), so the caller cannot remove it`,
          );
        }),
      );
  }
  return out;
}

/**
 * The module's own rules of its node and cluster security groups (v19-v21) are all ingress from a security group
 * (the cluster SG, the node SG itself) or egress to anywhere. A rule like that missing from the caller's inputs may
 * be the module's; any other missing rule is not in the code (already revoked).
 */
function moduleWritesSuch(rule: RulePlan): boolean {
  if (rule.direction === 'ingress') return rule.peer.kind === 'security-group';
  return rule.peer.kind === 'cidr' && (rule.peer.cidr === '0.0.0.0/0' || rule.peer.cidr === '::/0');
}

/** v21: the rules a node group entry adds to the security group the module makes for it. */
function nodeGroupRuleCandidates(call: EksCall, owner: SecurityGroupOwner, rule: RulePlan): Candidate[] {
  const out: Candidate[] = [];
  for (const group of groupEntries(call)) {
    const name = entryName(group);
    if (typeof call.cluster !== 'string' || name === undefined) continue;
    const sgName = `${call.cluster}-${name}`;
    if (!ownerMatches(owner, undefined, `${sgName}-`, sgName)) continue;
    const rules = fieldsOf(group.doc, group.object).get(`security_group_${rule.direction}_rules`);
    const found = rules ? mapRuleCandidates(call, group.doc, rules.value, rule, 'vpc') : [];
    // The group's entry holds no such rule: already revoked (the module adds none of its own to this group).
    out.push(...(found.length ? found : [tfCandidate(group.doc, group.entry.element, () => ({ done: true }))]));
  }
  return out;
}

function ruleCandidates(call: EksCall, input: string, rule: RulePlan): Candidate[] {
  const attribute = call.inputs.get(input);
  if (!attribute) return [];
  return mapRuleCandidates(call, call.block.doc, attribute.expr, rule, 'legacy');
}

/** The rules of a map of rule objects (`{ name = { … } }`) that may be `rule`. */
function mapRuleCandidates(
  call: EksCall,
  source: HclDoc,
  expr: HclNode,
  rule: RulePlan,
  kind: 'legacy' | 'vpc',
): Candidate[] {
  const origin = originOf(expr, { ...call.scope, doc: source });
  if ('refusal' in origin)
    return [
      tfCandidate(source, expr, () => {
        throw new EditError(origin.refusal);
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
    if (kind === 'legacy') {
      const type = fields.get('type') ? evaluate(fields.get('type')!, scope) : 'ingress';
      if (type !== rule.direction) continue;
    }
    const match = ruleMatch(
      fields,
      doc,
      rule,
      scope,
      kind,
      kind === 'vpc' ? { ip_protocol: 'tcp' } : { protocol: 'tcp' },
    );
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
