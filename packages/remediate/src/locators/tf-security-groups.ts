/**
 * Security group rules in Terraform: inline `ingress` / `egress` blocks of an `aws_security_group`, and the standalone
 * `aws_security_group_rule` and `aws_vpc_security_group_ingress_rule` / `_egress_rule` resources. The group is found by
 * its `name` (or `name_prefix`) or `Name` tag, resolved from literals, defaults and `.tfvars`; a standalone rule by
 * its `security_group_id` (a reference to that group, or the literal id). A peer among several of one rule is taken
 * out of its list; a rule with one peer goes whole. The last inline rule becomes `ingress = []`, since a group with no
 * `ingress` block leaves its live rules unmanaged rather than removing them.
 */
import type { RulePlan, SecurityGroupOwner } from '@podnet-guard/core';
import { removeLines, removeTupleElement, replaceNode } from '../hcl/edit.ts';
import { Computed, evaluate, Reference, type Scope } from '../hcl/evaluate.ts';
import { attributes, childBlocks, type HclBlock, type HclDoc, textOf } from '../hcl/model.ts';
import type { HclNode } from '../hcl/parser.ts';
import { EditError } from '../tree/types.ts';
import { assertSingle, at, definition, label, referencesTo, tfCandidate, tupleOf } from './tf-shared.ts';
import type { Candidate } from './types.ts';

const NOTE = 'Terraform removes the rule on the next apply; no node is replaced.';
const PROTOCOLS: Record<string, string> = { '6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'icmpv6', all: '-1' };

function groupMatches(block: HclBlock, owner: SecurityGroupOwner, scope: Scope): boolean {
  const fields = attributes(block);
  const value = (name: string) => {
    const attribute = fields.get(name);
    return attribute ? evaluate(attribute.expr, { ...scope, doc: block.doc }) : undefined;
  };
  const name = value('name');
  if (owner.name && name === owner.name) return true;
  const prefix = value('name_prefix');
  // AWS appends a 26-character suffix to a name prefix.
  if (owner.name && typeof prefix === 'string' && prefix && owner.name.startsWith(prefix)) return true;
  const tags = value('tags');
  const tag = typeof tags === 'object' && tags !== null ? (tags as Record<string, unknown>).Name : undefined;
  return owner.nameTag !== undefined && tag === owner.nameTag;
}

/** The `name`, name prefix or `Name` tag a group's code gives it matches the owner. */
export function ownerMatches(owner: SecurityGroupOwner, name: unknown, prefix: unknown, nameTag: unknown): boolean {
  if (owner.name && name === owner.name) return true;
  if (owner.name && typeof prefix === 'string' && prefix && owner.name.startsWith(prefix)) return true;
  return owner.nameTag !== undefined && nameTag === owner.nameTag;
}

export function revokeRuleCandidates(scope: Scope, owner: SecurityGroupOwner, rule: RulePlan): Candidate[] {
  const out: Candidate[] = [];
  const groups = scope.module
    .blocks('resource', 'aws_security_group')
    .filter((block) => groupMatches(block, owner, scope));
  const ownGroups = groups.filter((block) => block.doc === scope.doc);
  for (const group of ownGroups) out.push(...inlineCandidates(group, rule, scope));
  const standalone = [
    ...scope.module.blocks('resource', 'aws_security_group_rule'),
    ...scope.module.blocks('resource', `aws_vpc_security_group_${rule.direction}_rule`),
  ].filter((block) => block.doc === scope.doc);
  for (const block of standalone) {
    const target = evaluate(attributes(block).get('security_group_id')?.expr ?? block.node, scope);
    const ofGroup =
      (target instanceof Reference &&
        target.resourceType === 'aws_security_group' &&
        groups.some((group) => group.labels[1] === target.resourceName)) ||
      (typeof target === 'string' && target === owner.id);
    if (!ofGroup) continue;
    const candidate = standaloneCandidate(block, rule, scope);
    if (candidate) out.push(candidate);
  }
  if (out.length > 0) return out;
  // The group's code holds no such rule: revoked already, unless its rules come from a dynamic block.
  return ownGroups.map((group) =>
    tfCandidate(group.doc, group.node, () => {
      if (childBlocks(group, 'dynamic').some((dynamic) => dynamic.labels[0] === rule.direction))
        throw new EditError(`${label(group)} builds its ${rule.direction} rules in a dynamic block`);
      return { done: true };
    }),
  );
}

function inlineCandidates(group: HclBlock, rule: RulePlan, scope: Scope): Candidate[] {
  const rules = childBlocks(group, rule.direction);
  const out: Candidate[] = [];
  for (const block of rules) {
    const match = blockRuleMatch(block, rule, scope, 'inline');
    if (match === false) continue;
    out.push(
      tfCandidate(block.doc, block.node, () => {
        if (typeof match === 'string') throw new EditError(match);
        if (match.peers > 1) return { ...peerEdit(block, match.list, match.index, scope), note: NOTE };
        // The dynamic block may make the same rule: removing this one would not revoke it.
        if (childBlocks(group, 'dynamic').some((other) => other.labels[0] === rule.direction))
          throw new EditError(`${label(group)} also builds ${rule.direction} rules in a dynamic block`);
        if (rules.length > 1) return { edits: [removeLines(block.doc, block.node)], note: NOTE };
        // The group's last rule: an empty list, so Terraform removes the live rule instead of leaving it unmanaged.
        return { edits: [replaceNode(block.node, `${rule.direction} = []`)], note: NOTE };
      }),
    );
  }
  return out;
}

function standaloneCandidate(block: HclBlock, rule: RulePlan, scope: Scope): Candidate | undefined {
  const legacy = block.labels[0] === 'aws_security_group_rule';
  if (legacy) {
    const type = evaluate(attributes(block).get('type')?.expr ?? block.node, scope);
    if (type !== rule.direction) return undefined;
  }
  const match = blockRuleMatch(block, rule, scope, legacy ? 'legacy' : 'vpc');
  if (match === false) return undefined;
  return tfCandidate(block.doc, block.node, () => {
    if (typeof match === 'string') throw new EditError(match);
    assertSingle(block);
    if (match.peers > 1) return { ...peerEdit(block, match.list, match.index, scope), note: NOTE };
    const readers = referencesTo(scope.module, block);
    if (readers.length) throw new EditError(`${label(block)} is read elsewhere (${readers.join(', ')})`);
    return { edits: [removeLines(block.doc, block.node)], note: NOTE };
  });
}

/** Removes one peer from the list attribute that holds it (where the list is defined). */
function peerEdit(block: HclBlock, list: string, index: number, scope: Scope) {
  const origin = definition(block, list, scope);
  const tuple = tupleOf(origin.expr);
  if (!tuple) throw new EditError(`${list} is not a list written out in the code`);
  return at(origin.doc, origin.expr, [removeTupleElement(origin.doc, tuple, index)]);
}

export type Kind = 'inline' | 'legacy' | 'vpc';
export type Match = false | string | { peers: number; list: string; index: number };

function blockRuleMatch(block: HclBlock, rule: RulePlan, scope: Scope, kind: Kind): Match {
  const fields = new Map([...attributes(block)].map(([name, attribute]) => [name, attribute.expr]));
  return ruleMatch(fields, block.doc, rule, scope, kind);
}

/**
 * false: not this rule; a string: maybe, but a value is computed (the reason); else where its peer stands. `fields`
 * are the rule's attributes (a block's, or an object's in a module input), `defaults` what an absent one means.
 */
export function ruleMatch(
  fields: Map<string, HclNode>,
  doc: HclDoc,
  rule: RulePlan,
  scope: Scope,
  kind: Kind,
  defaults: Record<string, unknown> = {},
): Match {
  const computed: string[] = [];
  const read = (name: string): unknown => {
    const expr = fields.get(name);
    if (!expr) return defaults[name];
    const value = evaluate(expr, { ...scope, doc });
    if (value instanceof Computed || value instanceof Reference)
      computed.push(`${name} = ${textOf(doc, expr).slice(0, 50)}`);
    return typeof value === 'string' && /^\d+$/.test(value) && name.endsWith('_port') ? Number(value) : value;
  };
  const protocol = String(read(kind === 'vpc' ? 'ip_protocol' : 'protocol') ?? '').toLowerCase();
  if (!computed.length && (PROTOCOLS[protocol] ?? protocol) !== rule.protocol) return false;
  if (rule.protocol !== '-1') {
    const from = read('from_port');
    const to = read('to_port');
    if (rule.fromPort !== undefined && typeof from === 'number' && from !== rule.fromPort) return false;
    if (rule.toPort !== undefined && typeof to === 'number' && to !== rule.toPort) return false;
  }
  const description = read('description');
  if (rule.description !== undefined && typeof description === 'string' && description !== rule.description)
    return false;
  const peer = peerMatch(rule, kind, read);
  if (peer === false)
    return computed.length
      ? `the rule may be this one, but ${computed.join(' and ')} is only known at plan time`
      : false;
  if (typeof peer === 'string') return peer;
  if (computed.length) return `the rule may be this one, but ${computed.join(' and ')} is only known at plan time`;
  return peer;
}

function peerMatch(
  rule: RulePlan,
  kind: Kind,
  read: (name: string) => unknown,
): false | string | { peers: number; list: string; index: number } {
  const peer = rule.peer;
  if (kind === 'vpc') {
    const key =
      peer.kind === 'cidr'
        ? peer.cidr.includes(':')
          ? 'cidr_ipv6'
          : 'cidr_ipv4'
        : peer.kind === 'security-group'
          ? 'referenced_security_group_id'
          : 'prefix_list_id';
    const wanted = peer.kind === 'cidr' ? peer.cidr : peer.kind === 'security-group' ? peer.groupId : peer.id;
    const value = read(key);
    return typeof value === 'string' && value.toLowerCase() === wanted.toLowerCase()
      ? { peers: 1, list: key, index: 0 }
      : false;
  }
  const lists = [
    'cidr_blocks',
    'ipv6_cidr_blocks',
    'prefix_list_ids',
    kind === 'inline' ? 'security_groups' : 'source_security_group_id',
  ];
  const values = new Map(lists.map((name) => [name, read(name)]));
  const peers =
    [...values.values()].reduce<number>(
      (sum, value) => sum + (Array.isArray(value) ? value.length : value === undefined ? 0 : 1),
      0,
    ) + (read('self') === true ? 1 : 0);
  const key =
    peer.kind === 'cidr'
      ? peer.cidr.includes(':')
        ? 'ipv6_cidr_blocks'
        : 'cidr_blocks'
      : peer.kind === 'security-group'
        ? lists[3]!
        : 'prefix_list_ids';
  const wanted = peer.kind === 'cidr' ? peer.cidr : peer.kind === 'security-group' ? peer.groupId : peer.id;
  const value = values.get(key);
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  const index = list.findIndex(
    (item) => typeof item === 'string' && item.trim().toLowerCase() === wanted.toLowerCase(),
  );
  if (index === -1) {
    const unknown = list.find((item) => typeof item !== 'string');
    return unknown === undefined ? false : `the rule may be this one, but ${key}: ${unknownText(unknown)}`;
  }
  return { peers, list: key, index };
}

function unknownText(value: unknown): string {
  if (value instanceof Computed) return value.why;
  if (value instanceof Reference) return `${value.parts.join('.')} is only known at apply time`;
  return 'not a plain value';
}
