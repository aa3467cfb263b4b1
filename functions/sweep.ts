/**
 * Lambda: the scheduled sweep (an EventBridge Scheduler or rule, e.g. every 15 minutes). Wiring only: `runSweep` in
 * packages/aws takes the sweep lease, evaluates the live account, resolves what is gone and republishes pending
 * transitions. The lease outlasts the function's timeout (`SWEEP_LEASE_SECONDS`, default 900).
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import { createRuntimeDeps, loadRuntimeConfig, runSweep } from '@podnet-guard/aws';
import type { Context } from 'aws-lambda';
import { createObservability } from './lib/observability.ts';

const config = await loadRuntimeConfig();
const { logger, metrics, recordMetric, middlewares } = createObservability();
const { clientsFor, store, targets } = createRuntimeDeps(config);

export const handler = middy(async (_event: unknown, context: Context) => {
  const outcome = await runSweep({
    clientsFor,
    regions: config.regions,
    config: config.guard,
    store,
    targets,
    now: new Date().toISOString(),
    owner: context.awsRequestId,
    leaseSeconds: config.sweepLeaseSeconds,
    logger,
  });
  if (outcome.status === 'skipped') {
    recordMetric('SweepsSkipped', 1);
    return outcome;
  }
  recordMetric('AwsCalls', outcome.evaluation.figures.awsCalls);
  recordMetric('TransitionsPublished', outcome.evaluation.published);
  recordMetric('TransitionsRepublished', outcome.republished.length);
  metrics.addMetric('SweepDuration', MetricUnit.Milliseconds, outcome.evaluation.figures.durationMs);
  return {
    status: outcome.status,
    findings: outcome.evaluation.findings.length,
    published: outcome.evaluation.published,
    republished: outcome.republished.length,
    figures: outcome.evaluation.figures,
  };
}).use(middlewares);
