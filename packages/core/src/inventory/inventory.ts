/**
 * The queries detectors ask of an inventory. Indexes are built once per inventory (Maps keyed by id), so each query
 * is a lookup plus work proportional to its answer; exposures are memoised per security group.
 */

import type { TrafficDirection } from '../cloudtrail/types.ts';
import { sortedUnique } from '../collections.ts';
import type {
  Instance,
  Inventory,
  InventoryData,
  LaunchTemplateVersion,
  NetworkInterface,
  Node,
  NodeGroup,
  NodeSgReason,
  SecurityGroupRule,
  SgExposure,
  SnapshotKey,
} from '../types/inventory.ts';
import {
  clusterFromTags,
  isBranchEni,
  isFargateEni,
  isTrunkEni,
  nodeIdentityFromTags,
  serviceOfNetworkInterface,
  TRUNK_ENI_TAG,
} from './classify.ts';
import { selectLaunchTemplateVersion } from './queries.ts';

/** Addresses of one delegated IPv4 prefix (a /28). */
const IPS_PER_IPV4_PREFIX = 16;
const NODE_STATES = new Set(['pending', 'running']);

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Pod IPs an ENI holds: its private IPs minus the primary one, plus 16 per delegated /28 prefix. */
function podIpsOn(eni: NetworkInterface): number {
  const secondary = eni.privateIps.filter((ip) => ip !== eni.primaryPrivateIp).length;
  return secondary + eni.ipv4Prefixes.length * IPS_PER_IPV4_PREFIX;
}

/** The inventory's lookups, built once: by id, and the lists each query walks. */
interface InventoryIndex {
  data: InventoryData;
  securityGroups: Map<string, InventoryData['securityGroups'][number]>;
  groupsByName: Map<string, string[]>;
  rules: Map<string, SecurityGroupRule>;
  rulesByGroup: Map<string, SecurityGroupRule[]>;
  subnets: Map<string, InventoryData['subnets'][number]>;
  enis: Map<string, NetworkInterface>;
  instances: Map<string, Instance>;
  clusters: Map<string, InventoryData['clusters'][number]>;
  nodeGroups: Map<string, NodeGroup>;
  prefixLists: Map<string, InventoryData['prefixLists'][number]>;
  enisByGroup: Map<string, NetworkInterface[]>;
  enisByInstance: Map<string, NetworkInterface[]>;
  branchesByTrunk: Map<string, NetworkInterface[]>;
  /** Running or pending instances that are EKS nodes, by instance id. */
  nodes: Node[];
  nodesById: Map<string, Node>;
}

function byId<T, K>(items: T[], key: (item: T) => K): Map<K, T> {
  return new Map(items.map((item) => [key(item), item]));
}

function indexInventory(data: InventoryData): InventoryIndex {
  const groupsByName = new Map<string, string[]>();
  for (const group of data.securityGroups) pushTo(groupsByName, group.name, group.id);
  const rulesByGroup = new Map<string, SecurityGroupRule[]>();
  for (const rule of data.securityGroupRules) pushTo(rulesByGroup, rule.groupId, rule);
  const enisByGroup = new Map<string, NetworkInterface[]>();
  const enisByInstance = new Map<string, NetworkInterface[]>();
  const branchesByTrunk = new Map<string, NetworkInterface[]>();
  for (const eni of data.networkInterfaces) {
    for (const groupId of new Set(eni.groupIds)) pushTo(enisByGroup, groupId, eni);
    const instanceId = eni.attachment?.instanceId;
    if (instanceId) pushTo(enisByInstance, instanceId, eni);
    const trunk = eni.tags[TRUNK_ENI_TAG];
    if (trunk && isBranchEni(eni)) pushTo(branchesByTrunk, trunk, eni);
  }
  const nodes: Node[] = [];
  for (const instance of data.instances) {
    if (!NODE_STATES.has(instance.state)) continue;
    const identity = nodeIdentityFromTags(instance.tags);
    if (identity) nodes.push({ instance, ...identity });
  }
  nodes.sort((a, b) => a.instance.id.localeCompare(b.instance.id));
  return {
    data,
    securityGroups: byId(data.securityGroups, (group) => group.id),
    groupsByName,
    rules: byId(data.securityGroupRules, (rule) => rule.ruleId),
    rulesByGroup,
    subnets: byId(data.subnets, (subnet) => subnet.id),
    enis: byId(data.networkInterfaces, (eni) => eni.id),
    instances: byId(data.instances, (instance) => instance.id),
    clusters: byId(data.clusters, (cluster) => cluster.name),
    nodeGroups: byId(data.nodeGroups, (group) => `${group.clusterName}/${group.name}`),
    prefixLists: byId(data.prefixLists, (list) => list.prefixListId),
    enisByGroup,
    enisByInstance,
    branchesByTrunk,
    nodes,
    nodesById: byId(nodes, (node) => node.instance.id),
  };
}

/** SGs of a node's primary ENI: the instance's `SecurityGroups`, and the primary ENI's own groups if known. */
function primaryGroupsOf(index: InventoryIndex, instance: Instance): Set<string> {
  const primary = instance.primaryNetworkInterfaceId ? index.enis.get(instance.primaryNetworkInterfaceId) : undefined;
  return new Set([...instance.groupIds, ...(primary?.groupIds ?? [])]);
}

/** Branch ENIs (SGP pods) on a node, through the trunk ENIs attached to it. */
function branchesOn(index: InventoryIndex, instanceId: string): NetworkInterface[] {
  return (index.enisByInstance.get(instanceId) ?? [])
    .filter(isTrunkEni)
    .flatMap((trunk) => index.branchesByTrunk.get(trunk.id) ?? []);
}

/** The cluster of a pod's ENI (branch or Fargate): its trunk's node, its tags, or the cluster SG it carries. */
function clusterOfEni(index: InventoryIndex, eni: NetworkInterface): string | undefined {
  const trunk = eni.tags[TRUNK_ENI_TAG];
  const trunkInstance = trunk ? index.enis.get(trunk)?.attachment?.instanceId : undefined;
  return (
    (trunkInstance ? index.nodesById.get(trunkInstance)?.cluster : undefined) ??
    clusterFromTags(eni.tags) ??
    index.data.clusters.find(
      (cluster) => cluster.clusterSecurityGroupId && eni.groupIds.includes(cluster.clusterSecurityGroupId),
    )?.name
  );
}

/** What a security group exposes: the nodes and pods whose ENIs carry it, and their clusters. */
function computeExposure(index: InventoryIndex, groupId: string): SgExposure {
  const exposedNodes = new Map<string, Node>();
  const extraClusters = new Set<string>();
  let podIps = 0;
  let sgpPods = 0;
  let fargatePods = 0;
  for (const eni of index.enisByGroup.get(groupId) ?? []) {
    const branch = isBranchEni(eni);
    if (branch || isFargateEni(eni)) {
      // A pod with an ENI of its own (an SGP pod's branch ENI, a Fargate pod): that ENI's SGs govern it.
      if (branch) sgpPods += 1;
      else fargatePods += 1;
      const cluster = clusterOfEni(index, eni);
      if (cluster) extraClusters.add(cluster);
      continue;
    }
    const node = eni.attachment?.instanceId ? index.nodesById.get(eni.attachment.instanceId) : undefined;
    if (!node) continue;
    exposedNodes.set(node.instance.id, node);
    // Default mode: CNI secondary ENIs carry copies of the primary ENI's SGs; custom networking: the ENIConfig's.
    // Either way the ENI's own groups decide. Trunk ENIs hold no pod IP.
    if (!isTrunkEni(eni)) podIps += podIpsOn(eni);
  }
  let sgpPodsLeavingVpc = 0;
  for (const node of exposedNodes.values()) {
    // In `standard` enforcing mode, SGP traffic leaving the VPC is SNATed to the primary ENI, whose SGs apply.
    if (primaryGroupsOf(index, node.instance).has(groupId)) {
      sgpPodsLeavingVpc += branchesOn(index, node.instance.id).length;
    }
  }
  const nodeList = [...exposedNodes.values()].sort((a, b) => a.instance.id.localeCompare(b.instance.id));
  return {
    clusters: sortedUnique([...nodeList.map((node) => node.cluster), ...extraClusters]),
    nodeGroups: sortedUnique(nodeList.flatMap((node) => (node.nodeGroup ? [node.nodeGroup] : []))),
    nodes: nodeList,
    podIps,
    sgpPods,
    sgpPodsLeavingVpc,
    fargatePods,
  };
}

/** The CIDRs of every subnet a cluster (or, without a name, any cluster) uses for its nodes and pods. */
function clusterSubnetCidrs(index: InventoryIndex, clusterName: string | undefined): string[] {
  const { data } = index;
  const inScope = (name: string | undefined) =>
    name !== undefined && (clusterName === undefined || name === clusterName);
  const subnetIds = new Set<string>();
  for (const cluster of data.clusters) if (inScope(cluster.name)) for (const id of cluster.subnetIds) subnetIds.add(id);
  for (const group of data.nodeGroups)
    if (inScope(group.clusterName)) for (const id of group.subnets) subnetIds.add(id);
  for (const node of index.nodes) {
    if (!inScope(node.cluster)) continue;
    if (node.instance.subnetId) subnetIds.add(node.instance.subnetId);
    // Secondary ENIs sit in the ENIConfig subnet under custom networking; branch ENIs hang off the trunk.
    for (const eni of index.enisByInstance.get(node.instance.id) ?? []) if (eni.subnetId) subnetIds.add(eni.subnetId);
    for (const branch of branchesOn(index, node.instance.id)) if (branch.subnetId) subnetIds.add(branch.subnetId);
  }
  for (const eni of data.networkInterfaces) {
    if ((isFargateEni(eni) || isBranchEni(eni)) && eni.subnetId && inScope(clusterOfEni(index, eni)))
      subnetIds.add(eni.subnetId);
  }
  const cidrs: string[] = [];
  for (const id of subnetIds) {
    const subnet = index.subnets.get(id);
    if (!subnet) continue;
    if (subnet.cidr) cidrs.push(subnet.cidr);
    cidrs.push(...subnet.ipv6Cidrs);
  }
  return sortedUnique(cidrs);
}

/**
 * Builds the query layer over normalised inventory data (from `loadSnapshot`).
 *
 * @example
 * const inventory = buildInventory(loadSnapshot(JSON.parse(text)));
 * inventory.isNodeSecurityGroup('sg-0d0de000000000001'); // true
 * inventory.exposureOf('sg-0d0de000000000001').podIps; // e.g. 18
 */
export function buildInventory(data: InventoryData): Inventory {
  const missing = new Set<SnapshotKey>(data.missing);
  const index = indexInventory(data);
  const reasonsByGroup = computeNodeSgReasons(data, index.nodes, index.nodeGroups, (instance) =>
    primaryGroupsOf(index, instance),
  );
  const exposures = new Map<string, SgExposure>();
  const exposureOf = (groupId: string): SgExposure => {
    let exposure = exposures.get(groupId);
    if (!exposure) {
      exposure = computeExposure(index, groupId);
      exposures.set(groupId, exposure);
    }
    return exposure;
  };
  return {
    ...data,
    knows: (key) => !missing.has(key),
    securityGroup: (groupId) => index.securityGroups.get(groupId),
    securityGroupIdByName: (name, vpcId) => {
      const ids = (index.groupsByName.get(name) ?? []).filter(
        (id) => vpcId === undefined || index.securityGroups.get(id)?.vpcId === vpcId,
      );
      // Every VPC has a `default` group: an ambiguous name resolves to nothing rather than to a guess.
      return ids.length === 1 ? ids[0] : undefined;
    },
    rulesOf: (groupId, direction?: TrafficDirection) => {
      const all = index.rulesByGroup.get(groupId) ?? [];
      return direction ? all.filter((rule) => rule.direction === direction) : [...all];
    },
    rule: (ruleId) => index.rules.get(ruleId),
    nodes: () => [...index.nodes],
    node: (instanceId) => index.nodesById.get(instanceId),
    nodeSecurityGroupReasons: (groupId) => [...(reasonsByGroup.get(groupId) ?? [])],
    isNodeSecurityGroup: (groupId) => reasonsByGroup.has(groupId),
    exposureOf,
    protectedServices: (groupId) =>
      sortedUnique(
        (index.enisByGroup.get(groupId) ?? []).flatMap((eni) => {
          const service = serviceOfNetworkInterface(eni);
          return service ? [service] : [];
        }),
      ),
    clusterSubnetCidrs: (clusterName) => clusterSubnetCidrs(index, clusterName),
    prefixListCidrs: (prefixListId) => {
      const list = index.prefixLists.get(prefixListId);
      return list ? [...list.cidrs] : undefined;
    },
    subnet: (subnetId) => index.subnets.get(subnetId),
    networkInterface: (eniId) => index.enis.get(eniId),
    networkInterfacesOf: (instanceId) => [...(index.enisByInstance.get(instanceId) ?? [])],
    networkInterfacesWith: (groupId) => [...(index.enisByGroup.get(groupId) ?? [])],
    branchesOfTrunk: (trunkEniId) => [...(index.branchesByTrunk.get(trunkEniId) ?? [])],
    instance: (instanceId) => index.instances.get(instanceId),
    cluster: (name) => index.clusters.get(name),
    nodeGroup: (cluster, name) => index.nodeGroups.get(`${cluster}/${name}`),
  };
}

/**
 * The versions of a template whose SGs make a node SG: the one the reference means (queries.ts), or every known
 * version when the snapshot lacks it, so an SG is never missed for want of a version.
 */
function resolveTemplateVersions(
  versions: LaunchTemplateVersion[],
  version: string | undefined,
): LaunchTemplateVersion[] {
  const chosen = selectLaunchTemplateVersion(versions, version);
  return chosen ? [chosen] : versions;
}

function computeNodeSgReasons(
  data: InventoryData,
  nodes: Node[],
  nodeGroups: Map<string, NodeGroup>,
  primaryGroupsOf: (instance: Instance) => Set<string>,
): Map<string, NodeSgReason[]> {
  const reasons = new Map<string, NodeSgReason[]>();
  const seen = new Set<string>();
  const add = (groupId: string, reason: NodeSgReason) => {
    const key = `${groupId}|${JSON.stringify(reason)}`;
    if (seen.has(key)) return;
    seen.add(key);
    pushTo(reasons, groupId, reason);
  };

  for (const node of nodes) {
    for (const groupId of primaryGroupsOf(node.instance)) {
      add(groupId, { kind: 'primary-eni', instanceId: node.instance.id, cluster: node.cluster });
    }
  }
  for (const cluster of data.clusters) {
    if (cluster.clusterSecurityGroupId)
      add(cluster.clusterSecurityGroupId, { kind: 'cluster-sg', cluster: cluster.name });
  }

  // Launch templates used by nodes: from node tags, from node groups, and from the node groups' Auto Scaling groups.
  const versionsById = new Map<string, LaunchTemplateVersion[]>();
  const idByName = new Map<string, string>();
  for (const version of data.launchTemplateVersions) {
    pushTo(versionsById, version.launchTemplateId, version);
    if (version.launchTemplateName) idByName.set(version.launchTemplateName, version.launchTemplateId);
  }
  const uses: { id?: string; name?: string; version?: string; cluster?: string }[] = [];
  for (const node of nodes)
    if (node.instance.launchTemplate) uses.push({ ...node.instance.launchTemplate, cluster: node.cluster });
  const asgCluster = new Map<string, string>();
  for (const group of nodeGroups.values()) {
    if (group.launchTemplate) uses.push({ ...group.launchTemplate, cluster: group.clusterName });
    for (const name of group.autoScalingGroupNames) asgCluster.set(name, group.clusterName);
  }
  const nodeAsgs = new Map(
    nodes.flatMap((node) => {
      const asg = node.instance.tags['aws:autoscaling:groupName'];
      return asg ? [[asg, node.cluster] as const] : [];
    }),
  );
  for (const asg of data.autoScalingGroups) {
    const cluster = asgCluster.get(asg.name) ?? nodeAsgs.get(asg.name) ?? clusterFromTags(asg.tags);
    if (cluster && asg.launchTemplate) uses.push({ ...asg.launchTemplate, cluster });
  }
  for (const use of uses) {
    const id = use.id ?? (use.name ? idByName.get(use.name) : undefined);
    if (!id) continue;
    for (const version of resolveTemplateVersions(versionsById.get(id) ?? [], use.version)) {
      for (const groupId of version.groupIds) {
        add(groupId, {
          kind: 'launch-template',
          launchTemplateId: id,
          ...(use.cluster ? { cluster: use.cluster } : {}),
        });
      }
    }
  }
  return reasons;
}
