/**
 * Security group rules in CloudFormation: inline `SecurityGroupIngress` / `SecurityGroupEgress` items of an
 * `AWS::EC2::SecurityGroup`, and standalone `AWS::EC2::SecurityGroupIngress` / `Egress` resources. The group is found
 * by its logical id (from the `aws:cloudformation:logical-id` tag), `GroupName` or `Name` tag; the rule by protocol,
 * ports, peer and description. A rule whose peer comes from a parameter is refused: the deployed value may differ.
 */
import type { RulePlan, SecurityGroupOwner } from '@podnet-guard/core';
import { EditError, isRecord, type TreeDoc } from '../tree/types.ts';
import { isReferenced, type Resource, resolve, resources, type Template } from './cfn-model.ts';
import { candidate, str } from './shared.ts';
import type { Candidate } from './types.ts';

const NOTE = 'CloudFormation removes the rule on the next stack update.';
const PROTOCOLS: Record<string, string> = { '6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'icmpv6', all: '-1' };

function groupMatches(resource: Resource, owner: SecurityGroupOwner): boolean {
  if (owner.cloudFormationLogicalId && resource.logicalId === owner.cloudFormationLogicalId) return true;
  if (owner.name && str(resource.properties.GroupName) === owner.name) return true;
  const tags = resource.properties.Tags;
  return (
    owner.nameTag !== undefined &&
    Array.isArray(tags) &&
    tags.some((tag) => isRecord(tag) && tag.Key === 'Name' && tag.Value === owner.nameTag)
  );
}

export function revokeRuleCandidates(
  doc: TreeDoc,
  template: Template,
  owner: SecurityGroupOwner,
  rule: RulePlan,
): Candidate[] {
  const out: Candidate[] = [];
  const groups = resources(template, 'AWS::EC2::SecurityGroup').filter((group) => groupMatches(group, owner));
  const inlineKey = rule.direction === 'ingress' ? 'SecurityGroupIngress' : 'SecurityGroupEgress';
  for (const group of groups) {
    const list = group.properties[inlineKey];
    if (!Array.isArray(list)) continue;
    list.forEach((item, index) => {
      const match = ruleMatch(template, item, rule);
      if (match === false) return;
      const path = ['Resources', group.logicalId, 'Properties', inlineKey, index];
      out.push(
        candidate(doc, path, () => {
          if (match !== true) throw new EditError(match);
          return { edits: doc.remove(path), note: NOTE };
        }),
      );
    });
  }
  const standaloneType =
    rule.direction === 'ingress' ? 'AWS::EC2::SecurityGroupIngress' : 'AWS::EC2::SecurityGroupEgress';
  for (const resource of resources(template, standaloneType)) {
    const target = resolve(template, resource.properties.GroupId);
    const ofGroup =
      (target.kind === 'resource' && groups.some((group) => group.logicalId === target.logicalId)) ||
      (target.kind === 'literal' && target.value === owner.id);
    if (!ofGroup) continue;
    const match = ruleMatch(template, resource.properties, rule);
    if (match === false) continue;
    const path = ['Resources', resource.logicalId];
    out.push(
      candidate(doc, path, () => {
        if (match !== true) throw new EditError(match);
        if (isReferenced(template, resource.logicalId, resource.logicalId))
          throw new EditError(`${resource.logicalId} is referenced elsewhere in the template`);
        return { edits: doc.remove(path), note: NOTE };
      }),
    );
  }
  // The group's code holds no such rule: already revoked (or added outside the code, which a code edit cannot undo).
  if (out.length === 0)
    return groups.map((group) => candidate(doc, ['Resources', group.logicalId], () => ({ done: true })));
  return out;
}

/** true: this is the rule; false: it is not; a string: it may be, but a value is computed (the reason). */
function ruleMatch(template: Template, item: unknown, rule: RulePlan): boolean | string {
  if (!isRecord(item)) return false;
  const computed: string[] = [];
  const literal = (key: string): unknown => {
    const resolved = resolve(template, item[key]);
    if (resolved.kind === 'literal') return resolved.value;
    if (resolved.kind === 'parameter') {
      computed.push(`${key} comes from parameter ${resolved.name}`);
      return resolved.default;
    }
    return resolved;
  };
  const protocolRaw = literal('IpProtocol');
  const protocol = String(protocolRaw ?? '').toLowerCase();
  if ((PROTOCOLS[protocol] ?? protocol) !== rule.protocol) return false;
  if (rule.protocol !== '-1') {
    const from = Number(literal('FromPort'));
    const to = Number(literal('ToPort'));
    if (rule.fromPort !== undefined && from !== rule.fromPort) return false;
    if (rule.toPort !== undefined && to !== rule.toPort) return false;
  }
  const peer = rule.peer;
  if (peer.kind === 'cidr') {
    const cidr = literal(peer.cidr.includes(':') ? 'CidrIpv6' : 'CidrIp');
    if (typeof cidr !== 'string' || cidr.trim().toLowerCase() !== peer.cidr.toLowerCase()) return false;
  } else if (peer.kind === 'security-group') {
    const key = rule.direction === 'ingress' ? 'SourceSecurityGroupId' : 'DestinationSecurityGroupId';
    if (literal(key) !== peer.groupId) return false;
  } else {
    const key = rule.direction === 'ingress' ? 'SourcePrefixListId' : 'DestinationPrefixListId';
    if (literal(key) !== peer.id) return false;
  }
  const description = item.Description;
  if (rule.description !== undefined && typeof description === 'string' && description !== rule.description)
    return false;
  return computed.length
    ? `the rule may be this one, but ${computed.join(' and ')} (the deployed value may differ)`
    : true;
}
