/**
 * Case table for `ip-pool-exhaustion`: every rule has rows that must fire and rows that must stay quiet. Event rows use
 * the realistic samples in `events/cloudtrail/`; scan rows (no event) judge state alone. Inventories are the sample
 * account (an SGP cluster with a nearly full subnet) or the snapshot builder (a non-SGP cluster, a t3 node group, a
 * fragmented subnet under prefix delegation), so the real loader runs.
 */
import { readFileSync } from 'node:fs';
import { buildInventory, type Inventory, loadSnapshot, type Severity, type Snapshot } from '@podnet-guard/core';
import { loadEvent } from '../../helpers/events.ts';
import { inventoryFrom, snapshotBuilder } from '../../helpers/inventory-builder.ts';

export const FULL_SUBNET = 'subnet-0f00000000000000f';
export const SUBNET_A = 'subnet-0a00000000000000a';
export const SUBNET_C = 'subnet-0c00000000000000c';
const SGP_ADDON = '{"env":{"ENABLE_POD_ENI":"true"}}';
const PD_ADDON = '{"env":{"ENABLE_PREFIX_DELEGATION":"true"}}';

const sampleSnapshot = JSON.parse(
  readFileSync(new URL('../../../events/inventory/sample-account.json', import.meta.url), 'utf8'),
) as Snapshot;

/** The sample account: cluster `prod` with SGP on, node groups ng-general (m5.large) and ng-sgp (m5.xlarge). */
export function sampleAccount(): Inventory {
  return buildInventory(loadSnapshot(structuredClone(sampleSnapshot)));
}

/** A cluster without SGP: m5.large nodes, a roomy /20, the EKS default maxPods. */
export function nonSgpAccount(): Inventory {
  return inventoryFrom(
    snapshotBuilder()
      .cluster('dev')
      .addon('dev', 'vpc-cni', '{"env":{"WARM_IP_TARGET":"5"}}')
      .nodeGroup('dev', 'ng-web', { instanceType: 'm5.large', nodes: 2, secondaryIpsPerNode: 9 })
      .build(),
  );
}

/** An SGP cluster with a t3 node group: t3 cannot hold a trunk ENI, so no slot is lost. */
export function sgpT3Account(): Inventory {
  return inventoryFrom(
    snapshotBuilder()
      .cluster('prod')
      .addon('prod', 'vpc-cni', SGP_ADDON)
      .nodeGroup('prod', 'ng-burst', { instanceType: 't3.medium', nodes: 1, secondaryIpsPerNode: 5 })
      .build(),
  );
}

/** A non-SGP cluster whose launch template sets maxPods 110 on m5.large (29 pod IPs). */
export function overridingTemplateAccount(maxPods: number): Inventory {
  const snapshot = snapshotBuilder()
    .cluster('dev')
    .addon('dev', 'vpc-cni', '{}')
    .nodeGroup('dev', 'ng-dense', { instanceType: 'm5.large', nodes: 1 })
    .build();
  const userData = [
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="//"',
    '',
    '--//',
    'Content-Type: application/node.eks.aws',
    '',
    '---',
    'apiVersion: node.eks.aws/v1alpha1',
    'kind: NodeConfig',
    'spec:',
    '  kubelet:',
    '    config:',
    `      maxPods: ${maxPods}`,
    '',
    '--//--',
    '',
  ].join('\n');
  const versions = (snapshot.DescribeLaunchTemplateVersions as { LaunchTemplateVersions: Record<string, unknown>[] })
    .LaunchTemplateVersions;
  const data = versions[0]?.LaunchTemplateData as Record<string, unknown>;
  data.UserData = Buffer.from(userData).toString('base64');
  return inventoryFrom(snapshot);
}

/**
 * A /24 pod subnet under prefix delegation where some ENI holds one address in every /28: 235 IPs free, no block.
 * With `prefixDelegation: false` the same subnet is fine for secondary IPs.
 */
export function fragmentedAccount(prefixDelegation = true): Inventory {
  const snapshot = snapshotBuilder()
    .subnet(SUBNET_A, { cidr: '10.0.0.0/24', availableIpAddressCount: 1000 })
    .cluster('prod', { subnetIds: [SUBNET_A] })
    .addon('prod', 'vpc-cni', prefixDelegation ? PD_ADDON : '{}')
    .nodeGroup('prod', 'ng-pd', { instanceType: 'm5.large', nodes: 1, subnetId: SUBNET_A })
    .serviceEni([], { description: 'scattered', subnetId: SUBNET_A })
    .build();
  const enis = (snapshot.DescribeNetworkInterfaces as { NetworkInterfaces: Record<string, unknown>[] })
    .NetworkInterfaces;
  const scattered = enis.find((eni) => eni.Description === 'scattered')!;
  const addresses = Array.from({ length: 15 }, (_, block) => `10.0.0.${block * 16 + 8}`);
  scattered.PrivateIpAddress = addresses[0];
  scattered.PrivateIpAddresses = addresses.map((PrivateIpAddress, index) => ({
    Primary: index === 0,
    PrivateIpAddress,
  }));
  return inventoryFrom(snapshot);
}

/** A sample event, with a change applied to its CloudTrail record. */
function changed(
  eventName: string,
  caseName: string,
  change: (detail: { requestParameters: Record<string, unknown> }) => void,
): () => unknown {
  return () => {
    const event = loadEvent(eventName, caseName) as { detail: { requestParameters: Record<string, unknown> } };
    change(event.detail);
    return event;
  };
}

export interface Case {
  name: string;
  rule: string;
  expect: 'fires' | 'quiet';
  /** Absent for scan rows. */
  event?: () => unknown;
  inventory: () => Inventory;
  /** The resource the finding must name (scan rows may produce findings about other resources too). */
  resource?: string;
  severity?: Severity;
}

export const cases: Case[] = [
  // subnet-exhausted
  {
    name: 'fires when the resource controller cannot create a trunk ENI for want of addresses',
    rule: 'subnet-exhausted',
    expect: 'fires',
    severity: 'high',
    event: () => loadEvent('CreateNetworkInterface', 'trunk-failed-no-ips'),
    inventory: sampleAccount,
    resource: SUBNET_A,
  },
  {
    name: 'fires when the CNI cannot get a /28 prefix (Client.InsufficientCidrBlocks)',
    rule: 'subnet-exhausted',
    expect: 'fires',
    event: () => loadEvent('AssignPrivateIpAddresses', 'ip-prefix-insufficient-cidr-blocks'),
    inventory: sampleAccount,
    resource: SUBNET_A,
  },
  {
    name: 'fires on InvalidParameterValue "There aren\'t sufficient free Ipv4 addresses" from RunInstances',
    rule: 'subnet-exhausted',
    expect: 'fires',
    event: () => loadEvent('RunInstances', 'subnet-no-free-ipv4'),
    inventory: sampleAccount,
    resource: FULL_SUBNET,
  },
  {
    name: 'fires on a CreateFleet that succeeded but reports per-override subnet errors (Karpenter)',
    rule: 'subnet-exhausted',
    expect: 'fires',
    event: () => loadEvent('CreateFleet', 'all-failed'),
    inventory: sampleAccount,
    resource: SUBNET_C,
  },
  {
    name: 'stays quiet on InvalidParameterValue about something else',
    rule: 'subnet-exhausted',
    expect: 'quiet',
    event: () => loadEvent('RunInstances', 'ip-invalid-parameter-other'),
    inventory: sampleAccount,
  },
  {
    name: 'stays quiet on insufficient instance capacity',
    rule: 'subnet-exhausted',
    expect: 'quiet',
    event: () => loadEvent('CreateFleet', 'karpenter-partial'),
    inventory: sampleAccount,
  },
  {
    name: 'stays quiet on a routine successful CNI call',
    rule: 'subnet-exhausted',
    expect: 'quiet',
    event: () => loadEvent('CreateNetworkInterface', 'cni-routine'),
    inventory: sampleAccount,
  },
  {
    name: 'stays quiet when no cluster uses the subnet',
    rule: 'subnet-exhausted',
    expect: 'quiet',
    event: () => loadEvent('AssignPrivateIpAddresses', 'failed-no-ips'),
    inventory: () => inventoryFrom(snapshotBuilder().subnet(SUBNET_A, { cidr: '10.0.0.0/20' }).build()),
  },
  // node-ip-limit
  {
    name: 'fires when the CNI asks more private IPs than the ENI holds (Client.PrivateIpAddressLimitExceeded)',
    rule: 'node-ip-limit',
    expect: 'fires',
    severity: 'medium',
    event: () => loadEvent('AssignPrivateIpAddresses', 'ip-limit-exceeded'),
    inventory: sampleAccount,
    resource: 'i-0a1b2c3d4e5f00001',
  },
  {
    name: 'fires when a cluster node cannot attach another ENI (Client.AttachmentLimitExceeded)',
    rule: 'node-ip-limit',
    expect: 'fires',
    event: changed('AttachNetworkInterface', 'failed-limit', (detail) => {
      detail.requestParameters.instanceId = 'i-0a1b2c3d4e5f00001';
    }),
    inventory: sampleAccount,
    resource: 'i-0a1b2c3d4e5f00001',
  },
  {
    name: 'stays quiet when the instance is not a known cluster node',
    rule: 'node-ip-limit',
    expect: 'quiet',
    event: () => loadEvent('AttachNetworkInterface', 'failed-limit'),
    inventory: sampleAccount,
  },
  {
    name: 'stays quiet on a successful attachment',
    rule: 'node-ip-limit',
    expect: 'quiet',
    event: () => loadEvent('AttachNetworkInterface', 'trunk'),
    inventory: sampleAccount,
  },
  // subnet-headroom-low
  {
    name: 'fires (high) on the nearly full subnet of the sample account: 3 of 251 IPs free',
    rule: 'subnet-headroom-low',
    expect: 'fires',
    severity: 'high',
    inventory: sampleAccount,
    resource: FULL_SUBNET,
  },
  {
    name: 'fires under prefix delegation on a fragmented subnet with 235 free IPs and no free /28 block',
    rule: 'subnet-headroom-low',
    expect: 'fires',
    severity: 'high',
    inventory: () => fragmentedAccount(true),
    resource: SUBNET_A,
  },
  {
    name: 'fires when a node group is scaled up beyond what its subnets hold',
    rule: 'subnet-headroom-low',
    expect: 'fires',
    event: () => loadEvent('UpdateNodegroupConfig', 'scale-up'),
    inventory: sampleAccount,
    resource: FULL_SUBNET,
  },
  {
    name: 'stays quiet on the same fragmented subnet in secondary-IP mode, where single IPs are what counts',
    rule: 'subnet-headroom-low',
    expect: 'quiet',
    inventory: () => fragmentedAccount(false),
  },
  {
    name: 'stays quiet on a roomy subnet',
    rule: 'subnet-headroom-low',
    expect: 'quiet',
    inventory: nonSgpAccount,
  },
  // max-pods-over-ip-capacity
  {
    name: 'fires (high) on the SGP node group: EKS wrote maxPods 58, the trunk leaves (4 − 1) × 14 + 2 = 44',
    rule: 'max-pods-over-ip-capacity',
    expect: 'fires',
    severity: 'high',
    inventory: sampleAccount,
    resource: 'prod/ng-sgp',
  },
  {
    name: 'fires (medium) without SGP when the launch template sets maxPods above the IPs: 110 > 29',
    rule: 'max-pods-over-ip-capacity',
    expect: 'fires',
    severity: 'medium',
    inventory: () => overridingTemplateAccount(110),
    resource: 'dev/ng-dense',
  },
  {
    name: 'fires when a node group is created on an SGP cluster with the EKS default maxPods (m5.large: 29 > 20)',
    rule: 'max-pods-over-ip-capacity',
    expect: 'fires',
    severity: 'high',
    event: () => loadEvent('CreateNodegroup', 'launch-template'),
    inventory: sampleAccount,
    resource: 'prod/ng-sgp',
  },
  {
    name: "fires when a new version of an SGP node group's launch template is created",
    rule: 'max-pods-over-ip-capacity',
    expect: 'fires',
    event: () => loadEvent('CreateLaunchTemplateVersion', 'maxpods-sgp-template'),
    inventory: sampleAccount,
    resource: 'prod/ng-sgp',
  },
  {
    name: 'stays quiet without SGP at the EKS default maxPods',
    rule: 'max-pods-over-ip-capacity',
    expect: 'quiet',
    inventory: nonSgpAccount,
  },
  {
    name: 'stays quiet when the launch template sets a safe maxPods',
    rule: 'max-pods-over-ip-capacity',
    expect: 'quiet',
    inventory: () => overridingTemplateAccount(29),
  },
  {
    name: 'stays quiet on a t3 node group of an SGP cluster (t3 cannot trunk, so no slot is lost)',
    rule: 'max-pods-over-ip-capacity',
    expect: 'quiet',
    inventory: sgpT3Account,
  },
  {
    name: 'stays quiet when a t3 node group is created on the SGP cluster',
    rule: 'max-pods-over-ip-capacity',
    expect: 'quiet',
    event: () => loadEvent('CreateNodegroup', 'remote-access'),
    inventory: sampleAccount,
  },
  {
    name: 'stays quiet on a launch template no node group uses',
    rule: 'max-pods-over-ip-capacity',
    expect: 'quiet',
    event: () => loadEvent('CreateLaunchTemplateVersion', 'node-template'),
    inventory: sampleAccount,
  },
];
