/**
 * The Slack function's settings, from its environment: the findings table, the `slack` section of `GUARD_CONFIG` and
 * the secret holding the credential. Apart from `loadRuntimeConfig`, so the Slack function's bundle carries no SNS,
 * EventBridge or EC2 code (and its role no such action).
 */
import { ConfigError, loadGuardConfig, type SlackConfig } from '@podnet-guard/core';

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

/** Reads and checks the environment; throws ConfigError naming the variable. */
export async function loadSlackFunctionConfig(env: Record<string, string | undefined>): Promise<SlackFunctionConfig> {
  const tableName = env.FINDINGS_TABLE;
  if (!tableName) throw missing('FINDINGS_TABLE', 'is not set');
  const secretArn = env.SLACK_SECRET_ARN;
  if (!secretArn?.startsWith('arn:')) throw missing('SLACK_SECRET_ARN', 'is not a secret ARN');
  let document: unknown = {};
  try {
    document = JSON.parse(env.GUARD_CONFIG ?? '{}');
  } catch (cause) {
    throw new ConfigError(
      'invalid environment: GUARD_CONFIG is not JSON',
      [{ path: 'GUARD_CONFIG', message: 'not JSON' }],
      {
        cause,
      },
    );
  }
  const { slack } = await loadGuardConfig(document);
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
