/**
 * A real DynamoDB engine on loopback for tests: dynalite in memory, on a free port of 127.0.0.1, started and stopped
 * by the suite (`beforeAll` / `afterAll`). dynalite has no transactions and never expires TTL items.
 */
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { ensureFindingsTable } from '@podnet-guard/local';

// dynalite is CommonJS without type declarations: load it through require and type the one call we make.
const require = createRequire(import.meta.url);
const dynalite = require('dynalite') as (options: {
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}) => Server;

/** A running dynalite and what a test needs to use it. */
export interface Dynalite {
  endpoint: string;
  /** A client on the endpoint (dummy credentials and region). */
  client: DynamoDBClient;
  /** Another client on the same endpoint, for a second writer with its own connections. */
  newClient(): DynamoDBClient;
  /** Creates a findings table (`FINDINGS_TABLE_SCHEMA`) named `name`; returns the name. */
  createTable(name: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts dynalite in memory on 127.0.0.1, port 0 (any free port).
 *
 * @example
 * ```ts
 * let db: Dynalite;
 * beforeAll(async () => { db = await startDynalite(); });
 * afterAll(() => db.stop());
 * ```
 */
export async function startDynalite(): Promise<Dynalite> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const clients: DynamoDBClient[] = [];
  const newClient = (): DynamoDBClient => {
    const client = new DynamoDBClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' },
    });
    clients.push(client);
    return client;
  };
  const client = newClient();
  return {
    endpoint,
    client,
    newClient,
    async createTable(name) {
      await ensureFindingsTable(client, name);
      return name;
    },
    async stop() {
      for (const each of clients) each.destroy();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

/**
 * A client on `client`'s table that refuses, once, the first write to an event's record (`EVENT#…`) made after a
 * finding was written, as DynamoDB does when it throttles: an attempt that fails between recording findings and
 * recording the event.
 */
export function refusingEventRecordOnce(client: DynamoDBClient): DynamoDBClient {
  let findingWritten = false;
  let refused = false;
  return {
    async send(command: { input?: { Key?: { pk?: { S?: string } }; Item?: { pk?: { S?: string } } } }) {
      const pk = command.input?.Item?.pk?.S ?? command.input?.Key?.pk?.S ?? '';
      const writes = !(command instanceof GetItemCommand);
      if (writes && pk.startsWith('FINDING#')) findingWritten = true;
      else if (writes && findingWritten && !refused && pk.startsWith('EVENT#')) {
        refused = true;
        throw Object.assign(new Error('The level of configured provisioned throughput for the table was exceeded.'), {
          name: 'ProvisionedThroughputExceededException',
          $metadata: { httpStatusCode: 400 },
        });
      }
      return client.send(command as never);
    },
  } as unknown as DynamoDBClient;
}
