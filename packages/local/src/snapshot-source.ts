/**
 * The account as a snapshot file says it is: an `InventorySource` for the local service, so the API and the sweep run
 * the deployed evaluation without AWS. The file is read again on every load, so editing it (revoking a rule, adding a
 * node) is what the next evaluation sees; a file that no longer parses fails that evaluation, not the service.
 */
import { readFile } from 'node:fs/promises';
import type { InventorySource, LoadResult } from '@podnet-guard/aws';
import { loadSnapshot, type Snapshot, SnapshotFormatError } from '@podnet-guard/core';

/** A snapshot file's account and region, read once at start. */
export interface SnapshotSource extends InventorySource {
  path: string;
  account: string | undefined;
  /** The snapshot's region: the one region the local service watches. */
  region: string;
}

/** Used when a snapshot names no region. */
export const DEFAULT_SNAPSHOT_REGION = 'us-east-1';

/**
 * Reads and checks the snapshot at `path` (throws `SnapshotFormatError` or the file system's error at once), and
 * answers each load with its current content.
 *
 * @example
 * ```ts
 * const source = await createSnapshotSource('events/inventory/sample-account.json');
 * await evaluateLive({ inventorySource: source, regions: [source.region], ... });
 * ```
 */
export async function createSnapshotSource(path: string): Promise<SnapshotSource> {
  const first = await readSnapshot(path);
  const region = first.region || DEFAULT_SNAPSHOT_REGION;
  return {
    path,
    account: first.account,
    region,
    async load(wanted, options): Promise<LoadResult> {
      const snapshot = await readSnapshot(path);
      // One file is one region: any other region holds nothing.
      const served = wanted === region ? snapshot : { account: snapshot.account, region: wanted };
      const clusters = new Set(listClusterNames(snapshot));
      const warnings = (options.clusters ?? [])
        .filter((name) => !clusters.has(name))
        .map((name) => `cluster ${name} is not in the snapshot ${path}`);
      return { snapshot: served as Snapshot, calls: {}, warnings };
    },
  };
}

async function readSnapshot(path: string): Promise<{ account?: string; region?: string } & Record<string, unknown>> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (cause) {
    if (!(cause instanceof SyntaxError)) throw cause;
    // The parser's message quotes the file's bytes: say where, not what.
    throw new SnapshotFormatError(`${path}: not valid JSON`, {
      path,
      issues: [{ path: '(root)', message: 'not JSON' }],
    });
  }
  // Validates the whole document (SnapshotFormatError names the key); the raw JSON is what evaluations take.
  loadSnapshot(raw, { path });
  return raw as { account?: string; region?: string } & Record<string, unknown>;
}

function listClusterNames(snapshot: Record<string, unknown>): string[] {
  const described = Array.isArray(snapshot.DescribeCluster) ? snapshot.DescribeCluster : [];
  return described
    .map((entry) => (entry as { cluster?: { name?: unknown } } | null)?.cluster?.name)
    .filter((name): name is string => typeof name === 'string');
}
