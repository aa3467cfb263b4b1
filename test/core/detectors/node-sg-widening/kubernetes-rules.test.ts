/**
 * A rule description is a claim, not evidence: a node SG rule counts as Kubernetes' own (`info`) only when the caller
 * (the cluster's IAM role, or a `kubernetesPrincipals` entry) and the shape agree; in a scan only the in-tree NLB
 * shapes on NodePorts do.
 */
import {
  defaultGuardConfig,
  evaluateEvent,
  type Finding,
  type GuardConfig,
  type Inventory,
  parseCloudTrailEvent,
  parseGuardConfig,
  scanInventory,
} from '@podnet-guard/core';
import { describe, expect, it } from 'vitest';
import { loadEvent } from '../../../helpers/events.ts';
import { inventoryFrom, type RuleSpec, snapshotBuilder } from '../../../helpers/inventory-builder.ts';
import { authorize, CLUSTER_SG, NODE_SG, sampleAccount } from './fixtures.ts';

const NOW = '2026-11-26T12:00:00.000Z';
const SHARED = 'elbv2.k8s.aws/targetGroupBinding=shared';
const CLIENT = 'kubernetes.io/rule/nlb/client=a8f2c5e1d3b74f0e9a1c2b3d4e5f6071';
const LBC_ROLE = 'arn:aws:iam::111122223333:role/prod-aws-load-balancer-controller';

type Identity = Record<string, unknown>;
/** The sample account's cluster role, as the in-tree cloud provider's calls carry it. */
const CLUSTER_ROLE = (
  loadEvent('AuthorizeSecurityGroupIngress', 'kubernetes-nlb') as { detail: { userIdentity: Identity } }
).detail.userIdentity;
/** A person (SSO administrator). */
const PERSON = (loadEvent('AuthorizeSecurityGroupIngress', 'world-open-ssh') as { detail: { userIdentity: Identity } })
  .detail.userIdentity;
/** The load balancer controller through IRSA. */
const CONTROLLER: Identity = {
  type: 'AssumedRole',
  principalId: 'AROAYEXAMPLELBC00001:1764150254',
  arn: 'arn:aws:sts::111122223333:assumed-role/prod-aws-load-balancer-controller/1764150254',
  accountId: '111122223333',
  sessionContext: {
    sessionIssuer: { type: 'Role', principalId: 'AROAYEXAMPLELBC00001', arn: LBC_ROLE, accountId: '111122223333' },
    webIdFederationData: {
      federatedProvider: 'arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE',
    },
  },
};

function by(identity: Identity, event: unknown): unknown {
  (event as { detail: { userIdentity: Identity } }).detail.userIdentity = structuredClone(identity);
  return event;
}

function evaluate(raw: unknown, config: GuardConfig = defaultGuardConfig(), inventory: Inventory = sampleAccount()) {
  const parsed = parseCloudTrailEvent(raw);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return evaluateEvent(parsed.event, inventory, { config, now: NOW }).findings;
}

function scanWith(rule: RuleSpec): Finding[] {
  const inventory = inventoryFrom(
    snapshotBuilder()
      .cluster('prod', { clusterSg: CLUSTER_SG })
      .securityGroup(NODE_SG, { name: 'prod-nodes', ingress: [rule] })
      .nodeGroup('prod', 'ng-a', { nodeSg: NODE_SG, nodes: 2 })
      .build(),
  );
  return scanInventory(inventory, { config: defaultGuardConfig(), now: NOW, detectors: ['node-sg-widening'] }).findings;
}

const ingress = (findings: Finding[]) => findings.filter((f) => f.rule === 'world-open-ingress' && f.status === 'open');

describe('a description that claims Kubernetes does not talk a rule down', () => {
  it('a person adding all traffic from 0.0.0.0/0 described as the load balancer controller is critical', () => {
    const event = by(PERSON, authorize(NODE_SG, [{ protocol: '-1', cidrs: ['0.0.0.0/0'], description: SHARED }]));
    const [finding] = ingress(evaluate(event));
    expect(finding?.severity).toBe('critical');
    expect(finding?.expectedBecause).toBeUndefined();
    expect(finding?.summary).toContain(`The rule description "${SHARED}" claims Kubernetes made this rule`);
    expect(finding?.summary).toMatch(/neither the IAM role of cluster prod nor listed for it in kubernetesPrincipals/);
    expect(finding?.evidence.details?.kubernetesClaimsNotBelieved).toHaveLength(1);
  });

  it('the same rule found by a scan is critical and says the description claims Kubernetes', () => {
    const [finding] = ingress(scanWith({ protocol: '-1', cidr: '0.0.0.0/0', description: SHARED }));
    expect(finding?.severity).toBe('critical');
    expect(finding?.summary).toMatch(/claims Kubernetes made this rule, but a scan cannot see who made it/);
  });

  it('even the cluster role does not make all traffic a Kubernetes rule', () => {
    const event = by(CLUSTER_ROLE, authorize(NODE_SG, [{ protocol: '-1', cidrs: ['0.0.0.0/0'], description: CLIENT }]));
    const [finding] = ingress(evaluate(event));
    expect(finding?.severity).toBe('critical');
    expect(finding?.summary).toMatch(/Kubernetes does not write all traffic from 0\.0\.0\.0\/0 with this description/);
  });

  it('a person writing the in-tree NLB description on a NodePort is judged as any rule', () => {
    const event = by(PERSON, authorize(NODE_SG, [{ from: 31234, cidrs: ['0.0.0.0/0'], description: CLIENT }]));
    expect(ingress(evaluate(event))[0]?.severity).toBe('high');
  });

  it('a scan does not take the in-tree description on a port outside the NodePort range', () => {
    const [finding] = ingress(scanWith({ port: 22, cidr: '0.0.0.0/0', description: CLIENT }));
    expect(finding?.severity).toBe('critical');
  });

  it('the controller role is believed only when kubernetesPrincipals lists it for the cluster', () => {
    const event = () =>
      by(CONTROLLER, authorize(NODE_SG, [{ from: 8080, to: 8090, cidrs: ['0.0.0.0/0'], description: SHARED }]));
    expect(ingress(evaluate(event()))[0]?.severity).toBe('high');
    const otherCluster = parseGuardConfig({ kubernetesPrincipals: { staging: [LBC_ROLE] } });
    expect(ingress(evaluate(event(), otherCluster))[0]?.severity).toBe('high');
  });
});

describe('what Kubernetes does make stays info', () => {
  it('the in-tree NLB client rule on a NodePort, made by the cluster role', () => {
    const event = by(CLUSTER_ROLE, authorize(NODE_SG, [{ from: 31234, cidrs: ['0.0.0.0/0'], description: CLIENT }]));
    const [finding] = ingress(evaluate(event));
    expect(finding?.severity).toBe('info');
    expect(finding?.expectedBecause).toMatch(/LoadBalancer Service .*the IAM role of cluster prod made it/);
    expect(finding?.evidence.details?.kubernetesClaimsNotBelieved).toBeUndefined();
  });

  it('the in-tree MTU discovery rule (ICMP type 3 code 4), made by the cluster role and seen by a scan', () => {
    const mtu = 'kubernetes.io/rule/nlb/mtu=a8f2c5e1d3b74f0e9a1c2b3d4e5f6071';
    const event = by(
      CLUSTER_ROLE,
      authorize(NODE_SG, [{ protocol: 'icmp', from: 3, to: 4, cidrs: ['0.0.0.0/0'], description: mtu }]),
    );
    expect(ingress(evaluate(event))[0]?.severity).toBe('info');
    expect(
      ingress(scanWith({ protocol: 'icmp', fromPort: 3, toPort: 4, cidr: '0.0.0.0/0', description: mtu }))[0]?.severity,
    ).toBe('info');
  });

  it('the in-tree client rule on a NodePort seen by a scan', () => {
    expect(ingress(scanWith({ port: 31234, cidr: '0.0.0.0/0', description: CLIENT }))[0]?.severity).toBe('info');
  });

  it("the load balancer controller's shared rule, made by a kubernetesPrincipals role of the cluster", () => {
    const config = parseGuardConfig({ kubernetesPrincipals: { prod: [LBC_ROLE] } });
    const event = by(
      CONTROLLER,
      authorize(NODE_SG, [{ from: 8080, to: 8090, cidrs: ['0.0.0.0/0'], description: SHARED }]),
    );
    const [finding] = ingress(evaluate(event, config));
    expect(finding?.severity).toBe('info');
    expect(finding?.expectedBecause).toMatch(/a kubernetesPrincipals entry of cluster prod made it/);
  });

  it('without DescribeCluster the cluster role is not known, and the finding says so', () => {
    const inventory = inventoryFrom(
      snapshotBuilder()
        .cluster('prod', { clusterSg: CLUSTER_SG })
        .securityGroup(NODE_SG, { name: 'prod-nodes' })
        .nodeGroup('prod', 'ng-a', { nodeSg: NODE_SG, nodes: 1 })
        .without('DescribeCluster')
        .build(),
    );
    const event = by(CLUSTER_ROLE, authorize(NODE_SG, [{ from: 31234, cidrs: ['0.0.0.0/0'], description: CLIENT }]));
    const [finding] = ingress(evaluate(event, defaultGuardConfig(), inventory));
    expect(finding?.severity).toBe('high');
    expect(finding?.summary).toMatch(/the IAM role of prod is not known: DescribeCluster missing/);
  });
});
