/**
 * The DynamoDB, for the finding store: a module of its own so a function imports it when first needed (runtime-config.ts), and
 * esbuild keeps only the client, not every command of the package as a dynamic `import('@aws-sdk/client-dynamodb')` would.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { clientConfig } from '../clients.ts';

export function createDynamoDBClient(): DynamoDBClient {
  return new DynamoDBClient(clientConfig());
}
