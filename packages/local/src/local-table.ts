/**
 * The local service's findings table: dynalite (a DynamoDB implementation on LevelDB) on an ephemeral port of
 * 127.0.0.1, in memory, or on disk under `--data <dir>` so findings, suppressions and evaluations survive a restart.
 * The store code is the deployed one (`createDynamoFindingStore`); only the endpoint differs. dynalite never expires
 * TTL items and has no transactions, which the store does not use.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { findingsCreateTableInput, hasErrorCode } from '@podnet-guard/aws';

// dynalite is CommonJS without type declarations: load it through require and type the one call we make.
const require = createRequire(import.meta.url);
const dynalite = require('dynalite') as (options: {
  path?: string;
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}) => Server;

/** The table name the local service uses. */
export const LOCAL_TABLE_NAME = 'podnet-guard-local';

/** A running dynalite and a client on it. */
export interface LocalTable {
  client: DynamoDBClient;
  tableName: string;
  endpoint: string;
  /** Where the table is kept (`<data>/dynamodb`), or undefined in memory. */
  path: string | undefined;
  close(): Promise<void>;
}

/**
 * Starts dynalite (on disk under `dataDir/dynamodb` when given) and makes sure the findings table exists.
 *
 * @example const table = await startLocalTable({ dataDir: '.podnet-guard' });
 */
export async function startLocalTable(options: { dataDir?: string | undefined } = {}): Promise<LocalTable> {
  const path = options.dataDir === undefined ? undefined : join(options.dataDir, 'dynamodb');
  let unlock = async () => {};
  if (options.dataDir !== undefined && path) {
    await mkdir(path, { recursive: true });
    unlock = await lockDataDir(options.dataDir);
  }
  const server = dynalite({ ...(path ? { path } : {}), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    // dynalite checks no signature; the SDK still wants credentials to sign with.
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 2,
  });
  const close = async () => {
    client.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await unlock();
  };
  try {
    await ensureFindingsTable(client, LOCAL_TABLE_NAME);
  } catch (error) {
    await close();
    throw error;
  }
  return { client, tableName: LOCAL_TABLE_NAME, endpoint, path, close };
}

/** A second service on the same directory: LevelDB allows one process per database. */
export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError';
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(`--data ${dataDir} is in use by another podnet-guard local service (pid ${pid}): stop it or pick another`);
  }
}

/**
 * Takes `<dataDir>/podnet-guard.pid` for this process, or throws `DataDirInUseError` while the process it names
 * lives (a stale file, left by a killed process, is taken over). Returns the release.
 */
async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const file = join(dataDir, 'podnet-guard.pid');
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      await writeFile(file, String(process.pid), { flag: 'wx' });
      return () => rm(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) {
        throw new DataDirInUseError(dataDir, holder);
      }
      await rm(file, { force: true });
    }
  }
  throw new DataDirInUseError(dataDir, Number.NaN);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Creates the findings table unless it exists, and waits until it and its indexes are ACTIVE (dynalite flips a new
 * table to ACTIVE on a timer; a request in between fails).
 *
 * @example await ensureFindingsTable(client, 'podnet-guard-local');
 */
export async function ensureFindingsTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (error) {
    if (!hasErrorCode(error, 'ResourceNotFoundException')) throw error;
    await client.send(new CreateTableCommand(findingsCreateTableInput(tableName)));
  }
  for (let attempt = 0; attempt < 400; attempt += 1) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const indexesActive = (Table?.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === 'ACTIVE');
    if (Table?.TableStatus === 'ACTIVE' && indexesActive) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`table ${tableName} did not become ACTIVE`);
}
