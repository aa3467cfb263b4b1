/**
 * Loads one region's full inventory snapshot from live AWS: the same JSON `aws ec2 describe-…` prints (all pages
 * merged, one key per operation), so core's snapshot loader turns it into the inventory. Nothing is normalised here.
 * This file says what to read, in waves (each names what the next reads); `AwsReader` does the reading.
 */
import type { AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import type { LaunchTemplateVersion, PrefixListEntry } from '@aws-sdk/client-ec2';
import type { Nodegroup } from '@aws-sdk/client-eks';
import type { Snapshot } from '@podnet-guard/core';
import type { ClientSet } from '../clients.ts';
import { InventoryLoadError } from '../errors.ts';
import {
  autoScalingGroupNames,
  instancesOf,
  instanceTypesInUse,
  launchTemplatesInUse,
  nodeSubnetIds,
  referencedPrefixLists,
  type TemplateRef,
} from './load-full-names.ts';
import { AwsReader } from './reader.ts';
import { reduceLaunchTemplateUserData, toSnapshotJson } from './sanitize.ts';

export { referencedPrefixLists } from './load-full-names.ts';
export { DEFAULT_CONCURRENCY } from './reader.ts';

/** Options of `loadFullSnapshot`. */
export interface LoadFullOptions {
  region: string;
  /** The account id written to the snapshot; found from instance reservations or security groups when absent. */
  account?: string;
  /** Only these EKS clusters (and their node groups, add-ons, nodes' launch templates and ASGs). All when absent. */
  clusters?: string[];
  /** AWS calls in flight at once (default 4). */
  concurrency?: number;
  /** Progress lines, one per finished read. */
  onProgress?: (message: string) => void;
}

/** A snapshot and the AWS calls it took per operation (pages included, failed calls too; `totalCalls` adds them up). */
export interface ReadResult {
  snapshot: Snapshot;
  calls: Record<string, number>;
}

/** A full snapshot, its calls, and what could not be found. */
export interface LoadResult extends ReadResult {
  /** Things skipped on the way (a cluster named but absent, a deleted launch template); never secrets. */
  warnings: string[];
}

/** The add-on whose configuration decides prefix delegation and maxPods. */
export const VPC_CNI_ADDON = 'vpc-cni';

const LATEST_AND_DEFAULT = ['$Latest', '$Default'];

/** One full load: what to read, and the warnings on the way. */
class FullLoad {
  readonly warnings: string[] = [];

  constructor(
    private readonly reader: AwsReader,
    private readonly options: LoadFullOptions,
  ) {}

  private progress(message: string): void {
    this.options.onProgress?.(message);
  }

  private warn(message: string): void {
    this.warnings.push(message);
    this.progress(`warning: ${message}`);
  }

  /** First wave, EC2: every collection of the region. */
  async ec2Collections() {
    const reader = this.reader;
    const all = { all: true } as const;
    const [vpcs, subnets, groups, rules, enis, reservations] = await Promise.all([
      reader.vpcs(all),
      reader.subnets(all),
      reader.securityGroups(all),
      reader.securityGroupRules(all),
      reader.networkInterfaces(all),
      reader.reservations(all),
    ]);
    for (const [name, count] of [
      ['DescribeVpcs', vpcs.length],
      ['DescribeSubnets', subnets.length],
      ['DescribeSecurityGroups', groups.length],
      ['DescribeSecurityGroupRules', rules.length],
      ['DescribeNetworkInterfaces', enis.length],
      ['DescribeInstances', reservations.length],
    ] as const) {
      this.progress(`${name}: ${count} item(s) in ${reader.callsOf(name)} call(s)`);
    }
    return { vpcs, subnets, groups, rules, enis, reservations };
  }

  /** First wave, EKS: the clusters (narrowed by `clusters`), their node groups and their vpc-cni add-on. */
  async eksState() {
    let names = await this.reader.clusterNames();
    const wanted = this.options.clusters;
    if (wanted && wanted.length > 0) {
      for (const name of wanted) {
        if (!names.includes(name)) this.warn(`cluster ${name} not found in ${this.options.region}`);
      }
      names = names.filter((name) => wanted.includes(name));
    }
    const perCluster = await Promise.all(names.map((name) => this.clusterState(name)));
    const clusters = perCluster.flatMap((state) => (state.cluster ? [state.cluster] : []));
    const nodegroups = perCluster.flatMap((state) => state.nodegroups);
    const addons = perCluster.flatMap((state) => (state.addon ? [state.addon] : []));
    this.progress(`EKS: ${clusters.length} cluster(s), ${nodegroups.length} node group(s)`);
    return { clusters, nodegroups, addons };
  }

  private async clusterState(clusterName: string) {
    const reader = this.reader;
    const [cluster, nodegroupNames, addon] = await Promise.all([
      reader.cluster(clusterName).then((cluster) => {
        if (!cluster) this.warn(`cluster ${clusterName} disappeared while loading`);
        return cluster;
      }),
      reader.nodegroupNames(clusterName),
      reader.addon(clusterName, VPC_CNI_ADDON),
    ]);
    const nodegroups = await Promise.all(nodegroupNames.map((name) => reader.nodegroup(clusterName, name)));
    return { cluster, nodegroups: nodegroups.filter((ng): ng is Nodegroup => ng !== undefined), addon };
  }

  /** Managed prefix lists' entries; a list that no longer exists is left out (its CIDRs unknown), with a warning. */
  async prefixLists(ids: string[]): Promise<{ PrefixListId: string; Entries: PrefixListEntry[] }[]> {
    const lists = await Promise.all(
      ids.map(async (PrefixListId) => {
        const Entries = await this.reader.prefixListEntries(PrefixListId);
        if (!Entries) this.warn(`prefix list ${PrefixListId} no longer exists`);
        return Entries ? [{ PrefixListId, Entries }] : [];
      }),
    );
    return lists.flat();
  }

  /** The versions in use of each template; `$Latest` and `$Default` when a version in use was deleted. */
  async launchTemplateVersions(refs: TemplateRef[]): Promise<LaunchTemplateVersion[]> {
    const perTemplate = await Promise.all(
      refs.map(async (ref) => {
        const label = ref.id ?? ref.name ?? '?';
        let versions: LaunchTemplateVersion[] | undefined;
        try {
          versions = await this.reader.launchTemplateVersions(ref, [...ref.versions]);
        } catch (error) {
          if (!(error instanceof InventoryLoadError) || error.code !== 'InvalidLaunchTemplateId.VersionNotFound') {
            throw error;
          }
          this.warn(`launch template ${label}: a version in use no longer exists`);
          versions = await this.reader.launchTemplateVersions(ref, LATEST_AND_DEFAULT);
        }
        if (!versions) this.warn(`launch template ${label} no longer exists`);
        return versions ?? [];
      }),
    );
    // `$Latest` and `$Default` may name the same version: keep one of each.
    const seen = new Set<string>();
    return perTemplate.flat().filter((version) => {
      const key = `${version.LaunchTemplateId}/${version.VersionNumber}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }

  async instanceTypes(names: string[]) {
    const { types, unknown } = await this.reader.instanceTypes(names);
    if (unknown.length > 0) this.warn(`instance type(s) unknown in ${this.options.region}: ${unknown.join(', ')}`);
    return types;
  }
}

/**
 * Reads one region's inventory from AWS and returns it as a snapshot (see docs/architecture.md, "Contracts"), with the
 * number of calls made per operation.
 *
 * - EC2 collections are read region-wide with the largest page size (`PAGE_SIZE`), each paginator in one of
 *   `concurrency` slots (default 4); nothing is read twice.
 * - EKS: ListClusters → DescribeCluster each (narrowed by `clusters`), ListNodegroups → DescribeNodegroup,
 *   DescribeAddon `vpc-cni` (a missing add-on, ResourceNotFoundException, leaves no entry).
 * - Then only what those name: DescribeAutoScalingGroups for node groups' and nodes' ASGs, GetManagedPrefixListEntries
 *   for prefix lists in SG rules, GetSubnetCidrReservations for the clusters' and nodes' subnets (merged under the
 *   `DescribeSubnetCidrReservations` key as `{ SubnetIpv4CidrReservations, SubnetIpv6CidrReservations }`),
 *   DescribeLaunchTemplateVersions per template used by nodes, node groups and ASGs (versions `$Latest`, `$Default`
 *   and those in use), and DescribeInstanceTypes (in chunks of 100) for the types in use.
 * - **User data is not kept.** Each launch template version's `LaunchTemplateData.UserData` is replaced by base64 of a
 *   marker line plus only the pod-limit settings found in it (`--max-pods`, `--use-max-pods`, `maxPods`,
 *   `maxPodsExpression`, `ENABLE_PREFIX_DELEGATION`), each reduced to the setting and its value: user data may hold
 *   secrets, and a snapshot file gets shared.
 * - `$metadata` is removed everywhere; dates become ISO strings.
 *
 * @throws InventoryLoadError when AWS cannot be read (credentials, permissions, throttling past retries, network).
 *
 * @example
 * ```ts
 * const { snapshot, calls } = await loadFullSnapshot(createClientSet('eu-west-1'), { region: 'eu-west-1' });
 * const inventory = buildInventory(loadSnapshot(snapshot));
 * ```
 */
export async function loadFullSnapshot(clients: ClientSet, options: LoadFullOptions): Promise<LoadResult> {
  const reader = new AwsReader(clients, {
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const load = new FullLoad(reader, options);
  const [ec2, eks] = await Promise.all([load.ec2Collections(), load.eksState()]);
  const { live, nodes } = instancesOf(ec2.reservations, { loaded: eks.clusters, wanted: options.clusters });

  // Second wave: what the first one names.
  const [asgs, prefixLists, reservations] = await Promise.all([
    reader.autoScalingGroups(autoScalingGroupNames(eks.nodegroups, nodes)),
    load.prefixLists(referencedPrefixLists(ec2.groups, ec2.rules)),
    reader.subnetCidrReservations(nodeSubnetIds(eks.clusters, eks.nodegroups, nodes)),
  ]);
  // Third wave: launch templates of nodes, node groups and their ASGs. Fourth: the instance types in use anywhere.
  const templateVersions = await load.launchTemplateVersions(launchTemplatesInUse(eks.nodegroups, asgs, nodes));
  const instanceTypes = await load.instanceTypes(instanceTypesInUse(live, eks.nodegroups, templateVersions, asgs));

  const account =
    options.account ??
    ec2.reservations.find((reservation) => reservation.OwnerId)?.OwnerId ??
    ec2.groups.find((group) => group.OwnerId)?.OwnerId;
  const snapshot: Snapshot = toSnapshotJson({
    ...(account ? { account } : {}),
    region: options.region,
    DescribeVpcs: { Vpcs: ec2.vpcs },
    DescribeSubnets: { Subnets: ec2.subnets },
    DescribeSecurityGroups: { SecurityGroups: ec2.groups },
    DescribeSecurityGroupRules: { SecurityGroupRules: ec2.rules },
    DescribeNetworkInterfaces: { NetworkInterfaces: ec2.enis },
    DescribeInstances: { Reservations: ec2.reservations },
    DescribeInstanceTypes: { InstanceTypes: instanceTypes },
    DescribeLaunchTemplateVersions: { LaunchTemplateVersions: reduceLaunchTemplateUserData(templateVersions) },
    DescribeAutoScalingGroups: { AutoScalingGroups: asgs satisfies AutoScalingGroup[] },
    DescribeSubnetCidrReservations: reservations,
    GetManagedPrefixListEntries: prefixLists,
    DescribeCluster: eks.clusters.map((cluster) => ({ cluster })),
    DescribeNodegroup: eks.nodegroups.map((nodegroup) => ({ nodegroup })),
    DescribeAddon: eks.addons.map((addon) => ({ addon })),
  });
  options.onProgress?.(`done: ${reader.totalCalls} call(s)`);
  return { snapshot, calls: reader.calls, warnings: [...load.warnings] };
}
