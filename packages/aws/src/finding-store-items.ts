/**
 * The DynamoDB item of a finding record and the query cursor (layout: see `finding-store.ts`). Internal to the
 * store's files.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  findingSortKey,
  type StoredFinding,
  SUPPRESSION_VIAS,
  type Suppression,
  type SuppressionVia,
} from '@podnet-guard/core';

/** `gsi2pk` of records with a pending transition (the sparse `byPending` index). */
export const PENDING_PARTITION = 'PENDING';
/** Fields kept as top-level attributes, changed by `UpdateItem`; everything else lives in `body`. */
const TOP_LEVEL_FIELDS = ['version', 'pending', 'lastNotified', 'suppression'] as const;

export function findingKey(id: string): Record<string, AttributeValue> {
  return { pk: { S: `FINDING#${id}` } };
}

/** The item of a finding record: `body` plus top-level attributes (see the file comment). */
export function toItem(record: StoredFinding): Record<string, AttributeValue> {
  const body: Record<string, unknown> = { ...record };
  for (const field of TOP_LEVEL_FIELDS) delete body[field];
  const pullRequest = record.remediation?.pullRequest;
  if (record.remediation && pullRequest) {
    const { pullRequest: _kept, ...remediation } = record.remediation;
    body.remediation = remediation;
  }
  const item: Record<string, AttributeValue> = {
    pk: { S: `FINDING#${record.id}` },
    id: { S: record.id },
    version: { N: String(record.version) },
    status: { S: record.status },
    severity: { S: record.severity },
    detector: { S: record.detector },
    rule: { S: record.rule },
    clusters: { L: record.clusters.map((cluster) => ({ S: cluster })) },
    firstSeen: { S: record.firstSeen },
    lastSeen: { S: record.lastSeen },
    body: { S: JSON.stringify(body) },
    gsi1pk: { S: `STATUS#${record.status}` },
    gsi1sk: { S: findingSortKey(record) },
  };
  if (record.lastNotified !== undefined) item.lastNotified = { S: record.lastNotified };
  if (record.suppression !== undefined) item.suppression = suppressionItem(record.suppression);
  if (record.pending !== undefined) {
    const { transition, version, since, eventId } = record.pending;
    item.pending = {
      M: {
        transition: { S: transition },
        version: { N: String(version) },
        since: { S: since },
        ...(eventId !== undefined ? { eventId: { S: eventId } } : {}),
      },
    };
    item.gsi2pk = { S: PENDING_PARTITION };
    item.gsi2sk = { S: `${since}#${record.id}` };
  }
  if (record.expiresAt !== undefined) item.expiresAt = { N: String(record.expiresAt) };
  if (pullRequest) item.pullRequest = { S: JSON.stringify(pullRequest) };
  return item;
}

export function fromItem(item: Record<string, AttributeValue>): StoredFinding {
  const record = JSON.parse(item.body?.S ?? '{}') as StoredFinding;
  record.version = Number(item.version?.N ?? '0');
  if (item.lastNotified?.S !== undefined) record.lastNotified = item.lastNotified.S;
  const suppression = item.suppression?.M;
  if (suppression) {
    const via = suppression.via?.S;
    record.suppression = {
      reason: suppression.reason?.S ?? '',
      until: suppression.until?.S ?? '',
      by: suppression.by?.S ?? '',
      ...(via && (SUPPRESSION_VIAS as readonly string[]).includes(via) ? { via: via as SuppressionVia } : {}),
      ...(suppression.at?.S ? { at: suppression.at.S } : {}),
    };
  }
  // The fix pull request is its own attribute (recordPullRequest writes it), shown inside the remediation.
  if (item.pullRequest?.S && record.remediation)
    record.remediation = { ...record.remediation, pullRequest: JSON.parse(item.pullRequest.S) };
  const pending = item.pending?.M;
  if (pending) {
    record.pending = {
      transition: pending.transition?.S as NonNullable<StoredFinding['pending']>['transition'],
      version: Number(pending.version?.N ?? '0'),
      since: pending.since?.S ?? '',
      ...(pending.eventId?.S !== undefined ? { eventId: pending.eventId.S } : {}),
    };
  }
  return record;
}

/** The `suppression` attribute: who, where from, when, why and until when (`via` and `at` when known). */
export function suppressionItem(suppression: Suppression): AttributeValue {
  const { reason, until, by, via, at } = suppression;
  return {
    M: {
      reason: { S: reason },
      until: { S: until },
      by: { S: by },
      ...(via ? { via: { S: via } } : {}),
      ...(at ? { at: { S: at } } : {}),
    },
  };
}
