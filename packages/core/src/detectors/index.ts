/**
 * The detector registry. Everything else (EventBridge patterns, IAM read actions, routing) is derived from this
 * array, so adding a detector is one line here.
 */

import { EVENT_SOURCES, type EventSource } from '../cloudtrail/sources.ts';
import type { CloudTrailEvent } from '../cloudtrail/types.ts';
import type { SnapshotKey } from '../types/inventory.ts';
import type { Detector } from './define.ts';
import { ipPoolExhaustion } from './ip-pool-exhaustion/index.ts';
import { nodeSgWidening } from './node-sg-widening/index.ts';
import { trunkEniAllocation } from './trunk-eni-allocation/index.ts';

export const detectors: readonly Detector[] = [nodeSgWidening, trunkEniAllocation, ipPoolExhaustion];

/** The detectors that subscribe to this event's source and name. */
export function detectorsFor(event: Pick<CloudTrailEvent, 'eventSource' | 'eventName'>): Detector[] {
  return detectors.filter((detector) =>
    detector.subscribes.some((sub) => sub.source === event.eventSource && sub.eventName === event.eventName),
  );
}

/** An EventBridge event pattern for the default bus. */
export interface EventPattern {
  source: string[];
  'detail-type': string[];
  detail: Record<string, unknown>;
}

/**
 * EventBridge patterns that route exactly the subscribed CloudTrail calls: one pattern per (source, filter), with the
 * event names that share it. Calls a detector filters on (e.g. only failures) get their own pattern.
 */
export function eventPatterns(list: readonly Detector[] = detectors): EventPattern[] {
  const groups = new Map<
    string,
    { source: EventSource; filter: Record<string, unknown> | undefined; names: Set<string> }
  >();
  const unfiltered = new Set<string>();
  for (const detector of list) {
    for (const sub of detector.subscribes) {
      if (!sub.filters) unfiltered.add(`${sub.source}:${sub.eventName}`);
    }
  }
  for (const detector of list) {
    for (const sub of detector.subscribes) {
      // An event name some detector wants unfiltered needs no filtered pattern.
      const filters = unfiltered.has(`${sub.source}:${sub.eventName}`) ? [undefined] : (sub.filters ?? [undefined]);
      for (const filter of filters) {
        const key = `${sub.source}|${JSON.stringify(filter ?? null)}`;
        const group = groups.get(key) ?? { source: sub.source, filter, names: new Set<string>() };
        group.names.add(sub.eventName);
        groups.set(key, group);
      }
    }
  }
  return [...groups.values()].map((group) => ({
    source: [EVENT_SOURCES[group.source]],
    'detail-type': ['AWS API Call via CloudTrail'],
    detail: { eventSource: [group.source], eventName: [...group.names].sort(), ...(group.filter ?? {}) },
  }));
}

/** Every AWS read action the detectors may need (`ec2:DescribeSecurityGroups`, `eks:DescribeCluster`, …). */
export function requiredReads(list: readonly Detector[] = detectors): SnapshotKey[] {
  return [...new Set(list.flatMap((detector) => detector.reads))].sort();
}
