/**
 * Finding transitions on podnet-guard's own EventBridge bus, for machine consumers (the pull-request remediation, a
 * SIEM): `source: podnet-guard`, `detail-type: Finding Opened|Finding Worsened|Finding Resolved`, the finding as detail.
 */
import { type EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import {
  chunk,
  dedupeKeyOf,
  type PublishedTransition,
  publicFinding,
  type RecordedTransition,
  type StoredFinding,
} from '@podnet-guard/core';
import { BusPublishError } from './delivery-errors.ts';

export { BusPublishError } from './delivery-errors.ts';

export const FINDING_EVENT_SOURCE = 'podnet-guard';
export const FINDING_DETAIL_TYPES: Record<PublishedTransition, string> = {
  opened: 'Finding Opened',
  worsened: 'Finding Worsened',
  resolved: 'Finding Resolved',
};
/** PutEvents takes at most 10 entries, 256 KB in all. */
const MAX_ENTRIES = 10;
const MAX_ENTRY_BYTES = 240_000;

/** The event one transition becomes; the detail carries the dedupe key so consumers can drop repeats. */
export function findingEventEntry(busName: string, item: RecordedTransition): PutEventsRequestEntry {
  const finding = publicFinding(item.finding);
  let detail = JSON.stringify({ transition: item.transition, dedupeKey: item.dedupeKey, finding });
  if (Buffer.byteLength(detail) > MAX_ENTRY_BYTES) {
    // Keep the event deliverable: the long lists are what grows; the id lets consumers fetch the rest from the API.
    const slim = {
      ...finding,
      resources: finding.resources.slice(0, 100),
      evidence: { ...finding.evidence, details: undefined },
    };
    detail = JSON.stringify({ transition: item.transition, dedupeKey: item.dedupeKey, finding: slim, truncated: true });
  }
  return {
    EventBusName: busName,
    Source: FINDING_EVENT_SOURCE,
    DetailType: FINDING_DETAIL_TYPES[item.transition],
    Resources: [],
    Detail: detail,
  };
}

/** Puts one event per transition on the findings bus; throws BusPublishError listing what EventBridge refused. */
export async function putFindingEvents(
  client: EventBridgeClient,
  busName: string,
  items: RecordedTransition[],
): Promise<number> {
  let sent = 0;
  for (const batch of chunk(items, MAX_ENTRIES)) {
    const response = await client.send(
      new PutEventsCommand({ Entries: batch.map((item) => findingEventEntry(busName, item)) }),
    );
    const failed = (response.Entries ?? [])
      .map((entry, index) => ({ entry, item: batch[index] }))
      .filter(({ entry }) => entry.ErrorCode)
      .map(({ entry, item }) => ({ findingId: item?.finding.id ?? '?', code: entry.ErrorCode ?? 'unknown' }));
    if (failed.length > 0) throw new BusPublishError(failed);
    sent += batch.length;
  }
  return sent;
}

/** Detail types of a person's suppression, or its lifting, announced through the API. */
export const SUPPRESSION_DETAIL_TYPES = {
  suppressed: 'Finding Suppressed',
  unsuppressed: 'Finding Unsuppressed',
} as const;

/**
 * Puts one `Finding Suppressed|Unsuppressed` event on the findings bus: the finding, who acted and when, and the
 * suppression (`reason`, `until`); `dedupeKey` is `<id>#<version>` like a transition's.
 */
export async function putSuppressionEvent(
  client: EventBridgeClient,
  busName: string,
  announcement: { kind: keyof typeof SUPPRESSION_DETAIL_TYPES; finding: StoredFinding; by: string; at: string },
): Promise<void> {
  const { finding } = announcement;
  const detail = {
    transition: announcement.kind,
    dedupeKey: dedupeKeyOf(finding.id, finding.version),
    by: announcement.by,
    at: announcement.at,
    ...(finding.suppression ? { suppression: finding.suppression } : {}),
    finding: publicFinding(finding),
  };
  const response = await client.send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: busName,
          Source: FINDING_EVENT_SOURCE,
          DetailType: SUPPRESSION_DETAIL_TYPES[announcement.kind],
          Resources: [],
          Detail: JSON.stringify(detail),
        },
      ],
    }),
  );
  const failed = (response.Entries ?? []).filter((entry) => entry.ErrorCode);
  if (failed.length > 0)
    throw new BusPublishError([{ findingId: finding.id, code: failed[0]?.ErrorCode ?? 'unknown' }]);
}
