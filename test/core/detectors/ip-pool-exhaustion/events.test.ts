/**
 * What `ip-pool-exhaustion` routes and how its rules share the calls: the EventBridge filters each rule declares let
 * only the failures and changes it acts on through, routine calls need no describe, and the detector derived from the
 * rules subscribes, reads and scans as one.
 */
import { eventPatterns, IP_POOL_RULES, ipPoolExhaustion } from '@podnet-guard/core';
import { matchesAnyEventPattern } from '@podnet-guard/stack-tools';
import { describe, expect, it } from 'vitest';
import { loadEvent } from '../../../helpers/events.ts';
import { parseCase } from '../../../helpers/rule-cases.ts';

const filtersOf = (name: string) =>
  (ipPoolExhaustion.subscribes.find((candidate) => candidate.eventName === name)?.filters ?? []).map((detail) => ({
    detail,
  }));

describe('ip-pool-exhaustion routing', () => {
  const patterns = eventPatterns();
  it.each([
    ['CreateNetworkInterface', 'cni-routine'],
    ['AssignPrivateIpAddresses', 'cni-warm-pool'],
    ['RunInstances', 'nodegroup-launch'],
  ])('routine successful %s/%s needs no describe and matches no failure filter', (eventName, caseName) => {
    const raw = loadEvent(eventName, caseName);
    expect(ipPoolExhaustion.needsInventory(parseCase(raw))).toBe(false);
    expect(matchesAnyEventPattern(filtersOf(eventName), raw)).toBe(false);
  });

  it.each([
    ['CreateNetworkInterface', 'trunk-failed-no-ips'],
    ['AssignPrivateIpAddresses', 'ip-prefix-insufficient-cidr-blocks'],
    ['AssignPrivateIpAddresses', 'ip-limit-exceeded'],
    ['RunInstances', 'subnet-no-free-ipv4'],
    ['CreateFleet', 'all-failed'],
    ['AttachNetworkInterface', 'failed-limit'],
    ['CreateLaunchTemplateVersion', 'maxpods-sgp-template'],
    ['UpdateNodegroupConfig', 'scale-up'],
  ])('%s/%s is routed and needs live state', (eventName, caseName) => {
    const raw = loadEvent(eventName, caseName);
    expect(matchesAnyEventPattern(patterns, raw)).toBe(true);
    expect(ipPoolExhaustion.needsInventory(parseCase(raw))).toBe(true);
  });

  it('does not route an InvalidParameterValue about something else, nor a partial fleet failure on capacity', () => {
    expect(
      matchesAnyEventPattern(filtersOf('RunInstances'), loadEvent('RunInstances', 'ip-invalid-parameter-other')),
    ).toBe(false);
    expect(matchesAnyEventPattern(filtersOf('CreateFleet'), loadEvent('CreateFleet', 'karpenter-partial'))).toBe(false);
  });
});

describe('ip-pool-exhaustion, derived from its rules', () => {
  it('subscribes to the calls in the order the EventBridge rules are named by', () => {
    expect(ipPoolExhaustion.subscribes.map((sub) => sub.eventName)).toEqual([
      'CreateNetworkInterface',
      'AssignPrivateIpAddresses',
      'AttachNetworkInterface',
      'RunInstances',
      'CreateFleet',
      'CreateNodegroup',
      'UpdateNodegroupConfig',
      'UpdateNodegroupVersion',
      'CreateLaunchTemplateVersion',
    ]);
  });

  it('routes both CNI failures (subnet full, node full) through one filter set, declared by both rules', () => {
    const cni = ipPoolExhaustion.subscribes.find((sub) => sub.eventName === 'CreateNetworkInterface');
    expect(cni?.filters).toHaveLength(2);
    expect(cni?.filters?.[0]).toEqual({
      errorCode: [
        { suffix: 'InsufficientFreeAddressesInSubnet' },
        { suffix: 'InsufficientCidrBlocks' },
        { suffix: 'PrivateIpAddressLimitExceeded' },
      ],
    });
  });

  it('scans exactly the state rules, so a sweep never resolves a failure seen only in an event', () => {
    expect(ipPoolExhaustion.scanRules).toEqual(['subnet-headroom-low', 'max-pods-over-ip-capacity']);
    expect(ipPoolExhaustion.rules.map((rule) => rule.id).sort()).toEqual(IP_POOL_RULES.map((rule) => rule.id).sort());
  });

  it('reads what its rules read, and for an event only what the rules judging it read', () => {
    expect(ipPoolExhaustion.reads).toEqual([
      'DescribeAddon',
      'DescribeAutoScalingGroups',
      'DescribeCluster',
      'DescribeInstanceTypes',
      'DescribeInstances',
      'DescribeLaunchTemplateVersions',
      'DescribeNetworkInterfaces',
      'DescribeNodegroup',
      'DescribeSubnetCidrReservations',
      'DescribeSubnets',
    ]);
    const attach = parseCase(loadEvent('AttachNetworkInterface', 'failed-limit'));
    expect(ipPoolExhaustion.readsFor(attach)).toEqual([
      'DescribeInstanceTypes',
      'DescribeInstances',
      'DescribeNetworkInterfaces',
    ]);
  });
});
