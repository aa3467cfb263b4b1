/**
 * The EventBridge, for the findings bus and API hand-off: a module of its own so a function imports it when first needed (runtime-config.ts), and
 * esbuild keeps only the client, not every command of the package as a dynamic `import('@aws-sdk/client-eventbridge')` would.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { clientConfig } from '../clients.ts';

export function createEventBridgeClient(): EventBridgeClient {
  return new EventBridgeClient(clientConfig());
}
