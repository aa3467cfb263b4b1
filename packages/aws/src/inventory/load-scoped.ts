/**
 * Scoped inventory loading: the slice of one region's inventory that a CloudTrail event needs, in as few AWS calls
 * as answer it. The slice is a snapshot like the full loader's (same keys, same shapes), with the keys it did not load
 * left out, so core reports those facts as unknown rather than as "none".
 *
 * What to read is derived from the rules that judge the event: the union of their declared reads
 * (`Detector.readsFor(event)`). A scoped plan (scoped-plans.ts) runs only when it covers every one of those keys,
 * and skips steps whose keys no judging rule reads; a rule that reads more (a new rule on SG events that needs Auto
 * Scaling groups) makes the event read the full inventory, so it is read for rather than silently not judged.
 *
 * Known gaps (the full inventory, which a sweep reads, covers them): an SG that only a launch template of nodes carries
 * (no node running with it) is not seen as a node SG; node groups' own subnets without nodes are not read; SGs and
 * nodes in other VPCs than the target's are not searched for the pod-CIDR rule.
 */
import {
  detectors as allDetectors,
  type CloudTrailEvent,
  type Detector,
  type EventKind,
  type SnapshotKey,
} from '@podnet-guard/core';
import type { ClientSet } from '../clients.ts';
import type { ReadResult } from './load-full.ts';
import { AwsReader } from './reader.ts';
import { SCOPED_PLANS, type ScopedPlan } from './scoped-plans.ts';
import { ScopedSlice } from './scoped-slice.ts';

export { FILTER_VALUES_PER_CALL } from './reader.ts';

/** A scoped snapshot and the AWS calls it took per operation (pages and failed calls too). */
export type ScopedLoadResult = ReadResult;

/** The event kinds a scoped plan exists for; any other kind reads the full inventory. */
export const SCOPED_EVENT_KINDS: readonly EventKind[] = SCOPED_PLANS.flatMap((plan) => plan.kinds);

export interface ScopedLoadOptions {
  /** The detectors whose rules judge events (default: all of core's). */
  detectors?: readonly Detector[];
}

/** What the rules that judge this event read: the union of every detector's `readsFor(event)`, sorted. */
export function readsForEvent(event: CloudTrailEvent, detectors: readonly Detector[] = allDetectors): SnapshotKey[] {
  return [...new Set(detectors.flatMap((detector) => detector.readsFor(event)))].sort();
}

/** The plan for this event that covers every key its judging rules read, or undefined (read the full inventory). */
export function scopedPlanFor(event: CloudTrailEvent, reads: readonly SnapshotKey[]): ScopedPlan | undefined {
  const plan = SCOPED_PLANS.find((candidate) => candidate.kinds.includes(event.detail.kind));
  if (!plan) return undefined;
  const covered = new Set<SnapshotKey>([...plan.reads, ...plan.leavesToSweep]);
  return reads.every((key) => covered.has(key)) ? plan : undefined;
}

/**
 * Loads the slice of inventory a CloudTrail event needs, in as few calls as answer it (see scoped-plans.ts for the
 * plans), or returns undefined when no plan covers what the event's judging rules read: the caller then uses the full
 * inventory.
 *
 * Reads by id send no `MaxResults` (EC2 refuses ids and `MaxResults` together); filtered reads use server-side
 * filters and the largest page size. Keys not read are left out of the snapshot (unknown, not empty).
 *
 * @throws InventoryLoadError when AWS cannot be read; ids that no longer exist read as none.
 *
 * @example
 * ```ts
 * const scoped = await loadScopedSnapshotForEvent(parsed.event, createClientSet(parsed.event.region));
 * if (scoped) evaluateEvent(parsed.event, buildInventory(loadSnapshot(scoped.snapshot)), { config });
 * ```
 */
export async function loadScopedSnapshotForEvent(
  event: CloudTrailEvent,
  clients: ClientSet,
  options: ScopedLoadOptions = {},
): Promise<ScopedLoadResult | undefined> {
  const reads = readsForEvent(event, options.detectors);
  const plan = scopedPlanFor(event, reads);
  if (!plan) return undefined;
  const reader = new AwsReader(clients);
  const slice = new ScopedSlice(reader, event, new Set(reads));
  await plan.load(slice, event);
  return { snapshot: await slice.snapshot(), calls: reader.calls };
}
