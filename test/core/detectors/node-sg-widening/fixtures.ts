/**
 * Case table for `node-sg-widening`: every rule has rows that must fire and rows that must stay quiet. Events are the
 * realistic samples in `events/cloudtrail/`, changed only where a row needs it; inventories are the sample account or
 * the snapshot builder, so the real loader runs.
 */
import { readFileSync } from 'node:fs';
import { buildInventory, type Inventory, loadSnapshot, type Severity, type Snapshot } from '@podnet-guard/core';
import { loadEvent } from '../../../helpers/events.ts';
import { inventoryFrom, snapshotBuilder } from '../../../helpers/inventory-builder.ts';

export const NODE_SG = 'sg-0d0de000000000001';
export const CLUSTER_SG = 'sg-0c1a5000000000001';
export const RDS_SG = 'sg-0db00000000000001';
export const BASTION_SG = 'sg-0e0e0000000000001';
export const POD_SG = 'sg-0b0d000000000001';

const sampleSnapshot = JSON.parse(
  readFileSync(new URL('../../../../events/inventory/sample-account.json', import.meta.url), 'utf8'),
) as Snapshot;

export function sampleAccount(): Inventory {
  return buildInventory(loadSnapshot(structuredClone(sampleSnapshot)));
}

type Envelope = {
  detail: { requestParameters: Record<string, unknown>; responseElements: unknown } & Record<string, unknown>;
};

/** An AuthorizeSecurityGroupIngress/Egress envelope with the given permissions (CloudTrail's `items` shape). */
export function authorize(
  groupId: string,
  permissions: {
    protocol?: string;
    from?: number;
    to?: number;
    cidrs?: string[];
    cidrsV6?: string[];
    groups?: string[];
    description?: string;
  }[],
  direction: 'Ingress' | 'Egress' = 'Ingress',
): unknown {
  const event = loadEvent(
    `AuthorizeSecurityGroup${direction}`,
    direction === 'Ingress' ? 'world-open-ssh' : 'to-rds',
  ) as Envelope;
  event.detail.requestParameters = {
    groupId,
    ipPermissions: {
      items: permissions.map((p) => ({
        ipProtocol: p.protocol ?? 'tcp',
        ...(p.protocol === '-1' ? {} : { fromPort: p.from, toPort: p.to ?? p.from }),
        groups: p.groups ? { items: p.groups.map((id) => ({ groupId: id, userId: '111122223333' })) } : {},
        ipRanges: p.cidrs
          ? { items: p.cidrs.map((cidrIp) => ({ cidrIp, ...(p.description ? { description: p.description } : {}) })) }
          : {},
        ipv6Ranges: p.cidrsV6 ? { items: p.cidrsV6.map((cidrIpv6) => ({ cidrIpv6 })) } : {},
        prefixListIds: {},
      })),
    },
  };
  // Older records carry only `_return`; the detector must not need rule ids.
  event.detail.responseElements = { requestId: '0f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b', _return: true };
  return event;
}

export interface Case {
  name: string;
  rule: string;
  expect: 'fires' | 'quiet';
  event: () => unknown;
  inventory: () => Inventory;
  severity?: Severity;
}

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

export const cases: Case[] = [
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
  // egress-widened
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
  // open-sg-attached-to-nodes
  {
    name: 'fires when an SG open to the internet is attached to a node instance',
    rule: 'open-sg-attached-to-nodes',
    expect: 'fires',
    event: () => loadEvent('ModifyInstanceAttribute', 'group-set'),
    inventory: () => {
      const snapshot = structuredClone(sampleSnapshot) as {
        DescribeSecurityGroupRules: { SecurityGroupRules: Record<string, unknown>[] };
      };
      snapshot.DescribeSecurityGroupRules.SecurityGroupRules.push({
        SecurityGroupRuleId: 'sgr-0fff00000000000a1',
        GroupId: RDS_SG,
        GroupOwnerId: '111122223333',
        IsEgress: false,
        IpProtocol: 'tcp',
        FromPort: 5432,
        ToPort: 5432,
        CidrIpv4: '0.0.0.0/0',
      });
      return buildInventory(loadSnapshot(snapshot));
    },
  },
  {
    name: 'stays quiet when the attached SGs carry no open rule',
    rule: 'open-sg-attached-to-nodes',
    expect: 'quiet',
    event: () => loadEvent('ModifyInstanceAttribute', 'group-set'),
    inventory: sampleAccount,
  },
  // nodegroup-remote-access-open
  {
    name: 'fires when a managed node group gets SSH remote access with no source SGs',
    rule: 'nodegroup-remote-access-open',
    expect: 'fires',
    severity: 'high',
    event: () => loadEvent('CreateNodegroup', 'remote-access'),
    inventory: sampleAccount,
  },
  {
    name: 'stays quiet for a node group without remote access',
    rule: 'nodegroup-remote-access-open',
    expect: 'quiet',
    event: () => loadEvent('CreateNodegroup', 'general'),
    inventory: sampleAccount,
  },
];
