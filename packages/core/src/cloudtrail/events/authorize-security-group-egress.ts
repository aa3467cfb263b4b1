/** `AuthorizeSecurityGroupEgress` (ec2.amazonaws.com): the egress rules it adds (one `SgRule` per peer), with the ids `securityGroupRuleSet` gives them. */
import { authorizeParser } from '../sg-permissions.ts';

/**
 * Parser of `AuthorizeSecurityGroupEgress`; the record shape is shared with the other Authorize/Revoke calls (see `sg-permissions.ts`).
 *
 * @example
 * const parsed = authorizeSecurityGroupEgressParser.parse(record, false);
 */
export const authorizeSecurityGroupEgressParser = authorizeParser(
  'ec2.amazonaws.com',
  'AuthorizeSecurityGroupEgress',
  'egress',
);
