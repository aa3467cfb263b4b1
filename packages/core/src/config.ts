/**
 * podnet-guard settings that change what detectors report. Read from a JSON or YAML config file by the CLI and from
 * the environment by the functions; validated here with zod so every entry point gives the same errors.
 */
import { z } from 'zod';
import { ConfigError } from './errors.ts';

/** One allow-list entry: every field given must match for a finding to be suppressed. */
export const AllowEntrySchema = z
  .object({
    /** Why this is allowed; shown in the output next to every suppressed finding. */
    reason: z.string().min(1),
    securityGroups: z.array(z.string().regex(/^sg-[0-9a-f]+$/)).optional(),
    ports: z.array(z.number().int().min(-1).max(65535)).optional(),
    cidrs: z.array(z.string()).optional(),
    /** Principal ARNs (exact) or ARN patterns with `*`. */
    principals: z.array(z.string()).optional(),
    /** Regular expression tested against the rule description. */
    descriptionPattern: z.string().optional(),
    rules: z.array(z.string()).optional(),
    clusters: z.array(z.string()).optional(),
  })
  .strict();
export type AllowEntry = z.infer<typeof AllowEntrySchema>;

export const GuardConfigSchema = z
  .object({
    /** A global IPv4 prefix shorter than or equal to this (e.g. /16 and wider) is `public-wide-ingress`. */
    publicWidePrefixLength: z.number().int().min(0).max(32).default(16),
    /** IPv6 equivalent of `publicWidePrefixLength`. */
    publicWidePrefixLengthV6: z.number().int().min(0).max(128).default(48),
    /** Ports reported by `sensitive-port-ingress` when opened beyond the VPC. */
    sensitivePorts: z
      .array(z.number().int().min(0).max(65535))
      .default([22, 3389, 10250, 10255, 2379, 2380, 3306, 5432, 1433, 1521, 6379, 11211, 27017, 9200, 5439, 9042]),
    /** Principals whose calls are podnet-guard's own (loop protection): ARNs or patterns with `*`. */
    ownPrincipals: z.array(z.string()).default([]),
    /** Subnet free-IP percentage under which `subnet-headroom-low` fires. */
    subnetHeadroomPercent: z.number().min(0).max(100).default(10),
    /** Branch ENI usage ratio on a trunk above which `branch-capacity-low` fires. */
    branchCapacityRatio: z.number().min(0).max(1).default(0.9),
    /** Minutes after launch before a trunk-capable SGP node without a trunk ENI is reported. */
    trunkGraceMinutes: z.number().int().min(0).default(5),
    allow: z.array(AllowEntrySchema).default([]),
  })
  .strict();

export type GuardConfig = z.infer<typeof GuardConfigSchema>;
export type GuardConfigInput = z.input<typeof GuardConfigSchema>;

/** Validates a parsed config document; throws ConfigError that names each wrong field. */
export function parseGuardConfig(input: unknown): GuardConfig {
  const result = GuardConfigSchema.safeParse(input ?? {});
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
