import {
  defaultGuardConfig,
  evaluateEvent,
  type Finding,
  findingId,
  isPrivateCidr,
  MAX_LISTED_RULES,
  parseCloudTrailEvent,
  parseGuardConfig,
  scanInventory,
} from '@podnet-guard/core';
import { describe, expect, it } from 'vitest';
import { loadEvent } from '../../../helpers/events.ts';
import { inventoryFrom, snapshotBuilder } from '../../../helpers/inventory-builder.ts';
import { authorize, BASTION_SG, CLUSTER_SG, cases, NODE_SG, POD_SG, RDS_SG, sampleAccount } from './fixtures.ts';

const NOW = '2026-11-26T12:00:00.000Z';

function evaluate(raw: unknown, inventory = sampleAccount(), config = defaultGuardConfig()) {
  const parsed = parseCloudTrailEvent(raw);
  if (!parsed.ok) throw new Error(`sample did not parse: ${parsed.error.message}`);
  return evaluateEvent(parsed.event, inventory, { config, now: NOW });
}

function open(findings: Finding[], rule: string) {
  return findings.filter((finding) => finding.rule === rule && finding.status === 'open');
}

describe('node-sg-widening case table', () => {
  it('has a firing and a quiet row for every rule', async () => {
    const { NODE_SG_RULES } = await import('@podnet-guard/core');
    for (const rule of NODE_SG_RULES) {
      expect(
        cases.some((c) => c.rule === rule.id && c.expect === 'fires'),
        `${rule.id} fires`,
      ).toBe(true);
      expect(
        cases.some((c) => c.rule === rule.id && c.expect === 'quiet'),
        `${rule.id} quiet`,
      ).toBe(true);
    }
  });

  it.each(cases)('$rule: $name', (row) => {
    const { findings } = evaluate(row.event(), row.inventory());
    const matching = open(findings, row.rule);
    if (row.expect === 'fires') {
      expect(matching).toHaveLength(1);
      if (row.severity) expect(matching[0]?.severity).toBe(row.severity);
    } else {
      expect(matching).toEqual([]);
    }
  });
});

describe('node-sg-widening findings', () => {
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

  it('reports the SGP pod SG admitting the node SG (kubelet probes) at info', () => {
    const result = scanInventory(sampleAccount(), { config: defaultGuardConfig(), now: NOW });
    const grant = result.findings.find((f) => f.rule === 'node-sg-granted-to-sg');
    expect(grant?.resources[0]).toEqual({ type: 'security-group', id: POD_SG });
    expect(grant?.severity).toBe('info');
    expect(grant?.expectedBecause).toMatch(/kubelet probes/);
  });

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
});

describe('node-sg-widening: rules that together cover the whole space', () => {
  function withExisting(cidr: string) {
    return inventoryFrom(
      snapshotBuilder()
        .cluster('prod', { clusterSg: CLUSTER_SG })
        .securityGroup(NODE_SG, { name: 'prod-nodes', ingress: [{ port: 8443, cidr }] })
        .nodeGroup('prod', 'ng-a', { nodeSg: NODE_SG, nodes: 1 })
        .build(),
    );
  }

  it('fires when a new half completes an existing half on the same port', () => {
    const { findings } = evaluate(
      authorize(NODE_SG, [{ from: 8443, cidrs: ['128.0.0.0/1'] }]),
      withExisting('0.0.0.0/1'),
    );
    expect(open(findings, 'world-open-ingress')).toHaveLength(1);
  });

  it('does not call a private rule world-open because a sibling on its port already is', () => {
    const { findings } = evaluate(
      authorize(NODE_SG, [{ from: 8443, cidrs: ['10.0.0.0/16'] }]),
      withExisting('0.0.0.0/0'),
    );
    expect(findings).toEqual([]);
  });

  // One permission with thousands of CIDRs is judged once per SG (merged intervals), not once per rule and sibling:
  // before, 1,000 CIDRs took seconds and 5,000 never finished. `npm run bench` prints the times.
  const slash11s = Array.from({ length: 2048 }, (_, i) => `${i >> 3}.${(i & 7) << 5}.0.0/11`);

  it('judges one permission with 2,048 CIDRs that together cover the whole space as world-open', () => {
    // As CloudTrail records it: the response lists each rule EC2 created, with its id.
    const event = authorize(NODE_SG, [{ from: 8443, cidrs: slash11s }]) as {
      detail: { responseElements: Record<string, unknown> };
    };
    event.detail.responseElements.securityGroupRuleSet = {
      items: slash11s.map((cidr, i) => ({
        groupId: NODE_SG,
        securityGroupRuleId: `sgr-0c${String(i).padStart(15, '0')}`,
        isEgress: false,
        ipProtocol: 'tcp',
        fromPort: 8443,
        toPort: 8443,
        cidrIpv4: cidr,
      })),
    };
    const { findings } = evaluate(event);
    const [finding] = open(findings, 'world-open-ingress');
    // Every public /11 is world-open with its siblings; the non-public ones (10.0.0.0/11 …) are judged on their own.
    const publicOnes = slash11s.filter((cidr) => !isPrivateCidr(cidr)).length;
    // The finding lists the first MAX_LISTED_RULES rules and counts the rest: it must fit one DynamoDB item (400 KB)
    // and one SNS message (256 KB), and a partial revoke is no remediation.
    expect(finding?.evidence.details?.rules).toHaveLength(MAX_LISTED_RULES);
    expect(finding?.evidence.details).toMatchObject({
      rulesTotal: publicOnes,
      rulesNotListed: publicOnes - MAX_LISTED_RULES,
    });
    // The summary names the first ten and counts the rest.
    expect(finding?.summary).toContain(`and ${publicOnes - 10} more rule(s)`);
    expect(finding?.resources.filter((r) => r.type === 'security-group-rule')).toHaveLength(MAX_LISTED_RULES);
    expect(finding?.resources).toContainEqual({
      type: 'security-group-rule',
      id: `sgr-0c${String(99).padStart(15, '0')}`,
    });
    expect(finding?.remediation).toBeUndefined();
    expect(JSON.stringify(finding).length).toBeLessThan(100_000);
  });

  it('lists every rule, and revokes them, when there are no more than MAX_LISTED_RULES', () => {
    const cidrs = slash11s.filter((cidr) => !isPrivateCidr(cidr)).slice(0, MAX_LISTED_RULES);
    const { findings } = evaluate(authorize(NODE_SG, [{ from: 22, cidrs }]));
    const [finding] = open(findings, 'public-wide-ingress').concat(open(findings, 'sensitive-port-ingress'));
    expect(finding?.evidence.details?.rules).toHaveLength(MAX_LISTED_RULES);
    expect(finding?.evidence.details).not.toHaveProperty('rulesNotListed');
    expect(finding?.remediation?.revoke).toHaveLength(MAX_LISTED_RULES);
  });

  it('does not call 2,047 of those CIDRs world-open', () => {
    const { findings } = evaluate(authorize(NODE_SG, [{ from: 8443, cidrs: slash11s.slice(1) }]));
    expect(open(findings, 'world-open-ingress')).toEqual([]);
    expect(open(findings, 'public-wide-ingress')).toHaveLength(1);
  });

  it('does not complete the space across different ports', () => {
    const { findings } = evaluate(
      authorize(NODE_SG, [{ from: 9443, cidrs: ['128.0.0.0/1'] }]),
      withExisting('0.0.0.0/1'),
    );
    expect(open(findings, 'world-open-ingress')).toEqual([]);
  });
});

describe('node-sg-widening: what counts as public', () => {
  it('does not call 0.0.0.0/16 a public /16: it lies in 0.0.0.0/8, "this network"', () => {
    const { findings } = evaluate(authorize(NODE_SG, [{ from: 8443, cidrs: ['0.0.0.0/16'] }]));
    expect(open(findings, 'public-wide-ingress')).toEqual([]);
  });

  it('keeps globally reachable special-purpose blocks public (AS112-v4 192.31.196.0/24)', () => {
    const config = parseGuardConfig({ publicWidePrefixLength: 24 });
    const wide = evaluate(authorize(NODE_SG, [{ from: 8443, cidrs: ['192.31.196.0/24'] }]), sampleAccount(), config);
    expect(open(wide.findings, 'public-wide-ingress')).toHaveLength(1);
    const documentation = evaluate(
      authorize(NODE_SG, [{ from: 8443, cidrs: ['198.51.100.0/24'] }]),
      sampleAccount(),
      config,
    );
    expect(open(documentation.findings, 'public-wide-ingress')).toEqual([]);
  });
});

describe('node-sg-widening resolution', () => {
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

  it('merges what one event trips into one finding per SG and rule', () => {
    const event = authorize(NODE_SG, [
      { from: 22, cidrs: ['0.0.0.0/0'] },
      { from: 3389, cidrs: ['0.0.0.0/0'] },
    ]);
    const { findings } = evaluate(event);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.evidence.details?.sensitivePorts).toEqual([22, 3389]);
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
