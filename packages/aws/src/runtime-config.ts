/**
 * The functions' settings, from their environment (set by the stack). Validated once per container; a wrong value
 * fails the cold start with a message that names the variable.
 */

import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { FindingStore } from '@podnet-guard/core';
import { ConfigError, type GuardConfig, loadGuardConfig, safeParseSchema } from '@podnet-guard/core';
import * as z from 'zod/mini';
import { type ClientSet, createClientCache } from './clients.ts';
import type { DeliveryTargets } from './deliver.ts';
import { lazyFindingStore, onFirstUse } from './lazy.ts';

const csv = z.pipe(
  z.optional(z.string()),
  z.transform((value: string | undefined) =>
    (value ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  ),
);

const RuntimeEnvSchema = z.object({
  FINDINGS_TABLE: z.string().check(z.minLength(1)),
  ALERTS_TOPIC_ARN: z.string().check(z.startsWith('arn:')),
  /** Optional: the findings bus for machine consumers. */
  FINDINGS_BUS_NAME: z.optional(z.string().check(z.minLength(1))),
  /** podnet-guard's own principals (ARNs or patterns with `*`): their calls are ignored. */
  OWN_PRINCIPALS: csv,
  /** Regions the sweep and API scan; the function's own region when empty. */
  WATCHED_REGIONS: csv,
  /** How long a warm container may reuse a full inventory it loaded (seconds). */
  INVENTORY_CACHE_SECONDS: z._default(z.coerce.number().check(z.int(), z.gte(0), z.lte(3600)), 60),
  /** Detector settings (thresholds, allow-list) as JSON; see the README. */
  GUARD_CONFIG: z.optional(z.string()),
  AWS_REGION: z.string().check(z.minLength(1)),
});

export interface RuntimeConfig {
  tableName: string;
  topicArn: string;
  busName: string | undefined;
  regions: string[];
  inventoryCacheSeconds: number;
  guard: GuardConfig;
  region: string;
}

/**
 * Reads and checks the environment; rejects with ConfigError naming each wrong variable. Asynchronous because a
 * GUARD_CONFIG with a `descriptionPattern` loads the pattern engine first.
 */
export async function loadRuntimeConfig(env: Record<string, string | undefined>): Promise<RuntimeConfig> {
  const parsed = safeParseSchema(RuntimeEnvSchema, env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
    throw new ConfigError(`invalid environment: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
  }
  const values = parsed.data;
  let guardDocument: unknown = {};
  if (values.GUARD_CONFIG) {
    try {
      guardDocument = JSON.parse(values.GUARD_CONFIG);
    } catch (cause) {
      throw new ConfigError(
        'invalid environment: GUARD_CONFIG is not JSON',
        [{ path: 'GUARD_CONFIG', message: 'not JSON' }],
        { cause },
      );
    }
  }
  const guard = await loadGuardConfig(guardDocument);
  return {
    tableName: values.FINDINGS_TABLE,
    topicArn: values.ALERTS_TOPIC_ARN,
    busName: values.FINDINGS_BUS_NAME,
    regions: values.WATCHED_REGIONS.length ? values.WATCHED_REGIONS : [values.AWS_REGION],
    inventoryCacheSeconds: values.INVENTORY_CACHE_SECONDS,
    guard: { ...guard, ownPrincipals: [...guard.ownPrincipals, ...values.OWN_PRINCIPALS] },
    region: values.AWS_REGION,
  };
}

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
 * @example const { store, targets } = createRuntimeDeps(await loadRuntimeConfig(process.env));
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
