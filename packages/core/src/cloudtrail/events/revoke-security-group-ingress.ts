/** `RevokeSecurityGroupIngress` (ec2.amazonaws.com): the ingress rules it removes by shape or by id, and the permissions that matched nothing. */
import { revokeParser } from '../sg-permissions.ts';

/**
 * Parser of `RevokeSecurityGroupIngress`; the record shape is shared with the other Authorize/Revoke calls (see `sg-permissions.ts`).
 *
 * @example
 * const parsed = revokeSecurityGroupIngressParser.parse(record, false);
 */
export const revokeSecurityGroupIngressParser = revokeParser(
  'ec2.amazonaws.com',
  'RevokeSecurityGroupIngress',
  'ingress',
);
