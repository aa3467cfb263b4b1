/**
 * Lambda: Slack's interactivity URL (a Function URL, auth NONE) and the work behind its buttons. Wiring only:
 * `handleSlackInteraction` answers Slack within 3 s after verifying its request signature, and puts the work on the
 * findings bus (`Slack Action Requested`); the bus's rule brings it back here, to `handleSlackActionRequest`, which
 * suppresses, re-evaluates or requests the fix pull request and posts the result in the finding's thread.
 * The bot token and signing secret are read from the Slack secret (`SLACK_SECRET_ARN`), starting at init so the first
 * request does not wait for them; they are never logged.
 */
import middy from '@middy/core';
import { createRuntimeDeps, evaluateLive, loadRuntimeConfig, putSuppressionEvent } from '@podnet-guard/aws';
import {
  createSlackAppSink,
  createSlackInteractivityApi,
  handleSlackActionRequest,
  handleSlackInteraction,
  isSlackActionEvent,
  loadSlackFunctionConfig,
  loadSlackInteractivitySecret,
  putRemediationRequest,
  putSlackActionRequest,
  type SlackActionDeps,
  type SlackInteractionDeps,
  userGroupMembership,
} from '@podnet-guard/aws/slack';
import { ConfigError } from '@podnet-guard/core';
import { createLogging } from './lib/observability.ts';

const slack = await loadSlackFunctionConfig();
const config = await loadRuntimeConfig();
if (!config.busName) throw new ConfigError('invalid environment: FINDINGS_BUS_NAME is not set', []);
const busName = config.busName;
const { logger, middlewares } = createLogging({ resetKeys: true });
const { clientsFor, events, store, targets } = createRuntimeDeps(config);
const userGroup = slack.slack.actions?.userGroup;

let secret: ReturnType<typeof loadSlackInteractivitySecret> | undefined;
const readSecret = () => {
  secret ??= loadSlackInteractivitySecret(slack.secretArn).catch((error: unknown) => {
    secret = undefined;
    throw error;
  });
  return secret;
};
// Started at init: Slack's 3 s run from its request, and the first one should not also wait for Secrets Manager.
readSecret().catch(() => undefined);

let interaction: Promise<SlackInteractionDeps> | undefined;
const interactionDeps = () => {
  interaction ??= readSecret().then(({ botToken, signingSecret }) => {
    const api = createSlackInteractivityApi({
      token: botToken,
      apiUrl: slack.apiUrl,
      // Another API base (GovSlack, a test server) answers with response URLs of its own.
      ...(slack.apiUrl ? { allowResponseUrl: responseUrlPattern(slack.apiUrl) } : {}),
    });
    const membership = userGroupMembership(api);
    return {
      signingSecret,
      api,
      userGroup,
      ...(userGroup ? { mayAct: (user: string) => membership(userGroup, user) } : {}),
      enqueue: async (request) => putSlackActionRequest(await events(), busName, request),
      logger,
    };
  });
  interaction.catch(() => {
    interaction = undefined;
  });
  return interaction;
};

let action: Promise<SlackActionDeps> | undefined;
const actionDeps = () => {
  action ??= readSecret().then(({ botToken }) => ({
    store,
    sink: createSlackAppSink({ token: botToken, ...(slack.apiUrl ? { apiUrl: slack.apiUrl } : {}) }),
    announceSuppression: async (announcement) => putSuppressionEvent(await events(), busName, announcement),
    reevaluate: async (finding, now) => {
      const evaluation = await evaluateLive({
        clientsFor,
        regions: config.regions.includes(finding.region) ? [finding.region] : config.regions,
        ...(finding.clusters.length > 0 ? { clusters: finding.clusters } : {}),
        detectors: [finding.detector],
        config: config.guard,
        store,
        targets,
        now,
      });
      return {
        stillShown: evaluation.findings.some((shown) => shown.id === finding.id && shown.status !== 'resolved'),
      };
    },
    requestRemediation: async (request) => putRemediationRequest(await events(), busName, request),
    logger,
  }));
  action.catch(() => {
    action = undefined;
  });
  return action;
};

function responseUrlPattern(apiUrl: string): RegExp {
  const origin = new URL(apiUrl).origin.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^(?:https://hooks\\.slack(?:-gov)?\\.com|${origin})/[A-Za-z0-9/_-]+$`);
}

export const handler = middy(async (event: unknown) => {
  if (isSlackActionEvent(event)) return handleSlackActionRequest(event, await actionDeps());
  let deps: SlackInteractionDeps;
  try {
    deps = await interactionDeps();
  } catch (error) {
    logger.error('slack secret unreadable', { error: error instanceof Error ? error.message : 'unknown' });
    return { statusCode: 500, body: '' };
  }
  return handleSlackInteraction(event, deps);
}).use(middlewares);
