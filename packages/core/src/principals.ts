/**
 * Matching a CloudTrail caller against configured principals (ARNs, or patterns with `*`): loop protection
 * (`ownPrincipals`), the allow-list's `principals` and the roles that make Kubernetes' own rules (`kubernetesPrincipals`).
 */
import type { Actor } from './cloudtrail/types.ts';

/**
 * `*` matches any run of characters; everything else is literal.
 *
 * @example
 * matchesArnPattern('arn:aws:sts::111122223333:assumed-role/ci/run-1', 'arn:aws:sts::111122223333:assumed-role/ci/*'); // true
 */
export function matchesArnPattern(arn: string, pattern: string): boolean {
  if (!pattern.includes('*')) return arn === pattern;
  const regex = new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`);
  return regex.test(arn);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The ARNs a caller is known by: its own (for assumed roles the session) and the role or user behind it. */
export function callerArns(actor: Pick<Actor, 'arn' | 'issuerArn'>): string[] {
  return [actor.arn, actor.issuerArn].filter((value): value is string => Boolean(value));
}

/** True when any of the caller's ARNs matches any pattern. */
export function callerMatches(actor: Pick<Actor, 'arn' | 'issuerArn'>, patterns: readonly string[]): boolean {
  const arns = callerArns(actor);
  return patterns.some((pattern) => arns.some((arn) => matchesArnPattern(arn, pattern)));
}

/**
 * True when the caller acts as the IAM role `roleArn`: it is the role, or a session of it (`assumed-role/<name>/…`;
 * a session ARN carries the role's name but not its path).
 *
 * @example
 * actsAsRole({ arn: 'arn:aws:sts::111122223333:assumed-role/prod-eks/17641502' }, 'arn:aws:iam::111122223333:role/prod-eks'); // true
 */
export function actsAsRole(actor: Pick<Actor, 'arn' | 'issuerArn'>, roleArn: string): boolean {
  if (actor.issuerArn === roleArn || actor.arn === roleArn) return true;
  const role = /^arn:([^:]+):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(roleArn);
  if (!role || !actor.arn) return false;
  const [, partition, account, name] = role;
  return actor.arn.startsWith(`arn:${partition}:sts::${account}:assumed-role/${name}/`);
}
