/**
 * The SNS, for publishing findings: a module of its own so a function imports it when first needed (runtime-config.ts), and
 * esbuild keeps only the client, not every command of the package as a dynamic `import('@aws-sdk/client-sns')` would.
 */
import { SNSClient } from '@aws-sdk/client-sns';
import { clientConfig } from '../clients.ts';

export function createSNSClient(): SNSClient {
  return new SNSClient(clientConfig());
}
