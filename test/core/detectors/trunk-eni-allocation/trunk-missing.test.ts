import { defaultGuardConfig, scanInventory } from '@podnet-guard/core';
import { describe, expect, it } from 'vitest';
import { TRUNK_MISSING } from '../../../../packages/core/src/detectors/trunk-eni-allocation/trunk-missing.ts';
import { loadEvent } from '../../../helpers/events.ts';
import { type RuleCase, ruleCases } from '../../../helpers/rule-cases.ts';
import {
  cluster,
  DETECTOR,
  itRoutesFiringRows,
  JUST_LAUNCHED,
  NODE_SG,
  open,
  run,
  sampleAccount,
  sampleAccountWithoutSgp,
} from './fixtures.ts';

const cases: RuleCase[] = [
  {
    name: 'scan: an SGP node with no trunk long after launch, ENI slots full',
    rule: 'trunk-missing',
    expect: 'fires',
    inventory: () =>
      cluster(true, (b) =>
        b
          .nodeGroup('prod', 'ng-sgp', { nodeSg: NODE_SG, trunk: true })
          .nodeGroup('prod', 'ng-full', { nodeSg: NODE_SG, secondaryIpsPerNode: 25 }),
      ),
    severity: 'high',
  },
  {
    name: 'scan: an SGP node with no trunk two minutes after launch (grace)',
    rule: 'trunk-missing',
    expect: 'quiet',
    now: JUST_LAUNCHED,
    inventory: () => cluster(true, (b) => b.nodeGroup('prod', 'ng-a', { nodeSg: NODE_SG })),
  },
  {
    name: 'scan: an SGP node with its trunk',
    rule: 'trunk-missing',
    expect: 'quiet',
    inventory: () => cluster(true, (b) => b.nodeGroup('prod', 'ng-a', { nodeSg: NODE_SG, trunk: true })),
  },
  {
    name: 'scan: a node without a trunk where SGP is off',
    rule: 'trunk-missing',
    expect: 'quiet',
    inventory: () => cluster(false, (b) => b.nodeGroup('prod', 'ng-a', { nodeSg: NODE_SG })),
  },
  {
    name: 'scan: a t3 node of an SGP cluster (reported as instance-type-not-trunk-compatible instead)',
    rule: 'trunk-missing',
    expect: 'quiet',
    inventory: () => cluster(true, (b) => b.nodeGroup('prod', 'ng-a', { instanceType: 't3.medium', nodeSg: NODE_SG })),
  },
  {
    name: "a node launch in the sample account's SGP cluster finds the older nodes without a trunk",
    rule: 'trunk-missing',
    expect: 'fires',
    count: 2,
    event: () => loadEvent('RunInstances', 'nodegroup-launch'),
    inventory: sampleAccount,
  },
  {
    name: 'a node launch where SGP is off',
    rule: 'trunk-missing',
    expect: 'quiet',
    event: () => loadEvent('RunInstances', 'nodegroup-launch'),
    inventory: sampleAccountWithoutSgp,
  },
];

ruleCases([TRUNK_MISSING], cases, { detector: DETECTOR });
itRoutesFiringRows(cases);

describe('trunk-missing findings', () => {
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
          detectors: [DETECTOR],
        }).findings,
        'trunk-missing',
      );
    expect(judge(20)).toHaveLength(1);
    expect(judge(45)).toEqual([]);
  });
});
