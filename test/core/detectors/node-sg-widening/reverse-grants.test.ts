/**
 * The reverse-grant family (`node-sg-granted-to-data-store`, `node-sg-granted-to-sg`,
 * `pod-cidr-granted-to-data-store`): an SG that admits a node SG, or the node and pod subnets, admits every pod on
 * those nodes that has no security group of its own.
 */
import { defaultGuardConfig, scanInventory } from '@podnet-guard/core';
import { describe, expect, it } from 'vitest';
import { reverseGrants } from '../../../../packages/core/src/detectors/node-sg-widening/reverse-grants.ts';
import { loadEvent } from '../../../helpers/events.ts';
import { type RuleCase, ruleCases } from '../../../helpers/rule-cases.ts';
import {
  authorize,
  BASTION_SG,
  CLUSTER_SG,
  evaluate,
  NODE_SG,
  NOW,
  POD_SG,
  RDS_SG,
  sampleAccount,
} from './fixtures.ts';

const cases: RuleCase[] = [
  // node-sg-granted-to-data-store
  {
    name: 'fires when the RDS SG admits the node SG',
    rule: 'node-sg-granted-to-data-store',
    expect: 'fires',
    severity: 'high',
    event: () => loadEvent('AuthorizeSecurityGroupIngress', 'source-group'),
    inventory: sampleAccount,
  },
  {
    name: 'fires when ModifySecurityGroupRules points an RDS rule at the cluster SG',
    rule: 'node-sg-granted-to-data-store',
    expect: 'fires',
    event: () => loadEvent('ModifySecurityGroupRules', 'list'),
    inventory: sampleAccount,
  },
  {
    name: 'stays quiet when the RDS SG admits the bastion SG',
    rule: 'node-sg-granted-to-data-store',
    expect: 'quiet',
    event: () => authorize(RDS_SG, [{ from: 5432, groups: [BASTION_SG] }]),
    inventory: sampleAccount,
  },
  // node-sg-granted-to-sg
  {
    name: 'fires when the bastion SG admits the node SG',
    rule: 'node-sg-granted-to-sg',
    expect: 'fires',
    severity: 'medium',
    event: () => authorize(BASTION_SG, [{ from: 8080, groups: [NODE_SG] }]),
    inventory: sampleAccount,
  },
  {
    name: 'stays quiet when the node SG admits the cluster SG (nodes talking to nodes)',
    rule: 'node-sg-granted-to-sg',
    expect: 'quiet',
    event: () => authorize(NODE_SG, [{ protocol: '-1', groups: [CLUSTER_SG] }]),
    inventory: sampleAccount,
  },
  // pod-cidr-granted-to-data-store
  {
    name: 'fires when the RDS SG admits the VPC CIDR that holds the node subnets',
    rule: 'pod-cidr-granted-to-data-store',
    expect: 'fires',
    severity: 'high',
    event: () => authorize(RDS_SG, [{ from: 5432, cidrs: ['10.0.0.0/16'] }]),
    inventory: sampleAccount,
  },
  {
    name: 'stays quiet when the RDS SG admits a CIDR outside the cluster subnets',
    rule: 'pod-cidr-granted-to-data-store',
    expect: 'quiet',
    event: () => authorize(RDS_SG, [{ from: 5432, cidrs: ['10.99.0.0/16'] }]),
    inventory: sampleAccount,
  },
];

ruleCases(reverseGrants.rules, cases, { detector: 'node-sg-widening' });

describe('node-sg-widening reverse grants', () => {
  it('counts SGP pods apart and names the data store for a reverse grant', () => {
    const [finding] = evaluate(loadEvent('AuthorizeSecurityGroupIngress', 'source-group')).findings;
    expect(finding?.rule).toBe('node-sg-granted-to-data-store');
    expect(finding?.blastRadius?.targetServices).toEqual(['RDS']);
    expect(finding?.resources).toEqual([
      { type: 'security-group', id: RDS_SG },
      { type: 'security-group', id: NODE_SG },
    ]);
    expect(finding?.summary).toContain('RDS');
  });

  it('reports the SGP pod SG admitting the node SG (kubelet probes) at info', () => {
    const result = scanInventory(sampleAccount(), { config: defaultGuardConfig(), now: NOW });
    const grant = result.findings.find((f) => f.rule === 'node-sg-granted-to-sg');
    expect(grant?.resources[0]).toEqual({ type: 'security-group', id: POD_SG });
    expect(grant?.severity).toBe('info');
    expect(grant?.expectedBecause).toMatch(/kubelet probes/);
  });
});
