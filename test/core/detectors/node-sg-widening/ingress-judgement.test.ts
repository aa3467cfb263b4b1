/**
 * How the ingress family judges CIDRs (ingress-judgement.ts, sg-rule-analysis.ts): rules on the same ports that
 * together cover the whole space are world-open, one permission with thousands of CIDRs is judged once, and what
 * counts as public.
 */
import { isPrivateCidr, MAX_LISTED_RULES, parseGuardConfig } from '@podnet-guard/core';
import { describe, expect, it } from 'vitest';
import { inventoryFrom, snapshotBuilder } from '../../../helpers/inventory-builder.ts';
import { openFindings as open } from '../../../helpers/rule-cases.ts';
import { authorize, CLUSTER_SG, evaluate, NODE_SG, sampleAccount } from './fixtures.ts';

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

  it('does not complete the space across different ports', () => {
    const { findings } = evaluate(
      authorize(NODE_SG, [{ from: 9443, cidrs: ['128.0.0.0/1'] }]),
      withExisting('0.0.0.0/1'),
    );
    expect(open(findings, 'world-open-ingress')).toEqual([]);
  });
});

describe('node-sg-widening: one permission with thousands of CIDRs', () => {
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
