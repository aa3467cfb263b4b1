/**
 * The scoped plans: for each event kind they cover, what to read, step by step, so that the slice answers the event as
 * the whole account would. Each plan declares the snapshot keys it reads and the keys it leaves to the sweep's full
 * inventory (its known gaps); `load-scoped.ts` runs a plan only when those cover what the judging rules read.
 */
import type { Instance, NetworkInterface, SecurityGroup, SecurityGroupRule } from '@aws-sdk/client-ec2';
import {
  type CloudTrailEvent,
  clusterFromTagList,
  type EventKind,
  isBranchEni,
  isPodSecurityGroup,
  isTrunkEni,
  type RulePeer,
  type SnapshotKey,
  sortedUnique as sortedUniqueNames,
  TRUNK_ENI_TAG,
} from '@podnet-guard/core';
import { NODE_STATES, type ScopedSlice } from './scoped-slice.ts';

/** What to read for some event kinds. */
export interface ScopedPlan {
  kinds: readonly EventKind[];
  /** Snapshot keys the plan reads (some only when the event needs them). */
  reads: readonly SnapshotKey[];
  /**
   * Keys a judging rule may read that the plan leaves to the full inventory a sweep reads (its known gaps): an SG only
   * a launch template of nodes carries, with no node running with it, is not seen as a node SG here.
   */
  leavesToSweep: readonly SnapshotKey[];
  load(slice: ScopedSlice, event: CloudTrailEvent): Promise<void>;
}

const CLUSTER_SG_PREFIX = 'eks-cluster-sg-';
const CLUSTER_SG_TAG = 'aws:eks:cluster-name';

/** A rule as the plans see it: its peer only. */
interface PeerOnly {
  peer: RulePeer;
}

/** The named ids, without blanks, once each and sorted. */
function sortedUnique(values: Iterable<string | undefined>): string[] {
  return sortedUniqueNames([...values].filter((value): value is string => typeof value === 'string' && value !== ''));
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

/** Clusters an EKS cluster SG among `groups` belongs to (name `eks-cluster-sg-…`, tag `aws:eks:cluster-name`). */
function clusterSgClusters(groups: SecurityGroup[]): string[] {
  return sortedUnique(
    groups.map((group) =>
      group.GroupName?.startsWith(CLUSTER_SG_PREFIX)
        ? group.Tags?.find((tag) => tag.Key === CLUSTER_SG_TAG)?.Value
        : undefined,
    ),
  );
}

/** Ids of the trunk ENIs among `enis`, by core's trunk test. */
function trunkIds(enis: NetworkInterface[]): string[] {
  return sortedUnique(
    enis
      .filter((eni) => isTrunkEni({ interfaceType: eni.InterfaceType ?? '', description: eni.Description ?? '' }))
      .map((eni) => eni.NetworkInterfaceId),
  );
}

/**
 * The trunk ENIs the branch ENIs (SGP pods) among `enis` hang off, by the VPC resource controller's tag, that are not
 * among `enis` already: a branch ENI has no attachment, its trunk's attachment names the node.
 */
function trunksOfBranches(enis: NetworkInterface[]): string[] {
  const known = new Set(enis.map((eni) => eni.NetworkInterfaceId));
  return sortedUnique(
    enis
      .filter((eni) => isBranchEni({ interfaceType: eni.InterfaceType ?? '', description: eni.Description ?? '' }))
      .map((eni) => eni.TagSet?.find((tag) => tag.Key === TRUNK_ENI_TAG)?.Value)
      .filter((id) => id !== undefined && !known.has(id)),
  );
}

/** The clusters of the pending and running nodes among `instances`, by core's node classification. */
function nodeClusters(instances: Instance[]): string[] {
  return sortedUnique(
    instances
      .filter((instance) => NODE_STATES.includes(instance.State?.Name ?? ''))
      .map((instance) => clusterFromTagList(instance.Tags)),
  );
}

/**
 * The nodes behind a set of ENIs: the instances they are attached to, the branch ENIs (SGP pods) hanging off their
 * trunk ENIs, and the clusters those nodes and the cluster SGs name. No call when no ENI sits on an instance.
 */
async function loadNodesBehind(
  slice: ScopedSlice,
  enis: NetworkInterface[],
  groups: SecurityGroup[],
  moreInstanceIds: string[] = [],
): Promise<void> {
  // Trunk ENIs carry the primary ENI's SGs (the VPC resource controller copies them), so a node SG finds them.
  const trunks = trunkIds(enis.filter((eni) => eni.Attachment?.InstanceId));
  // SGP pods' branch ENIs (a pod SG): the trunks they hang off name their nodes.
  const branchTrunks = trunksOfBranches(enis);
  const podTrunks = branchTrunks.length > 0 ? await slice.networkInterfacesById(branchTrunks) : [];
  const instanceIds = sortedUnique([
    ...[...enis, ...podTrunks].map((eni) => eni.Attachment?.InstanceId),
    ...moreInstanceIds,
  ]);
  const [instances] = await Promise.all([
    slice.instancesById(instanceIds),
    slice.networkInterfacesBy(`tag:${TRUNK_ENI_TAG}`, trunks),
    slice.clusters(clusterSgClusters(groups)),
  ]);
  await slice.clusters(nodeClusters(instances));
}

/**
 * For the pod-CIDR rule: the EKS nodes of the VPCs, all their ENIs (pod IPs and custom-networking subnets), their
 * clusters, the branch ENIs of their trunks, and the subnets all of those sit in.
 */
async function loadNodeSubnets(slice: ScopedSlice, vpcIds: string[]): Promise<void> {
  const nodes = await slice.nodesOfVpcs(vpcIds);
  const nodeIds = sortedUnique(nodes.map((node) => node.InstanceId));
  const [enis, clusters] = await Promise.all([
    slice.networkInterfacesBy('attachment.instance-id', nodeIds),
    Promise.all(nodeClusters(nodes).map((name) => slice.cluster(name))),
  ]);
  const subnetIds = sortedUnique([
    ...clusters.flatMap((cluster) => cluster?.resourcesVpcConfig?.subnetIds ?? []),
    ...nodes.map((node) => node.SubnetId),
    ...slice.enis.map((eni) => eni.SubnetId),
  ]);
  await Promise.all([slice.subnetsById(subnetIds), slice.networkInterfacesBy(`tag:${TRUNK_ENI_TAG}`, trunkIds(enis))]);
}

/** The event's rules (new or revoked values) and the target group, per SG event kind. */
interface SgEventShape {
  groupId?: string;
  groupName?: string;
  rules: PeerOnly[];
  /** Rule ids whose values only live state knows (revoke by id). */
  liveRuleIds: string[];
  /** Revokes judge what remains too. */
  judgesRemaining: boolean;
}

function target(detail: { groupId?: string; groupName?: string }): { groupId?: string; groupName?: string } {
  return {
    ...(detail.groupId ? { groupId: detail.groupId } : {}),
    ...(detail.groupName ? { groupName: detail.groupName } : {}),
  };
}

function sgEventShape(event: CloudTrailEvent): SgEventShape | undefined {
  const detail = event.detail;
  switch (detail.kind) {
    case 'sg-rules-authorized':
      return { ...target(detail), rules: detail.rules, liveRuleIds: [], judgesRemaining: false };
    case 'sg-rules-revoked':
      return { ...target(detail), rules: detail.rules, liveRuleIds: detail.ruleIds, judgesRemaining: true };
    case 'sg-rules-modified': {
      const rules = detail.changes.map((change) => change.rule);
      return { groupId: detail.groupId, rules, liveRuleIds: [], judgesRemaining: false };
    }
    case 'sg-deleted':
      return { ...target(detail), rules: [], liveRuleIds: [], judgesRemaining: false };
    default:
      return undefined;
  }
}

/**
 * Steps 1–2 of an SG event: the target group(s) (by id, or by name when the call named only the name; ambiguous names
 * stay ambiguous), their rules, the peers the judged rules name, the ENIs of all of those, and the nodes behind them.
 * Returns the target ids and the judged rules, or undefined when no group is named or found.
 */
async function loadSgTriple(slice: ScopedSlice, shape: SgEventShape) {
  let targetIds: string[] = shape.groupId ? [shape.groupId] : [];
  if (targetIds.length === 0 && shape.groupName) {
    targetIds = sortedUnique((await slice.securityGroups('group-name', [shape.groupName])).map((g) => g.GroupId));
  }
  if (targetIds.length === 0) return undefined;

  // A revoke by rule id names its peers only in live state: read the rules first, then the peers they name.
  const judged: PeerOnly[] = [...shape.rules];
  if (shape.liveRuleIds.length > 0) {
    for (const rule of await slice.securityGroupRules(targetIds)) {
      const peer = rule.SecurityGroupRuleId && shape.liveRuleIds.includes(rule.SecurityGroupRuleId) && livePeer(rule);
      if (peer) judged.push({ peer });
    }
  }
  const groupIds = sortedUnique([...targetIds, ...peerGroupIds(judged)]);
  const [, , enis] = await Promise.all([
    slice.securityGroups('group-id', shape.groupId ? groupIds : groupIds.filter((id) => !targetIds.includes(id))),
    shape.liveRuleIds.length > 0 ? Promise.resolve([]) : slice.securityGroupRules(groupIds),
    slice.networkInterfacesBy('group-id', groupIds),
  ]);
  // Stop when no node is behind these SGs: no ENI on an instance, no trunk ENI, no cluster SG.
  const nodeInvolved =
    enis.some((eni) => eni.Attachment?.InstanceId) ||
    trunkIds(enis).length > 0 ||
    trunksOfBranches(enis).length > 0 ||
    clusterSgClusters(slice.groups).length > 0;
  if (nodeInvolved) await loadNodesBehind(slice, enis, slice.groups);
  return { targetIds, judged };
}

async function loadForSgEvent(slice: ScopedSlice, event: CloudTrailEvent): Promise<void> {
  const shape = sgEventShape(event);
  const triple = shape && (await loadSgTriple(slice, shape));
  if (!shape || !triple) return;
  const { targetIds } = triple;
  const liveTargetRules = slice.rules.filter((rule) => rule.GroupId && targetIds.includes(rule.GroupId));
  const judged = shape.judgesRemaining ? [...triple.judged, ...livePeers(liveTargetRules)] : triple.judged;
  if (!judgesCidrs(judged)) return;

  // 3. CIDRs are judged on a node SG or a pod SG (against its VPC's CIDRs and its other rules) or a data-store SG
  //    (against the node and pod subnets). Anything else needs nothing more.
  const inventory = await slice.inventory();
  const podOrNodeTargets = targetIds.filter(
    (id) => inventory.isNodeSecurityGroup(id) || isPodSecurityGroup(inventory, id),
  );
  const dataStores = targetIds.filter((id) => inventory.protectedServices(id).length > 0);
  if (podOrNodeTargets.length === 0 && dataStores.length === 0) return;
  const siblingPeers = livePeers(liveTargetRules);
  const vpcIdsOf = (ids: string[]) => sortedUnique(ids.map((id) => inventory.securityGroup(id)?.vpcId));
  await Promise.all([
    slice.wants('DescribeVpcs') ? slice.vpcsById(vpcIdsOf(podOrNodeTargets)) : Promise.resolve(),
    slice.wants('GetManagedPrefixListEntries')
      ? slice.prefixListEntries(prefixListIds([...judged, ...siblingPeers]))
      : Promise.resolve(),
    dataStores.length > 0 ? loadNodeSubnets(slice, vpcIdsOf(dataStores)) : Promise.resolve(),
  ]);
}

async function loadForGroupsChanged(slice: ScopedSlice, event: CloudTrailEvent): Promise<void> {
  const detail = event.detail;
  if (detail.kind !== 'eni-groups-changed' && detail.kind !== 'instance-groups-changed') return;
  const ids = sortedUnique(detail.groupIds);
  const [subjectEnis, groups, rules, enis] = await Promise.all([
    detail.kind === 'eni-groups-changed' ? slice.networkInterfacesById([detail.networkInterfaceId]) : [],
    slice.securityGroups('group-id', ids),
    slice.securityGroupRules(ids),
    slice.networkInterfacesBy('group-id', ids),
  ]);
  const subjectInstance =
    detail.kind === 'instance-groups-changed'
      ? detail.instanceId
      : subjectEnis.find((eni) => eni.Attachment)?.Attachment?.InstanceId;
  // The exposure counts every node behind the new groups; the subject's instance decides whether a node got them.
  await loadNodesBehind(slice, [...subjectEnis, ...enis], groups, subjectInstance ? [subjectInstance] : []);

  const ingress = livePeers(rules.filter((rule) => !rule.IsEgress));
  if (!subjectInstance || !judgesCidrs(ingress)) return;
  const inventory = await slice.inventory();
  if (!inventory.node(subjectInstance)) return;
  await Promise.all([
    slice.wants('DescribeVpcs') ? slice.vpcsById(sortedUnique(groups.map((group) => group.VpcId))) : Promise.resolve(),
    slice.wants('GetManagedPrefixListEntries') ? slice.prefixListEntries(prefixListIds(ingress)) : Promise.resolve(),
  ]);
}

/** What judging rules of SG and group events may read that these plans leave to the sweep. */
const LEFT_TO_SWEEP: readonly SnapshotKey[] = ['DescribeLaunchTemplateVersions', 'DescribeNodegroup'];

/**
 * - SG events: the group and the SGs its rules reference (1× DescribeSecurityGroups, 1× DescribeSecurityGroupRules,
 *   1× DescribeNetworkInterfaces, all by `group-id` filter). When no ENI of those SGs sits on an instance, none is a
 *   trunk ENI and none is an EKS cluster SG, no node is involved: stop. Otherwise the instances behind the ENIs
 *   (DescribeInstances by id), the branch ENIs of their trunk ENIs (SGP pods), the clusters the nodes and the cluster
 *   SG name (DescribeCluster each), and, only when the event judges CIDRs on a node SG, DescribeVpcs and the prefix
 *   lists its rules name. A pod SG (branch ENIs carry it): the trunk ENIs those branch ENIs name (by id, 1×
 *   DescribeNetworkInterfaces) and the nodes they are attached to, then the same as a node SG; the branch ENIs are
 *   read when the event is judged, so an SG no pod carries now is not judged as a pod SG. A data-store SG given a CIDR (the `pod-cidr-granted-to-data-store` rule): the EKS nodes of
 *   the SG's VPC (by tag filter), all their ENIs, their clusters, and the subnets of all of those.
 * - `eni-groups-changed` / `instance-groups-changed`: the ENI or instance, the new groups with their rules and ENIs,
 *   the instances behind them, the node's cluster, and (an open SG on a node) the VPC and prefix lists.
 */
export const SCOPED_PLANS: readonly ScopedPlan[] = [
  {
    kinds: ['sg-rules-authorized', 'sg-rules-revoked', 'sg-rules-modified', 'sg-deleted'],
    reads: [
      'DescribeSecurityGroups',
      'DescribeSecurityGroupRules',
      'DescribeNetworkInterfaces',
      'DescribeInstances',
      'DescribeCluster',
      'DescribeVpcs',
      'GetManagedPrefixListEntries',
      'DescribeSubnets',
    ],
    leavesToSweep: LEFT_TO_SWEEP,
    load: loadForSgEvent,
  },
  {
    kinds: ['eni-groups-changed', 'instance-groups-changed'],
    reads: [
      'DescribeSecurityGroups',
      'DescribeSecurityGroupRules',
      'DescribeNetworkInterfaces',
      'DescribeInstances',
      'DescribeCluster',
      'DescribeVpcs',
      'GetManagedPrefixListEntries',
    ],
    leavesToSweep: LEFT_TO_SWEEP,
    load: loadForGroupsChanged,
  },
];
