/**
 * The inventory an event is judged against. Security group events load only what they touch (scoped loading);
 * other events read the region's full inventory, which a warm container reuses for `cacheSeconds`.
 */
import { buildInventory, type CloudTrailEvent, type Inventory, loadSnapshot } from '@podnet-guard/core';
import type { ClientSet } from './clients.ts';
import type { EventInventoryLoader } from './handle-cloudtrail-event.ts';
import { loadFullSnapshot, type ReadResult } from './inventory/load-full.ts';
import { totalCalls } from './inventory/reader.ts';

export interface EventInventoryOptions {
  /** Clients of one region: the function's (events from other regions are forwarded to the home region's bus). */
  clientsFor: (region: string) => ClientSet;
  cacheSeconds: number;
  /** Loads a scoped snapshot for an event, or undefined when the event kind has no scoped loader. */
  scoped?: (event: CloudTrailEvent, clients: ClientSet) => Promise<ReadResult | undefined>;
  now?: () => number;
}

/** Creates the loader the event handler calls; the full-inventory cache lives as long as the container. */
export function createEventInventoryLoader(options: EventInventoryOptions): EventInventoryLoader {
  const cache = new Map<string, { at: number; inventory: Inventory }>();
  const now = options.now ?? Date.now;
  return async (event) => {
    const clients = options.clientsFor(event.region);
    const scoped = await options.scoped?.(event, clients);
    if (scoped) return { inventory: buildInventory(loadSnapshot(scoped.snapshot)), calls: totalCalls(scoped.calls) };
    const key = `${event.account}/${event.region}`;
    const hit = cache.get(key);
    if (hit && now() - hit.at < options.cacheSeconds * 1000) return { inventory: hit.inventory, calls: 0 };
    const loaded = await loadFullSnapshot(clients, { region: event.region, account: event.account });
    const inventory = buildInventory(loadSnapshot(loaded.snapshot));
    cache.set(key, { at: now(), inventory });
    return { inventory, calls: totalCalls(loaded.calls) };
  };
}
