import { describe, expect, it } from 'vitest';
import { trunkAttachFailed } from '../../../../packages/core/src/detectors/trunk-eni-allocation/trunk-attach-failed.ts';
import { loadEvent } from '../../../helpers/events.ts';
import { type RuleCase, ruleCases } from '../../../helpers/rule-cases.ts';
import { cluster, cniAttachFailed, DETECTOR, itRoutesFiringRows, NODE_SG, run, sampleAccount } from './fixtures.ts';

const cases: RuleCase[] = [
  {
    name: 'the resource controller cannot attach a trunk it has since deleted',
    rule: 'trunk-attach-failed',
    expect: 'fires',
    event: () => loadEvent('AttachNetworkInterface', 'failed-limit'),
    inventory: sampleAccount,
    severity: 'high',
  },
  {
    name: 'a failed CNI attach of a known non-trunk ENI',
    rule: 'trunk-attach-failed',
    expect: 'quiet',
    event: cniAttachFailed,
    inventory: sampleAccount,
  },
  {
    name: 'a successful trunk attach',
    rule: 'trunk-attach-failed',
    expect: 'quiet',
    event: () => loadEvent('AttachNetworkInterface', 'trunk'),
    inventory: sampleAccount,
  },
];

ruleCases(trunkAttachFailed.rules, cases, { detector: DETECTOR });
itRoutesFiringRows(cases);

describe('trunk-attach-failed findings', () => {
  it('recognises a failed trunk attach by the controller though live state lost the ENI, and says the slots are full', () => {
    const inventory = () =>
      cluster(true, (b) =>
        b.nodeGroup('prod', 'ng-full', { nodeSg: NODE_SG, nodes: ['i-0a1b2c3d4e5f00004'], secondaryIpsPerNode: 25 }),
      );
    const [finding] = run({ event: () => loadEvent('AttachNetworkInterface', 'failed-limit'), inventory });
    expect(finding).toMatchObject({
      rule: 'trunk-attach-failed',
      clusters: ['prod'],
      blastRadius: { nodes: 1, nodeGroups: ['ng-full'] },
      evidence: { errorCode: 'AttachmentLimitExceeded' },
    });
    expect(finding?.evidence.details).toMatchObject({ eniSlots: { used: 3, max: 3 }, branchCapacityLost: 9 });
    expect(finding?.evidence.details?.trunkJudgedBy).toMatch(/caller/);
    expect(finding?.summary).toMatch(/slots are full/);
  });
});
