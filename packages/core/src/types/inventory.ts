/**
 * The inventory model: one region of one account, normalised from AWS API responses (a snapshot file or live calls
 * assembled into the same shape). A key missing from the snapshot means "not known", never "none": `missing` lists
 * those keys, and detectors say which rules they could not judge.
 */
import type { RulePeer, TrafficDirection } from '../cloudtrail/types.ts';

/** Snapshot keys: one per AWS operation, with that operation's response (all pages merged) as value. */
export const SNAPSHOT_KEYS = [
  'DescribeVpcs',
  'DescribeSubnets',
  'DescribeSecurityGroups',
  'DescribeSecurityGroupRules',
  'DescribeNetworkInterfaces',
  'DescribeInstances',
  'DescribeInstanceTypes',
  'DescribeLaunchTemplateVersions',
  'DescribeAutoScalingGroups',
  'DescribeSubnetCidrReservations',
  'GetManagedPrefixListEntries',
  'DescribeCluster',
  'DescribeNodegroup',
  'DescribeAddon',
] as const;
export type SnapshotKey = (typeof SNAPSHOT_KEYS)[number];

/** A snapshot as read from JSON: `account`, `region`, and one key per operation. Unknown keys are ignored. */
export type Snapshot = { account?: string; region?: string } & Partial<Record<SnapshotKey, unknown>>;

export type Tags = Record<string, string>;

export interface Vpc {
  id: string;
  cidrs: string[];
  ipv6Cidrs: string[];
  tags: Tags;
}

export interface Subnet {
  id: string;
  vpcId: string;
  cidr: string;
  ipv6Cidrs: string[];
  availabilityZone?: string;
  availableIpAddressCount: number;
  tags: Tags;
}

export interface SecurityGroup {
  id: string;
  name: string;
  vpcId?: string;
  description?: string;
  ownerId?: string;
  tags: Tags;
}

export interface SecurityGroupRule {
  /** `sgr-…`; synthesised (`<groupId>/<direction>/<n>`) when only DescribeSecurityGroups was known. */
  ruleId: string;
  groupId: string;
  direction: TrafficDirection;
  protocol: string;
  fromPort?: number;
  toPort?: number;
  peer: RulePeer;
  description?: string;
}

export interface NetworkInterface {
  id: string;
  subnetId?: string;
  vpcId?: string;
  /** `interface`, `trunk`, `branch`, `efa`, `nat_gateway`, `lambda`, … */
  interfaceType: string;
  description: string;
  requesterId?: string;
  requesterManaged: boolean;
  status?: string;
  groupIds: string[];
  privateIps: string[];
  primaryPrivateIp?: string;
  ipv4Prefixes: string[];
  ipv6Addresses: string[];
  ipv6Prefixes: string[];
  attachment?: { instanceId?: string; deviceIndex?: number; networkCardIndex?: number; status?: string };
  tags: Tags;
}

export interface Instance {
  id: string;
  instanceType: string;
  state: string;
  subnetId?: string;
  vpcId?: string;
  launchTime?: string;
  tags: Tags;
  /** ENI at device index 0 on network card 0. */
  primaryNetworkInterfaceId?: string;
  /** Security groups of the primary ENI (what the instance-level `SecurityGroups` shows). */
  groupIds: string[];
  networkInterfaceIds: string[];
  launchTemplate?: { id?: string; name?: string; version?: string };
}

export interface InstanceTypeInfo {
  instanceType: string;
  vcpus?: number;
  maxEnis?: number;
  ipv4PerEni?: number;
  defaultNetworkCardIndex?: number;
  networkCards: { networkCardIndex: number; maximumNetworkInterfaces: number }[];
  hypervisor?: string;
  bareMetal?: boolean;
}

export interface LaunchTemplateVersion {
  launchTemplateId: string;
  launchTemplateName?: string;
  versionNumber: number;
  defaultVersion: boolean;
  instanceType?: string;
  /** SGs set on the template or on its network interfaces. */
  groupIds: string[];
  /** Decoded user data, when the snapshot kept it (live loading keeps only what maxPods needs). */
  userData?: string;
  tags: Tags;
}

export interface AutoScalingGroup {
  name: string;
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  subnetIds: string[];
  instanceIds: string[];
  instanceTypes: string[];
  launchTemplate?: { id?: string; name?: string; version?: string };
  tags: Tags;
}

export interface SubnetCidrReservation {
  subnetId: string;
  cidr: string;
  reservationType: string;
}

export interface Cluster {
  name: string;
  arn?: string;
  version?: string;
  status?: string;
  /** The cluster's IAM role (`DescribeCluster.roleArn`): the in-tree cloud provider and EKS Auto Mode act as it. */
  roleArn?: string;
  vpcId?: string;
  subnetIds: string[];
  /** The EKS-created cluster security group (`eks-cluster-sg-…`). */
  clusterSecurityGroupId?: string;
  /** Additional security groups given at creation (control-plane ENIs). */
  securityGroupIds: string[];
  /** EKS Auto Mode (compute config enabled). */
  autoMode: boolean;
  tags: Tags;
}

export interface NodeGroup {
  clusterName: string;
  name: string;
  instanceTypes: string[];
  subnets: string[];
  capacityType?: string;
  amiType?: string;
  scaling: { minSize?: number; maxSize?: number; desiredSize?: number };
  remoteAccess?: { ec2SshKey?: string; sourceSecurityGroups: string[] };
  launchTemplate?: { id?: string; name?: string; version?: string };
  /** Auto Scaling groups and the remote-access SG EKS created. */
  autoScalingGroupNames: string[];
  remoteAccessSecurityGroup?: string;
  labels: Tags;
  tags: Tags;
}

export interface Addon {
  clusterName: string;
  name: string;
  version?: string;
  /** The add-on configuration, as given (JSON or YAML). */
  configurationValues?: string;
}

export interface ManagedPrefixList {
  prefixListId: string;
  cidrs: string[];
}

/** The normalised collections; each is empty when its key is missing (see `missing`). */
export interface InventoryData {
  account: string;
  region: string;
  vpcs: Vpc[];
  subnets: Subnet[];
  securityGroups: SecurityGroup[];
  securityGroupRules: SecurityGroupRule[];
  networkInterfaces: NetworkInterface[];
  instances: Instance[];
  instanceTypes: InstanceTypeInfo[];
  launchTemplateVersions: LaunchTemplateVersion[];
  autoScalingGroups: AutoScalingGroup[];
  subnetCidrReservations: SubnetCidrReservation[];
  prefixLists: ManagedPrefixList[];
  clusters: Cluster[];
  nodeGroups: NodeGroup[];
  addons: Addon[];
  /** Snapshot keys that were absent: those facts are unknown. */
  missing: SnapshotKey[];
}

/** How a node belongs to its cluster, from its tags. */
export type NodeGroupKind = 'managed' | 'karpenter' | 'eksctl' | 'self-managed' | 'auto-mode';

export interface Node {
  instance: Instance;
  cluster: string;
  /** Managed node group, Karpenter NodePool, eksctl node group, or ASG name for self-managed nodes. */
  nodeGroup?: string;
  nodeGroupKind: NodeGroupKind;
}

/** Why a security group counts as a node SG. */
export type NodeSgReason =
  | { kind: 'primary-eni'; instanceId: string; cluster: string }
  | { kind: 'cluster-sg'; cluster: string }
  | { kind: 'launch-template'; launchTemplateId: string; cluster?: string };

/** The pods and nodes whose traffic a security group governs. */
export interface SgExposure {
  clusters: string[];
  nodeGroups: string[];
  nodes: Node[];
  /** Secondary IPs on ENIs that carry the SG (primary IPs excluded; prefix /28s count 16). Upper bound. */
  podIps: number;
  /** Branch ENIs (SGP pods) that carry the SG themselves. */
  sgpPods: number;
  /**
   * SGP pods on nodes that carry the SG whose traffic leaving the VPC the node SG still governs
   * (`POD_SECURITY_GROUP_ENFORCING_MODE=standard`).
   */
  sgpPodsLeavingVpc: number;
  /** Fargate pods (cluster SG). */
  fargatePods: number;
}

/**
 * The inventory with the queries detectors need. Built by `buildInventory(data)` (inventory/) from the snapshot
 * loader's output; the live AWS loader produces the same snapshot shape, so both share one code path.
 */
export interface Inventory extends InventoryData {
  /** True when the snapshot had this key (the facts are known, possibly empty). */
  knows(key: SnapshotKey): boolean;
  securityGroup(groupId: string): SecurityGroup | undefined;
  /** Resolves a group name (as a `groupName`-only CloudTrail call names it) to its id, within a VPC if given. */
  securityGroupIdByName(name: string, vpcId?: string): string | undefined;
  rulesOf(groupId: string, direction?: TrafficDirection): SecurityGroupRule[];
  rule(ruleId: string): SecurityGroupRule | undefined;
  /** Instances that are EKS nodes (by their tags), running or pending. */
  nodes(): Node[];
  node(instanceId: string): Node | undefined;
  /** Why `groupId` is a node SG; empty when it is not one. */
  nodeSecurityGroupReasons(groupId: string): NodeSgReason[];
  isNodeSecurityGroup(groupId: string): boolean;
  /** The nodes and pod IPs whose traffic `groupId` governs (see docs/architecture.md: judged by the ENI holding each pod IP). */
  exposureOf(groupId: string): SgExposure;
  /** What the SG protects, from its ENIs (e.g. `RDS`, `ElastiCache`, `EFS`); empty when nothing recognised. */
  protectedServices(groupId: string): string[];
  /** CIDRs of the subnets that hold a cluster's nodes and pods (all clusters when none is named). */
  clusterSubnetCidrs(cluster?: string): string[];
  /** Entries of a managed prefix list, or undefined when unknown. */
  prefixListCidrs(prefixListId: string): string[] | undefined;
  subnet(subnetId: string): Subnet | undefined;
  networkInterface(eniId: string): NetworkInterface | undefined;
  /** ENIs attached to an instance, on any network card. */
  networkInterfacesOf(instanceId: string): NetworkInterface[];
  /** ENIs that carry a security group (of any kind: node, branch, data store). */
  networkInterfacesWith(groupId: string): NetworkInterface[];
  /** Branch ENIs (one SGP pod each) the VPC resource controller tied to a trunk ENI. */
  branchesOfTrunk(trunkEniId: string): NetworkInterface[];
  instance(instanceId: string): Instance | undefined;
  cluster(name: string): Cluster | undefined;
  nodeGroup(cluster: string, name: string): NodeGroup | undefined;
}
