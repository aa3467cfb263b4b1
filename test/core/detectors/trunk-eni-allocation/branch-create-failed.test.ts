import { describe, expect, it } from 'vitest';
import { branchCreateFailed } from '../../../../packages/core/src/detectors/trunk-eni-allocation/branch-create-failed.ts';
import { loadEvent } from '../../../helpers/events.ts';
import { type RuleCase, ruleCases } from '../../../helpers/rule-cases.ts';
import { DETECTOR, itRoutesFiringRows, run, sampleAccount } from './fixtures.ts';

const cases: RuleCase[] = [
  {
    name: 'branch ENI creation fails for lack of free IPs',
    rule: 'branch-create-failed',
    expect: 'fires',
    event: () => loadEvent('CreateNetworkInterface', 'branch-failed'),
    inventory: sampleAccount,
    severity: 'medium',
  },
  {
    name: 'a successful branch ENI creation',
    rule: 'branch-create-failed',
    expect: 'quiet',
    event: () => loadEvent('CreateNetworkInterface', 'branch-ok'),
    inventory: sampleAccount,
  },
];

ruleCases(branchCreateFailed.rules, cases, { detector: DETECTOR });
itRoutesFiringRows(cases);

describe('branch-create-failed findings', () => {
  it('finds the node of a failed branch ENI through its trunk tag', () => {
    const [finding] = run({
      event: () => loadEvent('CreateNetworkInterface', 'branch-failed'),
      inventory: sampleAccount,
    });
    expect(finding).toMatchObject({ rule: 'branch-create-failed', severity: 'medium', clusters: ['prod'] });
    expect(finding?.blastRadius?.sgpPods).toBe(1);
    expect(finding?.evidence.details?.podSecurityGroups).toEqual(['sg-0db00000000000001']);
  });
});
