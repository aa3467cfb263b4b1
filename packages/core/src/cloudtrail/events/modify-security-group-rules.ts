/**
 * `ModifySecurityGroupRules` (ec2.amazonaws.com). Its record is PascalCase:
 * `requestParameters.ModifySecurityGroupRulesRequest.{GroupId, SecurityGroupRule}`, where the outer
 * `SecurityGroupRule` is one object or a list (with `tag` attributes) of `{SecurityGroupRuleId, SecurityGroupRule}`.
 */
import * as z from 'zod/mini';
import { defineEventParser, invalid, type NormaliseContext, type Normalised } from '../parser.ts';
import { ruleProblem } from '../rule-checks.ts';
import { integer, oneOrMany, stringish } from '../shapes.ts';
import type { RulePeer, SgRule } from '../types.ts';

const RuleValueSchema = z.object({
  IpProtocol: stringish,
  FromPort: z.optional(integer),
  ToPort: z.optional(integer),
  CidrIpv4: z.optional(z.string()),
  CidrIpv6: z.optional(z.string()),
  PrefixListId: z.optional(z.string()),
  ReferencedGroupId: z.optional(z.string()),
  Description: z.optional(z.string()),
});

/** `requestParameters`/`responseElements` of ModifySecurityGroupRules. */
export const modifySecurityGroupRulesSchema = z.object({
  requestParameters: z.object({
    ModifySecurityGroupRulesRequest: z.object({
      GroupId: z.string(),
      SecurityGroupRule: oneOrMany(z.object({ SecurityGroupRuleId: z.string(), SecurityGroupRule: RuleValueSchema })),
    }),
  }),
});

/** Each modified rule id with its complete new value (the call does not say the direction). */
export function normaliseModifySecurityGroupRules(
  input: z.output<typeof modifySecurityGroupRulesSchema>,
  context?: NormaliseContext,
): Normalised {
  const request = input.requestParameters.ModifySecurityGroupRulesRequest;
  if (request.SecurityGroupRule.length === 0) {
    return invalid('requestParameters.ModifySecurityGroupRulesRequest.SecurityGroupRule', 'no rule is modified');
  }
  const changes: { ruleId: string; rule: Omit<SgRule, 'ruleId'> }[] = [];
  const notJudged: string[] = [];
  for (const [index, change] of request.SecurityGroupRule.entries()) {
    const value = change.SecurityGroupRule;
    let peer: RulePeer;
    if (value.CidrIpv4 !== undefined) peer = { kind: 'ipv4', cidr: value.CidrIpv4 };
    else if (value.CidrIpv6 !== undefined) peer = { kind: 'ipv6', cidr: value.CidrIpv6 };
    else if (value.PrefixListId !== undefined) peer = { kind: 'prefix-list', prefixListId: value.PrefixListId };
    else if (value.ReferencedGroupId !== undefined) peer = { kind: 'security-group', groupId: value.ReferencedGroupId };
    else {
      return invalid(
        `requestParameters.ModifySecurityGroupRulesRequest.SecurityGroupRule.${index}.SecurityGroupRule`,
        'the new rule names no CidrIpv4, CidrIpv6, PrefixListId or ReferencedGroupId',
      );
    }
    const rule: Omit<SgRule, 'ruleId'> = { protocol: value.IpProtocol.toLowerCase(), peer };
    if (rule.protocol !== '-1') {
      if (value.FromPort !== undefined) rule.fromPort = value.FromPort;
      if (value.ToPort !== undefined) rule.toPort = value.ToPort;
    }
    if (value.Description !== undefined) rule.description = value.Description;
    // A failed call changed nothing, so a value EC2 refused is no news.
    const problem = context?.failed ? undefined : ruleProblem(rule);
    if (problem === undefined) changes.push({ ruleId: change.SecurityGroupRuleId, rule });
    else notJudged.push(`${change.SecurityGroupRuleId}: ${problem}`);
  }
  return {
    ok: true,
    detail: { kind: 'sg-rules-modified', groupId: request.GroupId, changes },
    ...(notJudged.length > 0 ? { notJudged } : {}),
  };
}

/** Parser of `ModifySecurityGroupRules`. */
export const modifySecurityGroupRulesParser = defineEventParser({
  source: 'ec2.amazonaws.com',
  eventName: 'ModifySecurityGroupRules',
  schema: modifySecurityGroupRulesSchema,
  normalise: normaliseModifySecurityGroupRules,
});
