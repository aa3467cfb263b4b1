/**
 * The second sample account (`events/inventory/two-clusters.json`, written by scripts/gen-sample-inventories.ts): an
 * SGP cluster with a t3 node group and a nearly full subnet beside a cluster without SGP. The SGP findings must land on
 * the SGP cluster only.
 */
import { readFileSync } from 'node:fs';
import { buildInventory, defaultGuardConfig, loadSnapshot, scanInventory } from '@podnet-guard/core';
import { describe, expect, it } from 'vitest';

const snapshot = JSON.parse(
  readFileSync(new URL('../../../events/inventory/two-clusters.json', import.meta.url), 'utf8'),
);

describe('two clusters, one with security groups for pods', () => {
  const { findings } = scanInventory(buildInventory(loadSnapshot(snapshot)), {
    config: defaultGuardConfig(),
    now: '2026-11-26T12:00:00Z',
  });
  const summary = findings
    .map((f) => ({ rule: f.rule, clusters: f.clusters, resource: f.resources[0]?.id }))
    .sort((a, b) => a.rule.localeCompare(b.rule));

  it('reports the t3 node group, the SGP maxPods and the nearly full subnet of the SGP cluster', () => {
    expect(summary).toEqual([
      { rule: 'instance-type-not-trunk-compatible', clusters: ['payments'], resource: 'payments/ng-burst' },
      { rule: 'max-pods-over-ip-capacity', clusters: ['payments'], resource: 'payments/ng-api' },
      { rule: 'subnet-headroom-low', clusters: ['payments'], resource: 'subnet-0f00000000000000f' },
    ]);
  });

  it('says nothing about the cluster without SGP, whose t3 nodes and default maxPods are fine', () => {
    expect(findings.filter((f) => f.clusters.includes('batch'))).toEqual([]);
  });

  it('carries the safe maxPods for the SGP node group: (3 − 1) × (10 − 1) + 2 = 20', () => {
    const maxPods = findings.find((f) => f.rule === 'max-pods-over-ip-capacity');
    expect(maxPods?.remediation?.set).toMatchObject({ maxPods: 20 });
  });
});
