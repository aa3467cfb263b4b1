/**
 * Security group permissions as CloudTrail records them (`ipPermissions.items[]` with `items`-wrapped peers, the legacy
 * flat form, `securityGroupRuleSet` in responses), turned into one `SgRule` per peer. Shared by the four
 * Authorize/Revoke Ingress/Egress parsers, whose records have the same shape.
 */
import * as z from 'zod/mini';
import { defineEventParser, type EventParser, invalid, type Normalised } from './parser.ts';
import { judgeableRules } from './rule-checks.ts';
import { boolish, integer, items, stringish } from './shapes.ts';
import type { EventSource } from './sources.ts';
import type { RulePeer, SgRule, TrafficDirection } from './types.ts';

const description = z.optional(z.string());

const GroupPairSchema = z
  .object({
    groupId: z.optional(z.string()),
    groupName: z.optional(z.string()),
    userId: z.optional(z.string()),
    description,
  })
  .check(
    z.refine((pair) => pair.groupId !== undefined || pair.groupName !== undefined, {
      message: 'a security group peer needs groupId or groupName',
    }),
  );

/** One `IpPermission` of a request (or of `unknownIpPermissionSet`). */
export const IpPermissionSchema = z.object({
  ipProtocol: stringish,
  fromPort: z.optional(integer),
  toPort: z.optional(integer),
  ipRanges: items(z.object({ cidrIp: z.string(), description })),
  ipv6Ranges: items(z.object({ cidrIpv6: z.string(), description })),
  prefixListIds: items(z.object({ prefixListId: z.string(), description })),
  groups: items(GroupPairSchema),
});
export type IpPermission = z.output<typeof IpPermissionSchema>;

/** One item of `responseElements.securityGroupRuleSet` (or `revokedSecurityGroupRuleSet`). */
export const ResponseRuleSchema = z.object({
  securityGroupRuleId: z.string(),
  groupId: z.optional(z.string()),
  isEgress: z.optional(boolish),
  ipProtocol: z.optional(stringish),
  fromPort: z.optional(integer),
  toPort: z.optional(integer),
  cidrIpv4: z.optional(z.string()),
  cidrIpv6: z.optional(z.string()),
  prefixListId: z.optional(z.string()),
  referencedGroupInfo: z.optional(z.object({ groupId: z.optional(z.string()), userId: z.optional(z.string()) })),
  description,
});
export type ResponseRule = z.output<typeof ResponseRuleSchema>;

/** Request fields shared by the four calls: the group, `ipPermissions` and the legacy flat form. */
const requestFields = {
  groupId: z.optional(z.string()),
  groupName: z.optional(z.string()),
  ipPermissions: items(IpPermissionSchema),
  // Legacy flat form: one permission spelled out at the top of requestParameters.
  ipProtocol: z.optional(stringish),
  fromPort: z.optional(integer),
  toPort: z.optional(integer),
  cidrIp: z.optional(z.string()),
  sourceSecurityGroupName: z.optional(z.string()),
  sourceSecurityGroupOwnerId: z.optional(z.string()),
};
type RequestFields = z.output<z.ZodMiniObject<typeof requestFields>>;

/** Lower-cased protocol; ports kept unless the rule covers all traffic (`-1`), which has none. */
function ruleBase(protocol: string, fromPort: number | undefined, toPort: number | undefined): Omit<SgRule, 'peer'> {
  const base: Omit<SgRule, 'peer'> = { protocol: protocol.toLowerCase() };
  if (base.protocol !== '-1') {
    if (fromPort !== undefined) base.fromPort = fromPort;
    if (toPort !== undefined) base.toPort = toPort;
  }
  return base;
}

function withDescription(rule: SgRule, text: string | undefined): SgRule {
  if (text !== undefined) rule.description = text;
  return rule;
}

/** One `SgRule` per peer of each permission, in request order. */
export function permissionsToRules(permissions: IpPermission[]): SgRule[] {
  const rules: SgRule[] = [];
  for (const permission of permissions) {
    const base = () => ruleBase(permission.ipProtocol, permission.fromPort, permission.toPort);
    for (const range of permission.ipRanges) {
      rules.push(withDescription({ ...base(), peer: { kind: 'ipv4', cidr: range.cidrIp } }, range.description));
    }
    for (const range of permission.ipv6Ranges) {
      rules.push(withDescription({ ...base(), peer: { kind: 'ipv6', cidr: range.cidrIpv6 } }, range.description));
    }
    for (const list of permission.prefixListIds) {
      const peer: RulePeer = { kind: 'prefix-list', prefixListId: list.prefixListId };
      rules.push(withDescription({ ...base(), peer }, list.description));
    }
    for (const pair of permission.groups) {
      const peer: RulePeer = { kind: 'security-group' };
      if (pair.groupId !== undefined) peer.groupId = pair.groupId;
      if (pair.groupName !== undefined) peer.groupName = pair.groupName;
      if (pair.userId !== undefined) peer.userId = pair.userId;
      rules.push(withDescription({ ...base(), peer }, pair.description));
    }
  }
  return rules;
}

/**
 * The legacy flat form (`cidrIp`/`ipProtocol`/ports, or `sourceSecurityGroupName`/`OwnerId`) as rules. Without a
 * protocol the API grants all traffic, so the protocol defaults to `-1`.
 */
export function legacyRules(request: RequestFields): SgRule[] {
  const rules: SgRule[] = [];
  const base = () => ruleBase(request.ipProtocol ?? '-1', request.fromPort, request.toPort);
  if (request.cidrIp !== undefined) rules.push({ ...base(), peer: { kind: 'ipv4', cidr: request.cidrIp } });
  if (request.sourceSecurityGroupName !== undefined || request.sourceSecurityGroupOwnerId !== undefined) {
    const peer: RulePeer = { kind: 'security-group' };
    if (request.sourceSecurityGroupName !== undefined) peer.groupName = request.sourceSecurityGroupName;
    if (request.sourceSecurityGroupOwnerId !== undefined) peer.userId = request.sourceSecurityGroupOwnerId;
    rules.push({ ...base(), peer });
  }
  return rules;
}

/** The rule a `securityGroupRuleSet` item describes, with its id. */
export function responseRuleToSgRule(item: ResponseRule): SgRule | undefined {
  let peer: RulePeer | undefined;
  if (item.cidrIpv4 !== undefined) peer = { kind: 'ipv4', cidr: item.cidrIpv4 };
  else if (item.cidrIpv6 !== undefined) peer = { kind: 'ipv6', cidr: item.cidrIpv6 };
  else if (item.prefixListId !== undefined) peer = { kind: 'prefix-list', prefixListId: item.prefixListId };
  else if (item.referencedGroupInfo !== undefined) {
    peer = { kind: 'security-group' };
    if (item.referencedGroupInfo.groupId !== undefined) peer.groupId = item.referencedGroupInfo.groupId;
    if (item.referencedGroupInfo.userId !== undefined) peer.userId = item.referencedGroupInfo.userId;
  }
  if (peer === undefined) return undefined;
  const rule = withDescription(
    { ...ruleBase(item.ipProtocol ?? '-1', item.fromPort, item.toPort), peer },
    item.description,
  );
  rule.ruleId = item.securityGroupRuleId;
  return rule;
}

// Responses name protocols (`tcp`) where requests may give numbers (`6`).
const PROTOCOL_NAMES: Record<string, string> = { '6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'icmpv6' };

function shapeKey(rule: SgRule): string {
  const protocol = PROTOCOL_NAMES[rule.protocol] ?? rule.protocol;
  return protocol === '-1' ? '-1' : `${protocol}|${rule.fromPort ?? ''}|${rule.toPort ?? ''}`;
}

function peerKey(peer: RulePeer): string {
  switch (peer.kind) {
    case 'ipv4':
    case 'ipv6':
      return `${peer.kind}|${peer.cidr.toLowerCase()}`;
    case 'prefix-list':
      return `pl|${peer.prefixListId}`;
    case 'security-group':
      return `sg|${peer.groupId ?? ''}`;
  }
}

/** Protocol, ports and peer as one string: rules with equal keys are the same rule. */
function exactKey(rule: SgRule): string {
  return `${shapeKey(rule)}#${peerKey(rule.peer)}`;
}

/** `exactKey(a) === exactKey(b)`, compared field by field (no strings built). */
function sameExactRule(a: SgRule, b: SgRule): boolean {
  const protocol = PROTOCOL_NAMES[a.protocol] ?? a.protocol;
  if (protocol !== (PROTOCOL_NAMES[b.protocol] ?? b.protocol)) return false;
  if (protocol !== '-1' && ((a.fromPort ?? '') !== (b.fromPort ?? '') || (a.toPort ?? '') !== (b.toPort ?? ''))) {
    return false;
  }
  const [x, y] = [a.peer, b.peer];
  switch (x.kind) {
    case 'ipv4':
    case 'ipv6':
      return y.kind === x.kind && (x.cidr === y.cidr || x.cidr.toLowerCase() === y.cidr.toLowerCase());
    case 'prefix-list':
      return y.kind === 'prefix-list' && x.prefixListId === y.prefixListId;
    case 'security-group':
      return y.kind === 'security-group' && (x.groupId ?? '') === (y.groupId ?? '');
  }
}

/** True when two rules have the same shape and one names a security group only by name (it matches any group). */
function looseMatch(a: SgRule, b: SgRule): boolean {
  if (a.peer.kind !== 'security-group' || b.peer.kind !== 'security-group') return false;
  if (shapeKey(a) !== shapeKey(b)) return false;
  return a.peer.groupId === undefined || b.peer.groupId === undefined || a.peer.groupId === b.peer.groupId;
}

/**
 * Sets `ruleId` on each requested rule that a response item describes. Exact matches first, then groups named only by
 * name; when the rest pair up one to one they are paired in order, as EC2 answers in request order. Exact matches go
 * through a map, so a call with a thousand rules costs a thousand lookups, not a million comparisons.
 */
export function attachRuleIds(rules: SgRule[], described: SgRule[]): void {
  // The usual case, cheaply: EC2 answered one rule per requested rule, in request order. Pairing in order then gives
  // what the key map below gives (the k-th rule of a shape gets the k-th answer of that shape), without a key each.
  if (
    rules.length === described.length &&
    rules.every((rule, index) => rule.ruleId === undefined && sameExactRule(rule, described[index]!))
  ) {
    rules.forEach((rule, index) => {
      rule.ruleId = described[index]!.ruleId!;
    });
    return;
  }
  const free = new Set(described.map((_, index) => index));
  // Exact matches by key, in response order: one permission may carry thousands of CIDRs, so no pairwise search.
  const byKey = new Map<string, { indices: number[]; next: number }>();
  described.forEach((rule, index) => {
    const key = exactKey(rule);
    const entry = byKey.get(key);
    if (entry) entry.indices.push(index);
    else byKey.set(key, { indices: [index], next: 0 });
  });
  for (const rule of rules) {
    if (rule.ruleId !== undefined) continue;
    const entry = byKey.get(exactKey(rule));
    const match = entry?.indices[entry.next];
    if (entry === undefined || match === undefined) continue;
    entry.next += 1;
    rule.ruleId = described[match]!.ruleId!;
    free.delete(match);
  }
  // Then groups named only by name, which match any group of the same shape (few rules: a search is fine).
  for (const rule of rules) {
    if (rule.ruleId !== undefined || rule.peer.kind !== 'security-group') continue;
    const match = [...free].find((index) => looseMatch(rule, described[index]!));
    if (match === undefined) continue;
    rule.ruleId = described[match]!.ruleId!;
    free.delete(match);
  }
  const unassigned = rules.filter((rule) => rule.ruleId === undefined);
  const rest = [...free];
  if (unassigned.length > 0 && unassigned.length === rest.length) {
    unassigned.forEach((rule, position) => {
      rule.ruleId = described[rest[position]!]!.ruleId!;
    });
  }
}

/** A test for "has the shape of one of `others`" (used to drop permissions that revoked nothing), built once. */
export function sameShapeAs(others: SgRule[]): (rule: SgRule) => boolean {
  const keys = new Set(others.map(exactKey));
  return (rule) => keys.has(exactKey(rule));
}

function groupFields(request: RequestFields, fallbackGroupId: string | undefined) {
  const group: { groupId?: string; groupName?: string } = {};
  const groupId = request.groupId ?? fallbackGroupId;
  if (groupId !== undefined) group.groupId = groupId;
  if (request.groupName !== undefined) group.groupName = request.groupName;
  return group;
}

/** `requestParameters`/`responseElements` of AuthorizeSecurityGroupIngress and AuthorizeSecurityGroupEgress. */
export const AuthorizeSchema = z.object({
  requestParameters: z.object(requestFields),
  responseElements: z.optional(z.object({ securityGroupRuleSet: items(ResponseRuleSchema) })),
});

/** Builds the parser of AuthorizeSecurityGroupIngress or AuthorizeSecurityGroupEgress. */
export function authorizeParser(source: EventSource, eventName: string, direction: TrafficDirection): EventParser {
  return defineEventParser({
    source,
    eventName,
    schema: AuthorizeSchema,
    normalise: ({ requestParameters: request, responseElements: response }, { failed }): Normalised => {
      const requested = [...permissionsToRules(request.ipPermissions), ...legacyRules(request)];
      // A failed call changed nothing, so a rule EC2 refused (port 70000) is no news either.
      const { rules, notJudged } = failed ? { rules: requested, notJudged: [] } : judgeableRules(requested);
      const created = response?.securityGroupRuleSet ?? [];
      // A call by groupName alone learns the group id from the response.
      const group = groupFields(request, created.find((item) => item.groupId !== undefined)?.groupId);
      if (group.groupId === undefined && group.groupName === undefined) {
        return invalid('requestParameters.groupId', 'neither groupId nor groupName is given');
      }
      if (requested.length === 0 && !failed) {
        return invalid('requestParameters.ipPermissions', 'the call names no permission');
      }
      attachRuleIds(
        rules,
        created.flatMap((item) => responseRuleToSgRule(item) ?? []),
      );
      const result: Normalised = { ok: true, detail: { kind: 'sg-rules-authorized', direction, ...group, rules } };
      if (created.length > 0) result.createdRuleIds = created.map((item) => item.securityGroupRuleId);
      if (notJudged.length > 0) result.notJudged = notJudged;
      return result;
    },
  });
}

/** `requestParameters`/`responseElements` of RevokeSecurityGroupIngress and RevokeSecurityGroupEgress. */
export const RevokeSchema = z.object({
  requestParameters: z.object({
    ...requestFields,
    securityGroupRuleIds: items(z.object({ securityGroupRuleId: z.string() })),
  }),
  responseElements: z.optional(
    z.object({
      unknownIpPermissionSet: items(IpPermissionSchema),
      revokedSecurityGroupRuleSet: items(ResponseRuleSchema),
    }),
  ),
});

/**
 * Builds the parser of RevokeSecurityGroupIngress or RevokeSecurityGroupEgress. Permissions EC2 lists in
 * `unknownIpPermissionSet` revoked nothing: they go to `unmatched`, not `rules`.
 */
export function revokeParser(source: EventSource, eventName: string, direction: TrafficDirection): EventParser {
  return defineEventParser({
    source,
    eventName,
    schema: RevokeSchema,
    normalise: ({ requestParameters: request, responseElements: response }, { failed }): Normalised => {
      const named = [...permissionsToRules(request.ipPermissions), ...legacyRules(request)];
      const { rules: requested, notJudged } = failed ? { rules: named, notJudged: [] } : judgeableRules(named);
      const ruleIds = request.securityGroupRuleIds.map((item) => item.securityGroupRuleId);
      const revoked = response?.revokedSecurityGroupRuleSet ?? [];
      const group = groupFields(request, revoked.find((item) => item.groupId !== undefined)?.groupId);
      if (group.groupId === undefined && group.groupName === undefined) {
        return invalid('requestParameters.groupId', 'neither groupId nor groupName is given');
      }
      if (named.length === 0 && ruleIds.length === 0 && !failed) {
        return invalid('requestParameters.ipPermissions', 'the call names neither a permission nor a rule id');
      }
      const unmatched = permissionsToRules(response?.unknownIpPermissionSet ?? []);
      const revokedNothing = sameShapeAs(unmatched);
      const rules = requested.filter((rule) => !revokedNothing(rule));
      // Rules revoked by id are in the response too; leave them out so they cannot be paired with a shape.
      const byShape = revoked.filter((item) => !ruleIds.includes(item.securityGroupRuleId));
      attachRuleIds(
        rules,
        byShape.flatMap((item) => responseRuleToSgRule(item) ?? []),
      );
      return {
        ok: true,
        detail: { kind: 'sg-rules-revoked', direction, ...group, rules, ruleIds, unmatched },
        ...(notJudged.length > 0 ? { notJudged } : {}),
      };
    },
  });
}
