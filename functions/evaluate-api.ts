/**
 * Lambda: the re-evaluation API (API Gateway HTTP API, payload format 2.0, every route AWS_IAM-authorised). Wiring
 * only: routing and validation are `handleApiRequest` in packages/aws. An evaluation that outlives `API_DEADLINE_MS`
 * is answered `202` and handed, through an EventBridge event (`podnet-guard.api` / `Evaluation Requested` on the
 * findings bus, else the default bus), to an asynchronous invocation of this same function: a Lambda's work stops when
 * its handler returns. The function's timeout must therefore exceed 30 s (a full evaluation's length, e.g. 300 s).
 */
import middy from '@middy/core';
import {
  type ApiDeps,
  createDynamoEvaluationStore,
  createEventBridgeHandoff,
  createRuntimeDeps,
  evaluateLive,
  evaluationJobOf,
  handleApiRequest,
  handleEvaluationJob,
  loadRuntimeConfig,
  putSuppressionEvent,
  type SuppressionAnnouncement,
} from '@podnet-guard/aws';
import { createObservability } from './lib/observability.ts';

const config = await loadRuntimeConfig();
const { logger, recordMetric, middlewares } = createObservability();
const { clientsFor, dynamo, events, store, targets } = createRuntimeDeps(config);

const deps: ApiDeps = {
  store,
  // Every API request reads or writes the table: its client is loaded at the cold start, not on first use.
  evaluations: createDynamoEvaluationStore({ client: await dynamo(), tableName: config.tableName }),
  evaluate: (request, now) =>
    evaluateLive({
      clientsFor,
      regions: config.regions,
      clusters: request.clusters,
      detectors: request.detectors,
      config: config.guard,
      store,
      targets,
      now,
    }),
  deadlineMs: config.apiDeadlineMs,
  handoff: async (job) => createEventBridgeHandoff(await events(), config.busName ?? 'default')(job),
  // Suppressions become events on the findings bus (Slack shows them in the finding's thread).
  ...(config.busName
    ? {
        announceSuppression: async (announcement: SuppressionAnnouncement) =>
          putSuppressionEvent(await events(), config.busName as string, announcement),
      }
    : {}),
  logger,
  recordMetric,
};

export const handler = middy(async (event: unknown) => {
  const job = evaluationJobOf(event);
  if (job) {
    await handleEvaluationJob(job, deps);
    return undefined;
  }
  return handleApiRequest(event, deps);
}).use(middlewares);
