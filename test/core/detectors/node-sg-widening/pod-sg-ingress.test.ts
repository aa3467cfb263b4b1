/**
 * The pod SG ingress family (`pod-sg-world-open-ingress`, `pod-sg-public-wide-ingress`,
 * `pod-sg-sensitive-port-ingress`): an SG on SGP pods' branch ENIs judged like a node SG, with its own rule ids. The
 * branch and trunk ENIs are the VPC resource controller's shapes (`InterfaceType: branch`/`trunk`, the
 * `vpcresources.k8s.aws/trunk-eni-id` and `vlan-id` tags): the sample account's payments pods, or the builder's
 * `sgpPod`. An SG that node ENIs carry too is one finding of the node rule, counting node pods and SGP pods apart.
 */
import { defaultGuardConfig, type Finding, NOT_A_POD_SG_NOW, renderFindingText } from '@podnet-guard/core';
import { describe, expect, it } from 'vitest';
import { podSgIngress } from '../../../../packages/core/src/detectors/node-sg-widening/pod-sg-ingress.ts';
import { loadEvent } from '../../../helpers/events.ts';
import { inventoryFrom, snapshotBuilder } from '../../../helpers/inventory-builder.ts';
import { openFindings as open, type RuleCase, ruleCases, runCase } from '../../../helpers/rule-cases.ts';
import { authorize, BASTION_SG, evaluate, NODE_SG, POD_SG, RDS_SG, sampleAccount } from './fixtures.ts';

const WEB_PODS_SG = 'sg-0b0d000000000002';
const NODES = ['i-0a1b2c3d4e5f00101', 'i-0a1b2c3d4e5f00102'];

/** An SGP cluster: two nodes of `ng-web` with trunk ENIs, six web pods (three per node) on the pod SG. */
function sgpCluster(podSgIngress: { port: number; cidr: string }[] = []) {
  const builder = snapshotBuilder()
    .cluster('prod', { clusterSg: 'sg-0c1a5000000000001' })
    .securityGroup('sg-0d0de000000000001', { name: 'prod-nodes' })
    .securityGroup(WEB_PODS_SG, { name: 'prod-web-pods', ingress: podSgIngress })
    .nodeGroup('prod', 'ng-web', {
      nodeSg: 'sg-0d0de000000000001',
      nodes: NODES,
      secondaryIpsPerNode: 9,
      trunk: true,
      instanceType: 'm5.large',
    });
  for (const node of NODES) for (let pod = 0; pod < 3; pod += 1) builder.sgpPod(node, WEB_PODS_SG);
  return inventoryFrom(builder.build());
}

const cases: RuleCase[] = [
  // pod-sg-world-open-ingress
  {
    name: "fires when the payments pods' SG admits 0.0.0.0/0 on SSH (sample event, sample SGP account)",
    rule: 'pod-sg-world-open-ingress',
    expect: 'fires',
    severity: 'critical',
    resource: POD_SG,
    event: () => loadEvent('AuthorizeSecurityGroupIngress', 'pod-sg-world-open-ssh'),
    inventory: sampleAccount,
  },
  {
    name: 'fires for 0.0.0.0/1 + 128.0.0.0/1 on a pod SG, which together cover the whole space',
    rule: 'pod-sg-world-open-ingress',
    expect: 'fires',
    resource: WEB_PODS_SG,
    event: () => authorize(WEB_PODS_SG, [{ from: 8080, cidrs: ['0.0.0.0/1', '128.0.0.0/1'] }]),
    inventory: () => sgpCluster(),
  },
  {
    name: 'fires in a scan for a pod SG open to ::/0',
    rule: 'pod-sg-world-open-ingress',
    expect: 'fires',
    resource: WEB_PODS_SG,
    inventory: () => sgpCluster([{ port: 443, cidr: '::/0' }]),
  },
  {
    name: 'stays quiet for an SG no branch ENI carries now (pods gone): not judged as a pod SG',
    rule: 'pod-sg-world-open-ingress',
    expect: 'quiet',
    event: () => authorize(BASTION_SG, [{ from: 22, cidrs: ['0.0.0.0/0'] }]),
    inventory: sampleAccount,
  },
  {
    name: 'stays quiet when the SG is a node SG too (the node rule reports it, counting the SGP pods apart)',
    rule: 'pod-sg-world-open-ingress',
    expect: 'quiet',
    event: () => authorize(NODE_SG, [{ from: 22, cidrs: ['0.0.0.0/0'] }]),
    inventory: () => {
      const builder = snapshotBuilder()
        .cluster('prod')
        .nodeGroup('prod', 'ng-web', { nodeSg: NODE_SG, nodes: NODES, trunk: true });
      return inventoryFrom(builder.sgpPod(NODES[0] as string, NODE_SG).build());
    },
  },
  {
    name: 'stays quiet when the call failed',
    rule: 'pod-sg-world-open-ingress',
    expect: 'quiet',
    event: () => {
      const raw = loadEvent('AuthorizeSecurityGroupIngress', 'pod-sg-world-open-ssh') as {
        detail: Record<string, unknown>;
      };
      raw.detail.errorCode = 'Client.InvalidPermission.Duplicate';
      raw.detail.errorMessage = 'the specified rule already exists';
      raw.detail.responseElements = null;
      return raw;
    },
    inventory: sampleAccount,
  },
  // pod-sg-public-wide-ingress
  {
    name: 'fires when a pod SG admits a /8 public range on 443',
    rule: 'pod-sg-public-wide-ingress',
    expect: 'fires',
    severity: 'medium',
    resource: WEB_PODS_SG,
    event: () => authorize(WEB_PODS_SG, [{ from: 443, cidrs: ['52.0.0.0/8'] }]),
    inventory: () => sgpCluster(),
  },
  {
    name: 'stays quiet for a narrow public range on 443',
    rule: 'pod-sg-public-wide-ingress',
    expect: 'quiet',
    event: () => authorize(WEB_PODS_SG, [{ from: 443, cidrs: ['52.94.76.0/24'] }]),
    inventory: () => sgpCluster(),
  },
  {
    name: 'stays quiet for CGNAT space (100.64.0.0/10), a special-purpose range, not a public one',
    rule: 'pod-sg-public-wide-ingress',
    expect: 'quiet',
    event: () => authorize(WEB_PODS_SG, [{ from: 443, cidrs: ['100.64.0.0/10'] }]),
    inventory: () => sgpCluster(),
  },
  // pod-sg-sensitive-port-ingress
  {
    name: 'fires when a pod SG opens PostgreSQL to a range outside the VPC',
    rule: 'pod-sg-sensitive-port-ingress',
    expect: 'fires',
    severity: 'medium',
    resource: WEB_PODS_SG,
    event: () => authorize(WEB_PODS_SG, [{ from: 5432, cidrs: ['52.94.76.0/24'] }]),
    inventory: () => sgpCluster(),
  },
  {
    name: 'fires in a scan for SSH from an office range',
    rule: 'pod-sg-sensitive-port-ingress',
    expect: 'fires',
    resource: WEB_PODS_SG,
    inventory: () => sgpCluster([{ port: 22, cidr: '198.51.100.0/24' }]),
  },
  {
    name: 'stays quiet for PostgreSQL from inside the VPC',
    rule: 'pod-sg-sensitive-port-ingress',
    expect: 'quiet',
    event: () => authorize(WEB_PODS_SG, [{ from: 5432, cidrs: ['10.0.0.0/16'] }]),
    inventory: () => sgpCluster(),
  },
];

ruleCases(podSgIngress.rules, cases, { detector: 'node-sg-widening' });

function only(findings: Finding[], rule: string, resource: string): Finding {
  const [finding, ...rest] = open(findings, rule, resource);
  expect(rest).toEqual([]);
  if (!finding) throw new Error(`no open ${rule} finding for ${resource}`);
  return finding;
}

describe('what a pod SG finding says', () => {
  it('counts the exposed SGP pods, their nodes and node groups, and no pod IPs', () => {
    const findings = runCase({
      event: () => authorize(WEB_PODS_SG, [{ from: 22, cidrs: ['0.0.0.0/0'] }]),
      inventory: () => sgpCluster(),
    });
    const finding = only(findings, 'pod-sg-world-open-ingress', WEB_PODS_SG);
    expect(finding.severity).toBe('critical');
    expect(finding.clusters).toEqual(['prod']);
    expect(finding.blastRadius).toEqual({
      nodes: 2,
      podIps: 0,
      podIpsIsUpperBound: true,
      nodeGroups: ['ng-web'],
      sgpPods: 6,
      nodeIds: NODES,
    });
    expect(finding.summary).toContain('the security group of 6 pod(s) of cluster prod');
    expect(finding.evidence.details).toMatchObject({
      sgpPodsExposed: 6,
      alsoTripped: ['pod-sg-sensitive-port-ingress'],
    });
    expect(finding.recommendation.text).toContain('target state of security groups for pods');
    expect(finding.remediation).toMatchObject({
      action: 'revoke-rules',
      reason: 'pod-sg-world-open-ingress on a pod SG',
    });
    // The node SG of the same nodes is not touched: no node rule fires.
    expect(findings.filter((f) => f.rule === 'world-open-ingress')).toEqual([]);
    // What a person reads: those pods are exposed, not "counted apart".
    expect(renderFindingText(finding)).toContain('6 pods with their own security groups, exposed');
  });

  it('resolves on a revoke that removes what opened it', () => {
    const revoke = loadEvent('RevokeSecurityGroupIngress', 'by-shape') as {
      detail: { requestParameters: Record<string, unknown> };
    };
    revoke.detail.requestParameters = {
      groupId: WEB_PODS_SG,
      ipPermissions: {
        items: [{ ipProtocol: 'tcp', fromPort: 443, toPort: 443, ipRanges: { items: [{ cidrIp: '52.0.0.0/8' }] } }],
      },
    };
    const findings = runCase({ event: () => revoke, inventory: () => sgpCluster([{ port: 443, cidr: '52.0.0.0/8' }]) });
    expect(findings.filter((f) => f.status === 'resolved').map((f) => f.rule)).toEqual(['pod-sg-public-wide-ingress']);
  });

  it('follows disabledRules by its own ids: world-open off for pods leaves SSH to sensitive-port', () => {
    const config = { ...defaultGuardConfig(), disabledRules: ['pod-sg-world-open-ingress'] };
    const event = () => loadEvent('AuthorizeSecurityGroupIngress', 'pod-sg-world-open-ssh');
    const findings = runCase({ event, inventory: sampleAccount, config: () => config });
    expect(open(findings, 'pod-sg-world-open-ingress')).toEqual([]);
    expect(open(findings, 'pod-sg-sensitive-port-ingress', POD_SG)).toHaveLength(1);
    // The node rule's switch does not touch pod SGs.
    const nodeOff = { ...defaultGuardConfig(), disabledRules: ['world-open-ingress'] };
    expect(
      open(runCase({ event, inventory: sampleAccount, config: () => nodeOff }), 'pod-sg-world-open-ingress'),
    ).toHaveLength(1);
  });
});

describe('an SG on node ENIs and branch ENIs: one finding that counts both, apart', () => {
  it('reports the node rule once, with node pod IPs and the SGP pods that carry it counted apart', () => {
    const builder = snapshotBuilder()
      .cluster('prod')
      .nodeGroup('prod', 'ng-web', { nodeSg: NODE_SG, nodes: NODES, secondaryIpsPerNode: 9, trunk: true });
    builder.sgpPod(NODES[0] as string, NODE_SG).sgpPod(NODES[1] as string, [NODE_SG, WEB_PODS_SG]);
    builder.sgpPod(NODES[1] as string, WEB_PODS_SG);
    const findings = runCase({
      event: () => authorize(NODE_SG, [{ from: 22, cidrs: ['0.0.0.0/0'] }]),
      inventory: () => inventoryFrom(builder.build()),
    });
    const finding = only(findings, 'world-open-ingress', NODE_SG);
    expect(finding.blastRadius).toMatchObject({ nodes: 2, podIps: 18, sgpPods: 2, nodeGroups: ['ng-web'] });
    expect(finding.evidence.details).toMatchObject({ sgpPodsExposed: 2, sgpPodsNotReached: 1 });
    expect(finding.blastRadius?.unknown).toBeUndefined();
    expect(open(findings, 'pod-sg-world-open-ingress')).toEqual([]);
  });

  it('on a node SG no branch ENI carries: sgpPods are the SGP pods on those nodes it does not reach', () => {
    const finding = only(
      evaluate(loadEvent('AuthorizeSecurityGroupIngress', 'world-open-ssh')).findings,
      'world-open-ingress',
      NODE_SG,
    );
    expect(finding.blastRadius).toMatchObject({ nodes: 3, sgpPods: 2 });
    expect(finding.evidence.details).toMatchObject({ sgpPodsNotReached: 2 });
    expect(finding.summary).toContain('2 pod(s) with their own security groups on those nodes are not reached by it');
    expect(renderFindingText(finding)).toContain('2 pods with their own security groups, not reached (counted apart)');
    // prod runs SGP (a trunk ENI on a node): pods that get this SG later were not judged.
    expect(finding.blastRadius?.unknown).toEqual([NOT_A_POD_SG_NOW]);
  });
});

describe('a data store that admits a pod SG', () => {
  it('raises no alarm: only those pods reach it, the pattern security groups for pods is for', () => {
    const { findings } = evaluate(authorize(RDS_SG, [{ from: 5432, groups: [POD_SG] }]));
    expect(findings.filter((finding) => finding.status === 'open')).toEqual([]);
    // The sample account already holds that grant (prod-postgres admits prod-payments-pods): a scan is quiet on it.
    const scan = runCase({ inventory: sampleAccount });
    expect(scan.filter((finding) => finding.resources.some((ref) => ref.id === RDS_SG))).toEqual([]);
  });
});
