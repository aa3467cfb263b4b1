/**
 * podnet-guard settings that change what detectors report. Read from a JSON or YAML config file by the CLI and from
 * the environment by the functions; validated here with zod so every entry point gives the same errors.
 */
import * as z from 'zod/mini';
import { loadPatternEngine, PatternEngineMissing, patternEngineLoaded, patternProblem } from './allow-patterns.ts';
import { detectors } from './detectors/index.ts';
import { ConfigError, type InputIssue } from './errors.ts';
import { RemediationConfigSchema } from './remediation/config.ts';
import { safeParseSchema } from './safe-parse.ts';
import { SlackConfigSchema } from './slack-routing.ts';

const whole = (min: number, max: number) => z.int().check(z.gte(min), z.lte(max));

/** A list an allow entry constrains by: given, it must name at least one value (an empty list matches nothing). */
const constraint = <T extends z.core.SomeType>(item: T) => z.optional(z.array(item).check(z.minLength(1)));

/** One allow-list entry: every field given must match for a finding to be suppressed. */
export const AllowEntrySchema = z.strictObject({
  /** Why this is allowed; shown in the output next to every suppressed finding. */
  reason: z.string().check(z.minLength(1)),
  securityGroups: constraint(z.string().check(z.regex(/^sg-[0-9a-f]+$/))),
  ports: constraint(whole(-1, 65535)),
  cidrs: constraint(z.string()),
  /** Principal ARNs (exact) or ARN patterns with `*`. */
  principals: constraint(z.string()),
  /** Regular expression (RE2 syntax: no lookarounds, no backreferences) tested against the rule description. */
  descriptionPattern: z.optional(z.string().check(z.minLength(1))),
  rules: constraint(z.string()),
  clusters: constraint(z.string()),
});
export type AllowEntry = z.infer<typeof AllowEntrySchema>;

/** The fields of an allow entry that constrain what it matches; an entry must give at least one. */
export const ALLOW_CONSTRAINTS = [
  'securityGroups',
  'ports',
  'cidrs',
  'principals',
  'descriptionPattern',
  'rules',
  'clusters',
] as const satisfies readonly (keyof AllowEntry)[];

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
  /** Slack channels per severity, cluster and detector (see slack-routing.ts); absent: no Slack delivery. */
  slack: z.optional(SlackConfigSchema),
  /** Fix pull requests (the deployed `remediate` function): repositories, mode, labels; see remediation/config.ts. */
  remediation: z.optional(RemediationConfigSchema),
  /** Rules switched off: never reported, and said so in every output. */
  disabledRules: z._default(z.array(z.string().check(z.minLength(1))), []),
});

export type GuardConfig = z.infer<typeof GuardConfigSchema>;
export type GuardConfigInput = z.input<typeof GuardConfigSchema>;

/**
 * Validates a parsed config document; throws ConfigError that names each wrong field. A config with a
 * `descriptionPattern` needs the pattern engine loaded first: read such configs with {@link loadGuardConfig}.
 */
export function parseGuardConfig(input: unknown): GuardConfig {
  const result = safeParseSchema(GuardConfigSchema, input ?? {});
  if (!result.success) {
    const issues = result.error.issues.map((issue) => ({
      path: issue.path.join('.') || '(root)',
      message: issue.message,
    }));
    throw new ConfigError(`invalid config: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
  }
  const issues: InputIssue[] = [];
  for (const [index, entry] of result.data.allow.entries()) {
    if (!ALLOW_CONSTRAINTS.some((field) => entry[field] !== undefined)) {
      issues.push({
        path: `allow.${index}`,
        message: `the entry (reason ${JSON.stringify(entry.reason)}) constrains nothing and would suppress every finding: give at least one of ${ALLOW_CONSTRAINTS.join(', ')}, or switch a rule off with disabledRules`,
      });
    }
    if (entry.descriptionPattern !== undefined) {
      if (!patternEngineLoaded()) throw new PatternEngineMissing();
      const problem = patternProblem(entry.descriptionPattern);
      if (problem) issues.push({ path: `allow.${index}.descriptionPattern`, message: problem });
    }
  }
  const known = new Set(detectors.flatMap((detector) => detector.rules.map((rule) => rule.id)));
  for (const [index, rule] of result.data.disabledRules.entries()) {
    if (!known.has(rule))
      issues.push({ path: `disabledRules.${index}`, message: `no detector has a rule ${JSON.stringify(rule)}` });
  }
  if (issues.length > 0) {
    throw new ConfigError(`invalid config: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
  }
  return result.data;
}

/**
 * Validates a config document like {@link parseGuardConfig}, loading the pattern engine first when an allow entry
 * has a `descriptionPattern` (only then: it is large).
 *
 * @example
 * const config = await loadGuardConfig({ allow: [{ reason: 'LB controller', principals: [role], descriptionPattern: '^elbv2\\.k8s\\.aws/' }] });
 */
export async function loadGuardConfig(input: unknown): Promise<GuardConfig> {
  const allow = (input as { allow?: unknown } | null | undefined)?.allow;
  const hasPattern =
    Array.isArray(allow) &&
    allow.some((entry) => typeof (entry as { descriptionPattern?: unknown } | null)?.descriptionPattern === 'string');
  if (hasPattern) await loadPatternEngine();
  return parseGuardConfig(input);
}

/** The defaults, for tests and callers without a config file. */
export function defaultGuardConfig(): GuardConfig {
  return parseGuardConfig({});
}
