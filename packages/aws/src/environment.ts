/**
 * Every environment variable podnet-guard's AWS side reads, read here and nowhere else (the stack sets them, see
 * packages/stack-tools/src/stack.ts `functionEnvironment`). Validated once per container: a wrong value fails the
 * cold start with a message that names the variable, except the tuning knobs (`API_DEADLINE_MS`,
 * `SWEEP_LEASE_SECONDS`, `AWS_MAX_ATTEMPTS`), which fall back to their defaults.
 *
 * Free of SDK imports: the Slack function reads its settings here without carrying EC2, SNS or EventBridge code.
 */
import {
  ConfigError,
  type GuardConfig,
  loadGuardConfig,
  parseGuardConfig,
  type RemediationConfig,
  type SlackConfig,
  safeParseSchema,
} from '@podnet-guard/core';
import * as z from 'zod/mini';

/** Variables by name, as `process.env` holds them. */
export type Environment = Record<string, string | undefined>;

/** The process's environment: the one read of `process.env` (tests pass their own `Environment` instead). */
export function processEnvironment(): Environment {
  return process.env;
}

const csv = z.pipe(
  z.optional(z.string()),
  z.transform((value: string | undefined) =>
    (value ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  ),
);

const RuntimeEnvSchema = z.object({
  FINDINGS_TABLE: z.string().check(z.minLength(1)),
  ALERTS_TOPIC_ARN: z.string().check(z.startsWith('arn:')),
  /** Optional: the findings bus for machine consumers. */
  FINDINGS_BUS_NAME: z.optional(z.string().check(z.minLength(1))),
  /** podnet-guard's own principals (ARNs or patterns with `*`): their calls are ignored. */
  OWN_PRINCIPALS: csv,
  /** Regions the sweep and API scan; the function's own region when empty. */
  WATCHED_REGIONS: csv,
  /** How long a warm container may reuse a full inventory it loaded (seconds). */
  INVENTORY_CACHE_SECONDS: z._default(z.coerce.number().check(z.int(), z.gte(0), z.lte(3600)), 60),
  /** Detector settings (thresholds, allow-list) as JSON; see the README. */
  GUARD_CONFIG: z.optional(z.string()),
  /** The same document in SSM Parameter Store (a name or ARN); wins over GUARD_CONFIG. */
  GUARD_CONFIG_PARAMETER: z.optional(z.string()),
  /** The same document in S3 (`s3://bucket/key`); wins over GUARD_CONFIG. */
  GUARD_CONFIG_S3_URI: z.optional(z.string()),
  AWS_REGION: z.string().check(z.minLength(1)),
});

export interface RuntimeConfig {
  tableName: string;
  topicArn: string;
  busName: string | undefined;
  regions: string[];
  inventoryCacheSeconds: number;
  guard: GuardConfig;
  region: string;
  /** How long `POST /evaluations` waits before answering `202` (`API_DEADLINE_MS`). */
  apiDeadlineMs: number;
  /** How long the sweep's lease lasts (`SWEEP_LEASE_SECONDS`). */
  sweepLeaseSeconds: number;
}

/**
 * Reads and checks the environment; rejects with ConfigError naming each wrong variable. Asynchronous because a
 * GUARD_CONFIG with a `descriptionPattern` loads the pattern engine first.
 *
 * @example const config = await loadRuntimeConfig();
 */
export async function loadRuntimeConfig(env: Environment = processEnvironment()): Promise<RuntimeConfig> {
  const parsed = safeParseSchema(RuntimeEnvSchema, env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
    throw new ConfigError(`invalid environment: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
  }
  const values = parsed.data;
  const guard = await loadGuardConfig(await guardConfigDocument(env));
  return {
    tableName: values.FINDINGS_TABLE,
    topicArn: values.ALERTS_TOPIC_ARN,
    busName: values.FINDINGS_BUS_NAME,
    regions: values.WATCHED_REGIONS.length ? values.WATCHED_REGIONS : [values.AWS_REGION],
    inventoryCacheSeconds: values.INVENTORY_CACHE_SECONDS,
    guard: { ...guard, ownPrincipals: [...guard.ownPrincipals, ...values.OWN_PRINCIPALS] },
    region: values.AWS_REGION,
    apiDeadlineMs: deadlineFromEnv(env),
    sweepLeaseSeconds: sweepLeaseFromEnv(env),
  };
}

/** Where the guard config document comes from: SSM, S3, or inline (`GUARD_CONFIG`, unset is `{}`). */
export type GuardConfigSource =
  | { kind: 'ssm'; name: string }
  | { kind: 's3'; bucket: string; key: string }
  | { kind: 'inline'; text: string | undefined };

/** The source the environment names; throws ConfigError for two sources or a malformed S3 URI. */
export function guardConfigSource(env: Environment = processEnvironment()): GuardConfigSource {
  const parameter = env.GUARD_CONFIG_PARAMETER?.trim() || undefined;
  const uri = env.GUARD_CONFIG_S3_URI?.trim() || undefined;
  if (parameter && uri) throw missing('GUARD_CONFIG_S3_URI', 'and GUARD_CONFIG_PARAMETER are both set: choose one');
  if (parameter) return { kind: 'ssm', name: parameter };
  if (uri) {
    const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.+)$/.exec(uri);
    if (!match) throw missing('GUARD_CONFIG_S3_URI', 'is not s3://bucket/key');
    return { kind: 's3', bucket: match[1]!, key: match[2]! };
  }
  return { kind: 'inline', text: env.GUARD_CONFIG || undefined };
}

/** Documents already read, by source: the parameter or object is read once per container. */
const documentCache = new Map<string, Promise<string>>();

/** Reads a stored document (the SDK clients load only then); tests replace it. */
export type ConfigDocumentReader = (source: Exclude<GuardConfigSource, { kind: 'inline' }>) => Promise<string>;

const readStoredDocument: ConfigDocumentReader = async (source) =>
  (await import('./first-use/config-document.ts')).readConfigDocument(source);

/**
 * The guard config document the environment names, parsed (JSON); read from SSM or S3 once per container.
 *
 * @example const document = await guardConfigDocument({ GUARD_CONFIG_PARAMETER: '/podnet-guard/prod/config' });
 */
export async function guardConfigDocument(
  env: Environment = processEnvironment(),
  read: ConfigDocumentReader = readStoredDocument,
): Promise<unknown> {
  const source = guardConfigSource(env);
  if (source.kind === 'inline') return parseDocument(source.text, 'GUARD_CONFIG');
  const key = JSON.stringify(source);
  let text = documentCache.get(key);
  if (!text) {
    text = read(source);
    documentCache.set(key, text);
    text.catch(() => documentCache.delete(key)); // a failed read is tried again by the next cold start or call
  }
  return parseDocument(await text, source.kind === 'ssm' ? 'GUARD_CONFIG_PARAMETER' : 'GUARD_CONFIG_S3_URI');
}

/** A config document's JSON; absent is `{}`. */
function parseDocument(text: string | undefined, variable: string): unknown {
  if (text === undefined) return {};
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new ConfigError(`invalid environment: ${variable} is not JSON`, [{ path: variable, message: 'not JSON' }], {
      cause,
    });
  }
}

/** Default time an evaluation may take before the API answers `202` (API Gateway stops waiting at 30 s). */
export const DEFAULT_DEADLINE_MS = 25_000;

/**
 * The deadline from `API_DEADLINE_MS` (milliseconds, 0–28000), else `DEFAULT_DEADLINE_MS`.
 *
 * @example deadlineFromEnv({ API_DEADLINE_MS: '20000' }) // 20000
 */
export function deadlineFromEnv(env: Environment = processEnvironment()): number {
  const value = Number(env.API_DEADLINE_MS ?? '');
  return env.API_DEADLINE_MS !== undefined && Number.isInteger(value) && value >= 0 && value <= 28_000
    ? value
    : DEFAULT_DEADLINE_MS;
}

/** The sweep lease when `SWEEP_LEASE_SECONDS` is unset: above the sweep function's timeout. */
export const DEFAULT_SWEEP_LEASE_SECONDS = 900;

/** The sweep lease from `SWEEP_LEASE_SECONDS` (a positive whole number of seconds), else 900. */
export function sweepLeaseFromEnv(env: Environment = processEnvironment()): number {
  return Number.parseInt(env.SWEEP_LEASE_SECONDS ?? '', 10) || DEFAULT_SWEEP_LEASE_SECONDS;
}

/** Attempts per call (first try included) when `AWS_MAX_ATTEMPTS` is not set. */
export const DEFAULT_MAX_ATTEMPTS = 5;

/** Attempts per AWS call from `AWS_MAX_ATTEMPTS` (a positive integer), else 5. */
export function maxAttemptsFromEnv(env: Environment = processEnvironment()): number {
  const fromEnv = Number.parseInt(env.AWS_MAX_ATTEMPTS ?? '', 10);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_MAX_ATTEMPTS;
}

/** The Slack function's settings: the findings table, the `slack` section of `GUARD_CONFIG` and the credential. */
export interface SlackFunctionConfig {
  tableName: string;
  slack: SlackConfig;
  secretArn: string;
  /** Another Slack API base (Slack GovSlack: `https://slack-gov.com/api/`). */
  apiUrl: string | undefined;
  /** The queue the function's failed invocations land in, drained by its hourly run (`SLACK_PENDING_QUEUE_URL`). */
  pendingQueueUrl: string | undefined;
  /** `SLACK_INTERACTIVITY=on`: parent messages carry buttons, answered by the slack-interactions function. */
  interactivity: boolean;
}

/**
 * The buttons parent messages carry with this config: none unless interactivity is on (and an app, not a webhook).
 *
 * @example
 * slackButtons(config); // { fixPullRequest: false }
 */
export function slackButtons(config: SlackFunctionConfig): { fixPullRequest: boolean } | undefined {
  return config.interactivity ? { fixPullRequest: config.slack.actions?.fixPullRequest ?? false } : undefined;
}

const missing = (variable: string, message: string) =>
  new ConfigError(`invalid environment: ${variable} ${message}`, [{ path: variable, message }]);

/** Reads and checks the Slack function's environment; throws ConfigError naming the variable. */
export async function loadSlackFunctionConfig(env: Environment = processEnvironment()): Promise<SlackFunctionConfig> {
  const tableName = env.FINDINGS_TABLE;
  if (!tableName) throw missing('FINDINGS_TABLE', 'is not set');
  const secretArn = env.SLACK_SECRET_ARN;
  if (!secretArn?.startsWith('arn:')) throw missing('SLACK_SECRET_ARN', 'is not a secret ARN');
  const { slack } = await loadGuardConfig(await guardConfigDocument(env));
  if (!slack) throw missing('GUARD_CONFIG', 'has no slack section (routes, defaultChannel)');
  return {
    tableName,
    slack,
    secretArn,
    apiUrl: env.SLACK_API_URL || undefined,
    pendingQueueUrl: env.SLACK_PENDING_QUEUE_URL || undefined,
    interactivity: env.SLACK_INTERACTIVITY === 'on',
  };
}

/** The remediate function's settings: the shared runtime config, its `remediation` section, the secret, the switch. */
export interface RemediationFunctionConfig {
  runtime: RuntimeConfig;
  remediation: RemediationConfig;
  /** The GitHub credential in Secrets Manager (`GITHUB_SECRET_ARN`): a token or a GitHub App's key. */
  secretArn: string;
  /** The kill switch (`REMEDIATION_KILL_SWITCH_PARAMETER`), an SSM parameter read at every run. */
  killSwitchParameter: string;
}

/**
 * Reads and checks the remediate function's environment; throws ConfigError naming the variable. A config without a
 * `remediation` section is mode `off`.
 */
export async function loadRemediationFunctionConfig(
  env: Environment = processEnvironment(),
): Promise<RemediationFunctionConfig> {
  const secretArn = env.GITHUB_SECRET_ARN;
  if (!secretArn?.startsWith('arn:')) throw missing('GITHUB_SECRET_ARN', 'is not a secret ARN');
  const killSwitchParameter = env.REMEDIATION_KILL_SWITCH_PARAMETER?.trim();
  if (!killSwitchParameter) throw missing('REMEDIATION_KILL_SWITCH_PARAMETER', 'is not set');
  const runtime = await loadRuntimeConfig(env);
  const remediation = runtime.guard.remediation ?? parseGuardConfig({ remediation: { mode: 'off' } }).remediation!;
  return { runtime, remediation, secretArn, killSwitchParameter };
}
