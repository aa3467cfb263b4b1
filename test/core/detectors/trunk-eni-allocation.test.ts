import {
  type CloudTrailEvent,
  defaultGuardConfig,
  evaluateEvent,
  type Finding,
  findInstanceLimits,
  findingId,
  INSTANCE_LIMITS_COUNT,
  NON_TRUNK_FAMILY_PREFIXES,
  nearestTrunkCapableType,
  parseCloudTrailEvent,
  scanInventory,
  TRUNK_ENI_RULES,
  trunkEniAllocation,
} from '@podnet-guard/core';
import { matchesAnyEventPattern } from '@podnet-guard/stack-tools';
import { describe, expect, it } from 'vitest';
import { INSTANCE_LIMITS } from '../../../packages/core/src/capacity/instance-limits.generated.ts';
import { loadEvent } from '../../helpers/events.ts';
import {
  type Case,
  cases,
  cluster,
  cniAttachFailed,
  NODE_SG,
  NOW,
  sampleAccount,
  sampleAccountWithoutSgp,
  sgpPods,
} from './trunk-eni-allocation.cases.ts';

const only = { detectors: ['trunk-eni-allocation'] as const };

function parse(raw: unknown): CloudTrailEvent {
  const parsed = parseCloudTrailEvent(raw);
  if (!parsed.ok) throw new Error(`sample did not parse: ${parsed.error.message}`);
  return parsed.event;
}

function run(row: Pick<Case, 'event' | 'inventory' | 'now'>): Finding[] {
  const options = { config: defaultGuardConfig(), now: row.now ?? NOW, ...only };
  return row.event
    ? evaluateEvent(parse(row.event()), row.inventory(), options).findings
    : scanInventory(row.inventory(), options).findings;
}

function open(findings: Finding[], rule: string): Finding[] {
  return findings.filter((finding) => finding.rule === rule && finding.status === 'open');
}

/** Would the stack route this envelope to the Lambda for this detector? */
function routed(envelope: unknown): boolean {
  const event = envelope as { detail: { eventName: string; eventSource: string } };
  return trunkEniAllocation.subscribes.some(
    (sub) =>
      sub.eventName === event.detail.eventName &&
      sub.source === event.detail.eventSource &&
      (sub.filters ?? [{}]).some((filter) => matchesAnyEventPattern([{ detail: filter }], envelope)),
  );
}

describe('trunk-eni-allocation case table', () => {
  it('has a firing and a quiet row for every rule', () => {
    for (const rule of TRUNK_ENI_RULES) {
      expect(
        cases.some((c) => c.rule === rule.id && c.expect === 'fires'),
        `${rule.id} fires`,
      ).toBe(true);
      expect(
        cases.some((c) => c.rule === rule.id && c.expect === 'quiet'),
        `${rule.id} quiet`,
      ).toBe(true);
    }
  });

  it.each(cases)('$rule: $name', (row) => {
    const matching = open(run(row), row.rule);
    if (row.expect === 'fires') expect(matching).toHaveLength(row.count ?? 1);
    else expect(matching).toEqual([]);
  });

  it('routes every event row to the detector (so the rows are reachable in production)', () => {
    for (const row of cases.filter((c) => c.event && c.expect === 'fires')) {
      expect(routed(row.event?.()), row.name).toBe(true);
    }
  });
});

describe('EventBridge filters and cost', () => {
  it.each([
    ['CreateNetworkInterface', 'trunk-failed-no-ips'],
    ['CreateNetworkInterface', 'trunk-failed-eni-quota'],
    ['CreateNetworkInterface', 'failed-unauthorized'],
    ['CreateNetworkInterface', 'trunk-ok'],
    ['CreateNetworkInterface', 'branch-failed'],
    ['AttachNetworkInterface', 'failed-limit'],
    ['AttachNetworkInterface', 'trunk'],
    ['RunInstances', 'nodegroup-launch'],
    ['RunInstances', 'sgp-t3-node-launch'],
    ['CreateFleet', 'karpenter-partial'],
    ['CreateLaunchTemplateVersion', 'sgp-t3-template'],
    ['CreateNodegroup', 'sgp-t3-nodegroup'],
    ['UpdateNodegroupConfig', 'scale-up'],
    ['UpdateNodegroupVersion', 'launch-template'],
  ])('routes %s/%s', (name, sample) => {
    expect(routed(loadEvent(name, sample))).toBe(true);
  });

  it.each([
    ['CreateNetworkInterface', 'cni-routine'],
    ['CreateNetworkInterface', 'cni-prefix-delegation'],
    ['CreateNetworkInterface', 'branch-ok'],
    ['AssignPrivateIpAddresses', 'cni-warm-pool'],
    ['RunInstances', 'network-interfaces'],
    ['RunInstances', 'failed-capacity'],
    ['CreateLaunchTemplateVersion', 'node-template'],
    ['CreateNodegroup', 'failed-exists'],
  ])('does not route %s/%s', (name, sample) => {
    expect(routed(loadEvent(name, sample))).toBe(false);
  });

  it('does not route a failed attach by the CNI', () => {
    expect(routed(cniAttachFailed())).toBe(false);
  });

  it.each([
    ['CreateNetworkInterface', 'trunk-ok'],
    ['CreateNetworkInterface', 'cni-routine'],
    ['CreateNetworkInterface', 'branch-ok'],
    ['AttachNetworkInterface', 'trunk'],
    ['CreateLaunchTemplateVersion', 'node-template'],
    ['CreateNodegroup', 'general'],
    ['CreateFleet', 'all-failed'],
  ])('needs no describe call for %s/%s', (name, sample) => {
    expect(trunkEniAllocation.needsInventory(parse(loadEvent(name, sample)))).toBe(false);
  });

  it.each([
    ['CreateNetworkInterface', 'trunk-failed-no-ips'],
    ['CreateNetworkInterface', 'branch-failed'],
    ['AttachNetworkInterface', 'failed-limit'],
    ['RunInstances', 'nodegroup-launch'],
    ['CreateLaunchTemplateVersion', 'sgp-t3-template'],
    ['CreateNodegroup', 'sgp-t3-nodegroup'],
  ])('needs live state for %s/%s', (name, sample) => {
    expect(trunkEniAllocation.needsInventory(parse(loadEvent(name, sample)))).toBe(true);
  });

  it('filters launch template versions by the families that cannot trunk, taken from the table', () => {
    expect(NON_TRUNK_FAMILY_PREFIXES).toEqual(expect.arrayContaining(['t3.', 't3a.', 't4g.', 'm4.', 'c4.', 'i3.']));
    expect(NON_TRUNK_FAMILY_PREFIXES).not.toContain('m5.');
  });
});

describe('trunk-eni-allocation findings', () => {
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

  it('resolves trunk-missing and trunk-attach-failed when the controller attaches a trunk', () => {
    const findings = run({ event: () => loadEvent('AttachNetworkInterface', 'trunk'), inventory: sampleAccount });
    expect(findings.map((f) => [f.rule, f.status, f.id])).toEqual([
      ['trunk-missing', 'resolved', findingId('trunk-eni-allocation', 'trunk-missing', 'i-0a1b2c3d4e5f00003')],
      [
        'trunk-attach-failed',
        'resolved',
        findingId('trunk-eni-allocation', 'trunk-attach-failed', 'i-0a1b2c3d4e5f00003'),
      ],
    ]);
  });

  it('finds the node of a failed branch ENI through its trunk tag', () => {
    const [finding] = run({
      event: () => loadEvent('CreateNetworkInterface', 'branch-failed'),
      inventory: sampleAccount,
    });
    expect(finding).toMatchObject({ rule: 'branch-create-failed', severity: 'medium', clusters: ['prod'] });
    expect(finding?.blastRadius?.sgpPods).toBe(1);
    expect(finding?.evidence.details?.podSecurityGroups).toEqual(['sg-0db00000000000001']);
  });

  it('suggests the nearest trunk-capable type for a t3 node group, as the remediation too', () => {
    const [finding] = run({
      event: () => loadEvent('CreateNodegroup', 'sgp-t3-nodegroup'),
      inventory: sampleAccount,
    });
    expect(finding).toMatchObject({
      rule: 'instance-type-not-trunk-compatible',
      remediation: {
        action: 'set-instance-types',
        target: { type: 'nodegroup', id: 'prod/ng-burst', cluster: 'prod', nodeGroup: 'ng-burst' },
        set: { instanceTypes: ['m5.large'] },
      },
    });
    expect(finding?.summary).toMatch(/t3\.large → m5\.large/);
    expect(finding?.blastRadius?.nodes).toBe(3);
    // The event and the scan of the same node group are one finding.
    expect(finding?.id).toBe(findingId('trunk-eni-allocation', 'instance-type-not-trunk-compatible', 'prod/ng-burst'));
  });

  it('treats a CreateNodegroup without types or template as the EKS default t3.medium', () => {
    const event = loadEvent('CreateNodegroup', 'sgp-t3-nodegroup') as {
      detail: { requestParameters: Record<string, unknown>; responseElements: { nodegroup: Record<string, unknown> } };
    };
    delete event.detail.requestParameters.instanceTypes;
    delete event.detail.responseElements.nodegroup.instanceTypes;
    const [finding] = run({ event: () => event, inventory: sampleAccount });
    expect(finding?.evidence.details?.instanceTypes).toEqual(['t3.medium']);
  });

  it('reports a scanned t3 node group once, with its nodes', () => {
    const findings = run({
      inventory: () =>
        cluster(true, (b) => b.nodeGroup('prod', 'ng-burst', { instanceType: 't3.medium', nodeSg: NODE_SG, nodes: 2 })),
    });
    const matching = open(findings, 'instance-type-not-trunk-compatible');
    expect(matching).toHaveLength(1);
    expect(matching[0]?.blastRadius?.nodes).toBe(2);
    expect(matching[0]?.evidence.details?.suggestions).toEqual({ 't3.medium': 'm5.large' });
  });

  it('says whether the slots of a node without a trunk are full', () => {
    const full = open(
      run({
        inventory: () =>
          cluster(true, (b) => b.nodeGroup('prod', 'ng-a', { nodeSg: NODE_SG, secondaryIpsPerNode: 25 })),
      }),
      'trunk-missing',
    );
    expect(full[0]?.evidence.details).toMatchObject({ eniSlotsFull: true, eniSlots: { used: 3, max: 3 } });
    expect(full[0]?.remediation?.action).toBe('replace-node');
    const free = open(
      run({ inventory: () => cluster(true, (b) => b.nodeGroup('prod', 'ng-a', { nodeSg: NODE_SG })) }),
      'trunk-missing',
    );
    expect(free[0]?.evidence.details).toMatchObject({ eniSlotsFull: false, eniSlots: { used: 1, max: 3 } });
    expect(free[0]?.remediation).toBeUndefined();
  });

  it('honours trunkGraceMinutes', () => {
    const inventory = cluster(true, (b) => b.nodeGroup('prod', 'ng-a', { nodeSg: NODE_SG }));
    const at = '2026-10-30T08:42:44.000Z'; // 30 minutes after launch
    const judge = (trunkGraceMinutes: number) =>
      open(
        scanInventory(inventory, {
          config: { ...defaultGuardConfig(), trunkGraceMinutes },
          now: at,
          ...only,
        }).findings,
        'trunk-missing',
      );
    expect(judge(20)).toHaveLength(1);
    expect(judge(45)).toEqual([]);
  });

  it('counts branch ENIs against the trunk limit and raises severity when full', () => {
    const [full] = open(run({ inventory: () => sgpPods(9) }), 'branch-capacity-low');
    expect(full).toMatchObject({ severity: 'medium', blastRadius: { sgpPods: 9 } });
    expect(full?.evidence.details).toMatchObject({ branchEnis: 9, branchLimit: 9 });
    expect(full?.recommendation.text).toMatch(/m5\.xlarge/);
  });

  it('lets branchCapacityRatio lower the threshold', () => {
    const findings = scanInventory(sgpPods(8), {
      config: { ...defaultGuardConfig(), branchCapacityRatio: 0.5 },
      now: NOW,
      ...only,
    }).findings;
    expect(open(findings, 'branch-capacity-low')[0]?.severity).toBe('low');
  });

  it('reports nothing for a cluster without SGP in a scan', () => {
    expect(run({ inventory: sampleAccountWithoutSgp })).toEqual([]);
  });
});

describe('nearestTrunkCapableType', () => {
  it.each([
    ['t3.large', 'm5.large'],
    ['t3.medium', 'm5.large'],
    ['t3a.xlarge', 'm5a.xlarge'],
    ['t4g.medium', 'm6g.medium'],
    ['m4.2xlarge', 'm5.2xlarge'],
    ['c4.large', 'c5.large'],
    ['r4.xlarge', 'r5.xlarge'],
    ['i3.large', 'i3en.large'],
    ['m5.large', 'm5.large'],
  ])('%s → %s', (type, expected) => {
    expect(nearestTrunkCapableType(type)).toBe(expected);
  });

  it('answers every type that cannot trunk with a type the table says can', () => {
    const cannot = Object.keys(INSTANCE_LIMITS).filter(
      (type) => findInstanceLimits(type)?.trunkingCompatible === false,
    );
    expect(cannot.length).toBeGreaterThan(50);
    expect(Object.keys(INSTANCE_LIMITS)).toHaveLength(INSTANCE_LIMITS_COUNT);
    for (const type of cannot) {
      const suggestion = nearestTrunkCapableType(type);
      expect(suggestion, type).toBeDefined();
      expect(findInstanceLimits(suggestion ?? '')?.trunkingCompatible, `${type} → ${suggestion}`).toBe(true);
    }
  });

  it('is undefined for a name that is not an instance type', () => {
    expect(nearestTrunkCapableType('nonsense')).toBeUndefined();
  });
});
