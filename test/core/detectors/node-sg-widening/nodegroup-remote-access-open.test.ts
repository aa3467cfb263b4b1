/**
 * `nodegroup-remote-access-open`: a managed node group with SSH remote access and no source security groups, seen at
 * CreateNodegroup and in the SSH rule EKS then adds to the node group's remote-access SG.
 */
import { nodegroupRemoteAccessOpen } from '../../../../packages/core/src/detectors/node-sg-widening/nodegroup-remote-access-open.ts';
import { loadEvent } from '../../../helpers/events.ts';
import { inventoryFrom, snapshotBuilder } from '../../../helpers/inventory-builder.ts';
import { type RuleCase, ruleCases } from '../../../helpers/rule-cases.ts';
import { authorize, CLUSTER_SG, NODE_SG, sampleAccount } from './fixtures.ts';

const REMOTE_ACCESS_SG = 'sg-0aaa0000000000001';

/** A node group whose remote-access SG EKS created (named and tagged as EKS does). */
function remoteAccessAccount() {
  return inventoryFrom(
    snapshotBuilder()
      .cluster('prod', { clusterSg: CLUSTER_SG })
      .securityGroup(NODE_SG, { name: 'prod-nodes' })
      .securityGroup(REMOTE_ACCESS_SG, {
        name: 'eks-remoteAccess-5ac9b6a2-1f0e-4c3b-9d2e-8a7b6c5d4e3f',
        tags: { 'eks:cluster-name': 'prod', 'eks:nodegroup-name': 'ng-ssh' },
      })
      .nodeGroup('prod', 'ng-ssh', { nodeSg: NODE_SG, nodes: 2 })
      .build(),
  );
}

const cases: RuleCase[] = [
  {
    name: 'fires when a managed node group gets SSH remote access with no source SGs',
    rule: 'nodegroup-remote-access-open',
    expect: 'fires',
    severity: 'high',
    event: () => loadEvent('CreateNodegroup', 'remote-access'),
    inventory: sampleAccount,
  },
  {
    name: "fires for the SSH rule from anywhere on the node group's remote-access SG",
    rule: 'nodegroup-remote-access-open',
    expect: 'fires',
    severity: 'high',
    event: () => authorize(REMOTE_ACCESS_SG, [{ from: 22, cidrs: ['0.0.0.0/0'] }]),
    inventory: remoteAccessAccount,
    resource: 'prod/ng-ssh',
  },
  {
    name: 'stays quiet for a node group without remote access',
    rule: 'nodegroup-remote-access-open',
    expect: 'quiet',
    event: () => loadEvent('CreateNodegroup', 'general'),
    inventory: sampleAccount,
  },
  {
    name: 'stays quiet for a rule on the remote-access SG that does not open SSH',
    rule: 'nodegroup-remote-access-open',
    expect: 'quiet',
    event: () => authorize(REMOTE_ACCESS_SG, [{ from: 443, cidrs: ['0.0.0.0/0'] }]),
    inventory: remoteAccessAccount,
  },
];

ruleCases([nodegroupRemoteAccessOpen.rule], cases, { detector: 'node-sg-widening' });
