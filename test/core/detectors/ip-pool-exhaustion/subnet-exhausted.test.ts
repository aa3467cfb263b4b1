import { findingId } from '@podnet-guard/core';
import { describe, expect, it } from 'vitest';
import { subnetExhausted } from '../../../../packages/core/src/detectors/ip-pool-exhaustion/subnet-exhausted.ts';
import { loadEvent } from '../../../helpers/events.ts';
import { inventoryFrom, snapshotBuilder } from '../../../helpers/inventory-builder.ts';
import { openFindings, type RuleCase, ruleCases, runCase } from '../../../helpers/rule-cases.ts';
import { FULL_SUBNET, SUBNET_A, SUBNET_EXHAUSTION_FAILURES, sampleAccount } from './fixtures.ts';

const DETECTOR = 'ip-pool-exhaustion';

const cases: RuleCase[] = [
  ...SUBNET_EXHAUSTION_FAILURES,
  {
    name: 'stays quiet on InvalidParameterValue about something else',
    rule: 'subnet-exhausted',
    expect: 'quiet',
    event: () => loadEvent('RunInstances', 'ip-invalid-parameter-other'),
    inventory: sampleAccount,
  },
  {
    name: 'stays quiet on insufficient instance capacity',
    rule: 'subnet-exhausted',
    expect: 'quiet',
    event: () => loadEvent('CreateFleet', 'karpenter-partial'),
    inventory: sampleAccount,
  },
  {
    name: 'stays quiet on a routine successful CNI call',
    rule: 'subnet-exhausted',
    expect: 'quiet',
    event: () => loadEvent('CreateNetworkInterface', 'cni-routine'),
    inventory: sampleAccount,
  },
  {
    name: 'stays quiet when no cluster uses the subnet',
    rule: 'subnet-exhausted',
    expect: 'quiet',
    event: () => loadEvent('AssignPrivateIpAddresses', 'failed-no-ips'),
    inventory: () => inventoryFrom(snapshotBuilder().subnet(SUBNET_A, { cidr: '10.0.0.0/20' }).build()),
  },
];

ruleCases(subnetExhausted.rules, cases, { detector: DETECTOR });

describe('subnet-exhausted findings', () => {
  it('names the subnet, its cluster and its headroom when an instance launch fails for addresses', () => {
    const findings = runCase(
      { event: () => loadEvent('RunInstances', 'subnet-no-free-ipv4'), inventory: sampleAccount },
      DETECTOR,
    );
    const [finding] = openFindings(findings, 'subnet-exhausted');
    expect(finding).toMatchObject({
      id: findingId(DETECTOR, 'subnet-exhausted', FULL_SUBNET),
      clusters: ['prod'],
      resources: [{ type: 'subnet', id: FULL_SUBNET }],
      evidence: { errorCode: 'InvalidParameterValue', details: { freeIps: 3, freeBlocks: 0 } },
    });
    expect(finding?.blastRadius?.nodeGroups).toContain('ng-sgp');
  });

  it('takes its severity and title from the rule definition', () => {
    const [finding] = openFindings(runCase(SUBNET_EXHAUSTION_FAILURES[0]!, DETECTOR), 'subnet-exhausted');
    expect(finding?.severity).toBe(subnetExhausted.rule.severity);
    expect(finding?.title).toBe(`${subnetExhausted.rule.title}: ${SUBNET_A}`);
  });
});
