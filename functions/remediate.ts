/**
 * Lambda: fix pull requests, a consumer of the findings bus (`Finding Opened|Worsened|Resolved`, `Remediation
 * Requested`), never on the CloudTrail hot path. Wiring only: `handleRemediationEvent` in packages/aws announces and
 * records; `runRemediation` in packages/forge plans and keeps the pull request. The GitHub credential is read once per
 * container from Secrets Manager (`GITHUB_SECRET_ARN`); the kill switch (`REMEDIATION_KILL_SWITCH_PARAMETER`) at
 * every event.
 */
import { SNSClient } from '@aws-sdk/client-sns';
import middy from '@middy/core';
import { createRuntimeDeps } from '@podnet-guard/aws';
import { clientConfig } from '@podnet-guard/aws/clients';
import {
  handleRemediationEvent,
  killSwitchEngaged,
  loadGitHubCredential,
  loadRemediationFunctionConfig,
  remediationAnnouncer,
} from '@podnet-guard/aws/remediation';
import type { Forge } from '@podnet-guard/forge';
import { createLogging } from './lib/observability.ts';

const config = await loadRemediationFunctionConfig();
const { logger, middlewares } = createLogging({ resetKeys: true });
const { store, events } = createRuntimeDeps(config.runtime);
const sns = new SNSClient(clientConfig());
const announce = remediationAnnouncer({
  events,
  sns: async () => sns,
  busName: config.runtime.busName,
  topicArn: config.runtime.topicArn,
});
let forge: Promise<Forge> | undefined;

/**
 * The forge, built at the first event that needs it (the forge and the format parsers load then, not at start): a
 * failed secret read is retried with the event.
 */
function forgeOnce(): Promise<Forge> {
  forge ??= Promise.all([loadGitHubCredential(config.secretArn), import('@podnet-guard/forge')])
    .then(([credential, { createGitHubForge }]) =>
      createGitHubForge({
        credential,
        ...(config.remediation.baseUrl ? { baseUrl: config.remediation.baseUrl } : {}),
        log: { warn: (message) => logger.warn(message) },
      }),
    )
    .catch((error: unknown) => {
      forge = undefined;
      throw error;
    });
  return forge;
}

export const handler = middy(async (event: unknown) => {
  const result = await handleRemediationEvent(event, {
    store,
    announce,
    run: async (finding, trigger) =>
      (await import('@podnet-guard/forge')).runRemediation(await forgeOnce(), {
        finding,
        trigger,
        config: config.remediation,
        killSwitch: () => killSwitchEngaged(config.killSwitchParameter),
        now: new Date().toISOString(),
      }),
  });
  logger.info('remediation', { ...result });
  return result;
}).use(middlewares);
