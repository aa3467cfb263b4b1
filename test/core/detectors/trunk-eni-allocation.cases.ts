/**
 * Case table for `trunk-eni-allocation`: every rule has rows that must fire and rows that must stay quiet. Events are
 * the realistic samples in `events/cloudtrail/`, changed only where a row needs it; inventories are the sample account
 * (an SGP cluster: vpc-cni `ENABLE_POD_ENI`, a trunk on one node) or the snapshot builder, so the real loader runs.
 */
import { readFileSync } from 'node:fs';
import { buildInventory, type Inventory, loadSnapshot, type Snapshot } from '@podnet-guard/core';
import { loadEvent } from '../../helpers/events.ts';
import { inventoryFrom, type SnapshotBuilder, snapshotBuilder } from '../../helpers/inventory-builder.ts';

export const NODE_SG = 'sg-0d0de000000000001';
export const POD_SG = 'sg-0b0d000000000001';
export const SGP_ON = '{"env":{"ENABLE_POD_ENI":"true","POD_SECURITY_GROUP_ENFORCING_MODE":"standard"}}';
/** Long after the builder's launch time (2026-10-30T08:12:44Z). */
export const NOW = '2026-11-26T12:00:00.000Z';
/** Two minutes after the builder's launch time: inside the default 5-minute grace. */
export const JUST_LAUNCHED = '2026-10-30T08:14:44.000Z';

const sampleSnapshot = JSON.parse(
  readFileSync(new URL('../../../events/inventory/sample-account.json', import.meta.url), 'utf8'),
) as Snapshot;

/** The sample account: cluster prod runs SGP (add-on and a trunk on i-0a1b2c3d4e5f00003). */
export function sampleAccount(): Inventory {
  return buildInventory(loadSnapshot(structuredClone(sampleSnapshot)));
}

/** The sample account with SGP off: no ENABLE_POD_ENI, no trunk or branch ENIs. */
export function sampleAccountWithoutSgp(): Inventory {
  const snapshot = structuredClone(sampleSnapshot) as Snapshot & {
    DescribeAddon: { addon: { configurationValues?: string } }[];
    DescribeNetworkInterfaces: { NetworkInterfaces: { InterfaceType?: string }[] };
  };
  for (const entry of snapshot.DescribeAddon) delete entry.addon.configurationValues;
  snapshot.DescribeNetworkInterfaces.NetworkInterfaces = snapshot.DescribeNetworkInterfaces.NetworkInterfaces.filter(
    (eni) => eni.InterfaceType !== 'trunk' && eni.InterfaceType !== 'branch',
  );
  return buildInventory(loadSnapshot(snapshot));
}

/** A cluster with the vpc-cni add-on (SGP on or off) and whatever node groups `add` puts in. */
export function cluster(sgp: boolean, add: (builder: SnapshotBuilder) => SnapshotBuilder): Inventory {
  const builder = snapshotBuilder()
    .subnet('subnet-0a00000000000000a', { cidr: '10.0.0.0/20' })
    .subnet('subnet-0f00000000000000f', { cidr: '10.0.128.0/24', availableIpAddressCount: 3 })
    .cluster('prod', { clusterSg: 'sg-0c1a5000000000001' })
    .addon('prod', 'vpc-cni', sgp ? SGP_ON : undefined);
  return inventoryFrom(add(builder).build());
}

/** An SGP node group on m5.large whose first node holds `branches` SGP pods (m5.large trunks hold 9). */
export function sgpPods(branches: number): Inventory {
  return cluster(true, (builder) => {
    builder.nodeGroup('prod', 'ng-sgp', { nodeSg: NODE_SG, nodes: ['i-0a1b2c3d4e5f00071'], trunk: true });
    for (let n = 0; n < branches; n += 1) builder.sgpPod('i-0a1b2c3d4e5f00071', POD_SG);
    return builder;
  });
}

type Envelope = { detail: Record<string, unknown> & { requestParameters: Record<string, unknown> } };

/** A failed AttachNetworkInterface by the VPC CNI (node role session, CNI user agent) of a known CNI ENI. */
export function cniAttachFailed(): unknown {
  const event = loadEvent('AttachNetworkInterface', 'failed-limit') as Envelope;
  event.detail.userIdentity = {
    type: 'AssumedRole',
    principalId: 'AROAYEXAMPLENODE0001:i-0a1b2c3d4e5f00001',
    arn: 'arn:aws:sts::111122223333:assumed-role/prod-eks-node-role/i-0a1b2c3d4e5f00001',
    accountId: '111122223333',
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: 'AROAYEXAMPLENODE0001',
        arn: 'arn:aws:iam::111122223333:role/prod-eks-node-role',
        accountId: '111122223333',
        userName: 'prod-eks-node-role',
      },
    },
  };
  event.detail.sourceIPAddress = '10.0.1.17';
  event.detail.userAgent =
    'amazon-vpc-cni-k8s/version/v1.19.2 aws-sdk-go-v2/1.32.6 ua/2.1 os/linux lang/go#1.23.4 api/ec2#1.196.0';
  event.detail.requestParameters = {
    networkInterfaceId: 'eni-0a1b2c3d4e5f00102',
    instanceId: 'i-0a1b2c3d4e5f00001',
    deviceIndex: 2,
    networkCardIndex: 0,
  };
  return event;
}

export interface Case {
  name: string;
  rule: string;
  expect: 'fires' | 'quiet';
  /** An event row; a row without one is a scan row. */
  event?: () => unknown;
  inventory: () => Inventory;
  now?: string;
  /** Open findings of the rule a firing row must produce (default 1). */
  count?: number;
}

export const cases: Case[] = [
  // trunk-create-failed
  {
    name: 'trunk creation fails for lack of free IPs',
    rule: 'trunk-create-failed',
    expect: 'fires',
    event: () => loadEvent('CreateNetworkInterface', 'trunk-failed-no-ips'),
    inventory: sampleAccount,
  },
  {
    name: 'trunk creation fails on the ENI quota (aws-k8s-trunk-eni, kubernetes.io/cluster tag)',
    rule: 'trunk-create-failed',
    expect: 'fires',
    event: () => loadEvent('CreateNetworkInterface', 'trunk-failed-eni-quota'),
    inventory: sampleAccount,
  },
  {
    name: 'trunk creation denied to the cluster role',
    rule: 'trunk-create-failed',
    expect: 'fires',
    event: () => loadEvent('CreateNetworkInterface', 'failed-unauthorized'),
    inventory: sampleAccount,
  },
  {
    name: 'a successful trunk creation is only a signal',
    rule: 'trunk-create-failed',
    expect: 'quiet',
    event: () => loadEvent('CreateNetworkInterface', 'trunk-ok'),
    inventory: sampleAccount,
  },
  {
    name: 'a routine CNI ENI is not a trunk',
    rule: 'trunk-create-failed',
    expect: 'quiet',
    event: () => loadEvent('CreateNetworkInterface', 'cni-routine'),
    inventory: sampleAccount,
  },

  // trunk-attach-failed
  {
    name: 'the resource controller cannot attach a trunk it has since deleted',
    rule: 'trunk-attach-failed',
    expect: 'fires',
    event: () => loadEvent('AttachNetworkInterface', 'failed-limit'),
    inventory: sampleAccount,
  },
  {
    name: 'a failed CNI attach of a known non-trunk ENI',
    rule: 'trunk-attach-failed',
    expect: 'quiet',
    event: cniAttachFailed,
    inventory: sampleAccount,
  },
  {
    name: 'a successful trunk attach',
    rule: 'trunk-attach-failed',
    expect: 'quiet',
    event: () => loadEvent('AttachNetworkInterface', 'trunk'),
    inventory: sampleAccount,
  },

  // branch-create-failed
  {
    name: 'branch ENI creation fails for lack of free IPs',
    rule: 'branch-create-failed',
    expect: 'fires',
    event: () => loadEvent('CreateNetworkInterface', 'branch-failed'),
    inventory: sampleAccount,
  },
  {
    name: 'a successful branch ENI creation',
    rule: 'branch-create-failed',
    expect: 'quiet',
    event: () => loadEvent('CreateNetworkInterface', 'branch-ok'),
    inventory: sampleAccount,
  },

  // instance-type-not-trunk-compatible
  {
    name: 'CreateNodegroup of t3.large in an SGP cluster',
    rule: 'instance-type-not-trunk-compatible',
    expect: 'fires',
    event: () => loadEvent('CreateNodegroup', 'sgp-t3-nodegroup'),
    inventory: sampleAccount,
  },
  {
    name: 'CreateNodegroup of t3.large where SGP is off',
    rule: 'instance-type-not-trunk-compatible',
    expect: 'quiet',
    event: () => loadEvent('CreateNodegroup', 'sgp-t3-nodegroup'),
    inventory: sampleAccountWithoutSgp,
  },
  {
    name: 'CreateNodegroup of m5.large in an SGP cluster',
    rule: 'instance-type-not-trunk-compatible',
    expect: 'quiet',
    event: () => loadEvent('CreateNodegroup', 'general'),
    inventory: sampleAccount,
  },
  {
    name: 'RunInstances of a t3.large node in an SGP cluster',
    rule: 'instance-type-not-trunk-compatible',
    expect: 'fires',
    event: () => loadEvent('RunInstances', 'sgp-t3-node-launch'),
    inventory: sampleAccount,
  },
  {
    name: 'RunInstances of an m5.large node in an SGP cluster',
    rule: 'instance-type-not-trunk-compatible',
    expect: 'quiet',
    event: () => loadEvent('RunInstances', 'nodegroup-launch'),
    inventory: sampleAccount,
  },
  {
    name: "CreateLaunchTemplateVersion sets t3.large on an SGP node group's template",
    rule: 'instance-type-not-trunk-compatible',
    expect: 'fires',
    event: () => loadEvent('CreateLaunchTemplateVersion', 'sgp-t3-template'),
    inventory: sampleAccount,
  },
  {
    name: 'CreateLaunchTemplateVersion sets t3.large where SGP is off',
    rule: 'instance-type-not-trunk-compatible',
    expect: 'quiet',
    event: () => loadEvent('CreateLaunchTemplateVersion', 'sgp-t3-template'),
    inventory: sampleAccountWithoutSgp,
  },
  {
    name: 'scan: a t3 node group in an SGP cluster',
    rule: 'instance-type-not-trunk-compatible',
    expect: 'fires',
    inventory: () =>
      cluster(true, (b) =>
        b
          .nodeGroup('prod', 'ng-sgp', { nodeSg: NODE_SG, trunk: true })
          .nodeGroup('prod', 'ng-burst', { instanceType: 't3.medium', nodeSg: NODE_SG, nodes: 2 }),
      ),
  },
  {
    name: 'scan: a t3 node group in a cluster without SGP',
    rule: 'instance-type-not-trunk-compatible',
    expect: 'quiet',
    inventory: () =>
      cluster(false, (b) => b.nodeGroup('prod', 'ng-burst', { instanceType: 't3.medium', nodeSg: NODE_SG, nodes: 2 })),
  },

  // trunk-missing
  {
    name: 'scan: an SGP node with no trunk long after launch, ENI slots full',
    rule: 'trunk-missing',
    expect: 'fires',
    inventory: () =>
      cluster(true, (b) =>
        b
          .nodeGroup('prod', 'ng-sgp', { nodeSg: NODE_SG, trunk: true })
          .nodeGroup('prod', 'ng-full', { nodeSg: NODE_SG, secondaryIpsPerNode: 25 }),
      ),
  },
  {
    name: 'scan: an SGP node with no trunk two minutes after launch (grace)',
    rule: 'trunk-missing',
    expect: 'quiet',
    now: JUST_LAUNCHED,
    inventory: () => cluster(true, (b) => b.nodeGroup('prod', 'ng-a', { nodeSg: NODE_SG })),
  },
  {
    name: 'scan: an SGP node with its trunk',
    rule: 'trunk-missing',
    expect: 'quiet',
    inventory: () => cluster(true, (b) => b.nodeGroup('prod', 'ng-a', { nodeSg: NODE_SG, trunk: true })),
  },
  {
    name: 'scan: a node without a trunk where SGP is off',
    rule: 'trunk-missing',
    expect: 'quiet',
    inventory: () => cluster(false, (b) => b.nodeGroup('prod', 'ng-a', { nodeSg: NODE_SG })),
  },
  {
    name: 'scan: a t3 node of an SGP cluster (reported as instance-type-not-trunk-compatible instead)',
    rule: 'trunk-missing',
    expect: 'quiet',
    inventory: () => cluster(true, (b) => b.nodeGroup('prod', 'ng-a', { instanceType: 't3.medium', nodeSg: NODE_SG })),
  },
  {
    name: "a node launch in the sample account's SGP cluster finds the older nodes without a trunk",
    rule: 'trunk-missing',
    expect: 'fires',
    count: 2,
    event: () => loadEvent('RunInstances', 'nodegroup-launch'),
    inventory: sampleAccount,
  },
  {
    name: 'a node launch where SGP is off',
    rule: 'trunk-missing',
    expect: 'quiet',
    event: () => loadEvent('RunInstances', 'nodegroup-launch'),
    inventory: sampleAccountWithoutSgp,
  },

  // branch-capacity-low
  {
    name: 'scan: 9 of 9 branch ENIs on an m5.large trunk',
    rule: 'branch-capacity-low',
    expect: 'fires',
    inventory: () => sgpPods(9),
  },
  {
    name: 'scan: 8 of 9 branch ENIs (89 %, not above 90 %)',
    rule: 'branch-capacity-low',
    expect: 'quiet',
    inventory: () => sgpPods(8),
  },
];
