import { parseGuardConfig } from '@podnet-guard/core';
import { describe, expect, it } from 'vitest';
import { subnetHeadroomLow } from '../../../../packages/core/src/detectors/ip-pool-exhaustion/subnet-headroom-low.ts';
import { loadEvent } from '../../../helpers/events.ts';
import { openFindings, type RuleCase, ruleCases, runCase } from '../../../helpers/rule-cases.ts';
import { FULL_SUBNET, fragmentedAccount, nonSgpAccount, SUBNET_A, sampleAccount } from './fixtures.ts';

const DETECTOR = 'ip-pool-exhaustion';

const cases: RuleCase[] = [
  {
    name: 'fires (high) on the nearly full subnet of the sample account: 3 of 251 IPs free',
    rule: 'subnet-headroom-low',
    expect: 'fires',
    severity: 'high',
    inventory: sampleAccount,
    resource: FULL_SUBNET,
  },
  {
    name: 'fires under prefix delegation on a fragmented subnet with 235 free IPs and no free /28 block',
    rule: 'subnet-headroom-low',
    expect: 'fires',
    severity: 'high',
    inventory: () => fragmentedAccount(true),
    resource: SUBNET_A,
  },
  {
    name: 'fires when a node group is scaled up beyond what its subnets hold',
    rule: 'subnet-headroom-low',
    expect: 'fires',
    event: () => loadEvent('UpdateNodegroupConfig', 'scale-up'),
    inventory: sampleAccount,
    resource: FULL_SUBNET,
  },
  {
    name: 'stays quiet on the same fragmented subnet in secondary-IP mode, where single IPs are what counts',
    rule: 'subnet-headroom-low',
    expect: 'quiet',
    inventory: () => fragmentedAccount(false),
  },
  {
    name: 'stays quiet on a roomy subnet',
    rule: 'subnet-headroom-low',
    expect: 'quiet',
    inventory: nonSgpAccount,
  },
];

ruleCases(subnetHeadroomLow.rules, cases, { detector: DETECTOR });

describe('subnet-headroom-low findings', () => {
  it('explains a fragmented subnet: free IPs but no /28 block', () => {
    const [finding] = openFindings(
      runCase({ inventory: () => fragmentedAccount(true) }, DETECTOR),
      'subnet-headroom-low',
    );
    expect(finding?.evidence.details).toMatchObject({ mode: 'prefix-delegation', freeIps: 235, freeBlocks: 0 });
    expect(finding?.summary).toMatch(/0 free aligned \/28 blocks/);
  });

  it('fires the percentage rule from the configured threshold, at the rule severity above 5 %', () => {
    const strict = () => parseGuardConfig({ subnetHeadroomPercent: 99.9 });
    const [finding, ...rest] = openFindings(
      runCase({ inventory: nonSgpAccount, config: strict }, DETECTOR),
      'subnet-headroom-low',
    );
    expect(rest).toEqual([]);
    expect(finding?.severity).toBe(subnetHeadroomLow.rule.severity);
    expect(openFindings(runCase({ inventory: nonSgpAccount }, DETECTOR), 'subnet-headroom-low')).toEqual([]);
  });
});
