/** `egress-widened`: a node SG whose egress was restricted now allows all traffic to anywhere. */
import type { Inventory } from '@podnet-guard/core';
import { egressWidened } from '../../../../packages/core/src/detectors/node-sg-widening/egress-widened.ts';
import { loadEvent } from '../../../helpers/events.ts';
import { inventoryFrom, snapshotBuilder } from '../../../helpers/inventory-builder.ts';
import { type RuleCase, ruleCases } from '../../../helpers/rule-cases.ts';
import { authorize, CLUSTER_SG, NODE_SG, sampleAccount } from './fixtures.ts';

/** A node group whose node SG has restricted egress (only 443 to the VPC). */
function restrictedEgressAccount(): Inventory {
  return inventoryFrom(
    snapshotBuilder()
      .cluster('prod', { clusterSg: CLUSTER_SG })
      .securityGroup(NODE_SG, { name: 'prod-nodes', egress: [{ port: 443, cidr: '10.0.0.0/16' }] })
      .nodeGroup('prod', 'ng-locked', { instanceType: 'm5.large', nodeSg: NODE_SG, nodes: 2, secondaryIpsPerNode: 9 })
      .build(),
  );
}

const cases: RuleCase[] = [
  {
    name: 'fires when a node SG with restricted egress now allows all',
    rule: 'egress-widened',
    expect: 'fires',
    severity: 'medium',
    event: () => authorize(NODE_SG, [{ protocol: '-1', cidrs: ['0.0.0.0/0'] }], 'Egress'),
    inventory: restrictedEgressAccount,
  },
  {
    name: 'stays quiet when the node SG already allowed all egress (IPv6 added beside IPv4)',
    rule: 'egress-widened',
    expect: 'quiet',
    event: () => authorize(NODE_SG, [{ protocol: '-1', cidrsV6: ['::/0'] }], 'Egress'),
    inventory: sampleAccount,
  },
  {
    name: 'stays quiet for a narrow egress rule to the RDS SG',
    rule: 'egress-widened',
    expect: 'quiet',
    event: () => loadEvent('AuthorizeSecurityGroupEgress', 'to-rds'),
    inventory: restrictedEgressAccount,
  },
];

ruleCases([egressWidened.rule], cases, { detector: 'node-sg-widening' });
