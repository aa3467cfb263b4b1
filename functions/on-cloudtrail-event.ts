/**
 * Lambda: CloudTrail events from EventBridge (rules generated from the detectors' subscriptions). Wiring only: the
 * pipeline is `handleCloudTrailEvent` in packages/aws. Clients are built once per container, with no network I/O at
 * import; region, credentials and endpoints come from the standard chain.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import {
  createEventInventoryLoader,
  createRuntimeDeps,
  handleCloudTrailEvent,
  loadRuntimeConfig,
  loadScopedSnapshotForEvent,
} from '@podnet-guard/aws';

const config = await loadRuntimeConfig();
const logger = new Logger({ serviceName: 'podnet-guard' });
const metrics = new Metrics({ namespace: 'PodnetGuard', serviceName: 'podnet-guard' });
const { clientsFor, store, targets } = createRuntimeDeps(config);
const loadInventory = createEventInventoryLoader({
  clientsFor,
  cacheSeconds: config.inventoryCacheSeconds,
  scoped: loadScopedSnapshotForEvent,
});

function recordMetric(name: string, value: number, dimensions?: Record<string, string>): void {
  if (!dimensions) {
    metrics.addMetric(name, MetricUnit.Count, value);
    return;
  }
  const single = metrics.singleMetric();
  for (const [key, dimension] of Object.entries(dimensions)) single.addDimension(key, dimension);
  single.addMetric(name, MetricUnit.Count, value);
}

export const handler = middy(async (event: unknown) =>
  handleCloudTrailEvent(event, { config: config.guard, loadInventory, store, targets, logger, recordMetric }),
)
  // resetKeys: the event ids appended for one invocation never reach the next one's log lines.
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
