/**
 * Loads one region's full inventory snapshot from live AWS: the same JSON `aws ec2 describe-…` prints (all pages
 * merged, one key per operation), so core's snapshot loader turns it into the inventory. Nothing is normalised here.
 */
import {
  type AutoScalingClient,
  type AutoScalingGroup,
  paginateDescribeAutoScalingGroups,
} from '@aws-sdk/client-auto-scaling';
import {
  type EC2Client,
  GetSubnetCidrReservationsCommand,
  type Instance,
  type LaunchTemplateVersion,
  type PrefixListEntry,
  paginateDescribeInstances,
  paginateDescribeInstanceTypes,
  paginateDescribeLaunchTemplateVersions,
  paginateDescribeNetworkInterfaces,
  paginateDescribeSecurityGroupRules,
  paginateDescribeSecurityGroups,
  paginateDescribeSubnets,
  paginateDescribeVpcs,
  paginateGetManagedPrefixListEntries,
  type Reservation,
  type SecurityGroup,
  type SecurityGroupRule,
  type SubnetCidrReservation,
} from '@aws-sdk/client-ec2';
import {
  type Addon,
  type Cluster,
  DescribeAddonCommand,
  DescribeClusterCommand,
  DescribeNodegroupCommand,
  type EKSClient,
  type Nodegroup,
  paginateListClusters,
  paginateListNodegroups,
} from '@aws-sdk/client-eks';
import { clusterFromTagList, type Snapshot } from '@podnet-guard/core';
import type { ClientSet } from '../clients.ts';
import { hasErrorCode, toInventoryLoadError } from '../errors.ts';
import { ASG_NAMES_PER_CALL, INSTANCE_TYPES_PER_CALL, PAGE_SIZE } from '../page-sizes.ts';
import { createLimiter, type Limiter } from './limiter.ts';
import { reduceLaunchTemplateUserData, toSnapshotJson } from './sanitize.ts';

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

/** A snapshot, the calls made per operation (pages included, failed calls too), and what could not be found. */
export interface LoadResult {
  snapshot: Snapshot;
  calls: Record<string, number>;
  /** Things skipped on the way (a cluster named but absent, a deleted launch template); never secrets. */
  warnings: string[];
}

/** The add-on whose configuration decides prefix delegation and maxPods. */
export const VPC_CNI_ADDON = 'vpc-cni';

/** Default number of AWS calls in flight. */
export const DEFAULT_CONCURRENCY = 4;

type Tagged = { Tags?: { Key?: string; Value?: string }[] | undefined };

function tagValue(resource: Tagged, key: string): string | undefined {
  return resource.Tags?.find((tag) => tag.Key === key)?.Value;
}

/**
 * The EKS cluster an instance serves as a node: core's one classification (`clusterFromTags`), so the loader reads
 * the Auto Scaling groups, launch templates and subnets of exactly the nodes the detectors count.
 */
export function nodeClusterOf(instance: Tagged): string | undefined {
  return clusterFromTagList(instance.Tags);
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Launch template reference: by id when known, else by name; with the versions in use. */
interface TemplateRef {
  id?: string;
  name?: string;
  versions: Set<string>;
}

class TemplateRefs {
  readonly byKey = new Map<string, TemplateRef>();
  private readonly nameToId = new Map<string, string>();

  add(id: string | undefined, name: string | undefined, version: string | undefined): void {
    if (!id && !name) return;
    if (id && name) this.nameToId.set(name, id);
    const resolvedId = id ?? (name ? this.nameToId.get(name) : undefined);
    const key = resolvedId ? `id:${resolvedId}` : `name:${name}`;
    let ref = this.byKey.get(key);
    if (!ref) {
      ref = { versions: new Set(['$Latest', '$Default']) };
      if (resolvedId) ref.id = resolvedId;
      else if (name) ref.name = name;
      this.byKey.set(key, ref);
    }
    if (version) ref.versions.add(version);
    // A template first seen by name only and later by id+name: fold the name entry into the id entry.
    if (resolvedId && name) {
      const byName = this.byKey.get(`name:${name}`);
      if (byName) {
        for (const v of byName.versions) ref.versions.add(v);
        this.byKey.delete(`name:${name}`);
      }
    }
  }
}

/** One run of the full loader: counts calls, bounds concurrency, maps errors. */
class FullLoader {
  readonly calls: Record<string, number> = {};
  readonly warnings: string[] = [];
  private readonly limit: Limiter;
  private readonly ec2: EC2Client;
  private readonly eks: EKSClient;
  private readonly autoscaling: AutoScalingClient;

  constructor(
    clients: ClientSet,
    private readonly options: LoadFullOptions,
  ) {
    this.ec2 = clients.ec2;
    this.eks = clients.eks;
    this.autoscaling = clients.autoscaling;
    this.limit = createLimiter(options.concurrency ?? DEFAULT_CONCURRENCY);
  }

  private count(operation: string): void {
    this.calls[operation] = (this.calls[operation] ?? 0) + 1;
  }

  private progress(message: string): void {
    this.options.onProgress?.(message);
  }

  private warn(message: string): void {
    this.warnings.push(message);
    this.progress(`warning: ${message}`);
  }

  /** Runs a paginator in one slot and concatenates `keys` across its pages. */
  private paged<P extends object, K extends keyof P & string>(
    operation: string,
    pages: () => AsyncIterable<P>,
    keys: readonly K[],
  ): Promise<{ [Key in K]-?: NonNullable<P[Key]> }> {
    return this.limit(async () => {
      const merged: Record<string, unknown[]> = Object.fromEntries(keys.map((key) => [key, []]));
      try {
        let pageCount = 0;
        for await (const page of pages()) {
          this.count(operation);
          pageCount += 1;
          for (const key of keys) {
            const items = page[key];
            if (Array.isArray(items)) merged[key]!.push(...items);
          }
          // A long read shows it is moving: every page after the first (the summary line covers one-page reads).
          if (pageCount > 1) {
            const items = keys.reduce((sum, key) => sum + merged[key]!.length, 0);
            this.progress(`${operation}: page ${pageCount}, ${items} item(s) so far`);
          }
        }
      } catch (error) {
        // The failed page was a call too (the call budget counts calls made, not calls that succeeded).
        this.count(operation);
        throw toInventoryLoadError(operation, error);
      }
      return merged as { [Key in K]-?: NonNullable<P[Key]> };
    });
  }

  /** Runs one call in one slot. */
  private single<T>(operation: string, call: () => Promise<T>): Promise<T> {
    return this.limit(async () => {
      this.count(operation);
      try {
        return await call();
      } catch (error) {
        throw toInventoryLoadError(operation, error);
      }
    });
  }

  private async ec2Pages() {
    const client = this.ec2;
    const [vpcs, subnets, groups, rules, enis, instances] = await Promise.all([
      this.paged('DescribeVpcs', () => paginateDescribeVpcs({ client, pageSize: PAGE_SIZE.DescribeVpcs }, {}), [
        'Vpcs',
      ]),
      this.paged(
        'DescribeSubnets',
        () => paginateDescribeSubnets({ client, pageSize: PAGE_SIZE.DescribeSubnets }, {}),
        ['Subnets'],
      ),
      this.paged(
        'DescribeSecurityGroups',
        () => paginateDescribeSecurityGroups({ client, pageSize: PAGE_SIZE.DescribeSecurityGroups }, {}),
        ['SecurityGroups'],
      ),
      this.paged(
        'DescribeSecurityGroupRules',
        () => paginateDescribeSecurityGroupRules({ client, pageSize: PAGE_SIZE.DescribeSecurityGroupRules }, {}),
        ['SecurityGroupRules'],
      ),
      this.paged(
        'DescribeNetworkInterfaces',
        () => paginateDescribeNetworkInterfaces({ client, pageSize: PAGE_SIZE.DescribeNetworkInterfaces }, {}),
        ['NetworkInterfaces'],
      ),
      this.paged(
        'DescribeInstances',
        () => paginateDescribeInstances({ client, pageSize: PAGE_SIZE.DescribeInstances }, {}),
        ['Reservations'],
      ),
    ]);
    for (const [name, count] of [
      ['DescribeVpcs', vpcs.Vpcs.length],
      ['DescribeSubnets', subnets.Subnets.length],
      ['DescribeSecurityGroups', groups.SecurityGroups.length],
      ['DescribeSecurityGroupRules', rules.SecurityGroupRules.length],
      ['DescribeNetworkInterfaces', enis.NetworkInterfaces.length],
      ['DescribeInstances', instances.Reservations.length],
    ] as const) {
      this.progress(`${name}: ${count} item(s) in ${this.calls[name] ?? 0} call(s)`);
    }
    return { vpcs, subnets, groups, rules, enis, instances };
  }

  private async eksState() {
    const client = this.eks;
    const listed = await this.paged(
      'ListClusters',
      () => paginateListClusters({ client, pageSize: PAGE_SIZE.ListClusters }, {}),
      ['clusters'],
    );
    let names = listed.clusters;
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
    const client = this.eks;
    const notFound = (error: unknown) =>
      error instanceof Error && hasErrorCode((error as { cause?: unknown }).cause, 'ResourceNotFoundException');
    const [cluster, nodegroupNames, addon] = await Promise.all([
      this.single('DescribeCluster', () => client.send(new DescribeClusterCommand({ name: clusterName }))).then(
        (out) => out.cluster,
        (error: unknown) => {
          if (!notFound(error)) throw error;
          this.warn(`cluster ${clusterName} disappeared while loading`);
          return undefined;
        },
      ),
      this.paged(
        'ListNodegroups',
        () => paginateListNodegroups({ client, pageSize: PAGE_SIZE.ListNodegroups }, { clusterName }),
        ['nodegroups'],
      ).then(
        (out) => out.nodegroups,
        (error: unknown) => {
          if (!notFound(error)) throw error;
          return [] as string[];
        },
      ),
      // DescribeAddon straight away: a missing add-on answers ResourceNotFoundException, one call instead of two.
      this.single('DescribeAddon', () =>
        client.send(new DescribeAddonCommand({ clusterName, addonName: VPC_CNI_ADDON })),
      ).then(
        (out) => out.addon,
        (error: unknown) => {
          if (!notFound(error)) throw error;
          return undefined;
        },
      ),
    ]);
    const nodegroups = await Promise.all(
      nodegroupNames.map((nodegroupName) =>
        this.single('DescribeNodegroup', () =>
          client.send(new DescribeNodegroupCommand({ clusterName, nodegroupName })),
        ).then(
          (out) => out.nodegroup,
          (error: unknown) => {
            if (!notFound(error)) throw error;
            return undefined;
          },
        ),
      ),
    );
    return {
      cluster,
      nodegroups: nodegroups.filter((ng): ng is Nodegroup => ng !== undefined),
      addon,
    };
  }

  private async autoScalingGroups(names: string[]): Promise<AutoScalingGroup[]> {
    const client = this.autoscaling;
    const chunks = chunk(names, ASG_NAMES_PER_CALL);
    const results = await Promise.all(
      chunks.map((AutoScalingGroupNames) =>
        this.paged(
          'DescribeAutoScalingGroups',
          () =>
            paginateDescribeAutoScalingGroups(
              { client, pageSize: PAGE_SIZE.DescribeAutoScalingGroups },
              { AutoScalingGroupNames },
            ),
          ['AutoScalingGroups'],
        ),
      ),
    );
    return results.flatMap((result) => result.AutoScalingGroups);
  }

  private async prefixLists(ids: string[]): Promise<{ PrefixListId: string; Entries: PrefixListEntry[] }[]> {
    const client = this.ec2;
    return Promise.all(
      ids.map(async (PrefixListId) => {
        const out = await this.paged(
          'GetManagedPrefixListEntries',
          () =>
            paginateGetManagedPrefixListEntries(
              { client, pageSize: PAGE_SIZE.GetManagedPrefixListEntries },
              { PrefixListId },
            ),
          ['Entries'],
        );
        return { PrefixListId, Entries: out.Entries };
      }),
    );
  }

  private async subnetCidrReservations(subnetIds: string[]) {
    const ipv4: SubnetCidrReservation[] = [];
    const ipv6: SubnetCidrReservation[] = [];
    await Promise.all(
      subnetIds.map(async (SubnetId) => {
        // No SDK paginator exists for this operation: follow NextToken by hand.
        let NextToken: string | undefined;
        do {
          const out = await this.single('GetSubnetCidrReservations', () =>
            this.ec2.send(
              new GetSubnetCidrReservationsCommand({
                SubnetId,
                MaxResults: PAGE_SIZE.GetSubnetCidrReservations,
                ...(NextToken ? { NextToken } : {}),
              }),
            ),
          );
          ipv4.push(...(out.SubnetIpv4CidrReservations ?? []));
          ipv6.push(...(out.SubnetIpv6CidrReservations ?? []));
          NextToken = out.NextToken || undefined;
        } while (NextToken);
      }),
    );
    return { SubnetIpv4CidrReservations: ipv4, SubnetIpv6CidrReservations: ipv6 };
  }

  private async launchTemplateVersions(refs: TemplateRef[]): Promise<LaunchTemplateVersion[]> {
    const client = this.ec2;
    const load = (ref: TemplateRef, versions: string[]) =>
      this.paged(
        'DescribeLaunchTemplateVersions',
        () =>
          paginateDescribeLaunchTemplateVersions(
            { client, pageSize: PAGE_SIZE.DescribeLaunchTemplateVersions },
            {
              ...(ref.id ? { LaunchTemplateId: ref.id } : { LaunchTemplateName: ref.name }),
              Versions: versions,
            },
          ),
        ['LaunchTemplateVersions'],
      );
    const perTemplate = await Promise.all(
      refs.map(async (ref) => {
        const label = ref.id ?? ref.name ?? '?';
        try {
          return (await load(ref, [...ref.versions])).LaunchTemplateVersions;
        } catch (error) {
          const cause = (error as { cause?: unknown }).cause;
          if (hasErrorCode(cause, 'InvalidLaunchTemplateId.VersionNotFound')) {
            // A version in use was deleted: still read the latest and default ones.
            this.warn(`launch template ${label}: a version in use no longer exists`);
            return (await load(ref, ['$Latest', '$Default'])).LaunchTemplateVersions;
          }
          if (
            hasErrorCode(
              cause,
              'InvalidLaunchTemplateId.NotFound',
              'InvalidLaunchTemplateId.Malformed',
              'InvalidLaunchTemplateName.NotFoundException',
            )
          ) {
            this.warn(`launch template ${label} no longer exists`);
            return [];
          }
          throw error;
        }
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

  private async instanceTypes(types: string[]) {
    const client = this.ec2;
    const load = (InstanceTypes: string[]) =>
      this.paged(
        'DescribeInstanceTypes',
        () =>
          paginateDescribeInstanceTypes(
            { client, pageSize: PAGE_SIZE.DescribeInstanceTypes },
            { InstanceTypes: InstanceTypes as never },
          ),
        ['InstanceTypes'],
      );
    const results = await Promise.all(
      chunk(types, INSTANCE_TYPES_PER_CALL).map(async (names) => {
        try {
          return (await load(names)).InstanceTypes;
        } catch (error) {
          // EC2 refuses the whole call for one unknown name and lists the culprits: retry once without them.
          const cause = (error as { cause?: unknown }).cause;
          if (!hasErrorCode(cause, 'InvalidInstanceType')) throw error;
          const message = (cause as { message?: string }).message ?? '';
          const bad = names.filter((name) => message.includes(name));
          const rest = names.filter((name) => !bad.includes(name));
          if (bad.length === 0) throw error;
          this.warn(`instance type(s) unknown in ${this.options.region}: ${bad.join(', ')}`);
          return rest.length > 0 ? (await load(rest)).InstanceTypes : [];
        }
      }),
    );
    return results.flat();
  }

  async run(): Promise<LoadResult> {
    const [ec2, eks] = await Promise.all([this.ec2Pages(), this.eksState()]);
    const wanted = this.options.clusters && this.options.clusters.length > 0 ? new Set(this.options.clusters) : null;
    const clusterNames = new Set(eks.clusters.map((cluster) => cluster.name));

    const allInstances: Instance[] = ec2.instances.Reservations.flatMap((reservation) => reservation.Instances ?? []);
    const liveInstances = allInstances.filter((instance) => instance.State?.Name !== 'terminated');
    const nodeInstances = liveInstances.filter((instance) => {
      const cluster = nodeClusterOf(instance);
      return cluster !== undefined && (wanted === null || wanted.has(cluster) || clusterNames.has(cluster));
    });

    // Second wave: what the first one names.
    const asgNames = new Set<string>();
    for (const nodegroup of eks.nodegroups) {
      for (const asg of nodegroup.resources?.autoScalingGroups ?? []) if (asg.name) asgNames.add(asg.name);
    }
    for (const instance of nodeInstances) {
      const asg = tagValue(instance, 'aws:autoscaling:groupName');
      if (asg) asgNames.add(asg);
    }
    const prefixListIds = referencedPrefixLists(ec2.groups.SecurityGroups, ec2.rules.SecurityGroupRules);
    const subnetIds = new Set<string>();
    for (const cluster of eks.clusters) for (const id of cluster.resourcesVpcConfig?.subnetIds ?? []) subnetIds.add(id);
    for (const nodegroup of eks.nodegroups) for (const id of nodegroup.subnets ?? []) subnetIds.add(id);
    for (const instance of nodeInstances) {
      if (instance.SubnetId) subnetIds.add(instance.SubnetId);
      for (const eni of instance.NetworkInterfaces ?? []) if (eni.SubnetId) subnetIds.add(eni.SubnetId);
    }

    const [asgs, prefixLists, reservations] = await Promise.all([
      asgNames.size > 0 ? this.autoScalingGroups([...asgNames].sort()) : Promise.resolve([]),
      this.prefixLists(prefixListIds),
      this.subnetCidrReservations([...subnetIds].sort()),
    ]);

    // Third wave: launch templates of nodes, node groups and their ASGs.
    const templates = new TemplateRefs();
    for (const nodegroup of eks.nodegroups) {
      const lt = nodegroup.launchTemplate;
      if (lt) templates.add(lt.id, lt.name, lt.version);
    }
    for (const asg of asgs) {
      const lt = asg.LaunchTemplate;
      if (lt) templates.add(lt.LaunchTemplateId, lt.LaunchTemplateName, lt.Version);
      const mixed = asg.MixedInstancesPolicy?.LaunchTemplate;
      const spec = mixed?.LaunchTemplateSpecification;
      if (spec) templates.add(spec.LaunchTemplateId, spec.LaunchTemplateName, spec.Version);
      for (const override of mixed?.Overrides ?? []) {
        const o = override.LaunchTemplateSpecification;
        if (o) templates.add(o.LaunchTemplateId, o.LaunchTemplateName, o.Version);
      }
    }
    for (const instance of nodeInstances) {
      const id = tagValue(instance, 'aws:ec2launchtemplate:id');
      if (id) templates.add(id, undefined, tagValue(instance, 'aws:ec2launchtemplate:version'));
    }
    const templateVersions = await this.launchTemplateVersions([...templates.byKey.values()]);

    // Fourth wave: the instance types in use anywhere above.
    const typeNames = new Set<string>();
    for (const instance of liveInstances) if (instance.InstanceType) typeNames.add(instance.InstanceType);
    for (const nodegroup of eks.nodegroups) for (const type of nodegroup.instanceTypes ?? []) typeNames.add(type);
    for (const version of templateVersions) {
      const type = version.LaunchTemplateData?.InstanceType;
      if (type) typeNames.add(type);
    }
    for (const asg of asgs) {
      for (const override of asg.MixedInstancesPolicy?.LaunchTemplate?.Overrides ?? []) {
        if (override.InstanceType) typeNames.add(override.InstanceType);
      }
    }
    const instanceTypes = typeNames.size > 0 ? await this.instanceTypes([...typeNames].sort()) : [];

    const account =
      this.options.account ??
      ec2.instances.Reservations.find((reservation: Reservation) => reservation.OwnerId)?.OwnerId ??
      ec2.groups.SecurityGroups.find((group) => group.OwnerId)?.OwnerId;

    const snapshot: Snapshot = toSnapshotJson({
      ...(account ? { account } : {}),
      region: this.options.region,
      DescribeVpcs: { Vpcs: ec2.vpcs.Vpcs },
      DescribeSubnets: { Subnets: ec2.subnets.Subnets },
      DescribeSecurityGroups: { SecurityGroups: ec2.groups.SecurityGroups },
      DescribeSecurityGroupRules: { SecurityGroupRules: ec2.rules.SecurityGroupRules },
      DescribeNetworkInterfaces: { NetworkInterfaces: ec2.enis.NetworkInterfaces },
      DescribeInstances: { Reservations: ec2.instances.Reservations },
      DescribeInstanceTypes: { InstanceTypes: instanceTypes },
      DescribeLaunchTemplateVersions: { LaunchTemplateVersions: reduceLaunchTemplateUserData(templateVersions) },
      DescribeAutoScalingGroups: { AutoScalingGroups: asgs },
      DescribeSubnetCidrReservations: reservations,
      GetManagedPrefixListEntries: prefixLists,
      DescribeCluster: eks.clusters.map((cluster: Cluster) => ({ cluster })),
      DescribeNodegroup: eks.nodegroups.map((nodegroup: Nodegroup) => ({ nodegroup })),
      DescribeAddon: eks.addons.map((addon: Addon) => ({ addon })),
    });
    const total = Object.values(this.calls).reduce((sum, n) => sum + n, 0);
    this.progress(`done: ${total} call(s)`);
    return { snapshot, calls: { ...this.calls }, warnings: [...this.warnings] };
  }
}

/** Prefix list ids referenced by security group rules (both the rule list and the groups' permissions), sorted. */
export function referencedPrefixLists(groups: SecurityGroup[], rules: SecurityGroupRule[]): string[] {
  const ids = new Set<string>();
  for (const rule of rules) if (rule.PrefixListId) ids.add(rule.PrefixListId);
  for (const group of groups) {
    for (const permission of [...(group.IpPermissions ?? []), ...(group.IpPermissionsEgress ?? [])]) {
      for (const list of permission.PrefixListIds ?? []) if (list.PrefixListId) ids.add(list.PrefixListId);
    }
  }
  return [...ids].sort();
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
export function loadFullSnapshot(clients: ClientSet, options: LoadFullOptions): Promise<LoadResult> {
  return new FullLoader(clients, options).run();
}
