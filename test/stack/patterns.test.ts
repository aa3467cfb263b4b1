/**
 * The EventBridge patterns the stack deploys (`eventPatterns()`, derived from the detectors) against every sample
 * envelope under `events/cloudtrail/`: a sample must be routed to the Lambda exactly when a detector subscribes to its
 * call and that subscription's `detail` filters accept it. Without AWS, this is what stands in for `TestEventPattern`.
 */
import {
  type CloudTrailEvent,
  detectors,
  detectorsFor,
  EVENT_SOURCES,
  eventPatterns,
  parseCloudTrailEvent,
} from '@podnet-guard/core';
import { matchesAnyEventPattern, validateEventPattern } from '@podnet-guard/stack-tools';
import { describe, expect, it } from 'vitest';
import { listEventSamples, loadEvent } from '../helpers/events.ts';

const CLOUDTRAIL_DETAIL_TYPE = 'AWS API Call via CloudTrail';

interface Envelope {
  source?: unknown;
  'detail-type'?: unknown;
  detail?: { eventSource?: unknown; eventName?: unknown };
}

/** What the detectors ask for, decided from their subscriptions rather than from the generated patterns. */
function wanted(sample: Envelope): boolean {
  const parsed = parseCloudTrailEvent(sample);
  const call: Pick<CloudTrailEvent, 'eventSource' | 'eventName'> = parsed.ok
    ? parsed.event
    : { eventSource: String(sample.detail?.eventSource), eventName: String(sample.detail?.eventName) };
  if (sample['detail-type'] !== CLOUDTRAIL_DETAIL_TYPE) return false;
  return detectorsFor(call).some((detector) =>
    detector.subscribes.some(
      (sub) =>
        sub.source === call.eventSource &&
        sub.eventName === call.eventName &&
        EVENT_SOURCES[sub.source] === sample.source &&
        (sub.filters === undefined ||
          sub.filters.some((filter) => matchesAnyEventPattern([{ detail: filter }], sample))),
    ),
  );
}

const patterns = eventPatterns();
const samples = listEventSamples().map((sample) => ({
  ...sample,
  event: loadEvent(sample.eventName, sample.caseName) as Envelope,
}));

describe('eventPatterns()', () => {
  it('yields patterns for the registered detectors', () => {
    expect(detectors.length).toBeGreaterThan(0);
    expect(patterns.length).toBeGreaterThan(0);
  });

  it.each(patterns.map((pattern) => [JSON.stringify(pattern.detail.eventName), pattern] as const))(
    'the pattern for %s is one EventBridge accepts',
    (_names, pattern) => {
      expect(validateEventPattern(pattern)).toEqual([]);
    },
  );

  // PutRule's event-pattern size quota is 2048 characters by default (raisable to 4096 on request).
  it.each(patterns.map((pattern) => [JSON.stringify(pattern.detail.eventName), pattern] as const))(
    'the pattern for %s fits the default 2048-character quota',
    (_names, pattern) => {
      expect(JSON.stringify(pattern).length).toBeLessThanOrEqual(2048);
    },
  );

  it.each(
    detectors.flatMap((detector) =>
      detector.subscribes.flatMap((sub) =>
        (sub.filters ?? []).map((filter) => [`${detector.id} ${sub.eventName}`, filter] as const),
      ),
    ),
  )('the detail filter of %s is valid under "detail"', (_name, filter) => {
    expect(validateEventPattern({ detail: filter })).toEqual([]);
  });
});

describe('sample events under events/cloudtrail/', () => {
  it('exist, so the routing checks below are not vacuous', () => {
    expect(samples.length).toBeGreaterThan(0);
  });

  it.each(samples)('$eventName/$caseName is routed exactly when a detector wants it', ({ event }) => {
    expect(matchesAnyEventPattern(patterns, event)).toBe(wanted(event));
  });

  it('include calls that are routed and calls that are not', () => {
    const routed = samples.filter(({ event }) => matchesAnyEventPattern(patterns, event));
    expect(routed.length).toBeGreaterThan(0);
    expect(routed.length).toBeLessThan(samples.length);
  });

  it('exercise the detail filters: some subscribed call is filtered out and some passes', () => {
    const filteredNames = new Set(
      detectors.flatMap((detector) => detector.subscribes.filter((sub) => sub.filters).map((sub) => sub.eventName)),
    );
    const filteredSamples = samples.filter(({ eventName }) => filteredNames.has(eventName));
    if (filteredNames.size === 0) return;
    expect(filteredSamples.some(({ event }) => wanted(event))).toBe(true);
    expect(filteredSamples.some(({ event }) => !wanted(event))).toBe(true);
  });

  it('are not routed once they no longer come from CloudTrail on the default bus', () => {
    const routed = samples.find(({ event }) => matchesAnyEventPattern(patterns, event));
    expect(routed).toBeDefined();
    const event = structuredClone(routed?.event) as Envelope;
    expect(matchesAnyEventPattern(patterns, { ...event, 'detail-type': 'AWS Service Event via CloudTrail' })).toBe(
      false,
    );
    expect(matchesAnyEventPattern(patterns, { ...event, source: 'aws.ecs' })).toBe(false);
  });
});
