/**
 * The stack's settings, read from the environment when `sst deploy` runs. SST loads `.env` and `.env.<stage>` into
 * that environment, so a stage's settings live in `.env.<stage>` (or the shell); the README's Deploy section lists
 * them. Every value is checked here, before anything is created, with a message naming the variable.
 */
import { parseGuardConfig, SEVERITIES, type Severity, usePatternEngine } from '@podnet-guard/core';
import * as re2 from 're2js';

/** One email subscriber of the alerts topic and the severities it receives. */
export interface AlertEmail {
  email: string;
  severities: readonly Severity[];
}

/** Everything `sst.config.ts` takes from the environment. */
export interface StackSettings {
  alertEmails: AlertEmail[];
  /** Addresses subscribed to the operations topic (alarms): `OPERATIONS_EMAILS`, else every alert address. */
  operationsEmails: string[];
  /** Regions whose CloudTrail events reach the home region's rules (the home region always included, first). */
  watchedRegions: string[];
  /** Extra principals (ARNs or `*` patterns) whose calls are ignored, besides the stack's own function roles. */
  ownPrincipals: string[];
  sweepSchedule: string;
  inventoryCacheSeconds: number;
  /** Reserved concurrency of the CloudTrail-event function: a burst of events cannot exhaust the EC2 API rate. */
  reservedConcurrency: number;
  /** Detector settings (`GUARD_CONFIG`), JSON checked against core's schema; `undefined` when not set. */
  guardConfig: string | undefined;
  /** `SLACK_DELIVERY=on`: deploy the Slack consumer and its secret; needs `GUARD_CONFIG` with a `slack` section. */
  slackDelivery: boolean;
  /** `SLACK_INTERACTIVITY=on`: buttons on Slack messages, answered by the slack-interactions function's URL. */
  slackInteractivity: boolean;
  /** `GUARD_CONFIG_PARAMETER`: the config document in SSM, under `/<app>/<stage>/` (the functions' grant). */
  guardConfigParameter?: string | undefined;
  /** `GUARD_CONFIG_S3_URI`: the config document in S3 (`s3://bucket/key`). */
  guardConfigS3Uri?: string | undefined;
  /** `REMEDIATION=on`: deploy the remediate function, its GitHub secret and its trigger. */
  remediation?: boolean;
}

/** Where the functions read the config document besides GUARD_CONFIG, and whether remediation is deployed. */
function configSourceSettings(
  env: Record<string, string | undefined>,
): Pick<StackSettings, 'guardConfigParameter' | 'guardConfigS3Uri' | 'remediation'> {
  const parameter = env.GUARD_CONFIG_PARAMETER?.trim() || undefined;
  if (parameter && !parameter.startsWith('/'))
    throw new StackSettingsError('GUARD_CONFIG_PARAMETER', `"${parameter}" is not a parameter path (/…)`);
  const uri = env.GUARD_CONFIG_S3_URI?.trim() || undefined;
  if (uri && !/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/.+$/.test(uri))
    throw new StackSettingsError('GUARD_CONFIG_S3_URI', `"${uri}" is not s3://bucket/key`);
  if (parameter && uri) throw new StackSettingsError('GUARD_CONFIG_S3_URI', 'and GUARD_CONFIG_PARAMETER: choose one');
  return { guardConfigParameter: parameter, guardConfigS3Uri: uri, remediation: onOff(env, 'REMEDIATION') };
}

/** A setting that cannot be used; `variable` names the environment variable. */
export class StackSettingsError extends Error {
  readonly variable: string;
  constructor(variable: string, message: string) {
    super(`${variable}: ${message}`);
    this.name = 'StackSettingsError';
    this.variable = variable;
  }
}

const EMAIL = /^[^\s@=,|]+@[^\s@=,|]+\.[^\s@=,|]+$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const SCHEDULE = /^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\([^)]+\))$/;

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

/**
 * Parses `ALERT_EMAILS`: comma-separated `address` or `address=severity|severity`; an address without `=` gets every
 * severity. The same address twice is refused (SNS would keep one subscription).
 *
 * @example
 * parseAlertEmails('ops@example.com=critical|high,dev@example.com');
 * // [{ email: 'ops@example.com', severities: ['critical', 'high'] }, { email: 'dev@example.com', severities: [all five] }]
 */
export function parseAlertEmails(value: string | undefined): AlertEmail[] {
  const seen = new Set<string>();
  return list(value).map((entry) => {
    const [address = '', wanted, extra] = entry.split('=').map((part) => part.trim());
    if (extra !== undefined) throw new StackSettingsError('ALERT_EMAILS', `"${entry}" has more than one "="`);
    if (!EMAIL.test(address)) throw new StackSettingsError('ALERT_EMAILS', `"${address}" is not an email address`);
    const email = address.toLowerCase();
    if (seen.has(email)) throw new StackSettingsError('ALERT_EMAILS', `${email} is listed twice`);
    seen.add(email);
    if (wanted === undefined) return { email, severities: [...SEVERITIES] };
    const severities = wanted
      .split('|')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean);
    const unknown = severities.filter((s) => !(SEVERITIES as readonly string[]).includes(s));
    if (severities.length === 0 || unknown.length > 0) {
      throw new StackSettingsError(
        'ALERT_EMAILS',
        `"${entry}": severities must be among ${SEVERITIES.join('|')}${unknown.length ? `, not ${unknown.join(', ')}` : ''}`,
      );
    }
    // Kept in SEVERITIES order so the filter policy is stable whatever order was typed.
    return { email, severities: SEVERITIES.filter((s) => severities.includes(s)) };
  });
}

/**
 * The SNS subscription filter policy (scope `MessageAttributes`) for a subscriber: the publisher sets a `severity`
 * attribute on every finding message. `undefined` when the subscriber takes every severity, so no filter is set.
 *
 * @example
 * severityFilterPolicy(['critical', 'high']); // { severity: ['critical', 'high'] }
 */
export function severityFilterPolicy(severities: readonly Severity[]): { severity: Severity[] } | undefined {
  if (SEVERITIES.every((s) => severities.includes(s))) return undefined;
  return { severity: [...severities] };
}

function integer(env: Record<string, string | undefined>, name: string, fallback: number, min: number, max: number) {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new StackSettingsError(name, `must be an integer from ${min} to ${max}, not "${raw}"`);
  }
  return value;
}

/**
 * Reads and checks the settings. `homeRegion` is the region the stack deploys to (the AWS provider's).
 *
 * @example
 * stackSettings({ WATCHED_REGIONS: 'eu-west-1,us-east-1', ALERT_EMAILS: 'ops@example.com=critical' }, 'eu-west-1');
 */
export function stackSettings(env: Record<string, string | undefined>, homeRegion: string): StackSettings {
  if (!REGION.test(homeRegion)) throw new StackSettingsError('AWS_REGION', `"${homeRegion}" is not a region name`);
  const regions = list(env.WATCHED_REGIONS);
  for (const region of regions) {
    if (!REGION.test(region)) throw new StackSettingsError('WATCHED_REGIONS', `"${region}" is not a region name`);
  }
  const sweepSchedule = env.SWEEP_SCHEDULE?.trim() || 'rate(1 hour)';
  if (!SCHEDULE.test(sweepSchedule)) {
    throw new StackSettingsError('SWEEP_SCHEDULE', `"${sweepSchedule}" is not a rate(...) or cron(...) expression`);
  }
  const guardConfig = env.GUARD_CONFIG?.trim() || undefined;
  if (guardConfig) {
    // Checked here as the functions will check it at init, descriptionPattern included (RE2 syntax).
    usePatternEngine(re2);
    try {
      parseGuardConfig(JSON.parse(guardConfig));
    } catch (cause) {
      throw new StackSettingsError('GUARD_CONFIG', `not a valid detector configuration: ${(cause as Error).message}`);
    }
  }
  const slackSetting = env.SLACK_DELIVERY?.trim().toLowerCase() || 'off';
  if (slackSetting !== 'on' && slackSetting !== 'off') {
    throw new StackSettingsError('SLACK_DELIVERY', `"${slackSetting}" is not on or off`);
  }
  const slackDelivery = slackSetting === 'on';
  // A document in SSM or S3 is read at run time: the function's cold start checks its slack section instead.
  const storedConfig = Boolean(env.GUARD_CONFIG_PARAMETER?.trim() || env.GUARD_CONFIG_S3_URI?.trim());
  if (slackDelivery && !storedConfig && !(guardConfig && JSON.parse(guardConfig).slack)) {
    throw new StackSettingsError(
      'SLACK_DELIVERY',
      'is on, but GUARD_CONFIG has no slack section (routes, defaultChannel)',
    );
  }
  const slackInteractivity = onOff(env, 'SLACK_INTERACTIVITY');
  if (slackInteractivity && !slackDelivery) {
    throw new StackSettingsError(
      'SLACK_INTERACTIVITY',
      'is on, but SLACK_DELIVERY is off: buttons live on its messages',
    );
  }
  const alertEmails = parseAlertEmails(env.ALERT_EMAILS);
  const operationsEmails = list(env.OPERATIONS_EMAILS).map((email) => {
    if (!EMAIL.test(email)) throw new StackSettingsError('OPERATIONS_EMAILS', `"${email}" is not an email address`);
    return email.toLowerCase();
  });
  return {
    alertEmails,
    operationsEmails: operationsEmails.length > 0 ? operationsEmails : alertEmails.map((entry) => entry.email),
    watchedRegions: [...new Set([homeRegion, ...regions])],
    ownPrincipals: list(env.OWN_PRINCIPALS),
    sweepSchedule,
    inventoryCacheSeconds: integer(env, 'INVENTORY_CACHE_SECONDS', 60, 0, 3600),
    reservedConcurrency: integer(env, 'RESERVED_CONCURRENCY', 5, 1, 1000),
    guardConfig,
    slackDelivery,
    slackInteractivity,
    ...configSourceSettings(env),
  };
}

function onOff(env: Record<string, string | undefined>, name: string): boolean {
  const value = env[name]?.trim().toLowerCase() || 'off';
  if (value !== 'on' && value !== 'off') throw new StackSettingsError(name, `"${value}" is not on or off`);
  return value === 'on';
}
