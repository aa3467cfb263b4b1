/**
 * The `node-sg-widening` detector as a whole: what is derived from its rules (rule list, scan rules, when live state
 * is needed), what a deleted group resolves, and the evaluation around it (own principal, allow-list, missing facts).
 */
import {
  defaultGuardConfig,
  NODE_SG_RULES,
  nodeSgWidening,
  parseCloudTrailEvent,
  parseGuardConfig,
  planEvent,
  scanInventory,
} from '@podnet-guard/core';
import { describe, expect, it } from 'vitest';
import { loadEvent } from '../../../helpers/events.ts';
import { inventoryFrom, snapshotBuilder } from '../../../helpers/inventory-builder.ts';
import { BASTION_SG, CLUSTER_SG, evaluate, NODE_SG, NOW, sampleAccount } from './fixtures.ts';

describe('node-sg-widening rules', () => {
  it('lists each rule once, in one unit, as NODE_SG_RULES', () => {
    const ids = nodeSgWidening.units.flatMap((unit) => unit.rules.map((rule) => rule.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(nodeSgWidening.rules.map((rule) => rule.id)).toEqual(NODE_SG_RULES.map((rule) => rule.id));
  });

  it('lets a sweep resolve only the rules a scan judges (a widening seen only as a change stays open)', () => {
    expect([...nodeSgWidening.scanRules].sort()).toEqual(
      [
        'world-open-ingress',
        'public-wide-ingress',
        'sensitive-port-ingress',
        'pod-sg-world-open-ingress',
        'pod-sg-public-wide-ingress',
        'pod-sg-sensitive-port-ingress',
        'node-sg-granted-to-data-store',
        'node-sg-granted-to-sg',
        'pod-cidr-granted-to-data-store',
        'nodegroup-remote-access-open',
      ].sort(),
    );
  });

  it.each([
    ['AuthorizeSecurityGroupIngress', 'world-open-ssh', true],
    ['AuthorizeSecurityGroupIngress', 'failed-duplicate', false],
    ['RevokeSecurityGroupIngress', 'by-shape', true],
    ['RevokeSecurityGroupIngress', 'unknown-permission', false],
    ['DeleteSecurityGroup', 'by-id', true],
    ['ModifyInstanceAttribute', 'group-set', true],
    ['CreateNodegroup', 'remote-access', false],
  ])('%s %s needs live state: %s', (eventName, sample, needed) => {
    const parsed = parseCloudTrailEvent(loadEvent(eventName, sample));
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect(planEvent(parsed.event, ['node-sg-widening']).needsInventory).toBe(needed);
  });

  it('deleting a security group resolves what it caused', () => {
    const { findings } = evaluate(loadEvent('DeleteSecurityGroup', 'by-id'));
    expect(findings.every((f) => f.status === 'resolved')).toBe(true);
    expect(findings.map((f) => f.resources[0]?.id)).toContain(BASTION_SG);
  });
});

describe('evaluation around the detector', () => {
  it("ignores events made by podnet-guard's own principal", () => {
    const config = parseGuardConfig({
      ownPrincipals: ['arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AdministratorAccess_*'],
    });
    const result = evaluate(loadEvent('AuthorizeSecurityGroupIngress', 'world-open-ssh'), sampleAccount(), config);
    expect(result.findings).toEqual([]);
    // `notJudged` replaces the former `skipped` string: the event is listed with its reason.
    expect(result.notJudged).toEqual([
      expect.objectContaining({
        eventName: 'AuthorizeSecurityGroupIngress',
        reason: expect.stringMatching(/own principal/),
      }),
    ]);
  });

  it('suppresses allow-listed findings but still counts them', () => {
    const config = parseGuardConfig({
      allow: [{ reason: 'SSH jump host, ticket OPS-1', securityGroups: [NODE_SG], ports: [22] }],
    });
    const result = evaluate(loadEvent('AuthorizeSecurityGroupIngress', 'world-open-ssh'), sampleAccount(), config);
    expect(result.suppressed).toBe(1);
    expect(result.findings[0]).toMatchObject({ status: 'suppressed', suppressedBy: ['SSH jump host, ticket OPS-1'] });
  });

  it('does not suppress when one field of the allow-list entry does not match', () => {
    const config = parseGuardConfig({ allow: [{ reason: 'web', securityGroups: [NODE_SG], ports: [443] }] });
    const result = evaluate(loadEvent('AuthorizeSecurityGroupIngress', 'world-open-ssh'), sampleAccount(), config);
    expect(result.suppressed).toBe(0);
    expect(result.findings[0]?.status).toBe('open');
  });

  it('lists missing facts instead of treating them as none', () => {
    const inventory = inventoryFrom(
      snapshotBuilder().cluster('prod', { clusterSg: CLUSTER_SG }).without('DescribeNetworkInterfaces').build(),
    );
    const result = scanInventory(inventory, {
      config: defaultGuardConfig(),
      now: NOW,
      detectors: ['node-sg-widening'],
    });
    expect(result.notJudged).toEqual([
      {
        detector: 'node-sg-widening',
        missing: ['DescribeNetworkInterfaces'],
        reason: 'missing DescribeNetworkInterfaces (unknown, not "none")',
      },
    ]);
  });
});
