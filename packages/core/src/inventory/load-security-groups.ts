/** Security groups, their rules (listed, or derived from the groups' permissions) and managed prefix lists. */
import type { RulePeer, TrafficDirection } from '../cloudtrail/types.ts';
import { SnapshotFormatError } from '../errors.ts';
import type { ManagedPrefixList, SecurityGroup, SecurityGroupRule } from '../types/inventory.ts';
import { type LoadContext, parseKey, type Raw, tagsOf } from './snapshot-parse.ts';
import {
  DescribeSecurityGroupRulesSchema,
  DescribeSecurityGroupsSchema,
  GetManagedPrefixListEntriesSchema,
  type IpPermissionShape,
} from './snapshot-schemas.ts';

/** `-1` means all protocols and carries no ports; other protocols keep theirs as AWS shows them. */
function ruleShape(protocol: string, fromPort: number | undefined, toPort: number | undefined) {
  const lowered = protocol.toLowerCase();
  if (lowered === '-1') return { protocol: lowered };
  return {
    protocol: lowered,
    ...(fromPort === undefined ? {} : { fromPort }),
    ...(toPort === undefined ? {} : { toPort }),
  };
}

function withDescription(description: string | undefined): { description?: string } {
  return description === undefined || description === '' ? {} : { description };
}

/** One rule per peer of an `IpPermission`, with ids `<groupId>/<direction>/<n>` (n counts per group and direction). */
function rulesFromPermissions(
  groupId: string,
  direction: TrafficDirection,
  permissions: IpPermissionShape[],
): SecurityGroupRule[] {
  const rules: SecurityGroupRule[] = [];
  const push = (permission: IpPermissionShape, peer: RulePeer, description: string | undefined) =>
    rules.push({
      ruleId: `${groupId}/${direction}/${rules.length}`,
      groupId,
      direction,
      ...ruleShape(permission.IpProtocol, permission.FromPort, permission.ToPort),
      peer,
      ...withDescription(description),
    });
  for (const permission of permissions) {
    for (const range of permission.IpRanges ?? [])
      push(permission, { kind: 'ipv4', cidr: range.CidrIp }, range.Description);
    for (const range of permission.Ipv6Ranges ?? [])
      push(permission, { kind: 'ipv6', cidr: range.CidrIpv6 }, range.Description);
    for (const list of permission.PrefixListIds ?? [])
      push(permission, { kind: 'prefix-list', prefixListId: list.PrefixListId }, list.Description);
    for (const pair of permission.UserIdGroupPairs ?? []) {
      const peer: RulePeer = {
        kind: 'security-group',
        ...(pair.GroupId === undefined ? {} : { groupId: pair.GroupId }),
        ...(pair.GroupName === undefined ? {} : { groupName: pair.GroupName }),
        ...(pair.UserId === undefined ? {} : { userId: pair.UserId }),
      };
      push(permission, peer, pair.Description);
    }
  }
  return rules;
}

export function loadSecurityGroups(raw: Raw, ctx: LoadContext) {
  const data = parseKey('DescribeSecurityGroups', DescribeSecurityGroupsSchema, raw.DescribeSecurityGroups, ctx);
  const groups: SecurityGroup[] = [];
  const derivedRules: SecurityGroupRule[] = [];
  for (const group of data.SecurityGroups ?? []) {
    groups.push({
      id: group.GroupId,
      name: group.GroupName,
      ...(group.VpcId === undefined ? {} : { vpcId: group.VpcId }),
      ...(group.Description === undefined ? {} : { description: group.Description }),
      ...(group.OwnerId === undefined ? {} : { ownerId: group.OwnerId }),
      tags: tagsOf(group.Tags),
    });
    derivedRules.push(
      ...rulesFromPermissions(group.GroupId, 'ingress', group.IpPermissions ?? []),
      ...rulesFromPermissions(group.GroupId, 'egress', group.IpPermissionsEgress ?? []),
    );
  }
  return { groups, derivedRules };
}

export function loadSecurityGroupRules(raw: Raw, ctx: LoadContext): SecurityGroupRule[] {
  const data = parseKey(
    'DescribeSecurityGroupRules',
    DescribeSecurityGroupRulesSchema,
    raw.DescribeSecurityGroupRules,
    ctx,
  );
  return (data.SecurityGroupRules ?? []).map((rule, index) => {
    let peer: RulePeer;
    if (rule.CidrIpv4 !== undefined) peer = { kind: 'ipv4', cidr: rule.CidrIpv4 };
    else if (rule.CidrIpv6 !== undefined) peer = { kind: 'ipv6', cidr: rule.CidrIpv6 };
    else if (rule.PrefixListId !== undefined) peer = { kind: 'prefix-list', prefixListId: rule.PrefixListId };
    else if (rule.ReferencedGroupInfo !== undefined)
      peer = {
        kind: 'security-group',
        ...(rule.ReferencedGroupInfo.GroupId === undefined ? {} : { groupId: rule.ReferencedGroupInfo.GroupId }),
        ...(rule.ReferencedGroupInfo.UserId === undefined ? {} : { userId: rule.ReferencedGroupInfo.UserId }),
      };
    else
      throw new SnapshotFormatError(
        `${ctx.path ? `${ctx.path}: ` : ''}snapshot key DescribeSecurityGroupRules: rule ${rule.SecurityGroupRuleId} has no peer (CidrIpv4, CidrIpv6, PrefixListId or ReferencedGroupInfo)`,
        {
          ...(ctx.path === undefined ? {} : { path: ctx.path }),
          key: 'DescribeSecurityGroupRules',
          issues: [{ path: `DescribeSecurityGroupRules.SecurityGroupRules[${index}]`, message: 'no peer' }],
        },
      );
    return {
      ruleId: rule.SecurityGroupRuleId,
      groupId: rule.GroupId,
      direction: rule.IsEgress ? 'egress' : 'ingress',
      ...ruleShape(rule.IpProtocol, rule.FromPort, rule.ToPort),
      peer,
      ...withDescription(rule.Description),
    } satisfies SecurityGroupRule;
  });
}

export function loadPrefixLists(raw: Raw, ctx: LoadContext): ManagedPrefixList[] {
  const data = parseKey(
    'GetManagedPrefixListEntries',
    GetManagedPrefixListEntriesSchema,
    raw.GetManagedPrefixListEntries,
    ctx,
  );
  return data.map((answer) => ({
    prefixListId: answer.PrefixListId,
    cidrs: (answer.Entries ?? []).map((entry) => entry.Cidr),
  }));
}
