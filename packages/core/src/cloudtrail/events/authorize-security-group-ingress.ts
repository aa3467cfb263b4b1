/** `AuthorizeSecurityGroupIngress` (ec2.amazonaws.com): the ingress rules it adds (one `SgRule` per peer), with the ids `securityGroupRuleSet` gives them. */
import { authorizeParser } from '../sg-permissions.ts';

/**
 * Parser of `AuthorizeSecurityGroupIngress`; the record shape is shared with the other Authorize/Revoke calls (see `sg-permissions.ts`).
 *
 * @example
 * const parsed = authorizeSecurityGroupIngressParser.parse(record, false);
 */
export const authorizeSecurityGroupIngressParser = authorizeParser(
  'ec2.amazonaws.com',
  'AuthorizeSecurityGroupIngress',
  'ingress',
);
