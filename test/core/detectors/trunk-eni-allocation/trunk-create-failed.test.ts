import { findingId } from '@podnet-guard/core';
import { describe, expect, it } from 'vitest';
import { trunkCreateFailed } from '../../../../packages/core/src/detectors/trunk-eni-allocation/trunk-create-failed.ts';
import { loadEvent } from '../../../helpers/events.ts';
import { type RuleCase, ruleCases } from '../../../helpers/rule-cases.ts';
import { cluster, DETECTOR, itRoutesFiringRows, NODE_SG, run, sampleAccount } from './fixtures.ts';

const cases: RuleCase[] = [
  {
    name: 'trunk creation fails for lack of free IPs',
    rule: 'trunk-create-failed',
    expect: 'fires',
    event: () => loadEvent('CreateNetworkInterface', 'trunk-failed-no-ips'),
    inventory: sampleAccount,
    severity: 'high',
  },
  {
    name: 'trunk creation fails on the ENI quota (aws-k8s-trunk-eni, kubernetes.io/cluster tag)',
    rule: 'trunk-create-failed',
    expect: 'fires',
    event: () => loadEvent('CreateNetworkInterface', 'trunk-failed-eni-quota'),
    inventory: sampleAccount,
  },
  {
    name: 'trunk creation denied to the cluster role',
    rule: 'trunk-create-failed',
    expect: 'fires',
    event: () => loadEvent('CreateNetworkInterface', 'failed-unauthorized'),
    inventory: sampleAccount,
  },
  {
    name: 'a successful trunk creation is only a signal',
    rule: 'trunk-create-failed',
    expect: 'quiet',
    event: () => loadEvent('CreateNetworkInterface', 'trunk-ok'),
    inventory: sampleAccount,
  },
  {
    name: 'a routine CNI ENI is not a trunk',
    rule: 'trunk-create-failed',
    expect: 'quiet',
    event: () => loadEvent('CreateNetworkInterface', 'cni-routine'),
    inventory: sampleAccount,
  },
];

ruleCases(trunkCreateFailed.rules, cases, { detector: DETECTOR });
itRoutesFiringRows(cases);

describe('trunk-create-failed findings', () => {
  it('says what a trunk creation error means, which signal showed SGP, and keys the finding by cluster and subnet', () => {
    const [finding] = run({
      event: () => loadEvent('CreateNetworkInterface', 'trunk-failed-no-ips'),
      inventory: sampleAccount,
    });
    expect(finding).toMatchObject({
      detector: 'trunk-eni-allocation',
      rule: 'trunk-create-failed',
      severity: 'high',
      status: 'open',
      clusters: ['prod'],
      resources: [
        { type: 'subnet', id: 'subnet-0a00000000000000a' },
        { type: 'cluster', id: 'prod' },
      ],
      evidence: { eventName: 'CreateNetworkInterface', errorCode: 'InsufficientFreeAddressesInSubnet' },
    });
    expect(finding?.id).toBe(findingId('trunk-eni-allocation', 'trunk-create-failed', 'prod|subnet-0a00000000000000a'));
    expect(finding?.summary).toMatch(/no free IP address/);
    expect(finding?.evidence.details?.sgpSignals).toEqual([
      'vpc-cni ENABLE_POD_ENI',
      'trunk ENI on a node',
      'trunk ENI created (CloudTrail)',
    ]);
    // i-0a1b2c3d4e5f00001 (m5.large) waits for a trunk in that subnet: 9 branch ENIs lost.
    expect(finding?.blastRadius).toMatchObject({ nodes: 1, nodeIds: ['i-0a1b2c3d4e5f00001'], podIps: 0 });
    expect(finding?.evidence.details?.branchCapacityLost).toBe(9);
  });

  it('tells a missing AmazonEKSVPCResourceController permission and the ENI quota apart', () => {
    const [denied] = run({
      event: () => loadEvent('CreateNetworkInterface', 'failed-unauthorized'),
      inventory: sampleAccount,
    });
    expect(denied?.summary).toMatch(/AmazonEKSVPCResourceController/);
    // Attaching an IAM policy is outside the closed remediation actions (no code here owns the role): the
    // recommendation says it, and the finding carries no remediation.
    expect(denied?.recommendation.text).toMatch(/AmazonEKSVPCResourceController/);
    expect(denied?.remediation).toBeUndefined();
    const [quota] = run({
      event: () => loadEvent('CreateNetworkInterface', 'trunk-failed-eni-quota'),
      inventory: sampleAccount,
    });
    expect(quota?.summary).toMatch(/quota of network interfaces/);
    expect(quota?.recommendation.text).toMatch(/Service Quotas/);
    expect(quota?.remediation).toBeUndefined();
  });

  it('sees SGP from a failed trunk creation alone, when no add-on or trunk says so', () => {
    const inventory = () => cluster(false, (b) => b.nodeGroup('prod', 'ng-a', { nodeSg: NODE_SG }));
    const [finding] = run({ event: () => loadEvent('CreateNetworkInterface', 'trunk-failed-no-ips'), inventory });
    expect(finding?.evidence.details?.sgpSignals).toEqual(['trunk ENI created (CloudTrail)']);
  });

  it('resolves a trunk creation failure when a trunk is created in the same cluster and subnet', () => {
    const [failed] = run({
      event: () => loadEvent('CreateNetworkInterface', 'trunk-failed-no-ips'),
      inventory: sampleAccount,
    });
    const findings = run({ event: () => loadEvent('CreateNetworkInterface', 'trunk-ok'), inventory: sampleAccount });
    expect(findings).toEqual([expect.objectContaining({ id: failed?.id, status: 'resolved' })]);
  });
});
