/**
 * Many CloudTrail events judged as one history (a CloudTrail log file, `aws cloudtrail lookup-events` output): in
 * `eventTime` order, whatever order the file lists them in (lookup-events lists newest first), with one finding per id
 * in its final state, so a rule opened and then revoked ends `resolved`.
 */
import type { CloudTrailEvent } from './cloudtrail/types.ts';
import { type EvaluateOptions, type EvaluationResult, evaluateEvent, mergeNotJudged } from './evaluate.ts';
import type { Finding } from './types/finding.ts';
import type { Inventory } from './types/inventory.ts';

/** Events oldest first; events of the same time keep their order (sort is stable). */
export function inEventTimeOrder<E extends Pick<CloudTrailEvent, 'eventTime'>>(events: readonly E[]): E[] {
  return events
    .map((event, index) => ({ event, index, time: Date.parse(event.eventTime) }))
    .sort((a, b) => a.time - b.time || a.index - b.index)
    .map((entry) => entry.event);
}

function earlier(a: string, b: string): string {
  return Date.parse(b) < Date.parse(a) ? b : a;
}

/**
 * Evaluates events in `eventTime` order against one inventory. A finding that several events yield is listed once: the
 * last event's version, seen first when the first event saw it. A redelivered event (the same `eventId`) counts once.
 *
 * @example
 * const result = evaluateEvents([revokeAt10h05, openAt10h00], inventory, { config });
 * result.findings[0].status; // 'resolved'
 */
export function evaluateEvents(
  events: readonly CloudTrailEvent[],
  inventory: Inventory,
  options: EvaluateOptions,
): EvaluationResult {
  const byId = new Map<string, Finding>();
  const seenEvents = new Set<string>();
  const result: EvaluationResult = { findings: [], suppressed: 0, notJudged: [] };
  for (const event of inEventTimeOrder(events)) {
    if (seenEvents.has(event.eventId)) continue;
    seenEvents.add(event.eventId);
    const one = evaluateEvent(event, inventory, options);
    mergeNotJudged(result.notJudged, one.notJudged);
    for (const finding of one.findings) {
      const before = byId.get(finding.id);
      // Deleting first keeps the map in the order of each finding's last change.
      byId.delete(finding.id);
      byId.set(finding.id, before ? { ...finding, firstSeen: earlier(before.firstSeen, finding.firstSeen) } : finding);
    }
  }
  result.findings = [...byId.values()];
  result.suppressed = result.findings.filter((finding) => finding.status === 'suppressed').length;
  return result;
}
