/**
 * The ingress family (`world-open-ingress`, `public-wide-ingress`, `sensitive-port-ingress`): its case table, what a
 * finding says, Kubernetes' own rules, modified rules, and what a revoke resolves. How CIDRs are judged (together
 * covering the space, what counts as public) is in ingress-judgement.test.ts.
 */
import { findingId } from '@podnet-guard/core';
import { describe, expect, it } from 'vitest';
import { nodeSgIngress } from '../../../../packages/core/src/detectors/node-sg-widening/ingress.ts';
import { loadEvent } from '../../../helpers/events.ts';
import { inventoryFrom, snapshotBuilder } from '../../../helpers/inventory-builder.ts';
import { openFindings as open, type RuleCase, ruleCases } from '../../../helpers/rule-cases.ts';
import { authorize, BASTION_SG, CLUSTER_SG, evaluate, NODE_SG, sampleAccount } from './fixtures.ts';

const cases: RuleCase[] = [
  // world-open-ingress
  {
    name: 'fires when a node SG admits 0.0.0.0/0 on SSH',
    rule: 'world-open-ingress',
    expect: 'fires',
    severity: 'critical',
    event: () => loadEvent('AuthorizeSecurityGroupIngress', 'world-open-ssh'),
    inventory: sampleAccount,
  },
  {
    name: 'fires when a node SG admits ::/0 on 443',
    rule: 'world-open-ingress',
    expect: 'fires',
    severity: 'high',
    event: () => loadEvent('AuthorizeSecurityGroupIngress', 'ipv6'),
    inventory: sampleAccount,
  },
  {
    name: 'fires for 0.0.0.0/1 + 128.0.0.0/1, which together cover the whole space',
    rule: 'world-open-ingress',
    expect: 'fires',
    event: () => authorize(NODE_SG, [{ from: 8080, cidrs: ['0.0.0.0/1', '128.0.0.0/1'] }]),
    inventory: sampleAccount,
  },
  {
    name: 'fires for 00.0.0.0/0, which normalises to 0.0.0.0/0',
    rule: 'world-open-ingress',
    expect: 'fires',
    event: () => authorize(NODE_SG, [{ from: 8080, cidrs: ['00.0.0.0/0'] }]),
    inventory: sampleAccount,
  },
  {
    name: 'fires on the cluster SG, which managed nodes carry',
    rule: 'world-open-ingress',
    expect: 'fires',
    event: () => authorize(CLUSTER_SG, [{ from: 443, cidrs: ['0.0.0.0/0'] }]),
    inventory: sampleAccount,
  },
  {
    name: 'stays quiet when the open SG is on no node',
    rule: 'world-open-ingress',
    expect: 'quiet',
    event: () => authorize(BASTION_SG, [{ from: 22, cidrs: ['0.0.0.0/0'] }]),
    inventory: sampleAccount,
  },
  {
    name: 'stays quiet when the call failed',
    rule: 'world-open-ingress',
    expect: 'quiet',
    event: () => loadEvent('AuthorizeSecurityGroupIngress', 'failed-duplicate'),
    inventory: sampleAccount,
  },
  {
    name: "stays quiet for the SSH rule EKS adds for a node group's remote access (that rule reports it)",
    rule: 'world-open-ingress',
    expect: 'quiet',
    event: () => byEks(authorize(NODE_SG, [{ from: 22, cidrs: ['0.0.0.0/0'] }])),
    inventory: sampleAccount,
  },
  // public-wide-ingress
  {
    name: 'fires when a node SG admits a /8 public range',
    rule: 'public-wide-ingress',
    expect: 'fires',
    severity: 'medium',
    event: () => authorize(NODE_SG, [{ from: 443, cidrs: ['52.0.0.0/8'] }]),
    inventory: sampleAccount,
  },
  {
    name: 'stays quiet for a single public address on a web port',
    rule: 'public-wide-ingress',
    expect: 'quiet',
    event: () => authorize(NODE_SG, [{ from: 443, cidrs: ['52.1.2.3/32'] }]),
    inventory: sampleAccount,
  },
  // sensitive-port-ingress
  {
    name: 'fires when SSH is opened to a private range outside the VPC',
    rule: 'sensitive-port-ingress',
    expect: 'fires',
    severity: 'medium',
    event: () => authorize(NODE_SG, [{ from: 22, cidrs: ['10.20.0.0/16'] }]),
    inventory: sampleAccount,
  },
  {
    name: 'fires when the kubelet port is opened to an office address',
    rule: 'sensitive-port-ingress',
    expect: 'fires',
    event: () => authorize(NODE_SG, [{ from: 10250, cidrs: ['198.51.100.7/32'] }]),
    inventory: sampleAccount,
  },
  {
    name: 'stays quiet when SSH is opened inside the VPC',
    rule: 'sensitive-port-ingress',
    expect: 'quiet',
    event: () => authorize(NODE_SG, [{ from: 22, cidrs: ['10.0.0.0/16'] }]),
    inventory: sampleAccount,
  },
];

/** The call as EKS makes it for a node group's remote access. */
function byEks(event: unknown): unknown {
  (event as { detail: { userIdentity: Record<string, unknown> } }).detail.userIdentity.invokedBy = 'eks.amazonaws.com';
  return event;
}

ruleCases(nodeSgIngress.rules, cases, { detector: 'node-sg-widening' });

describe('node-sg-widening ingress findings', () => {
  it('says which cluster, node groups, nodes and pod IPs a world-open node SG exposes', () => {
    const [finding] = evaluate(loadEvent('AuthorizeSecurityGroupIngress', 'world-open-ssh')).findings;
    expect(finding).toMatchObject({
      detector: 'node-sg-widening',
      rule: 'world-open-ingress',
      severity: 'critical',
      status: 'open',
      account: '111122223333',
      region: 'eu-west-1',
      clusters: ['prod'],
      blastRadius: { nodes: 3, nodeGroups: ['ng-general', 'ng-sgp'], podIpsIsUpperBound: true },
      evidence: { eventName: 'AuthorizeSecurityGroupIngress', sourceIp: '203.0.113.24' },
    });
    expect(finding?.id).toBe(findingId('node-sg-widening', 'world-open-ingress', NODE_SG));
    expect(finding?.id).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(finding?.blastRadius?.podIps).toBeGreaterThan(0);
    expect(finding?.evidence.details?.alsoTripped).toEqual(['sensitive-port-ingress']);
    expect(finding?.recommendation.links.map((link) => link.title)).toContain('Security groups for pods');
    expect(finding?.remediation).toMatchObject({
      action: 'revoke-rules',
      target: { id: NODE_SG, securityGroup: { id: NODE_SG } },
      revoke: [{ direction: 'ingress', peerKey: 'ipv4:0.0.0.0/0' }],
    });
  });

  // Kubernetes' own rules are believed only from the cluster's role (kubernetes-rules.test.ts has the rest).
  function byClusterRole(event: unknown): unknown {
    const sample = loadEvent('AuthorizeSecurityGroupIngress', 'kubernetes-nlb') as {
      detail: { userIdentity: unknown };
    };
    (event as { detail: { userIdentity: unknown } }).detail.userIdentity = sample.detail.userIdentity;
    return event;
  }

  it('reports a Kubernetes LoadBalancer rule at info with the reason, never as an alarm', () => {
    const event = byClusterRole(
      authorize(NODE_SG, [
        {
          from: 31234,
          cidrs: ['0.0.0.0/0'],
          description: 'kubernetes.io/rule/nlb/client=a8f2c5e1d3b74f0e9a1c2b3d4e5f6071',
        },
      ]),
    );
    const [finding] = evaluate(event).findings;
    expect(finding?.severity).toBe('info');
    expect(finding?.expectedBecause).toMatch(/LoadBalancer Service/);
  });

  it('keeps an alarm when a Kubernetes rule and a hand-made rule are opened together', () => {
    const event = byClusterRole(
      authorize(NODE_SG, [
        { from: 31234, cidrs: ['0.0.0.0/0'], description: 'kubernetes.io/rule/nlb/client=abc' },
        { from: 8080, cidrs: ['0.0.0.0/0'], description: 'debug' },
      ]),
    );
    const [finding] = evaluate(event).findings;
    expect(finding?.severity).toBe('high');
    expect(finding?.expectedBecause).toBeUndefined();
  });
});

describe('node-sg-widening ingress: how a call names its group and rules', () => {
  it('resolves a call by group name from live state', () => {
    const event = loadEvent('AuthorizeSecurityGroupIngress', 'by-group-name') as {
      detail: { requestParameters: { ipPermissions: { items: { ipRanges: { items: { cidrIp: string }[] } }[] } } };
    };
    event.detail.requestParameters.ipPermissions.items[0]!.ipRanges.items[0]!.cidrIp = '0.0.0.0/0';
    const [finding] = evaluate(event).findings;
    expect(finding?.rule).toBe('world-open-ingress');
    expect(finding?.resources[0]).toEqual({ type: 'security-group', id: NODE_SG });
  });

  it('judges a modified rule whose id live state does not know as ingress, and says so', () => {
    const { findings } = evaluate(loadEvent('ModifySecurityGroupRules', 'single'));
    const [finding] = open(findings, 'world-open-ingress');
    expect(finding?.evidence.state).toMatch(/sgr-0a0000000000000b1 not found in live state/);
  });

  it('does not fire for a modified rule that live state shows as egress', () => {
    const inventory = inventoryFrom(
      snapshotBuilder()
        .cluster('prod', { clusterSg: CLUSTER_SG })
        .securityGroup(NODE_SG, { name: 'prod-nodes', egress: [{ port: 443, cidr: '10.0.0.0/16' }] })
        .nodeGroup('prod', 'ng-a', { nodeSg: NODE_SG, nodes: 1 })
        .build(),
    );
    const egressRule = inventory.rulesOf(NODE_SG, 'egress')[0]!;
    const event = loadEvent('ModifySecurityGroupRules', 'single') as {
      detail: {
        requestParameters: {
          ModifySecurityGroupRulesRequest: {
            SecurityGroupRule: { SecurityGroupRuleId: string; SecurityGroupRule: Record<string, unknown> };
          };
        };
      };
    };
    event.detail.requestParameters.ModifySecurityGroupRulesRequest.SecurityGroupRule.SecurityGroupRuleId =
      egressRule.ruleId;
    event.detail.requestParameters.ModifySecurityGroupRulesRequest.SecurityGroupRule.SecurityGroupRule.FromPort = 8443;
    event.detail.requestParameters.ModifySecurityGroupRulesRequest.SecurityGroupRule.SecurityGroupRule.ToPort = 8443;
    const { findings } = evaluate(event, inventory);
    expect(open(findings, 'world-open-ingress')).toEqual([]);
  });

  it('merges what one event trips into one finding per SG and rule', () => {
    const event = authorize(NODE_SG, [
      { from: 22, cidrs: ['0.0.0.0/0'] },
      { from: 3389, cidrs: ['0.0.0.0/0'] },
    ]);
    const { findings } = evaluate(event);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.evidence.details?.sensitivePorts).toEqual([22, 3389]);
  });
});

describe('node-sg-widening ingress resolution', () => {
  function withWorldOpenSsh() {
    return inventoryFrom(
      snapshotBuilder()
        .cluster('prod', { clusterSg: CLUSTER_SG })
        .securityGroup(NODE_SG, { name: 'prod-nodes', ingress: [{ port: 22, cidr: '0.0.0.0/0' }] })
        .nodeGroup('prod', 'ng-a', { nodeSg: NODE_SG, nodes: 2, secondaryIpsPerNode: 5 })
        .build(),
    );
  }

  it('a revoke of the offending rule resolves the same finding id', () => {
    const opened = evaluate(loadEvent('AuthorizeSecurityGroupIngress', 'world-open-ssh'), withWorldOpenSsh()).findings;
    const resolved = evaluate(loadEvent('RevokeSecurityGroupIngress', 'by-shape'), withWorldOpenSsh()).findings;
    expect(resolved.map((f) => [f.rule, f.status])).toEqual([
      ['world-open-ingress', 'resolved'],
      ['sensitive-port-ingress', 'resolved'],
    ]);
    expect(resolved[0]?.id).toBe(opened[0]?.id);
  });

  it('a revoke by rule id resolves when live state still shows the rule', () => {
    const inventory = withWorldOpenSsh();
    const ruleId = inventory.rulesOf(NODE_SG, 'ingress')[0]!.ruleId;
    const event = loadEvent('RevokeSecurityGroupIngress', 'by-rule-ids') as {
      detail: { requestParameters: { securityGroupRuleIds: { items: { securityGroupRuleId: string }[] } } };
    };
    event.detail.requestParameters.securityGroupRuleIds.items[0]!.securityGroupRuleId = ruleId;
    const { findings } = evaluate(event, inventory);
    expect(findings.filter((f) => f.status === 'resolved').map((f) => f.rule)).toContain('world-open-ingress');
  });

  it('does not resolve while another rule keeps the SG open', () => {
    const inventory = inventoryFrom(
      snapshotBuilder()
        .cluster('prod', { clusterSg: CLUSTER_SG })
        .securityGroup(NODE_SG, {
          name: 'prod-nodes',
          ingress: [
            { port: 22, cidr: '0.0.0.0/0' },
            { port: 443, cidr: '0.0.0.0/0' },
          ],
        })
        .nodeGroup('prod', 'ng-a', { nodeSg: NODE_SG, nodes: 1 })
        .build(),
    );
    const { findings } = evaluate(loadEvent('RevokeSecurityGroupIngress', 'by-shape'), inventory);
    expect(findings.map((f) => f.rule)).toEqual(['sensitive-port-ingress']);
  });

  it('a revoke that matched nothing resolves nothing', () => {
    const { findings } = evaluate(loadEvent('RevokeSecurityGroupIngress', 'unknown-permission'), withWorldOpenSsh());
    expect(findings).toEqual([]);
  });
});
