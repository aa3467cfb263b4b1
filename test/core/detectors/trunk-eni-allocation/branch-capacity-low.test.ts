import { defaultGuardConfig, scanInventory } from '@podnet-guard/core';
import { describe, expect, it } from 'vitest';
import { branchCapacityLow } from '../../../../packages/core/src/detectors/trunk-eni-allocation/branch-capacity-low.ts';
import { type RuleCase, ruleCases } from '../../../helpers/rule-cases.ts';
import { DETECTOR, NOW, open, run, sgpPods } from './fixtures.ts';

const cases: RuleCase[] = [
  {
    name: 'scan: 9 of 9 branch ENIs on an m5.large trunk',
    rule: 'branch-capacity-low',
    expect: 'fires',
    inventory: () => sgpPods(9),
  },
  {
    name: 'scan: 8 of 9 branch ENIs (89 %, not above 90 %)',
    rule: 'branch-capacity-low',
    expect: 'quiet',
    inventory: () => sgpPods(8),
  },
];

ruleCases(branchCapacityLow.rules, cases, { detector: DETECTOR });

describe('branch-capacity-low findings', () => {
  it('counts branch ENIs against the trunk limit and raises severity when full', () => {
    const [full] = open(run({ inventory: () => sgpPods(9) }), 'branch-capacity-low');
    expect(full).toMatchObject({ severity: 'medium', blastRadius: { sgpPods: 9 } });
    expect(full?.evidence.details).toMatchObject({ branchEnis: 9, branchLimit: 9 });
    expect(full?.recommendation.text).toMatch(/m5\.xlarge/);
  });

  it('lets branchCapacityRatio lower the threshold, at the usual severity below the limit', () => {
    const findings = scanInventory(sgpPods(8), {
      config: { ...defaultGuardConfig(), branchCapacityRatio: 0.5 },
      now: NOW,
      detectors: [DETECTOR],
    }).findings;
    expect(open(findings, 'branch-capacity-low')[0]?.severity).toBe('low');
  });
});
