/**
 * Inventories and events the `ip-pool-exhaustion` rule tests share. Inventories are the sample account (an SGP
 * cluster with a nearly full subnet) or the snapshot builder (a non-SGP cluster, a t3 node group, a fragmented subnet
 * under prefix delegation), so the real loader runs; events are the realistic samples in `events/cloudtrail/`.
 */
import { readFileSync } from 'node:fs';
import { buildInventory, type Inventory, loadSnapshot, type Snapshot } from '@podnet-guard/core';
import { loadEvent } from '../../../helpers/events.ts';
import { inventoryFrom, snapshotBuilder } from '../../../helpers/inventory-builder.ts';
import type { RuleCase } from '../../../helpers/rule-cases.ts';

export const FULL_SUBNET = 'subnet-0f00000000000000f';
export const SUBNET_A = 'subnet-0a00000000000000a';
export const SUBNET_C = 'subnet-0c00000000000000c';
const SGP_ADDON = '{"env":{"ENABLE_POD_ENI":"true"}}';
const PD_ADDON = '{"env":{"ENABLE_PREFIX_DELEGATION":"true"}}';

const sampleSnapshot = JSON.parse(
  readFileSync(new URL('../../../../events/inventory/sample-account.json', import.meta.url), 'utf8'),
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
export function changedEvent(
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

/**
 * The failed calls `subnet-exhausted` must fire on, one per way EC2 says a subnet is full. Its case table fires on
 * each, and the prefix-delegation tests check that none of them is offered that remediation.
 */
export const SUBNET_EXHAUSTION_FAILURES: readonly RuleCase[] = [
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
];
