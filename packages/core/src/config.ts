/**
 * podnet-guard settings that change what detectors report. Read from a JSON or YAML config file by the CLI and from
 * the environment by the functions; validated here with zod so every entry point gives the same errors.
 */
import * as z from 'zod/mini';
import { ConfigError } from './errors.ts';
import { safeParseSchema } from './safe-parse.ts';

const whole = (min: number, max: number) => z.int().check(z.gte(min), z.lte(max));

/** One allow-list entry: every field given must match for a finding to be suppressed. */
export const AllowEntrySchema = z.strictObject({
  /** Why this is allowed; shown in the output next to every suppressed finding. */
  reason: z.string().check(z.minLength(1)),
  securityGroups: z.optional(z.array(z.string().check(z.regex(/^sg-[0-9a-f]+$/)))),
  ports: z.optional(z.array(whole(-1, 65535))),
  cidrs: z.optional(z.array(z.string())),
  /** Principal ARNs (exact) or ARN patterns with `*`. */
  principals: z.optional(z.array(z.string())),
  /** Regular expression tested against the rule description. */
  descriptionPattern: z.optional(z.string()),
  rules: z.optional(z.array(z.string())),
  clusters: z.optional(z.array(z.string())),
});
export type AllowEntry = z.infer<typeof AllowEntrySchema>;

export const GuardConfigSchema = z.strictObject({
  /** A global IPv4 prefix shorter than or equal to this (e.g. /16 and wider) is `public-wide-ingress`. */
  publicWidePrefixLength: z._default(whole(0, 32), 16),
  /** IPv6 equivalent of `publicWidePrefixLength`. */
  publicWidePrefixLengthV6: z._default(whole(0, 128), 48),
  /** Ports reported by `sensitive-port-ingress` when opened beyond the VPC. */
  sensitivePorts: z._default(
    z.array(whole(0, 65535)),
    [22, 3389, 10250, 10255, 2379, 2380, 3306, 5432, 1433, 1521, 6379, 11211, 27017, 9200, 5439, 9042],
  ),
  /** Principals whose calls are podnet-guard's own (loop protection): ARNs or patterns with `*`. */
  ownPrincipals: z._default(z.array(z.string()), []),
  /**
   * Per cluster name, the principals (ARNs or patterns with `*`) besides the cluster's IAM role whose node SG rules
   * count as Kubernetes' own: the AWS Load Balancer Controller's IRSA or Pod Identity role, which live state cannot show.
   */
  kubernetesPrincipals: z._default(z.record(z.string(), z.array(z.string().check(z.minLength(1)))), {}),
  /** Subnet free-IP percentage under which `subnet-headroom-low` fires. */
  subnetHeadroomPercent: z._default(z.number().check(z.gte(0), z.lte(100)), 10),
  /** Branch ENI usage ratio on a trunk above which `branch-capacity-low` fires. */
  branchCapacityRatio: z._default(z.number().check(z.gte(0), z.lte(1)), 0.9),
  /** Minutes after launch before a trunk-capable SGP node without a trunk ENI is reported. */
  trunkGraceMinutes: z._default(z.int().check(z.gte(0)), 5),
  allow: z._default(z.array(AllowEntrySchema), []),
});

export type GuardConfig = z.infer<typeof GuardConfigSchema>;
export type GuardConfigInput = z.input<typeof GuardConfigSchema>;

/** Validates a parsed config document; throws ConfigError that names each wrong field. */
export function parseGuardConfig(input: unknown): GuardConfig {
  const result = safeParseSchema(GuardConfigSchema, input ?? {});
  if (!result.success) {
    const issues = result.error.issues.map((issue) => ({
      path: issue.path.join('.') || '(root)',
      message: issue.message,
    }));
    throw new ConfigError(`invalid config: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
  }
  for (const [index, entry] of result.data.allow.entries()) {
    if (entry.descriptionPattern !== undefined) {
      try {
        new RegExp(entry.descriptionPattern);
      } catch (cause) {
        throw new ConfigError(
          `invalid config: allow.${index}.descriptionPattern is not a regular expression`,
          [{ path: `allow.${index}.descriptionPattern`, message: 'not a regular expression' }],
          { cause },
        );
      }
    }
  }
  return result.data;
}

/** The defaults, for tests and callers without a config file. */
export function defaultGuardConfig(): GuardConfig {
  return parseGuardConfig({});
}
