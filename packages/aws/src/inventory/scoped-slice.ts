/**
 * What a scoped load has read so far, merged: the reads a scoped plan asks for go through the `AwsReader`, and the
 * slice keeps their answers for the snapshot (only the keys that were read) and for core's inventory, which the plans
 * ask the same questions the detectors will.
 */
import type {
  Filter,
  Instance,
  NetworkInterface,
  PrefixListEntry,
  SecurityGroup,
  SecurityGroupRule,
  Subnet,
  Vpc,
} from '@aws-sdk/client-ec2';
import type { Cluster } from '@aws-sdk/client-eks';
import {
  buildInventory,
  type CloudTrailEvent,
  type Inventory,
  KUBERNETES_CLUSTER_TAG_PREFIX,
  loadSnapshot,
  NODE_CLUSTER_TAGS,
  type Snapshot,
  type SnapshotKey,
} from '@podnet-guard/core';
import type { AwsReader } from './reader.ts';
import { toSnapshotJson } from './sanitize.ts';

/** EC2 `tag-key` filter values for instances that may be EKS nodes: core's tag keys, the cluster tag as a wildcard. */
const NODE_TAG_KEY_FILTER = [...NODE_CLUSTER_TAGS, `${KUBERNETES_CLUSTER_TAG_PREFIX}*`];
/** The instance states a node counts in. */
export const NODE_STATES = ['pending', 'running'];
const NODE_FILTERS: Filter[] = [
  { Name: 'instance-state-name', Values: NODE_STATES },
  { Name: 'tag-key', Values: NODE_TAG_KEY_FILTER },
];

function byId<T>(items: T[], id: (item: T) => string | undefined): T[] {
  const seen = new Map<string, T>();
  for (const item of items) {
    const key = id(item);
    if (key && !seen.has(key)) seen.set(key, item);
  }
  return [...seen.values()];
}

function instancesIn(reservations: { Instances?: Instance[] | undefined }[]): Instance[] {
  return reservations.flatMap((reservation) => reservation.Instances ?? []);
}

/** One scoped load's reads and what they answered. */
export class ScopedSlice {
  readonly groups: SecurityGroup[] = [];
  readonly rules: SecurityGroupRule[] = [];
  readonly enis: NetworkInterface[] = [];
  readonly instances: Instance[] = [];
  readonly vpcs: Vpc[] = [];
  readonly subnets: Subnet[] = [];
  readonly prefixLists: { PrefixListId: string; Entries: PrefixListEntry[] }[] = [];

  constructor(
    readonly reader: AwsReader,
    private readonly event: CloudTrailEvent,
    /** What the rules that judge the event read: a plan skips a step no such rule needs. */
    private readonly wanted: ReadonlySet<SnapshotKey>,
  ) {}

  /** True when a rule that judges the event reads this key. */
  wants(key: SnapshotKey): boolean {
    return this.wanted.has(key);
  }

  async securityGroups(filter: 'group-id' | 'group-name', values: string[]): Promise<SecurityGroup[]> {
    const found = await this.reader.securityGroups({ filter, values });
    this.groups.push(...found);
    return found;
  }

  async securityGroupRules(groupIds: string[]): Promise<SecurityGroupRule[]> {
    const found = await this.reader.securityGroupRules({ filter: 'group-id', values: groupIds });
    this.rules.push(...found);
    return found;
  }

  async networkInterfacesBy(filter: string, values: string[]): Promise<NetworkInterface[]> {
    const found = await this.reader.networkInterfaces({ filter, values });
    this.enis.push(...found);
    return found;
  }

  /** ENIs by id; an ENI deleted since the event reads as none. */
  async networkInterfacesById(ids: string[]): Promise<NetworkInterface[]> {
    const found = await this.reader.networkInterfaces({ ids });
    this.enis.push(...found);
    return found;
  }

  /** Instances by id; an id that no longer exists reads as none. */
  async instancesById(ids: string[]): Promise<Instance[]> {
    const found = instancesIn(await this.reader.reservations({ ids }));
    this.instances.push(...found);
    return found;
  }

  /** The pending and running EKS nodes of these VPCs, by their cluster tags (server-side filters). */
  async nodesOfVpcs(vpcIds: string[]): Promise<Instance[]> {
    const found = instancesIn(await this.reader.reservations({ filter: 'vpc-id', values: vpcIds, also: NODE_FILTERS }));
    this.instances.push(...found);
    return found;
  }

  async vpcsById(ids: string[]): Promise<void> {
    this.vpcs.push(...(await this.reader.vpcs({ ids })));
  }

  async subnetsById(ids: string[]): Promise<void> {
    this.subnets.push(...(await this.reader.subnets({ ids })));
  }

  /** Prefix lists' entries; a list that no longer exists leaves no entry (its CIDRs unknown, not judged). */
  async prefixListEntries(ids: string[]): Promise<void> {
    await Promise.all(
      ids.map(async (PrefixListId) => {
        const Entries = await this.reader.prefixListEntries(PrefixListId);
        if (Entries) this.prefixLists.push({ PrefixListId, Entries });
      }),
    );
    this.prefixLists.sort((a, b) => a.PrefixListId.localeCompare(b.PrefixListId));
  }

  /** DescribeCluster once per name; a cluster deleted since reads as none. */
  cluster(name: string): Promise<Cluster | undefined> {
    return this.reader.cluster(name);
  }

  async clusters(names: string[]): Promise<void> {
    await Promise.all(names.map((name) => this.reader.cluster(name)));
  }

  /** The snapshot of what was read, with only the keys that were read. */
  async snapshot(): Promise<Snapshot> {
    const read = (operation: string) => this.reader.callsOf(operation) > 0;
    const clusters = await this.reader.clustersRead();
    const instances = byId(this.instances, (instance) => instance.InstanceId);
    return toSnapshotJson({
      account: this.event.account,
      region: this.event.region,
      ...(read('DescribeVpcs') ? { DescribeVpcs: { Vpcs: byId(this.vpcs, (vpc) => vpc.VpcId) } } : {}),
      ...(read('DescribeSubnets') ? { DescribeSubnets: { Subnets: byId(this.subnets, (s) => s.SubnetId) } } : {}),
      ...(read('DescribeSecurityGroups')
        ? { DescribeSecurityGroups: { SecurityGroups: byId(this.groups, (group) => group.GroupId) } }
        : {}),
      ...(read('DescribeSecurityGroupRules')
        ? { DescribeSecurityGroupRules: { SecurityGroupRules: byId(this.rules, (rule) => rule.SecurityGroupRuleId) } }
        : {}),
      ...(read('DescribeNetworkInterfaces')
        ? { DescribeNetworkInterfaces: { NetworkInterfaces: byId(this.enis, (eni) => eni.NetworkInterfaceId) } }
        : {}),
      // One reservation per instance: the plans read instances, not reservations.
      ...(read('DescribeInstances')
        ? { DescribeInstances: { Reservations: instances.map((instance) => ({ Instances: [instance] })) } }
        : {}),
      ...(read('GetManagedPrefixListEntries') ? { GetManagedPrefixListEntries: this.prefixLists } : {}),
      ...(read('DescribeCluster') ? { DescribeCluster: clusters.map((cluster) => ({ cluster })) } : {}),
    }) as Snapshot;
  }

  /** Core's inventory over what has been read so far: the plans ask it the same questions the detectors will. */
  async inventory(): Promise<Inventory> {
    return buildInventory(loadSnapshot(await this.snapshot()));
  }
}
