/**
 * Where a full evaluation reads the account: the AWS API (`liveInventorySource`), or anything else that can answer a
 * region's inventory as a snapshot document (the local service reads a snapshot file). The API and the sweep run the
 * same evaluation whichever source feeds them.
 */
import type { ClientSet } from './clients.ts';
import { type LoadResult, loadFullSnapshot } from './inventory/load-full.ts';

/** One region's full inventory, as a snapshot document with the calls it took and what was skipped. */
export interface InventorySource {
  /** @throws InventoryLoadError when the account cannot be read. */
  load(region: string, options: { clusters?: string[] }): Promise<LoadResult>;
}

/**
 * The live account through the AWS SDK (read-only calls, see `loadFullSnapshot`).
 *
 * @example const source = liveInventorySource(createClientCache());
 */
export function liveInventorySource(clientsFor: (region: string) => ClientSet): InventorySource {
  return {
    load: (region, options) =>
      loadFullSnapshot(clientsFor(region), { region, ...(options.clusters ? { clusters: options.clusters } : {}) }),
  };
}
