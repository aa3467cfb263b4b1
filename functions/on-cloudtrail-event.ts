/**
 * Lambda: CloudTrail events from EventBridge (rules generated from the detectors' subscriptions). Wiring only: the
 * pipeline is `handleCloudTrailEvent` in packages/aws. Clients are built once per container, with no network I/O at
 * import; region, credentials and endpoints come from the standard chain.
 */
import middy from '@middy/core';
import {
  createEventInventoryLoader,
  createRuntimeDeps,
  handleCloudTrailEvent,
  loadRuntimeConfig,
  loadScopedSnapshotForEvent,
} from '@podnet-guard/aws';
import { createObservability } from './lib/observability.ts';

const config = await loadRuntimeConfig();
// resetKeys: the event ids appended for one invocation never reach the next one's log lines.
const { logger, recordMetric, middlewares } = createObservability({ resetKeys: true });
const { clientsFor, store, targets } = createRuntimeDeps(config);
const loadInventory = createEventInventoryLoader({
  clientsFor,
  cacheSeconds: config.inventoryCacheSeconds,
  scoped: loadScopedSnapshotForEvent,
});

export const handler = middy(async (event: unknown) =>
  handleCloudTrailEvent(event, { config: config.guard, loadInventory, store, targets, logger, recordMetric }),
).use(middlewares);
