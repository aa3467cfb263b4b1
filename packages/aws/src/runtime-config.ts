/**
 * What every function builds from its settings (environment.ts reads them): clients, the finding store, targets.
 */

import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { FindingStore } from '@podnet-guard/core';
import { type ClientSet, createClientCache } from './clients.ts';
import type { DeliveryTargets } from './deliver.ts';
import type { RuntimeConfig } from './environment.ts';
import { lazyFindingStore, onFirstUse } from './lazy.ts';

/**
 * What every function builds once per container from its configuration: clients, the finding store, targets.
 * DynamoDB, SNS and EventBridge are loaded on first use (most CloudTrail events need EC2 alone), then kept.
 */
export interface RuntimeDeps {
  clientsFor: (region: string) => ClientSet;
  dynamo: () => Promise<DynamoDBClient>;
  events: () => Promise<EventBridgeClient>;
  store: FindingStore;
  targets: DeliveryTargets;
}

/**
 * Builds the shared dependencies of a function (no network I/O, and no SDK client but EC2's loaded at import).
 *
 * @example const { store, targets } = createRuntimeDeps(await loadRuntimeConfig());
 */
export function createRuntimeDeps(config: RuntimeConfig): RuntimeDeps {
  const dynamo = onFirstUse(async () => (await import('./first-use/dynamodb.ts')).createDynamoDBClient());
  const events = onFirstUse(async () => (await import('./first-use/eventbridge.ts')).createEventBridgeClient());
  const sns = onFirstUse(async () => (await import('./first-use/sns.ts')).createSNSClient());
  return {
    clientsFor: createClientCache(),
    dynamo,
    events,
    store: lazyFindingStore(async () => {
      const [{ createDynamoFindingStore }, client] = await Promise.all([import('./finding-store.ts'), dynamo()]);
      return createDynamoFindingStore({ client, tableName: config.tableName });
    }),
    targets: {
      sns,
      topicArn: config.topicArn,
      ...(config.busName ? { bus: { client: events, name: config.busName } } : {}),
    },
  };
}
