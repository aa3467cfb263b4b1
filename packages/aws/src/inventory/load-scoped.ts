/**
 * Scoped inventory loading: the slice of one region's inventory that a CloudTrail event needs, in as few AWS calls
 * as answer it. The slice is a snapshot like the full loader's (same keys, same shapes), with the keys it did not load
 * left out, so core reports those facts as unknown rather than as "none".
 *
 * Plans (calls per operation in the README's call budget):
 * - SG events (`sg-rules-authorized`, `sg-rules-revoked`, `sg-rules-modified`, `sg-deleted`): the group and the SGs
 *   its rules reference (1× DescribeSecurityGroups, 1× DescribeSecurityGroupRules, 1× DescribeNetworkInterfaces, all
 *   by `group-id` filter). When no ENI of those SGs sits on an instance, none is a trunk ENI and none is an EKS cluster
 *   SG, no node is involved: stop. Otherwise the instances behind the ENIs (DescribeInstances by id), the branch ENIs
 *   of their trunk ENIs (SGP pods), the clusters the nodes and the cluster SG name (DescribeCluster each), and, only
 *   when the event judges CIDRs on a node SG, DescribeVpcs and the prefix lists its rules name.
 * - A data-store SG given a CIDR (the `pod-cidr-granted-to-data-store` rule): the EKS nodes of the SG's VPC (by tag
 *   filter), all their ENIs, their clusters, and the subnets of all of those.
 * - `eni-groups-changed` / `instance-groups-changed`: the ENI or instance, the new groups with their rules and ENIs,
 *   the instances behind them, and the node's cluster.
 *
 * Known gaps (the full inventory, which a sweep reads, covers them): an SG that only a launch template of nodes carries
 * (no node running with it) is not seen as a node SG; node groups' own subnets without nodes are not read; SGs and
 * nodes in other VPCs than the target's are not searched for the pod-CIDR rule.
 */
import {
  DescribeInstancesCommand,
  type DescribeInstancesCommandOutput,
  DescribeNetworkInterfacesCommand,
  type DescribeNetworkInterfacesCommandOutput,
  DescribeSecurityGroupRulesCommand,
  type DescribeSecurityGroupRulesCommandOutput,
  DescribeSecurityGroupsCommand,
  type DescribeSecurityGroupsCommandOutput,
  DescribeSubnetsCommand,
  type DescribeSubnetsCommandOutput,
  DescribeVpcsCommand,
  type DescribeVpcsCommandOutput,
  type Filter,
  GetManagedPrefixListEntriesCommand,
  type GetManagedPrefixListEntriesCommandOutput,
  type Instance,
  type NetworkInterface,
  type PrefixListEntry,
  type SecurityGroup,
  type SecurityGroupRule,
  type Subnet,
  type Vpc,
} from '@aws-sdk/client-ec2';
import { type Cluster, DescribeClusterCommand } from '@aws-sdk/client-eks';
import {
  buildInventory,
  type CloudTrailEvent,
  type Inventory,
  isTrunkEni,
  KUBERNETES_CLUSTER_TAG_PREFIX,
  loadSnapshot,
  NODE_CLUSTER_TAGS,
  type RulePeer,
  type Snapshot,
  TRUNK_ENI_TAG,
} from '@podnet-guard/core';
import type { ClientSet } from '../clients.ts';
import { hasErrorCode, toInventoryLoadError } from '../errors.ts';
import { PAGE_SIZE } from '../page-sizes.ts';
import { nodeClusterOf } from './load-full.ts';
import { toSnapshotJson } from './sanitize.ts';

/** A scoped snapshot, the number of AWS calls it took, and those calls per operation (pages and failed calls too). */
export interface ScopedLoadResult {
  snapshot: Snapshot;
  calls: number;
  callsByOperation: Record<string, number>;
}

/** The event kinds `loadScopedSnapshotForEvent` has a plan for; any other kind reads the full inventory. */
export const SCOPED_EVENT_KINDS = [
  'sg-rules-authorized',
  'sg-rules-revoked',
  'sg-rules-modified',
  'sg-deleted',
  'eni-groups-changed',
  'instance-groups-changed',
] as const;

/**
 * Values per filter (and ids per call) sent at once. EC2 documents no higher guaranteed limit for filter values than
 * 200; a longer list is split, one call per 200.
 */
export const FILTER_VALUES_PER_CALL = 200;

/** EC2 `tag-key` filter values for instances that may be EKS nodes: core's tag keys, the cluster tag as a wildcard. */
const NODE_TAG_KEY_FILTER = [...NODE_CLUSTER_TAGS, `${KUBERNETES_CLUSTER_TAG_PREFIX}*`];
const NODE_STATES = ['pending', 'running'];
const CLUSTER_SG_PREFIX = 'eks-cluster-sg-';

type Paged = { NextToken?: string | undefined };

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function sortedUnique(values: Iterable<string | undefined>): string[] {
  return [...new Set([...values].filter((value): value is string => typeof value === 'string' && value !== ''))].sort();
}

function byId<T>(items: T[], id: (item: T) => string | undefined): T[] {
  const seen = new Map<string, T>();
  for (const item of items) {
    const key = id(item);
    if (key && !seen.has(key)) seen.set(key, item);
  }
  return [...seen.values()];
}

function tagValue(tags: { Key?: string | undefined; Value?: string | undefined }[] | undefined, key: string) {
  return tags?.find((tag) => tag.Key === key)?.Value;
}

/** One scoped load: counts calls per operation and maps SDK errors, like the full loader. */
class ScopedLoader {
  readonly calls: Record<string, number> = {};
  private readonly clusterCalls = new Map<string, Promise<Cluster | undefined>>();
  // What has been read so far, merged.
  readonly groups: SecurityGroup[] = [];
  readonly rules: SecurityGroupRule[] = [];
  readonly enis: NetworkInterface[] = [];
  readonly instances: Instance[] = [];
  readonly vpcs: Vpc[] = [];
  readonly subnets: Subnet[] = [];
  readonly prefixLists: { PrefixListId: string; Entries: PrefixListEntry[] }[] = [];

  constructor(
    private readonly clients: ClientSet,
    private readonly event: CloudTrailEvent,
  ) {}

  /**
   * Sends one request and follows `NextToken`; each page is one call. `notFound` codes (an id that no longer exists)
   * end the read with what was found, as "none".
   */
  private async pages<T extends Paged>(
    operation: string,
    send: (nextToken: string | undefined) => Promise<T>,
    notFound: string[] = [],
  ): Promise<T[]> {
    const out: T[] = [];
    let nextToken: string | undefined;
    do {
      this.calls[operation] = (this.calls[operation] ?? 0) + 1;
      let page: T;
      try {
        page = await send(nextToken);
      } catch (error) {
        if (notFound.length > 0 && hasErrorCode(error, ...notFound)) return out;
        throw toInventoryLoadError(operation, error);
      }
      out.push(page);
      nextToken = page.NextToken || undefined;
    } while (nextToken);
    return out;
  }

  /** Filtered reads page with the largest page size; `values` split per `FILTER_VALUES_PER_CALL`. */
  private filtered<T extends Paged>(
    operation: keyof typeof PAGE_SIZE,
    name: string,
    values: string[],
    send: (input: { Filters: Filter[]; MaxResults: number; NextToken?: string }) => Promise<T>,
    extra: Filter[] = [],
  ): Promise<T[]> {
    return Promise.all(
      chunk(values, FILTER_VALUES_PER_CALL).map((part) =>
        this.pages(operation, (NextToken) =>
          send({
            Filters: [{ Name: name, Values: part }, ...extra],
            MaxResults: PAGE_SIZE[operation],
            ...(NextToken ? { NextToken } : {}),
          }),
        ),
      ),
    ).then((parts) => parts.flat());
  }

  async securityGroups(name: 'group-id' | 'group-name', values: string[]): Promise<SecurityGroup[]> {
    if (values.length === 0) return [];
    const pages = await this.filtered<DescribeSecurityGroupsCommandOutput>(
      'DescribeSecurityGroups',
      name,
      values,
      (input) => this.clients.ec2.send(new DescribeSecurityGroupsCommand(input)),
    );
    const found = pages.flatMap((page) => page.SecurityGroups ?? []);
    this.groups.push(...found);
    return found;
  }

  async securityGroupRules(groupIds: string[]): Promise<SecurityGroupRule[]> {
    if (groupIds.length === 0) return [];
    const pages = await this.filtered<DescribeSecurityGroupRulesCommandOutput>(
      'DescribeSecurityGroupRules',
      'group-id',
      groupIds,
      (input) => this.clients.ec2.send(new DescribeSecurityGroupRulesCommand(input)),
    );
    const found = pages.flatMap((page) => page.SecurityGroupRules ?? []);
    this.rules.push(...found);
    return found;
  }

  async networkInterfacesBy(name: string, values: string[]): Promise<NetworkInterface[]> {
    if (values.length === 0) return [];
    const pages = await this.filtered<DescribeNetworkInterfacesCommandOutput>(
      'DescribeNetworkInterfaces',
      name,
      values,
      (input) => this.clients.ec2.send(new DescribeNetworkInterfacesCommand(input)),
    );
    const found = pages.flatMap((page) => page.NetworkInterfaces ?? []);
    this.enis.push(...found);
    return found;
  }

  /** ENIs by id: no `MaxResults` (EC2 refuses it with ids); an ENI deleted since the event reads as none. */
  async networkInterfacesById(ids: string[]): Promise<NetworkInterface[]> {
    const found: NetworkInterface[] = [];
    for (const part of chunk(ids, FILTER_VALUES_PER_CALL)) {
      const pages = await this.pages<DescribeNetworkInterfacesCommandOutput>(
        'DescribeNetworkInterfaces',
        (NextToken) =>
          this.clients.ec2.send(
            new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: part, ...(NextToken ? { NextToken } : {}) }),
          ),
        ['InvalidNetworkInterfaceID.NotFound'],
      );
      found.push(...pages.flatMap((page) => page.NetworkInterfaces ?? []));
    }
    this.enis.push(...found);
    return found;
  }

  /** Instances by id: no `MaxResults`; an id that no longer exists reads as none. */
  async instancesById(ids: string[]): Promise<Instance[]> {
    const found: Instance[] = [];
    for (const part of chunk(ids, FILTER_VALUES_PER_CALL)) {
      const pages = await this.pages<DescribeInstancesCommandOutput>(
        'DescribeInstances',
        (NextToken) =>
          this.clients.ec2.send(
            new DescribeInstancesCommand({ InstanceIds: part, ...(NextToken ? { NextToken } : {}) }),
          ),
        ['InvalidInstanceID.NotFound'],
      );
      found.push(...pages.flatMap((page) => (page.Reservations ?? []).flatMap((r) => r.Instances ?? [])));
    }
    this.instances.push(...found);
    return found;
  }

  /** The pending and running EKS nodes of a VPC, by their cluster tags (server-side filters). */
  async nodesOfVpc(vpcIds: string[]): Promise<Instance[]> {
    if (vpcIds.length === 0) return [];
    const pages = await this.filtered<DescribeInstancesCommandOutput>(
      'DescribeInstances',
      'vpc-id',
      vpcIds,
      (input) => this.clients.ec2.send(new DescribeInstancesCommand(input)),
      [
        { Name: 'instance-state-name', Values: NODE_STATES },
        { Name: 'tag-key', Values: NODE_TAG_KEY_FILTER },
      ],
    );
    const found = pages.flatMap((page) => (page.Reservations ?? []).flatMap((r) => r.Instances ?? []));
    this.instances.push(...found);
    return found;
  }

  async vpcsById(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const pages = await this.pages<DescribeVpcsCommandOutput>('DescribeVpcs', (NextToken) =>
      this.clients.ec2.send(new DescribeVpcsCommand({ VpcIds: ids, ...(NextToken ? { NextToken } : {}) })),
    );
    this.vpcs.push(...pages.flatMap((page) => page.Vpcs ?? []));
  }

  async subnetsById(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const pages = await this.pages<DescribeSubnetsCommandOutput>(
      'DescribeSubnets',
      (NextToken) =>
        this.clients.ec2.send(new DescribeSubnetsCommand({ SubnetIds: ids, ...(NextToken ? { NextToken } : {}) })),
      ['InvalidSubnetID.NotFound'],
    );
    this.subnets.push(...pages.flatMap((page) => page.Subnets ?? []));
  }

  async prefixListEntries(ids: string[]): Promise<void> {
    await Promise.all(
      ids.map(async (PrefixListId) => {
        const pages = await this.pages<GetManagedPrefixListEntriesCommandOutput>(
          'GetManagedPrefixListEntries',
          (NextToken) =>
            this.clients.ec2.send(
              new GetManagedPrefixListEntriesCommand({
                PrefixListId,
                MaxResults: PAGE_SIZE.GetManagedPrefixListEntries,
                ...(NextToken ? { NextToken } : {}),
              }),
            ),
          // A deleted or foreign list leaves no entry: its CIDRs stay unknown and the rule is not judged.
          ['InvalidPrefixListID.NotFound', 'InvalidPrefixListId.NotFound'],
        );
        if (pages.length > 0) this.prefixLists.push({ PrefixListId, Entries: pages.flatMap((p) => p.Entries ?? []) });
      }),
    );
    this.prefixLists.sort((a, b) => a.PrefixListId.localeCompare(b.PrefixListId));
  }

  /** DescribeCluster once per name; a cluster deleted since reads as none. */
  describeCluster(name: string): Promise<Cluster | undefined> {
    let call = this.clusterCalls.get(name);
    if (!call) {
      call = (async () => {
        this.calls.DescribeCluster = (this.calls.DescribeCluster ?? 0) + 1;
        try {
          return (await this.clients.eks.send(new DescribeClusterCommand({ name }))).cluster;
        } catch (error) {
          if (hasErrorCode(error, 'ResourceNotFoundException')) return undefined;
          throw toInventoryLoadError('DescribeCluster', error);
        }
      })();
      this.clusterCalls.set(name, call);
    }
    return call;
  }

  async clusters(names: string[]): Promise<void> {
    await Promise.all(names.map((name) => this.describeCluster(name)));
  }

  /** The snapshot of what was read, with only the keys that were read. */
  async snapshot(): Promise<Snapshot> {
    const has = (operation: string) => (this.calls[operation] ?? 0) > 0;
    const clusters = (await Promise.all([...this.clusterCalls.values()])).filter((c): c is Cluster => c !== undefined);
    const instances = byId(this.instances, (instance) => instance.InstanceId);
    return toSnapshotJson({
      account: this.event.account,
      region: this.event.region,
      ...(has('DescribeVpcs') ? { DescribeVpcs: { Vpcs: byId(this.vpcs, (vpc) => vpc.VpcId) } } : {}),
      ...(has('DescribeSubnets') ? { DescribeSubnets: { Subnets: byId(this.subnets, (s) => s.SubnetId) } } : {}),
      ...(has('DescribeSecurityGroups')
        ? { DescribeSecurityGroups: { SecurityGroups: byId(this.groups, (group) => group.GroupId) } }
        : {}),
      ...(has('DescribeSecurityGroupRules')
        ? { DescribeSecurityGroupRules: { SecurityGroupRules: byId(this.rules, (rule) => rule.SecurityGroupRuleId) } }
        : {}),
      ...(has('DescribeNetworkInterfaces')
        ? { DescribeNetworkInterfaces: { NetworkInterfaces: byId(this.enis, (eni) => eni.NetworkInterfaceId) } }
        : {}),
      // One reservation per instance: the loader reads instances, not reservations.
      ...(has('DescribeInstances')
        ? { DescribeInstances: { Reservations: instances.map((instance) => ({ Instances: [instance] })) } }
        : {}),
      ...(has('GetManagedPrefixListEntries') ? { GetManagedPrefixListEntries: this.prefixLists } : {}),
      ...(has('DescribeCluster') ? { DescribeCluster: clusters.map((cluster) => ({ cluster })) } : {}),
    }) as Snapshot;
  }

  /** Core's inventory over what has been read so far: the plans ask it the same questions the detectors will. */
  async inventory(): Promise<Inventory> {
    return buildInventory(loadSnapshot(await this.snapshot()));
  }
}

/** A rule as the plans see it: its peer only. */
interface PeerOnly {
  peer: RulePeer;
}

function livePeer(rule: SecurityGroupRule): RulePeer | undefined {
  if (rule.CidrIpv4) return { kind: 'ipv4', cidr: rule.CidrIpv4 };
  if (rule.CidrIpv6) return { kind: 'ipv6', cidr: rule.CidrIpv6 };
  if (rule.PrefixListId) return { kind: 'prefix-list', prefixListId: rule.PrefixListId };
  if (rule.ReferencedGroupInfo?.GroupId) return { kind: 'security-group', groupId: rule.ReferencedGroupInfo.GroupId };
  return undefined;
}

function livePeers(rules: SecurityGroupRule[]): PeerOnly[] {
  return rules.flatMap((rule) => {
    const peer = livePeer(rule);
    return peer ? [{ peer }] : [];
  });
}

function judgesCidrs(rules: PeerOnly[]): boolean {
  return rules.some((rule) => rule.peer.kind !== 'security-group');
}

function peerGroupIds(rules: PeerOnly[]): string[] {
  return sortedUnique(rules.map((rule) => (rule.peer.kind === 'security-group' ? rule.peer.groupId : undefined)));
}

function prefixListIds(rules: PeerOnly[]): string[] {
  return sortedUnique(rules.map((rule) => (rule.peer.kind === 'prefix-list' ? rule.peer.prefixListId : undefined)));
}

/** The event's rules (new or revoked values) and the target group, per SG event kind. */
function sgEventShape(event: CloudTrailEvent):
  | {
      groupId?: string;
      groupName?: string;
      rules: PeerOnly[];
      /** Rule ids whose values only live state knows (revoke by id; modify for the direction). */
      liveRuleIds: string[];
      /** Revokes judge what remains too. */
      judgesRemaining: boolean;
    }
  | undefined {
  const detail = event.detail;
  switch (detail.kind) {
    case 'sg-rules-authorized':
      return { ...target(detail), rules: detail.rules, liveRuleIds: [], judgesRemaining: false };
    case 'sg-rules-revoked':
      return { ...target(detail), rules: detail.rules, liveRuleIds: detail.ruleIds, judgesRemaining: true };
    case 'sg-rules-modified':
      return {
        groupId: detail.groupId,
        rules: detail.changes.map((change) => change.rule),
        liveRuleIds: [],
        judgesRemaining: false,
      };
    case 'sg-deleted':
      return { ...target(detail), rules: [], liveRuleIds: [], judgesRemaining: false };
    default:
      return undefined;
  }
}

function target(detail: { groupId?: string; groupName?: string }): { groupId?: string; groupName?: string } {
  return {
    ...(detail.groupId ? { groupId: detail.groupId } : {}),
    ...(detail.groupName ? { groupName: detail.groupName } : {}),
  };
}

/** Clusters an EKS cluster SG among `groups` belongs to (name `eks-cluster-sg-…`, tag `aws:eks:cluster-name`). */
function clusterSgClusters(groups: SecurityGroup[]): string[] {
  return sortedUnique(
    groups.map((group) =>
      group.GroupName?.startsWith(CLUSTER_SG_PREFIX) ? tagValue(group.Tags, 'aws:eks:cluster-name') : undefined,
    ),
  );
}

/** Core's trunk test on the SDK shape. */
function isTrunk(eni: NetworkInterface): boolean {
  return isTrunkEni({ interfaceType: eni.InterfaceType ?? '', description: eni.Description ?? '' });
}

function nodeClusters(instances: Instance[]): string[] {
  return sortedUnique(
    instances
      .filter((instance) => NODE_STATES.includes(instance.State?.Name ?? ''))
      .map((instance) => nodeClusterOf(instance)),
  );
}

/**
 * The nodes behind a set of ENIs: the instances they are attached to, the branch ENIs (SGP pods) hanging off their
 * trunk ENIs, and the clusters those nodes and the cluster SGs name. No call when no ENI sits on an instance.
 */
async function loadNodesBehind(
  loader: ScopedLoader,
  enis: NetworkInterface[],
  groups: SecurityGroup[],
  moreInstanceIds: string[] = [],
): Promise<void> {
  const instanceIds = sortedUnique([...enis.map((eni) => eni.Attachment?.InstanceId), ...moreInstanceIds]);
  // Trunk ENIs carry the primary ENI's SGs (the VPC resource controller copies them), so a node SG finds them.
  const trunkIds = sortedUnique(
    enis.filter((eni) => isTrunk(eni) && eni.Attachment?.InstanceId).map((eni) => eni.NetworkInterfaceId),
  );
  const [instances] = await Promise.all([
    instanceIds.length > 0 ? loader.instancesById(instanceIds) : Promise.resolve([]),
    loader.networkInterfacesBy(`tag:${TRUNK_ENI_TAG}`, trunkIds),
    loader.clusters(clusterSgClusters(groups)),
  ]);
  await loader.clusters(nodeClusters(instances));
}

async function loadForSgEvent(
  loader: ScopedLoader,
  shape: NonNullable<ReturnType<typeof sgEventShape>>,
): Promise<void> {
  // 1. The target group(s): by id, or by name when the call named only the name (ambiguous names stay ambiguous).
  let targetIds: string[] = shape.groupId ? [shape.groupId] : [];
  if (targetIds.length === 0 && shape.groupName) {
    targetIds = sortedUnique((await loader.securityGroups('group-name', [shape.groupName])).map((g) => g.GroupId));
    if (targetIds.length === 0) return;
  }
  if (targetIds.length === 0) return;

  // A revoke by rule id names its peers only in live state: read the rules first, then the peers they name.
  let judged: PeerOnly[] = [...shape.rules];
  if (shape.liveRuleIds.length > 0) {
    const live = await loader.securityGroupRules(targetIds);
    for (const rule of live) {
      const peer = rule.SecurityGroupRuleId && shape.liveRuleIds.includes(rule.SecurityGroupRuleId) && livePeer(rule);
      if (peer) judged.push({ peer });
    }
  }
  const groupIds = sortedUnique([...targetIds, ...peerGroupIds(judged)]);
  const [, , enis] = await Promise.all([
    loader.securityGroups('group-id', shape.groupId ? groupIds : groupIds.filter((id) => !targetIds.includes(id))),
    shape.liveRuleIds.length > 0 ? Promise.resolve([]) : loader.securityGroupRules(groupIds),
    loader.networkInterfacesBy('group-id', groupIds),
  ]);
  const allGroups = loader.groups;

  // 2. Stop when no node is behind these SGs: no ENI on an instance, no trunk ENI, no cluster SG.
  const nodeInvolved =
    enis.some((eni) => eni.Attachment?.InstanceId || isTrunk(eni)) || clusterSgClusters(allGroups).length > 0;
  if (nodeInvolved) await loadNodesBehind(loader, enis, allGroups);

  const liveTargetRules = loader.rules.filter((rule) => rule.GroupId && targetIds.includes(rule.GroupId));
  if (shape.judgesRemaining) {
    judged = [...judged, ...livePeers(liveTargetRules)];
  }
  if (!judgesCidrs(judged)) return;

  // 3. CIDRs are judged on a node SG (against its VPC's CIDRs and its other rules) or a data-store SG (against the
  //    node and pod subnets). Anything else needs nothing more.
  const inventory = await loader.inventory();
  const nodeTargets = targetIds.filter((id) => inventory.isNodeSecurityGroup(id));
  const dataStores = targetIds.filter((id) => inventory.protectedServices(id).length > 0);
  if (nodeTargets.length === 0 && dataStores.length === 0) return;
  const siblingPeers = livePeers(liveTargetRules);
  const vpcIdsOf = (ids: string[]) => sortedUnique(ids.map((id) => inventory.securityGroup(id)?.vpcId));
  await Promise.all([
    loader.vpcsById(vpcIdsOf(nodeTargets)),
    loader.prefixListEntries(prefixListIds([...judged, ...siblingPeers])),
    dataStores.length > 0 ? loadNodeSubnets(loader, vpcIdsOf(dataStores)) : Promise.resolve(),
  ]);
}

/**
 * For the pod-CIDR rule: the EKS nodes of the VPCs, all their ENIs (pod IPs and custom-networking subnets), their
 * clusters, the branch ENIs of their trunks, and the subnets all of those sit in.
 */
async function loadNodeSubnets(loader: ScopedLoader, vpcIds: string[]): Promise<void> {
  const nodes = await loader.nodesOfVpc(vpcIds);
  const nodeIds = sortedUnique(nodes.map((node) => node.InstanceId));
  const [enis, clusters] = await Promise.all([
    loader.networkInterfacesBy('attachment.instance-id', nodeIds),
    Promise.all(nodeClusters(nodes).map((name) => loader.describeCluster(name))),
  ]);
  const trunkIds = sortedUnique(enis.filter(isTrunk).map((eni) => eni.NetworkInterfaceId));
  const subnetIds = sortedUnique([
    ...clusters.flatMap((cluster) => cluster?.resourcesVpcConfig?.subnetIds ?? []),
    ...nodes.map((node) => node.SubnetId),
    ...loader.enis.map((eni) => eni.SubnetId),
  ]);
  await Promise.all([loader.subnetsById(subnetIds), loader.networkInterfacesBy(`tag:${TRUNK_ENI_TAG}`, trunkIds)]);
}

async function loadForGroupsChanged(
  loader: ScopedLoader,
  subject: { networkInterfaceId: string } | { instanceId: string },
  groupIds: string[],
): Promise<void> {
  const ids = sortedUnique(groupIds);
  const [subjectEnis, groups, rules, enis] = await Promise.all([
    'networkInterfaceId' in subject ? loader.networkInterfacesById([subject.networkInterfaceId]) : Promise.resolve([]),
    loader.securityGroups('group-id', ids),
    loader.securityGroupRules(ids),
    loader.networkInterfacesBy('group-id', ids),
  ]);
  const subjectInstance =
    'instanceId' in subject ? subject.instanceId : subjectEnis.find((eni) => eni.Attachment)?.Attachment?.InstanceId;
  // The exposure counts every node behind the new groups; the subject's instance decides whether a node got them.
  await loadNodesBehind(loader, [...subjectEnis, ...enis], groups, subjectInstance ? [subjectInstance] : []);

  const ingress = livePeers(rules.filter((rule) => !rule.IsEgress));
  if (!subjectInstance || !judgesCidrs(ingress)) return;
  const inventory = await loader.inventory();
  if (!inventory.node(subjectInstance)) return;
  await Promise.all([
    loader.vpcsById(sortedUnique(groups.map((group) => group.VpcId))),
    loader.prefixListEntries(prefixListIds(ingress)),
  ]);
}

/**
 * Loads the slice of inventory a CloudTrail event needs, in as few calls as answer it (see the module comment for the
 * plans), or returns undefined when the event kind has no scoped plan: the caller then uses the full inventory.
 *
 * Reads by id send no `MaxResults` (EC2 refuses ids and `MaxResults` together); filtered reads use server-side
 * filters and the largest page size. Keys not read are left out of the snapshot (unknown, not empty).
 *
 * @throws InventoryLoadError when AWS cannot be read; ids that no longer exist read as none.
 *
 * @example
 * ```ts
 * const scoped = await loadScopedSnapshotForEvent(parsed.event, createClientSet(parsed.event.region));
 * if (scoped) evaluateEvent(parsed.event, buildInventory(loadSnapshot(scoped.snapshot)), { config });
 * ```
 */
export async function loadScopedSnapshotForEvent(
  event: CloudTrailEvent,
  clients: ClientSet,
): Promise<ScopedLoadResult | undefined> {
  const loader = new ScopedLoader(clients, event);
  const detail = event.detail;
  const shape = sgEventShape(event);
  if (shape) await loadForSgEvent(loader, shape);
  else if (detail.kind === 'eni-groups-changed')
    await loadForGroupsChanged(loader, { networkInterfaceId: detail.networkInterfaceId }, detail.groupIds);
  else if (detail.kind === 'instance-groups-changed')
    await loadForGroupsChanged(loader, { instanceId: detail.instanceId }, detail.groupIds);
  else return undefined;
  const callsByOperation = { ...loader.calls };
  const calls = Object.values(callsByOperation).reduce((sum, count) => sum + count, 0);
  return { snapshot: await loader.snapshot(), calls, callsByOperation };
}
