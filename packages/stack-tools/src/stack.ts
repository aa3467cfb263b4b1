/**
 * The stack's pure parts, kept out of `sst.config.ts` so tests can run them: the function list, names, the regions
 * that forward events, the function environment and each function's IAM statements.
 */
import { FUNCTION_COMMANDS } from './function-commands.generated.ts';
import {
  type ExtraGrant,
  functionPermissions,
  type PermissionStatement,
  parseCommandKey,
  type SdkCommand,
  type StackResources,
} from './iam.ts';
import type { StackSettings } from './settings.ts';

/** One Lambda function of the stack. */
export interface StackFunction {
  /** The entry file's name under `functions/` without `.ts`; the key of `FUNCTION_COMMANDS`. */
  name: string;
  /** SST's component name. */
  component: string;
  handler: string;
  timeoutSeconds: number;
  memoryMb: number;
  /** Grants beyond its SDK calls (see `EXTRA_ACTIONS`). */
  extras: readonly ExtraGrant[];
  /** Deployed only when this feature is on (see `deployedFunctions`). */
  optional?: 'slack' | 'slack-interactivity' | 'remediation';
  /** A Lambda Function URL (auth NONE) in front of it: Slack's interactivity URL, which Slack signs itself. */
  functionUrl?: boolean;
}

/**
 * Every function the stack deploys. Each is invoked asynchronously at least some of the time (EventBridge rules, the
 * schedule, the API's hand-off), so each has the on-failure destination and its `sqs:SendMessage`.
 */
export const STACK_FUNCTIONS: readonly StackFunction[] = [
  {
    name: 'on-cloudtrail-event',
    component: 'OnCloudTrailEvent',
    handler: 'functions/on-cloudtrail-event.handler',
    // A scoped inventory load is a handful of describe calls; a minute leaves room for adaptive-retry backoff.
    timeoutSeconds: 60,
    memoryMb: 512,
    extras: ['failureQueue'],
  },
  {
    name: 'evaluate-api',
    component: 'EvaluateApi',
    handler: 'functions/evaluate-api.handler',
    // Over 30 s: a request answered 202 continues as an asynchronous invocation of this function (a full evaluation).
    timeoutSeconds: 300,
    memoryMb: 1024,
    extras: ['failureQueue'],
  },
  {
    name: 'sweep',
    component: 'Sweep',
    handler: 'functions/sweep.handler',
    // Below the sweep lease (SWEEP_LEASE_SECONDS, 900 s by default), so a lease never outlives a running sweep.
    timeoutSeconds: 600,
    memoryMb: 1024,
    extras: ['failureQueue'],
  },
  {
    name: 'deliver-slack',
    component: 'DeliverSlack',
    handler: 'functions/deliver-slack.handler',
    // A few Slack calls; room for the client's own retries. Deployed only when SLACK_DELIVERY is set.
    timeoutSeconds: 30,
    memoryMb: 256,
    extras: ['failureQueue'],
    optional: 'slack',
  },
  {
    name: 'slack-interactions',
    component: 'SlackInteractions',
    handler: 'functions/slack-interactions.handler',
    // The URL answers within Slack's 3 s; the same function then does the work from the bus (a re-evaluation of the
    // finding's clusters), so its timeout is an evaluation's. Deployed only when SLACK_INTERACTIVITY is on.
    timeoutSeconds: 300,
    memoryMb: 1024,
    extras: ['failureQueue'],
    optional: 'slack-interactivity',
    functionUrl: true,
  },
  {
    name: 'remediate',
    component: 'Remediate',
    handler: 'functions/remediate.handler',
    // Reads a repository through the API and keeps one pull request, with writes spaced 1 s apart as GitHub asks and
    // room for a rate-limit wait. Deployed only when REMEDIATION is on.
    timeoutSeconds: 300,
    memoryMb: 512,
    extras: ['failureQueue'],
    optional: 'remediation',
  },
];

/** The functions a deployment with these settings gets: the optional ones only when their setting asks for them. */
export function deployedFunctions(
  settings: Pick<StackSettings, 'slackDelivery' | 'slackInteractivity'> & { remediation?: boolean },
): readonly StackFunction[] {
  return STACK_FUNCTIONS.filter(
    (fn) =>
      fn.optional === undefined ||
      (fn.optional === 'slack' && settings.slackDelivery) ||
      (fn.optional === 'slack-interactivity' && settings.slackInteractivity) ||
      (fn.optional === 'remediation' && settings.remediation === true),
  );
}

/** The function spec by name; throws for an unknown one. */
export function stackFunction(name: string): StackFunction {
  const fn = STACK_FUNCTIONS.find((candidate) => candidate.name === name);
  if (!fn) throw new Error(`no stack function named ${name}`);
  return fn;
}

/** The SDK commands a function's bundle keeps, from the generated list (`npm run gen:iam`). */
export function functionCommands(name: string): SdkCommand[] {
  const keys = FUNCTION_COMMANDS[name];
  if (!keys) throw new Error(`no command list for ${name}: run npm run gen:iam`);
  return keys.map(parseCommandKey);
}

/**
 * The `permissions` SST attaches to a function's role: its SDK calls' actions plus its extra grants, each on the
 * stack resources given. `sst.config.ts` calls this; test/stack/iam.test.ts checks it against fresh bundles.
 *
 * @example
 * stackFunctionPermissions('sweep', { findingsTable: table.arn, findingsTableIndexes: indexArns, alertsTopic, … });
 */
export function stackFunctionPermissions<T>(name: string, resources: StackResources<T>): PermissionStatement<T>[] {
  return functionPermissions(functionCommands(name), resources, stackFunction(name).extras);
}

/** The regions that forward their CloudTrail events to the home region's default bus: every watched one but home. */
export function forwardingRegions(watchedRegions: readonly string[], homeRegion: string): string[] {
  return [...new Set(watchedRegions)].filter((region) => region !== homeRegion).sort();
}

/** The ARN of a region's default event bus (where CloudTrail management events arrive). */
export function defaultBusArn(region: string, account: string, partition = 'aws'): string {
  return `arn:${partition}:events:${region}:${account}:event-bus/default`;
}

/**
 * A fixed IAM role name for a function (IAM names are account-wide, so app, stage and region are in it), so the stack
 * can tell the functions which principals are their own before the roles exist. Throws past IAM's 64 characters.
 *
 * @example
 * functionRoleName('podnet-guard', 'prod', 'sweep', 'eu-west-1'); // 'podnet-guard-prod-sweep-eu-west-1'
 */
export function functionRoleName(app: string, stage: string, fn: string, region: string): string {
  const name = `${app}-${stage}-${fn}-${region}`;
  if (name.length > 64 || !/^[\w+=,.@-]+$/.test(name)) {
    throw new Error(`IAM role name "${name}" is invalid (at most 64 of [A-Za-z0-9+=,.@_-]); use a shorter stage name`);
  }
  return name;
}

/** The principal patterns of the stack's own functions (their sessions under the fixed role names), for OWN_PRINCIPALS. */
export function ownPrincipalPatterns(app: string, stage: string, region: string, partition = 'aws'): string[] {
  return STACK_FUNCTIONS.map(
    (fn) => `arn:${partition}:sts::*:assumed-role/${functionRoleName(app, stage, fn.name, region)}/*`,
  );
}

/**
 * The environment `loadRuntimeConfig` (packages/aws/src/environment.ts) reads, minus what Lambda sets itself.
 *
 * @example
 * functionEnvironment(settings, { tableName, topicArn, busName, ownPrincipals: ownPrincipalPatterns(…) });
 */
export function functionEnvironment<T>(
  settings: StackSettings,
  resources: { tableName: T; topicArn: T; busName: T; ownPrincipals: readonly string[] },
): Record<string, T | string> {
  return {
    FINDINGS_TABLE: resources.tableName,
    ALERTS_TOPIC_ARN: resources.topicArn,
    FINDINGS_BUS_NAME: resources.busName,
    OWN_PRINCIPALS: [...resources.ownPrincipals, ...settings.ownPrincipals].join(','),
    WATCHED_REGIONS: settings.watchedRegions.join(','),
    INVENTORY_CACHE_SECONDS: String(settings.inventoryCacheSeconds),
    ...(settings.guardConfig ? { GUARD_CONFIG: settings.guardConfig } : {}),
    ...(settings.guardConfigParameter ? { GUARD_CONFIG_PARAMETER: settings.guardConfigParameter } : {}),
    ...(settings.guardConfigS3Uri ? { GUARD_CONFIG_S3_URI: settings.guardConfigS3Uri } : {}),
  };
}

/**
 * The remediation parameters' names under the stack's path: the kill switch, read at every run of the remediate
 * function. The config parameter (`GUARD_CONFIG_PARAMETER`) must live under the same path for the grant to cover it.
 *
 * @example remediationParameters('podnet-guard', 'prod'); // { path: '/podnet-guard/prod/', killSwitch: '/podnet-guard/prod/remediation-kill-switch' }
 */
export function remediationParameters(app: string, stage: string): { path: string; killSwitch: string } {
  const path = `/${app}/${stage}/`;
  return { path, killSwitch: `${path}remediation-kill-switch` };
}

/**
 * The findings-bus pattern the remediate function subscribes to: finding transitions and `Remediation Requested`
 * (the Slack "Open fix PR" button, packages/aws/src/slack/slack-actions.ts).
 */
export const REMEDIATION_TRIGGER_PATTERN = {
  source: ['podnet-guard'],
  'detail-type': ['Finding Opened', 'Finding Worsened', 'Finding Resolved', 'Remediation Requested'],
} as const;

/**
 * The HTTP API's routes, all IAM-authorised, all served by the evaluate-api function. test/stack/stack.test.ts checks
 * that `handleApiRequest` answers each of them (and not "no route").
 */
export const API_ROUTES = [
  'POST /evaluations',
  'GET /evaluations/{id}',
  'GET /findings',
  'GET /findings/{id}',
  'POST /findings/{id}/suppress',
  'DELETE /findings/{id}/suppress',
] as const;

/**
 * The findings-bus pattern of the Slack buttons' work (`Slack Action Requested`), which the slack-interactions
 * function subscribes to. Kept equal to packages/aws/src/slack/slack-actions.ts by test/stack/stack.test.ts.
 */
export const SLACK_ACTION_PATTERN = {
  source: ['podnet-guard.slack'],
  'detail-type': ['Slack Action Requested'],
} as const;

/**
 * The findings-bus pattern of every finding transition (`Finding Opened|Worsened|Resolved`) and of suppressions made
 * through the API (`Finding Suppressed|Unsuppressed`), which the Slack consumer subscribes to. Kept equal to
 * packages/aws/src/bus.ts by test/stack/stack.test.ts.
 */
export const FINDING_TRANSITION_PATTERN = {
  source: ['podnet-guard'],
  'detail-type': [
    'Finding Opened',
    'Finding Worsened',
    'Finding Resolved',
    'Finding Suppressed',
    'Finding Unsuppressed',
  ],
} as const;

/** One EventBridge rule the stack creates for CloudTrail calls: its name suffix, description and pattern. */
export interface CloudTrailRule<P> {
  id: string;
  description: string;
  pattern: P;
}

/**
 * One rule per generated pattern (core's `eventPatterns()`), named by position, described by its event names
 * (EventBridge caps descriptions at 512 characters).
 */
export function cloudTrailRules<P extends { detail: { eventName?: unknown } }>(
  patterns: readonly P[],
): CloudTrailRule<P>[] {
  return patterns.map((pattern, index) => ({
    id: `CloudTrailCalls${index}`,
    description: `podnet-guard: ${[pattern.detail.eventName].flat().join(', ')}`.slice(0, 512),
    pattern,
  }));
}

/** The rules one non-home region gets: the home region's CloudTrail patterns, forwarded to the home default bus. */
export interface ForwardingRegion<P> {
  region: string;
  /** Component-name suffix for the region, e.g. `UsEast1`. */
  suffix: string;
  rules: CloudTrailRule<P>[];
}

/**
 * The forwarding plan: for every watched region but home, the same rules as home, so one deployment sees the
 * account's calls in all watched regions (CloudTrail events reach EventBridge only in the region of the call).
 *
 * @example
 * forwardingPlan(eventPatterns(), ['eu-west-1', 'us-east-1'], 'eu-west-1'); // [{ region: 'us-east-1', … }]
 */
export function forwardingPlan<P extends { detail: { eventName?: unknown } }>(
  patterns: readonly P[],
  watchedRegions: readonly string[],
  homeRegion: string,
): ForwardingRegion<P>[] {
  return forwardingRegions(watchedRegions, homeRegion).map((region) => ({
    region,
    suffix: region
      .split('-')
      .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
      .join(''),
    rules: cloudTrailRules(patterns),
  }));
}
