/**
 * From findings to people and machines: record transitions in the store, publish only `opened`, `worsened` and
 * `resolved` (SNS and the findings bus), then confirm delivery. A transition is pending in the store before it is
 * published, so a failed publish leaves it for the event's retry (or the next sweep): delivery is at-least-once, with a
 * dedupe key on every message.
 */
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { Finding, FindingStore, RecordedTransition } from '@podnet-guard/core';
import { type Eventually, resolveEventually } from './lazy.ts';

/** Where transitions go: the SNS topic (and the findings bus), or a sink of their own (the local service). */
export type DeliveryTargets = AwsDeliveryTargets | { sink: TransitionSink };

/** The clients may be loaders: the functions build them on the first delivery. */
export interface AwsDeliveryTargets {
  sns: Eventually<SNSClient>;
  topicArn: string;
  /** The findings bus; absent: no bus events. */
  bus?: { client: Eventually<EventBridgeClient>; name: string };
}

/** Delivers transitions outside AWS (the local service prints them); throws when they did not go out. */
export interface TransitionSink {
  publish(transitions: RecordedTransition[]): Promise<void>;
}

export interface DeliveryResult {
  transitions: RecordedTransition[];
  published: number;
}

/**
 * Publishes recorded transitions and marks each delivered; throws (leaving them pending) if publishing fails. Given
 * the CloudTrail event that recorded or resumed them (`FindingStore.record` / `resumeEvent`), it then ends that
 * event's claim: delivered, they are no longer the event's to deliver; on failure they stay, and the claim is given
 * back at once so Lambda's retry of the event delivers them.
 */
export async function deliverTransitions(
  transitions: RecordedTransition[],
  store: FindingStore,
  targets: DeliveryTargets,
  now: string,
  eventId?: string,
): Promise<number> {
  if (transitions.length === 0) return 0;
  try {
    if ('sink' in targets) {
      await targets.sink.publish(transitions);
    } else {
      // Imported here, not at the top: most events change no finding, and their cold start need not load SNS or the bus.
      const [{ publishTransitions }, sns] = await Promise.all([import('./publish.ts'), resolveEventually(targets.sns)]);
      await publishTransitions(sns, targets.topicArn, transitions);
      if (targets.bus) {
        const [{ putFindingEvents }, bus] = await Promise.all([
          import('./bus.ts'),
          resolveEventually(targets.bus.client),
        ]);
        await putFindingEvents(bus, targets.bus.name, transitions);
      }
    }
    for (const item of transitions) await store.markDelivered(item.finding.id, item.version, now);
  } catch (error) {
    // The delivery error is what Lambda must see; a failed release only delays the retry until the claim runs out.
    if (eventId !== undefined) await store.releaseEvent(eventId, []).catch(() => undefined);
    throw error;
  }
  if (eventId !== undefined) await store.releaseEvent(eventId, transitions);
  return transitions.length;
}

/** Records one evaluation's findings and delivers the transitions it caused. */
export async function recordAndDeliver(
  findings: Finding[],
  store: FindingStore,
  targets: DeliveryTargets,
  context: { eventId?: string; now: string },
): Promise<DeliveryResult> {
  const transitions = await store.record(findings, context);
  const published = await deliverTransitions(transitions, store, targets, context.now, context.eventId);
  return { transitions, published };
}
