/**
 * The EventBridge event the findings bus delivers for one transition of the fixture finding, built by the publisher's
 * own code (`findingEventEntry`), as the Slack consumer receives it.
 */
import { findingEventEntry } from '@podnet-guard/aws';
import type { Finding, PublishedTransition, StoredFinding } from '@podnet-guard/core';
import { dataStoreFinding } from '../core/findings/finding-fixture.ts';

export function findingBusEvent(transition: PublishedTransition, version: number, overrides: Partial<Finding> = {}) {
  const status = transition === 'resolved' ? { status: 'resolved' as const } : {};
  const finding = { ...dataStoreFinding({ ...status, ...overrides }), version } as StoredFinding;
  const entry = findingEventEntry('podnet-guard-findings', {
    transition,
    dedupeKey: `${finding.id}#${version}`,
    finding,
    version,
  });
  return {
    version: '0',
    id: `event-${version}`,
    source: entry.Source,
    'detail-type': entry.DetailType,
    account: '111122223333',
    time: '2026-12-02T10:00:00Z',
    region: 'eu-west-1',
    resources: [],
    detail: JSON.parse(entry.Detail ?? '{}'),
  };
}
