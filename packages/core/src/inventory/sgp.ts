/**
 * "Is security groups for pods (SGP) on in this cluster?" Three signals answer it: the `vpc-cni` add-on configuration
 * (`env.ENABLE_POD_ENI: "true"`), a trunk ENI on one of the cluster's nodes, and a CloudTrail call that creates a trunk
 * ENI for the cluster. AWS's own guide turns SGP on with `kubectl set env`, which no AWS API shows, so the trunk
 * signals count as much as the add-on; a failed trunk creation still counts, since it is the only signal left when
 * every trunk fails.
 *
 * An inventory fact, like the node classification: asked by the `trunk-eni-allocation` and `ip-pool-exhaustion`
 * rules and by capacity math.
 */
import type { CloudTrailEvent } from '../cloudtrail/types.ts';
import type { Addon, Inventory, NetworkInterface } from '../types/inventory.ts';
import { vpcCniEnv } from './addon-config.ts';
import { clusterOfEniTags, isTrunkEni } from './classify.ts';

/** Which signal showed that SGP is on. */
export type SgpSignal = 'vpc-cni ENABLE_POD_ENI' | 'trunk ENI on a node' | 'trunk ENI created (CloudTrail)';

/** Whether a cluster runs SGP, and the signals that said so. */
export interface SgpStatus {
  /** `'unknown'` when the add-on configuration is not known and no trunk signal was seen. */
  enabled: boolean | 'unknown';
  signals: SgpSignal[];
}

/** Description the VPC resource controller gives trunk ENIs (older controllers wrote it without the prefix). */
export const TRUNK_ENI_DESCRIPTIONS = ['aws-k8s-trunk-eni', 'trunk-eni'] as const;
/** Description the VPC resource controller gives branch ENIs. */
export const BRANCH_ENI_DESCRIPTIONS = ['aws-k8s-branch-eni', 'branch-eni'] as const;

/** True when a parsed event is a CreateNetworkInterface of a trunk ENI (successful or not). */
export function isTrunkCreation(event: CloudTrailEvent): boolean {
  const detail = event.detail;
  if (detail.kind !== 'network-interface-created') return false;
  return (
    detail.interfaceType === 'trunk' || (TRUNK_ENI_DESCRIPTIONS as readonly string[]).includes(detail.description ?? '')
  );
}

/**
 * What the `vpc-cni` add-on configuration says about `ENABLE_POD_ENI`: true, false (set to something else, or not set),
 * or undefined when the configuration cannot be read. Accepts JSON and YAML (`configurationValues` takes both).
 *
 * @example
 * podEniSetting({ clusterName: 'prod', name: 'vpc-cni', configurationValues: 'env:\n  ENABLE_POD_ENI: "true"\n' }); // true
 */
export function podEniSetting(addon: Addon): boolean | undefined {
  const env = vpcCniEnv(addon);
  if (!env) return undefined;
  // EKS wants strings, but an unquoted YAML `true` is what people write (vpcCniEnv gives it as 'true').
  return env.ENABLE_POD_ENI?.trim().toLowerCase() === 'true';
}

/** Trunk ENIs of a cluster: on its nodes, or tagged for it. */
export function trunkEnisOf(inventory: Inventory, cluster: string): NetworkInterface[] {
  return inventory.networkInterfaces.filter((eni) => {
    if (!isTrunkEni(eni)) return false;
    const instanceId = eni.attachment?.instanceId;
    const node = instanceId ? inventory.node(instanceId) : undefined;
    if (node) return node.cluster === cluster;
    return clusterOfEniTags(eni.tags) === cluster;
  });
}

/**
 * Whether `cluster` runs security groups for pods, and which signals said so. `false` only when the `vpc-cni` add-on is
 * known and does not set `ENABLE_POD_ENI`, the ENIs are known, and no trunk ENI exists or is being created.
 *
 * @example
 * sgpStatus(inventory, 'prod'); // { enabled: true, signals: ['trunk ENI on a node'] }
 * sgpStatus(inventory, 'prod', trunkCreateEvent); // { enabled: true, signals: ['trunk ENI created (CloudTrail)'] }
 */
export function sgpStatus(inventory: Inventory, cluster: string, event?: CloudTrailEvent): SgpStatus {
  const signals: SgpSignal[] = [];
  const addon = inventory.knows('DescribeAddon')
    ? inventory.addons.find((candidate) => candidate.clusterName === cluster && candidate.name === 'vpc-cni')
    : undefined;
  const setting = addon ? podEniSetting(addon) : undefined;
  if (setting === true) signals.push('vpc-cni ENABLE_POD_ENI');
  if (trunkEnisOf(inventory, cluster).length > 0) signals.push('trunk ENI on a node');
  if (event && isTrunkCreation(event) && event.detail.kind === 'network-interface-created') {
    if (clusterOfEniTags(event.detail.tags) === cluster) signals.push('trunk ENI created (CloudTrail)');
  }
  if (signals.length > 0) return { enabled: true, signals };
  const known = setting === false && inventory.knows('DescribeNetworkInterfaces');
  return { enabled: known ? false : 'unknown', signals };
}
