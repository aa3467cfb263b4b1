/**
 * The one AWS reader: every inventory read, full or scoped, goes through an `AwsReader`, whose methods are the reads
 * that exist (an EC2 collection by query, a prefix list, a cluster, …). How each read is made (paging, chunking,
 * counting, not-found, errors, concurrency) is `ReadCalls` (read-calls.ts). The full and scoped plans only say what
 * to read.
 */
import { type AutoScalingGroup, paginateDescribeAutoScalingGroups } from '@aws-sdk/client-auto-scaling';
import {
  type _InstanceType,
  GetSubnetCidrReservationsCommand,
  type GetSubnetCidrReservationsCommandOutput,
  type InstanceTypeInfo,
  type LaunchTemplateVersion,
  type NetworkInterface,
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
  type Subnet,
  type SubnetCidrReservation,
  type Vpc,
} from '@aws-sdk/client-ec2';
import {
  type Addon,
  type Cluster,
  DescribeAddonCommand,
  DescribeClusterCommand,
  DescribeNodegroupCommand,
  type Nodegroup,
  paginateListClusters,
  paginateListNodegroups,
} from '@aws-sdk/client-eks';
import { chunk } from '@podnet-guard/core';
import { InventoryLoadError } from '../errors.ts';
import { ASG_NAMES_PER_CALL, INSTANCE_TYPES_PER_CALL, PAGE_SIZE } from '../page-sizes.ts';
import { type Ec2Query, followNextToken, NOT_FOUND, ReadCalls } from './read-calls.ts';

export {
  DEFAULT_CONCURRENCY,
  type Ec2Query,
  FILTER_VALUES_PER_CALL,
  NOT_FOUND,
  type ReaderOptions,
  totalCalls,
} from './read-calls.ts';

/** A launch template, by id when known, else by name. */
export type TemplateKey = { id: string; name?: undefined } | { id?: undefined; name: string };

/** Reads AWS for one load; one reader per load, so its call counts are that load's. */
export class AwsReader extends ReadCalls {
  private readonly clusterReads = new Map<string, Promise<Cluster | undefined>>();

  vpcs(query: Ec2Query): Promise<Vpc[]> {
    const spec = { operation: 'DescribeVpcs', idsField: 'VpcIds', paginate: paginateDescribeVpcs } as const;
    return this.collection({ ...spec, items: (page) => page.Vpcs }, query);
  }

  subnets(query: Ec2Query): Promise<Subnet[]> {
    const spec = { operation: 'DescribeSubnets', idsField: 'SubnetIds', paginate: paginateDescribeSubnets } as const;
    return this.collection({ ...spec, items: (page) => page.Subnets }, query);
  }

  securityGroups(query: Ec2Query): Promise<SecurityGroup[]> {
    const spec = {
      operation: 'DescribeSecurityGroups',
      idsField: 'GroupIds',
      paginate: paginateDescribeSecurityGroups,
    } as const;
    return this.collection({ ...spec, items: (page) => page.SecurityGroups }, query);
  }

  securityGroupRules(query: Ec2Query): Promise<SecurityGroupRule[]> {
    const spec = {
      operation: 'DescribeSecurityGroupRules',
      idsField: 'SecurityGroupRuleIds',
      paginate: paginateDescribeSecurityGroupRules,
    } as const;
    return this.collection({ ...spec, items: (page) => page.SecurityGroupRules }, query);
  }

  networkInterfaces(query: Ec2Query): Promise<NetworkInterface[]> {
    const spec = {
      operation: 'DescribeNetworkInterfaces',
      idsField: 'NetworkInterfaceIds',
      paginate: paginateDescribeNetworkInterfaces,
    } as const;
    return this.collection({ ...spec, items: (page) => page.NetworkInterfaces }, query);
  }

  /** DescribeInstances answers reservations (their `OwnerId` names the account). */
  reservations(query: Ec2Query): Promise<Reservation[]> {
    const spec = {
      operation: 'DescribeInstances',
      idsField: 'InstanceIds',
      paginate: paginateDescribeInstances,
    } as const;
    return this.collection({ ...spec, items: (page) => page.Reservations }, query);
  }

  /** A managed prefix list's entries; undefined when the list no longer exists. */
  prefixListEntries(PrefixListId: string): Promise<PrefixListEntry[] | undefined> {
    const client = this.ec2;
    const pageSize = PAGE_SIZE.GetManagedPrefixListEntries;
    return this.pages(
      'GetManagedPrefixListEntries',
      () => paginateGetManagedPrefixListEntries({ client, pageSize }, { PrefixListId }),
      (page) => page.Entries,
      NOT_FOUND.GetManagedPrefixListEntries,
    );
  }

  /** The CIDR reservations of these subnets, merged as one `GetSubnetCidrReservations` answer; a deleted subnet has none. */
  async subnetCidrReservations(subnetIds: readonly string[]) {
    const perSubnet = await Promise.all(
      subnetIds.map((SubnetId) =>
        this.pages(
          'GetSubnetCidrReservations',
          () =>
            followNextToken((NextToken) =>
              this.ec2.send(
                new GetSubnetCidrReservationsCommand({
                  SubnetId,
                  MaxResults: PAGE_SIZE.GetSubnetCidrReservations,
                  ...(NextToken ? { NextToken } : {}),
                }),
              ),
            ),
          (page: GetSubnetCidrReservationsCommandOutput) => [page],
          NOT_FOUND.GetSubnetCidrReservations,
        ),
      ),
    );
    const pages = perSubnet.flatMap((part) => part ?? []);
    const ipv4: SubnetCidrReservation[] = pages.flatMap((page) => page.SubnetIpv4CidrReservations ?? []);
    const ipv6: SubnetCidrReservation[] = pages.flatMap((page) => page.SubnetIpv6CidrReservations ?? []);
    return { SubnetIpv4CidrReservations: ipv4, SubnetIpv6CidrReservations: ipv6 };
  }

  /**
   * These versions of one launch template; undefined when the template no longer exists.
   *
   * @throws InventoryLoadError with code `InvalidLaunchTemplateId.VersionNotFound` when a named version was deleted.
   */
  launchTemplateVersions(template: TemplateKey, versions: string[]): Promise<LaunchTemplateVersion[] | undefined> {
    const client = this.ec2;
    const pageSize = PAGE_SIZE.DescribeLaunchTemplateVersions;
    const named = template.id ? { LaunchTemplateId: template.id } : { LaunchTemplateName: template.name };
    return this.pages(
      'DescribeLaunchTemplateVersions',
      () => paginateDescribeLaunchTemplateVersions({ client, pageSize }, { ...named, Versions: versions }),
      (page) => page.LaunchTemplateVersions,
      NOT_FOUND.DescribeLaunchTemplateVersions,
    );
  }

  /**
   * These instance types, in calls of up to 100 names. EC2 refuses a whole call for one name it does not know and
   * lists the culprits: that call is sent once more without them, and they are returned as `unknown`.
   */
  async instanceTypes(names: readonly string[]): Promise<{ types: InstanceTypeInfo[]; unknown: string[] }> {
    const parts = await Promise.all(chunk(names, INSTANCE_TYPES_PER_CALL).map((part) => this.instanceTypesOf(part)));
    return { types: parts.flatMap((part) => part.types), unknown: parts.flatMap((part) => part.unknown) };
  }

  private async instanceTypesOf(names: string[]): Promise<{ types: InstanceTypeInfo[]; unknown: string[] }> {
    const client = this.ec2;
    const pageSize = PAGE_SIZE.DescribeInstanceTypes;
    const read = async (InstanceTypes: string[]) =>
      (await this.pages(
        'DescribeInstanceTypes',
        () => paginateDescribeInstanceTypes({ client, pageSize }, { InstanceTypes: InstanceTypes as _InstanceType[] }),
        (page) => page.InstanceTypes,
      )) ?? [];
    try {
      return { types: await read(names), unknown: [] };
    } catch (error) {
      if (!(error instanceof InventoryLoadError) || error.code !== 'InvalidInstanceType') throw error;
      const message = (error.cause as { message?: string } | undefined)?.message ?? '';
      const unknown = names.filter((name) => message.includes(name));
      if (unknown.length === 0) throw error;
      const rest = names.filter((name) => !unknown.includes(name));
      return { types: rest.length > 0 ? await read(rest) : [], unknown };
    }
  }

  /** Auto Scaling groups by name, up to 50 names per call. */
  async autoScalingGroups(names: readonly string[]): Promise<AutoScalingGroup[]> {
    const client = this.autoscaling;
    const pageSize = PAGE_SIZE.DescribeAutoScalingGroups;
    const parts = await Promise.all(
      chunk(names, ASG_NAMES_PER_CALL).map((AutoScalingGroupNames) =>
        this.pages(
          'DescribeAutoScalingGroups',
          () => paginateDescribeAutoScalingGroups({ client, pageSize }, { AutoScalingGroupNames }),
          (page) => page.AutoScalingGroups,
        ),
      ),
    );
    return parts.flatMap((part) => part ?? []);
  }

  /** The region's EKS cluster names. */
  async clusterNames(): Promise<string[]> {
    const client = this.eks;
    const pageSize = PAGE_SIZE.ListClusters;
    return (
      (await this.pages(
        'ListClusters',
        () => paginateListClusters({ client, pageSize }, {}),
        (page) => page.clusters,
      )) ?? []
    );
  }

  /** One EKS cluster, read once per reader however often it is asked for; undefined when it no longer exists. */
  cluster(name: string): Promise<Cluster | undefined> {
    let read = this.clusterReads.get(name);
    if (!read) {
      read = this.single(
        'DescribeCluster',
        () => this.eks.send(new DescribeClusterCommand({ name })),
        NOT_FOUND.eks,
      ).then((out) => out?.cluster);
      this.clusterReads.set(name, read);
    }
    return read;
  }

  /** Every cluster asked for so far, in the order first asked, without those that no longer exist. */
  async clustersRead(): Promise<Cluster[]> {
    const clusters = await Promise.all(this.clusterReads.values());
    return clusters.filter((cluster): cluster is Cluster => cluster !== undefined);
  }

  /** A cluster's node group names; none when the cluster no longer exists. */
  async nodegroupNames(clusterName: string): Promise<string[]> {
    const client = this.eks;
    const pageSize = PAGE_SIZE.ListNodegroups;
    const names = await this.pages(
      'ListNodegroups',
      () => paginateListNodegroups({ client, pageSize }, { clusterName }),
      (page) => page.nodegroups,
      NOT_FOUND.eks,
    );
    return names ?? [];
  }

  /** One managed node group; undefined when it no longer exists. */
  async nodegroup(clusterName: string, nodegroupName: string): Promise<Nodegroup | undefined> {
    const command = new DescribeNodegroupCommand({ clusterName, nodegroupName });
    return (await this.single('DescribeNodegroup', () => this.eks.send(command), NOT_FOUND.eks))?.nodegroup;
  }

  /** One add-on of a cluster; undefined when it is not installed (one call instead of ListAddons first). */
  async addon(clusterName: string, addonName: string): Promise<Addon | undefined> {
    const command = new DescribeAddonCommand({ clusterName, addonName });
    return (await this.single('DescribeAddon', () => this.eks.send(command), NOT_FOUND.eks))?.addon;
  }
}
