/** `RevokeSecurityGroupEgress` (ec2.amazonaws.com): the egress rules it removes by shape or by id, and the permissions that matched nothing. */
import { revokeParser } from '../sg-permissions.ts';

/**
 * Parser of `RevokeSecurityGroupEgress`; the record shape is shared with the other Authorize/Revoke calls (see `sg-permissions.ts`).
 *
 * @example
 * const parsed = revokeSecurityGroupEgressParser.parse(record, false);
 */
export const revokeSecurityGroupEgressParser = revokeParser('ec2.amazonaws.com', 'RevokeSecurityGroupEgress', 'egress');
