import { findingId } from '@podnet-guard/core';
import { describe, expect, it } from 'vitest';
import { INSTANCE_TYPE_NOT_TRUNK_COMPATIBLE } from '../../../../packages/core/src/detectors/trunk-eni-allocation/instance-type-not-trunk-compatible.ts';
import { loadEvent } from '../../../helpers/events.ts';
import { type RuleCase, ruleCases } from '../../../helpers/rule-cases.ts';
import {
  cluster,
  DETECTOR,
  itRoutesFiringRows,
  NODE_SG,
  open,
  run,
  sampleAccount,
  sampleAccountWithoutSgp,
} from './fixtures.ts';

const cases: RuleCase[] = [
  {
    name: 'CreateNodegroup of t3.large in an SGP cluster',
    rule: 'instance-type-not-trunk-compatible',
    expect: 'fires',
    event: () => loadEvent('CreateNodegroup', 'sgp-t3-nodegroup'),
    inventory: sampleAccount,
    severity: 'medium',
  },
  {
    name: 'CreateNodegroup of t3.large where SGP is off',
    rule: 'instance-type-not-trunk-compatible',
    expect: 'quiet',
    event: () => loadEvent('CreateNodegroup', 'sgp-t3-nodegroup'),
    inventory: sampleAccountWithoutSgp,
  },
  {
    name: 'CreateNodegroup of m5.large in an SGP cluster',
    rule: 'instance-type-not-trunk-compatible',
    expect: 'quiet',
    event: () => loadEvent('CreateNodegroup', 'general'),
    inventory: sampleAccount,
  },
  {
    name: 'RunInstances of a t3.large node in an SGP cluster',
    rule: 'instance-type-not-trunk-compatible',
    expect: 'fires',
    event: () => loadEvent('RunInstances', 'sgp-t3-node-launch'),
    inventory: sampleAccount,
  },
  {
    name: 'RunInstances of an m5.large node in an SGP cluster',
    rule: 'instance-type-not-trunk-compatible',
    expect: 'quiet',
    event: () => loadEvent('RunInstances', 'nodegroup-launch'),
    inventory: sampleAccount,
  },
  {
    name: "CreateLaunchTemplateVersion sets t3.large on an SGP node group's template",
    rule: 'instance-type-not-trunk-compatible',
    expect: 'fires',
    event: () => loadEvent('CreateLaunchTemplateVersion', 'sgp-t3-template'),
    inventory: sampleAccount,
  },
  {
    name: 'CreateLaunchTemplateVersion sets t3.large where SGP is off',
    rule: 'instance-type-not-trunk-compatible',
    expect: 'quiet',
    event: () => loadEvent('CreateLaunchTemplateVersion', 'sgp-t3-template'),
    inventory: sampleAccountWithoutSgp,
  },
  {
    name: 'scan: a t3 node group in an SGP cluster',
    rule: 'instance-type-not-trunk-compatible',
    expect: 'fires',
    inventory: () =>
      cluster(true, (b) =>
        b
          .nodeGroup('prod', 'ng-sgp', { nodeSg: NODE_SG, trunk: true })
          .nodeGroup('prod', 'ng-burst', { instanceType: 't3.medium', nodeSg: NODE_SG, nodes: 2 }),
      ),
  },
  {
    name: 'scan: a t3 node group in a cluster without SGP',
    rule: 'instance-type-not-trunk-compatible',
    expect: 'quiet',
    inventory: () =>
      cluster(false, (b) => b.nodeGroup('prod', 'ng-burst', { instanceType: 't3.medium', nodeSg: NODE_SG, nodes: 2 })),
  },
];

ruleCases([INSTANCE_TYPE_NOT_TRUNK_COMPATIBLE], cases, { detector: DETECTOR });
itRoutesFiringRows(cases);

describe('instance-type-not-trunk-compatible findings', () => {
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
});
