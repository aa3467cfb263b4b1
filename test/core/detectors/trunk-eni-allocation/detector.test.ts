/**
 * The `trunk-eni-allocation` detector as its rules make it: the calls it subscribes to (and which routine calls its
 * EventBridge filters keep away), when an event costs a describe call, which rules a scan judges, and what several
 * rules decide together.
 */
import {
  defaultGuardConfig,
  findingId,
  parseCloudTrailEvent,
  TRUNK_ENI_RULES,
  trunkEniAllocation,
} from '@podnet-guard/core';
import { describe, expect, it } from 'vitest';
import { loadEvent } from '../../../helpers/events.ts';
import { parseCase } from '../../../helpers/rule-cases.ts';
import { cniAttachFailed, NOW, routed, run, sampleAccount, sampleAccountWithoutSgp } from './fixtures.ts';

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
    expect(trunkEniAllocation.needsInventory(parseCase(loadEvent(name, sample)))).toBe(false);
  });

  it.each([
    ['CreateNetworkInterface', 'trunk-failed-no-ips'],
    ['CreateNetworkInterface', 'branch-failed'],
    ['AttachNetworkInterface', 'failed-limit'],
    ['RunInstances', 'nodegroup-launch'],
    ['CreateLaunchTemplateVersion', 'sgp-t3-template'],
    ['CreateNodegroup', 'sgp-t3-nodegroup'],
  ])('needs live state for %s/%s', (name, sample) => {
    expect(trunkEniAllocation.needsInventory(parseCase(loadEvent(name, sample)))).toBe(true);
  });
});

describe('the detector its rules make', () => {
  it('lists its rules once each, in the README order', () => {
    expect(TRUNK_ENI_RULES.map((rule) => rule.id)).toEqual([
      'trunk-create-failed',
      'trunk-attach-failed',
      'branch-create-failed',
      'instance-type-not-trunk-compatible',
      'trunk-missing',
      'branch-capacity-low',
    ]);
    expect(new Set(trunkEniAllocation.rules.map((rule) => rule.id))).toEqual(
      new Set(TRUNK_ENI_RULES.map((rule) => rule.id)),
    );
  });

  it('lets a sweep resolve only the rules a scan judges (failed calls are seen only as events)', () => {
    expect([...trunkEniAllocation.scanRules].sort()).toEqual([
      'branch-capacity-low',
      'instance-type-not-trunk-compatible',
      'trunk-missing',
    ]);
  });

  it('subscribes once per call, in a fixed order (the generated EventBridge rules are named by position)', () => {
    expect(trunkEniAllocation.subscribes.map((sub) => sub.eventName)).toEqual([
      'CreateNetworkInterface',
      'AttachNetworkInterface',
      'RunInstances',
      'CreateFleet',
      'CreateLaunchTemplateVersion',
      'CreateNodegroup',
      'UpdateNodegroupConfig',
      'UpdateNodegroupVersion',
    ]);
    // Trunk creations of any outcome, branch creations only when they fail.
    expect(trunkEniAllocation.subscribes[0]?.filters).toHaveLength(4);
    // The controller's attaches, and failed attaches by EKS.
    expect(trunkEniAllocation.subscribes[1]?.filters).toHaveLength(2);
  });

  it('reads for an event only what the rules that judge it need', () => {
    const reads = (name: string, sample: string) => trunkEniAllocation.readsFor(parseCase(loadEvent(name, sample)));
    expect(reads('AttachNetworkInterface', 'failed-limit')).toEqual([
      'DescribeAddon',
      'DescribeCluster',
      'DescribeInstanceTypes',
      'DescribeInstances',
      'DescribeLaunchTemplateVersions',
      'DescribeNetworkInterfaces',
      'DescribeNodegroup',
    ]);
    expect(reads('CreateNetworkInterface', 'branch-failed')).toContain('DescribeSubnets');
    expect(reads('CreateNodegroup', 'sgp-t3-nodegroup')).not.toContain('DescribeSubnets');
    expect(trunkEniAllocation.reads).toContain('DescribeSubnets');
  });

  it('gives a call parsed into another kind to no rule', () => {
    const parsed = parseCloudTrailEvent(loadEvent('AssignPrivateIpAddresses', 'cni-warm-pool'));
    if (!parsed.ok) throw new Error(parsed.error.message);
    const event = { ...parsed.event, eventSource: 'ec2.amazonaws.com', eventName: 'CreateNetworkInterface' };
    expect(trunkEniAllocation.readsFor(event)).toEqual([]);
    expect(trunkEniAllocation.needsInventory(event)).toBe(false);
    const context = { inventory: sampleAccount(), config: defaultGuardConfig(), now: NOW };
    expect(trunkEniAllocation.evaluateEvent(event, context)).toEqual([]);
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

  it('reports nothing for a cluster without SGP in a scan', () => {
    expect(run({ inventory: sampleAccountWithoutSgp })).toEqual([]);
  });
});
