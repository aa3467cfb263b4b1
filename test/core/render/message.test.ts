import { compactFinding } from '@podnet-guard/core';
import { describe, expect, it } from 'vitest';
import { dataStoreFinding } from '../findings/finding-fixture.ts';

describe('compactFinding', () => {
  it('leaves a finding within the limits as it is, without a truncated record', () => {
    const finding = dataStoreFinding();
    expect(compactFinding(finding, { maxItems: 20, maxString: 2000 })).toEqual(finding);
  });

  it('cuts long lists and strings and records each cut with its count', () => {
    const finding = dataStoreFinding({ summary: 's'.repeat(120) });
    finding.resources = Array.from({ length: 25 }, (_, i) => ({ type: 'instance' as const, id: `i-${i}` }));
    finding.evidence.details = { podSubnets: Array.from({ length: 8 }, (_, i) => `10.0.${i}.0/24`) };
    const compacted = compactFinding(finding, { maxItems: 5, maxString: 100 });
    expect(compacted.resources).toHaveLength(5);
    expect(compacted.summary).toBe(`${'s'.repeat(100)}…`);
    expect(compacted.truncated).toEqual(
      expect.arrayContaining([
        { path: 'summary', unit: 'characters', kept: 100, omitted: 20 },
        { path: 'resources', unit: 'items', kept: 5, omitted: 20 },
        { path: 'evidence.details.podSubnets', unit: 'items', kept: 5, omitted: 3 },
      ]),
    );
  });

  it('cuts open-ended records by key count, never the contract keys', () => {
    const finding = dataStoreFinding();
    finding.evidence.details = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, i]));
    const compacted = compactFinding(finding, { maxItems: 0, maxString: 100 });
    expect(Object.keys(compacted.evidence.details ?? {})).toHaveLength(32);
    expect(compacted.truncated).toContainEqual({ path: 'evidence.details', unit: 'keys', kept: 32, omitted: 8 });
    expect(Object.keys(compacted).filter((key) => key !== 'truncated')).toEqual(Object.keys(finding));
  });

  it('never cuts the id, account or timestamps, and keeps counts exact', () => {
    const finding = dataStoreFinding({ id: `nsw-${'a'.repeat(200)}`, account: '1'.repeat(150) });
    const compacted = compactFinding(finding, { maxItems: 0, maxString: 10 });
    expect(compacted.id).toBe(finding.id);
    expect(compacted.account).toBe(finding.account);
    expect(compacted.firstSeen).toBe(finding.firstSeen);
    expect(compacted.blastRadius?.nodes).toBe(3);
    expect(compacted.blastRadius?.podIps).toBe(27);
  });
});
