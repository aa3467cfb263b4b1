import { findingId } from '@podnet-guard/core';
import { describe, expect, it } from 'vitest';
import { maxPodsOverIpCapacity } from '../../../../packages/core/src/detectors/ip-pool-exhaustion/max-pods-over-ip-capacity.ts';
import { loadEvent } from '../../../helpers/events.ts';
import { openFindings, type RuleCase, ruleCases, runCase } from '../../../helpers/rule-cases.ts';
import { nonSgpAccount, overridingTemplateAccount, sampleAccount, sgpT3Account } from './fixtures.ts';

const DETECTOR = 'ip-pool-exhaustion';
const RULE = 'max-pods-over-ip-capacity';

const cases: RuleCase[] = [
  {
    name: 'fires (high) on the SGP node group: EKS wrote maxPods 58, the trunk leaves (4 − 1) × 14 + 2 = 44',
    rule: RULE,
    expect: 'fires',
    severity: 'high',
    inventory: sampleAccount,
    resource: 'prod/ng-sgp',
  },
  {
    name: 'fires (medium) without SGP when the launch template sets maxPods above the IPs: 110 > 29',
    rule: RULE,
    expect: 'fires',
    severity: 'medium',
    inventory: () => overridingTemplateAccount(110),
    resource: 'dev/ng-dense',
  },
  {
    name: 'fires when a node group is created on an SGP cluster with the EKS default maxPods (m5.large: 29 > 20)',
    rule: RULE,
    expect: 'fires',
    severity: 'high',
    event: () => loadEvent('CreateNodegroup', 'launch-template'),
    inventory: sampleAccount,
    resource: 'prod/ng-sgp',
  },
  {
    name: "fires when a new version of an SGP node group's launch template is created",
    rule: RULE,
    expect: 'fires',
    event: () => loadEvent('CreateLaunchTemplateVersion', 'maxpods-sgp-template'),
    inventory: sampleAccount,
    resource: 'prod/ng-sgp',
  },
  {
    name: 'stays quiet without SGP at the EKS default maxPods',
    rule: RULE,
    expect: 'quiet',
    inventory: nonSgpAccount,
  },
  {
    name: 'stays quiet when the launch template sets a safe maxPods',
    rule: RULE,
    expect: 'quiet',
    inventory: () => overridingTemplateAccount(29),
  },
  {
    name: 'stays quiet on a t3 node group of an SGP cluster (t3 cannot trunk, so no slot is lost)',
    rule: RULE,
    expect: 'quiet',
    inventory: sgpT3Account,
  },
  {
    name: 'stays quiet when a t3 node group is created on the SGP cluster',
    rule: RULE,
    expect: 'quiet',
    event: () => loadEvent('CreateNodegroup', 'remote-access'),
    inventory: sampleAccount,
  },
  {
    name: 'stays quiet on a launch template no node group uses',
    rule: RULE,
    expect: 'quiet',
    event: () => loadEvent('CreateLaunchTemplateVersion', 'node-template'),
    inventory: sampleAccount,
  },
];

ruleCases(maxPodsOverIpCapacity.rules, cases, { detector: DETECTOR });

describe('max-pods-over-ip-capacity findings', () => {
  it('puts the safe maxPods, its source and the SGP reason in a machine-readable remediation', () => {
    const [finding] = openFindings(runCase({ inventory: sampleAccount }, DETECTOR), RULE, 'prod/ng-sgp');
    expect(finding).toMatchObject({
      id: findingId(DETECTOR, RULE, 'prod/ng-sgp'),
      detector: DETECTOR,
      severity: 'high',
      clusters: ['prod'],
      remediation: {
        action: 'set-max-pods',
        target: { type: 'nodegroup', id: 'prod/ng-sgp', cluster: 'prod', nodeGroup: 'ng-sgp' },
        set: { maxPods: 44, instanceType: 'm5.xlarge' },
      },
      evidence: {
        details: {
          maxPods: 58,
          safeMaxPods: 44,
          formula: '(4 − 1) × (15 − 1) + 2 = 44',
          sgp: true,
        },
      },
    });
    // Managed node groups carry their value in EKS's own launch template, named through the Auto Scaling group.
    expect(finding?.evidence.details?.maxPodsSource).toMatch(
      /^EKS launch template eks-7ac90d13-.* v1 \(nodeadm maxPods\)$/,
    );
    expect(finding?.summary).toContain('trunk ENI takes an ENI slot');
  });

  it('says the maxPods came from the EKS default when no user data sets it', () => {
    const findings = runCase(
      { event: () => loadEvent('CreateNodegroup', 'launch-template'), inventory: sampleAccount },
      DETECTOR,
    );
    const [finding] = openFindings(findings, RULE);
    expect(finding?.evidence.details).toMatchObject({ maxPods: 29, safeMaxPods: 20, instanceType: 'm5.large' });
    expect(finding?.evidence.details?.maxPodsSource).toMatch(/^EKS default for m5\.large/);
    expect(finding?.evidence.eventName).toBe('CreateNodegroup');
  });

  it('keeps the rule severity (medium) when no trunk slot is lost', () => {
    const [finding] = openFindings(runCase({ inventory: () => overridingTemplateAccount(110) }, DETECTOR), RULE);
    expect(finding?.severity).toBe(maxPodsOverIpCapacity.rule.severity);
    expect(finding?.title).toBe(`${maxPodsOverIpCapacity.rule.title}: dev/ng-dense`);
  });
});
