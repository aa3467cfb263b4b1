/**
 * A small EC2/EKS that answers from a snapshot (`events/inventory/sample-account.json` by default), through
 * aws-sdk-client-mock: ids and server-side filters are applied as AWS does (unknown ids fail with
 * `InvalidXxx.NotFound`, ids with `MaxResults` fail with `InvalidParameterCombination`). Used by the scoped-loading
 * tests, the function tests and the bench.
 */
import { readFileSync } from 'node:fs';
import {
  type ServiceInputTypes as AsgInput,
  type ServiceOutputTypes as AsgOutput,
  type AutoScalingClientResolvedConfig,
  DescribeAutoScalingGroupsCommand,
} from '@aws-sdk/client-auto-scaling';
import {
  DescribeInstancesCommand,
  DescribeInstanceTypesCommand,
  DescribeLaunchTemplateVersionsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  type EC2ClientResolvedConfig,
  GetManagedPrefixListEntriesCommand,
  GetSubnetCidrReservationsCommand,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from '@aws-sdk/client-ec2';
import {
  DescribeAddonCommand,
  DescribeClusterCommand,
  DescribeNodegroupCommand,
  type EKSClientResolvedConfig,
  type ServiceInputTypes as EksInput,
  type ServiceOutputTypes as EksOutput,
  ListClustersCommand,
  ListNodegroupsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-eks';
import type { AwsStub } from 'aws-sdk-client-mock';

export type Item = Record<string, unknown> & { Tags?: Tag[]; TagSet?: Tag[] };
export type Tag = { Key: string; Value: string };
export interface SampleAccount {
  account: string;
  region: string;
  DescribeVpcs: { Vpcs: Item[] };
  DescribeSubnets: { Subnets: Item[] };
  DescribeSecurityGroups: { SecurityGroups: Item[] };
  DescribeSecurityGroupRules: { SecurityGroupRules: Item[] };
  DescribeNetworkInterfaces: { NetworkInterfaces: Item[] };
  DescribeInstances: { Reservations: { Instances: Item[] }[] };
  GetManagedPrefixListEntries: { PrefixListId: string; Entries: unknown[] }[];
  DescribeCluster: { cluster: { name: string } }[];
  [key: string]: unknown;
}

/** A fresh copy of the sample account snapshot. */
export function sampleAccountSnapshot(): SampleAccount {
  return JSON.parse(
    readFileSync(new URL('../../events/inventory/sample-account.json', import.meta.url), 'utf8'),
  ) as SampleAccount;
}

type Ec2Mock = AwsStub<ServiceInputTypes, ServiceOutputTypes, EC2ClientResolvedConfig>;
type EksMock = AwsStub<EksInput, EksOutput, EKSClientResolvedConfig>;

export function awsError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: 400 } });
}

type Fields = Record<string, (item: Item) => (string | undefined)[]>;

const tagsOf = (item: Item) => item.Tags ?? item.TagSet ?? [];
const wildcard = (pattern: string) =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);

/** Applies `Filters` as EC2 does: values of one filter OR, filters AND, `*` wildcards. */
function filterItems(items: Item[], filters: { Name?: string; Values?: string[] }[] | undefined, fields: Fields) {
  return items.filter((item) =>
    (filters ?? []).every((filter) => {
      const name = filter.Name ?? '';
      let actual: (string | undefined)[];
      if (name.startsWith('tag:'))
        actual = tagsOf(item)
          .filter((t) => t.Key === name.slice(4))
          .map((t) => t.Value);
      else if (name === 'tag-key') actual = tagsOf(item).map((t) => t.Key);
      else {
        const field = fields[name];
        if (!field) throw awsError('InvalidParameterValue', `The filter '${name}' is invalid`);
        actual = field(item);
      }
      return (filter.Values ?? []).some((value) => actual.some((a) => a !== undefined && wildcard(value).test(a)));
    }),
  );
}

/** Resolves ids like EC2: every id must exist; ids and `MaxResults` together are refused. */
function byIds(items: Item[], idKey: string, ids: string[] | undefined, input: object, notFound: string): Item[] {
  if (!ids?.length) return items;
  if ('MaxResults' in input && (input as { MaxResults?: unknown }).MaxResults !== undefined)
    throw awsError('InvalidParameterCombination', 'The parameter ids cannot be used with the parameter maxResults');
  const missing = ids.filter((id) => !items.some((item) => item[idKey] === id));
  if (missing.length > 0) throw awsError(notFound, `The ${idKey} '${missing.join(', ')}' does not exist`);
  return items.filter((item) => ids.includes(item[idKey] as string));
}

const instancesOf = (world: SampleAccount) => world.DescribeInstances.Reservations.flatMap((r) => r.Instances);

/** Answers EC2 and EKS describe calls from `world`. */
export function serveSnapshot(world: SampleAccount, ec2: Ec2Mock, eks: EksMock): void {
  ec2.on(DescribeSecurityGroupsCommand).callsFake((input) => ({
    SecurityGroups: filterItems(
      byIds(world.DescribeSecurityGroups.SecurityGroups, 'GroupId', input.GroupIds, input, 'InvalidGroup.NotFound'),
      input.Filters,
      { 'group-id': (g) => [g.GroupId as string], 'group-name': (g) => [g.GroupName as string] },
    ),
  }));
  ec2.on(DescribeSecurityGroupRulesCommand).callsFake((input) => ({
    SecurityGroupRules: filterItems(world.DescribeSecurityGroupRules.SecurityGroupRules, input.Filters, {
      'group-id': (r) => [r.GroupId as string],
    }),
  }));
  ec2.on(DescribeNetworkInterfacesCommand).callsFake((input) => ({
    NetworkInterfaces: filterItems(
      byIds(
        world.DescribeNetworkInterfaces.NetworkInterfaces,
        'NetworkInterfaceId',
        input.NetworkInterfaceIds,
        input,
        'InvalidNetworkInterfaceID.NotFound',
      ),
      input.Filters,
      {
        'group-id': (eni) => ((eni.Groups as { GroupId: string }[]) ?? []).map((g) => g.GroupId),
        'attachment.instance-id': (eni) => [(eni.Attachment as { InstanceId?: string } | undefined)?.InstanceId],
      },
    ),
  }));
  ec2.on(DescribeInstancesCommand).callsFake((input) => {
    const found = filterItems(
      byIds(instancesOf(world), 'InstanceId', input.InstanceIds, input, 'InvalidInstanceID.NotFound'),
      input.Filters,
      {
        'vpc-id': (i) => [i.VpcId as string],
        'instance-state-name': (i) => [(i.State as { Name: string }).Name],
      },
    );
    return { Reservations: found.map((instance) => ({ OwnerId: world.account, Instances: [instance] })) };
  });
  ec2.on(DescribeVpcsCommand).callsFake((input) => ({
    Vpcs: byIds(world.DescribeVpcs.Vpcs, 'VpcId', input.VpcIds, input, 'InvalidVpcID.NotFound'),
  }));
  ec2.on(DescribeSubnetsCommand).callsFake((input) => ({
    Subnets: byIds(world.DescribeSubnets.Subnets, 'SubnetId', input.SubnetIds, input, 'InvalidSubnetID.NotFound'),
  }));
  ec2.on(GetManagedPrefixListEntriesCommand).callsFake((input) => {
    const list = world.GetManagedPrefixListEntries.find((entry) => entry.PrefixListId === input.PrefixListId);
    if (!list)
      throw awsError('InvalidPrefixListID.NotFound', `The prefix list ID '${input.PrefixListId}' does not exist`);
    return { Entries: list.Entries };
  });
  eks.on(DescribeClusterCommand).callsFake((input) => {
    const found = world.DescribeCluster.find((entry) => entry.cluster.name === input.name);
    if (!found) throw new ResourceNotFoundException({ message: 'No cluster found', $metadata: {} });
    return found;
  });
}

type AutoScalingMock = AwsStub<AsgInput, AsgOutput, AutoScalingClientResolvedConfig>;

/**
 * Answers everything the full loader reads as well (EKS lists, node groups, add-ons, instance types, launch templates,
 * CIDR reservations, Auto Scaling groups), so events without a scoped plan and scans run against the sample account.
 */
export function serveFullSnapshot(
  world: SampleAccount,
  ec2: Ec2Mock,
  eks: EksMock,
  autoscaling: AutoScalingMock,
): void {
  serveSnapshot(world, ec2, eks);
  const list = <T>(key: string): T[] => (world[key] as T[] | undefined) ?? [];
  const field = <T>(key: string, inner: string): T[] => (world[key] as Record<string, T[]> | undefined)?.[inner] ?? [];
  ec2.on(DescribeInstanceTypesCommand).callsFake((input) => ({
    InstanceTypes: field<Item>('DescribeInstanceTypes', 'InstanceTypes').filter(
      (type) => !input.InstanceTypes?.length || input.InstanceTypes.includes(type.InstanceType as never),
    ),
  }));
  ec2.on(DescribeLaunchTemplateVersionsCommand).callsFake(() => ({
    LaunchTemplateVersions: field<Item>('DescribeLaunchTemplateVersions', 'LaunchTemplateVersions'),
  }));
  ec2.on(GetSubnetCidrReservationsCommand).callsFake((input) => {
    const reservations = (world.DescribeSubnetCidrReservations ?? {}) as Record<string, Item[] | undefined>;
    const ofSubnet = (items: Item[] | undefined) => (items ?? []).filter((item) => item.SubnetId === input.SubnetId);
    return {
      SubnetIpv4CidrReservations: ofSubnet(reservations.SubnetIpv4CidrReservations),
      SubnetIpv6CidrReservations: ofSubnet(reservations.SubnetIpv6CidrReservations),
    };
  });
  eks
    .on(ListClustersCommand)
    .callsFake(() => ({ clusters: list<{ cluster: { name: string } }>('DescribeCluster').map((c) => c.cluster.name) }));
  eks.on(ListNodegroupsCommand).callsFake((input) => ({
    nodegroups: list<{ nodegroup: { clusterName: string; nodegroupName: string } }>('DescribeNodegroup')
      .filter((entry) => entry.nodegroup.clusterName === input.clusterName)
      .map((entry) => entry.nodegroup.nodegroupName),
  }));
  eks.on(DescribeNodegroupCommand).callsFake((input) => {
    const found = list<{ nodegroup: { clusterName: string; nodegroupName: string } }>('DescribeNodegroup').find(
      (entry) =>
        entry.nodegroup.clusterName === input.clusterName && entry.nodegroup.nodegroupName === input.nodegroupName,
    );
    if (!found) throw new ResourceNotFoundException({ message: 'No node group found', $metadata: {} });
    return found;
  });
  eks.on(DescribeAddonCommand).callsFake((input) => {
    const found = list<{ addon: { clusterName: string; addonName: string } }>('DescribeAddon').find(
      (entry) => entry.addon.clusterName === input.clusterName && entry.addon.addonName === input.addonName,
    );
    if (!found) throw new ResourceNotFoundException({ message: 'No addon found', $metadata: {} });
    return found;
  });
  autoscaling.on(DescribeAutoScalingGroupsCommand).callsFake((input) => ({
    AutoScalingGroups: field<Item>('DescribeAutoScalingGroups', 'AutoScalingGroups').filter(
      (group) =>
        !input.AutoScalingGroupNames?.length ||
        input.AutoScalingGroupNames.includes(group.AutoScalingGroupName as string),
    ),
  }));
}
