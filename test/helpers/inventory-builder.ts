/**
 * Builds inventory snapshots for tests. The builder emits snapshot JSON in the AWS CLI's shapes (the same a user
 * assembles by hand), so the real loader runs on every test inventory:
 *
 * ```ts
 * const inventory = inventoryFrom(
 *   snapshotBuilder()
 *     .cluster('prod', { clusterSg: 'sg-0c1a5000000000001' })
 *     .nodeGroup('prod', 'ng-a', { instanceType: 'm5.large', nodeSg: 'sg-0d0de000000000001', nodes: 2, secondaryIpsPerNode: 9 })
 *     .securityGroup('sg-0db00000000000001', { name: 'prod-postgres', ingress: [{ port: 5432, sourceSg: 'sg-0d0de000000000001' }] })
 *     .rdsEni('sg-0db00000000000001')
 *     .build(),
 * );
 * ```
 *
 * Ids are deterministic: the n-th generated id of a kind is `<prefix>-` followed by n in 17 hex digits
 * (`i-00000000000000001`, `eni-00000000000000001`, `sgr-00000000000000001`, `lt-00000000000000001`), counted across
 * the builder in call order. Pass explicit ids (`nodes: ['i-0a…']`) when a test needs to name them.
 */
import { buildInventory, type Inventory, loadSnapshot, type Snapshot, type SnapshotKey } from '@podnet-guard/core';

/** One security group rule: a protocol and port range with exactly one peer. */
export interface RuleSpec {
  /** `tcp` (default), `udp`, `icmp`, `-1` (all traffic) … */
  protocol?: string;
  /** Sets both ends of the port range. */
  port?: number;
  fromPort?: number;
  toPort?: number;
  cidr?: string;
  cidrV6?: string;
  prefixListId?: string;
  sourceSg?: string;
  description?: string;
}

export interface SecurityGroupSpec {
  name?: string;
  description?: string;
  vpcId?: string;
  ingress?: RuleSpec[];
  /** Default: all traffic to 0.0.0.0/0, as EC2 creates every group. */
  egress?: RuleSpec[];
  tags?: Record<string, string>;
}

export type NodeGroupKindSpec = 'managed' | 'karpenter' | 'eksctl' | 'self-managed' | 'auto-mode';

export interface NodeGroupSpec {
  /** How the nodes were provisioned; decides their tags and whether DescribeNodegroup/ASG entries exist. */
  kind?: NodeGroupKindSpec;
  instanceType?: string;
  /** SG(s) on the nodes' primary ENIs (and in their launch template). */
  nodeSg?: string | string[];
  /** Also put the cluster SG on the primary ENIs. Default: true for `managed` and `auto-mode`. */
  clusterSgOnNodes?: boolean;
  /** A count (ids generated) or explicit instance ids. Default 1. */
  nodes?: number | string[];
  /** Pod IPs per node as secondary private IPs: the primary ENI fills first, then `aws-K8S-…` ENIs. Default 0. */
  secondaryIpsPerNode?: number;
  /** Delegated /28 prefixes per node (prefix delegation), on the ENI that holds pod IPs. Default 0. */
  prefixesPerNode?: number;
  /** Custom networking: pod IPs live on secondary ENIs in this subnet with these SGs (the ENIConfig). */
  customNetworking?: { subnetId: string; securityGroups: string[] };
  /** Give each node a trunk ENI (security groups for pods). */
  trunk?: boolean;
  subnetId?: string;
  /** SGs of the node launch template. Default: the primary ENI SGs. */
  launchTemplateSgs?: string[];
  /** Instance state. Default `running`. */
  state?: string;
  /** Extra instance tags (override the generated ones; a value of '' removes a tag). */
  tags?: Record<string, string>;
}

export interface ClusterSpec {
  clusterSg?: string;
  version?: string;
  subnetIds?: string[];
  securityGroupIds?: string[];
  autoMode?: boolean;
  /** The cluster's IAM role. Default `arn:aws:iam::<account>:role/<name>-eks-cluster-role`. */
  roleArn?: string;
}

export interface SubnetSpec {
  cidr: string;
  availabilityZone?: string;
  availableIpAddressCount?: number;
  tags?: Record<string, string>;
}

export interface EniSpec {
  description: string;
  requesterId?: string;
  requesterManaged?: boolean;
  interfaceType?: string;
  subnetId?: string;
  tags?: Record<string, string>;
}

/** Network facts of the instance types tests use (from DescribeInstanceTypes; see docs/aws-facts.md). */
const KNOWN_TYPES: Record<string, { vcpus: number; enis: number; ipsPerEni: number }> = {
  't3.micro': { vcpus: 2, enis: 2, ipsPerEni: 2 },
  't3.medium': { vcpus: 2, enis: 3, ipsPerEni: 6 },
  'm5.large': { vcpus: 2, enis: 3, ipsPerEni: 10 },
  'm5.xlarge': { vcpus: 4, enis: 4, ipsPerEni: 15 },
  'm5.2xlarge': { vcpus: 8, enis: 4, ipsPerEni: 15 },
  'c5.large': { vcpus: 2, enis: 3, ipsPerEni: 10 },
  'r5.large': { vcpus: 2, enis: 3, ipsPerEni: 10 },
};

type Json = Record<string, unknown>;
const tagList = (tags: Record<string, string>) =>
  Object.entries(tags)
    .filter(([, value]) => value !== '')
    .map(([Key, Value]) => ({ Key, Value }));
const toArray = (value: string | string[] | undefined) =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

function ipv4ToNumber(ip: string): number {
  return ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}
function numberToIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/** Builds a snapshot; every method returns the builder. See the file comment for an example. */
export class SnapshotBuilder {
  private readonly counters = new Map<string, number>();
  private readonly vpc: { id: string; cidr: string };
  private readonly subnets = new Map<string, SubnetSpec>();
  private readonly nextIp = new Map<string, number>();
  private readonly groups = new Map<string, SecurityGroupSpec>();
  private readonly referencedGroups = new Set<string>();
  private readonly enis: Json[] = [];
  private readonly instances: Json[] = [];
  private readonly types = new Map<string, { vcpus: number; enis: number; ipsPerEni: number }>();
  private readonly templates: Json[] = [];
  private readonly asgs: Json[] = [];
  private readonly clusters: Json[] = [];
  private readonly clusterSgs = new Map<string, string | undefined>();
  private readonly nodegroups: Json[] = [];
  private readonly addons: Json[] = [];
  private readonly prefixLists: Json[] = [];
  private readonly reservations: Json[] = [];
  private readonly trunks = new Map<string, string>();
  private readonly omitted = new Set<SnapshotKey>();
  private defaultSubnet: string | undefined;

  constructor(private readonly options: { account?: string; region?: string; vpcId?: string; vpcCidr?: string } = {}) {
    this.vpc = { id: options.vpcId ?? 'vpc-0a1b2c3d4e5f60718', cidr: options.vpcCidr ?? '10.0.0.0/16' };
  }

  private id(prefix: string): string {
    const n = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, n);
    return `${prefix}-${n.toString(16).padStart(17, '0')}`;
  }

  private get account(): string {
    return this.options.account ?? '111122223333';
  }

  private subnetOrDefault(subnetId: string | undefined): string {
    if (subnetId !== undefined) {
      if (!this.subnets.has(subnetId)) throw new Error(`inventory-builder: define subnet ${subnetId} first`);
      return subnetId;
    }
    if (this.defaultSubnet === undefined) {
      this.defaultSubnet = 'subnet-0a00000000000000a';
      if (!this.subnets.has(this.defaultSubnet)) this.subnet(this.defaultSubnet, { cidr: '10.0.0.0/20' });
    }
    return this.defaultSubnet;
  }

  private allocateIp(subnetId: string): string {
    const subnet = this.subnets.get(subnetId)!;
    const [base = '0.0.0.0'] = subnet.cidr.split('/');
    // Skip the 4 addresses AWS reserves at the start of every subnet.
    const next = this.nextIp.get(subnetId) ?? ipv4ToNumber(base) + 4;
    this.nextIp.set(subnetId, next + 1);
    return numberToIpv4(next);
  }

  private useGroups(ids: string[]): void {
    for (const id of ids) this.referencedGroups.add(id);
  }

  private typeInfo(instanceType: string) {
    const info = this.types.get(instanceType) ?? KNOWN_TYPES[instanceType];
    if (!info)
      throw new Error(`inventory-builder: unknown instance type ${instanceType}; declare it with .instanceType()`);
    this.types.set(instanceType, info);
    return info;
  }

  private addEni(options: {
    subnetId: string;
    groups: string[];
    description: string;
    secondaryIps?: number;
    prefixes?: number;
    interfaceType?: string;
    attachment?: { instanceId: string; deviceIndex: number };
    requesterId?: string;
    requesterManaged?: boolean;
    tags?: Record<string, string>;
    id?: string;
  }): string {
    const id = options.id ?? this.id('eni');
    this.useGroups(options.groups);
    const primary = this.allocateIp(options.subnetId);
    const secondaries = Array.from({ length: options.secondaryIps ?? 0 }, () => this.allocateIp(options.subnetId));
    const prefixes = Array.from({ length: options.prefixes ?? 0 }, () => {
      // Prefixes come from the top of the subnet so they never collide with single addresses.
      const [base = '0.0.0.0', length = '24'] = this.subnets.get(options.subnetId)!.cidr.split('/');
      const top = ipv4ToNumber(base) + 2 ** (32 - Number(length));
      const used = (this.counters.get(`prefix:${options.subnetId}`) ?? 0) + 1;
      this.counters.set(`prefix:${options.subnetId}`, used);
      return `${numberToIpv4(top - 16 * used)}/28`;
    });
    this.enis.push({
      NetworkInterfaceId: id,
      SubnetId: options.subnetId,
      VpcId: this.vpc.id,
      AvailabilityZone: this.subnets.get(options.subnetId)?.availabilityZone ?? 'eu-west-1a',
      InterfaceType: options.interfaceType ?? 'interface',
      Description: options.description,
      OwnerId: this.account,
      ...(options.requesterId ? { RequesterId: options.requesterId } : {}),
      RequesterManaged: options.requesterManaged ?? false,
      Status: 'in-use',
      Groups: options.groups.map((GroupId) => ({ GroupId, GroupName: this.groups.get(GroupId)?.name ?? GroupId })),
      PrivateIpAddress: primary,
      PrivateIpAddresses: [
        { Primary: true, PrivateIpAddress: primary },
        ...secondaries.map((ip) => ({ Primary: false, PrivateIpAddress: ip })),
      ],
      Ipv4Prefixes: prefixes.map((Ipv4Prefix) => ({ Ipv4Prefix })),
      Ipv6Addresses: [],
      ...(options.attachment
        ? {
            Attachment: {
              AttachmentId: `eni-attach-${id.slice(4)}`,
              DeviceIndex: options.attachment.deviceIndex,
              NetworkCardIndex: 0,
              InstanceId: options.attachment.instanceId,
              InstanceOwnerId: this.account,
              Status: 'attached',
            },
          }
        : {}),
      TagSet: tagList(options.tags ?? {}),
    });
    return id;
  }

  /** Adds (or replaces) a subnet in the VPC. */
  subnet(id: string, spec: SubnetSpec): this {
    this.subnets.set(id, spec);
    return this;
  }

  /** Declares an instance type's network facts (for types outside the built-in table). */
  instanceType(type: string, facts: { vcpus: number; enis: number; ipsPerEni: number }): this {
    this.types.set(type, facts);
    return this;
  }

  /** Adds an EKS cluster (`DescribeCluster`); its cluster SG is created if no `.securityGroup()` defines it. */
  cluster(name: string, spec: ClusterSpec = {}): this {
    const subnetIds = spec.subnetIds ?? [this.subnetOrDefault(undefined)];
    this.clusterSgs.set(name, spec.clusterSg);
    if (spec.clusterSg) this.useGroups([spec.clusterSg]);
    this.clusters.push({
      cluster: {
        name,
        arn: `arn:aws:eks:${this.options.region ?? 'eu-west-1'}:${this.account}:cluster/${name}`,
        version: spec.version ?? '1.31',
        status: 'ACTIVE',
        roleArn: spec.roleArn ?? `arn:aws:iam::${this.account}:role/${name}-eks-cluster-role`,
        resourcesVpcConfig: {
          subnetIds,
          securityGroupIds: spec.securityGroupIds ?? [],
          ...(spec.clusterSg ? { clusterSecurityGroupId: spec.clusterSg } : {}),
          vpcId: this.vpc.id,
        },
        ...(spec.autoMode ? { computeConfig: { enabled: true, nodePools: ['general-purpose', 'system'] } } : {}),
        tags: {},
      },
    });
    return this;
  }

  /**
   * Adds a node group and its nodes (instances, primary ENIs, CNI ENIs, launch template, and for `managed` the
   * DescribeNodegroup entry and its Auto Scaling group; for `self-managed`/`eksctl` an Auto Scaling group).
   */
  nodeGroup(cluster: string, name: string, spec: NodeGroupSpec = {}): this {
    const kind = spec.kind ?? 'managed';
    const instanceType = spec.instanceType ?? 'm5.large';
    const { ipsPerEni } = this.typeInfo(instanceType);
    const clusterSg = this.clusterSgs.get(cluster);
    const onNodes = spec.clusterSgOnNodes ?? (kind === 'managed' || kind === 'auto-mode');
    const primarySgs = [...toArray(spec.nodeSg), ...(onNodes && clusterSg ? [clusterSg] : [])];
    const subnetId = this.subnetOrDefault(spec.subnetId);
    const ids =
      typeof spec.nodes === 'object' ? spec.nodes : Array.from({ length: spec.nodes ?? 1 }, () => this.id('i'));
    const asgName = kind === 'managed' ? `eks-${name}-${this.id('asg').slice(4)}` : `${cluster}-${name}`;
    const templateId = this.id('lt');
    this.useGroups(spec.launchTemplateSgs ?? primarySgs);
    this.templates.push({
      LaunchTemplateId: templateId,
      LaunchTemplateName: kind === 'managed' ? `eks-${templateId.slice(3)}` : `${cluster}-${name}`,
      VersionNumber: 1,
      DefaultVersion: true,
      LaunchTemplateData: { InstanceType: instanceType, SecurityGroupIds: spec.launchTemplateSgs ?? primarySgs },
    });

    const kindTags: Record<NodeGroupKindSpec, Record<string, string>> = {
      managed: { 'eks:cluster-name': cluster, 'eks:nodegroup-name': name, 'aws:autoscaling:groupName': asgName },
      karpenter: { 'eks:eks-cluster-name': cluster, 'karpenter.sh/nodepool': name },
      'auto-mode': { 'eks:eks-cluster-name': cluster, 'eks:kubernetes-node-pool-name': name },
      eksctl: {
        'alpha.eksctl.io/cluster-name': cluster,
        'alpha.eksctl.io/nodegroup-name': name,
        'aws:autoscaling:groupName': asgName,
      },
      'self-managed': { 'aws:autoscaling:groupName': asgName },
    };

    for (const instanceId of ids) {
      const tags = {
        [`kubernetes.io/cluster/${cluster}`]: 'owned',
        ...kindTags[kind],
        'aws:ec2launchtemplate:id': templateId,
        'aws:ec2launchtemplate:version': '1',
        ...spec.tags,
      };
      const custom = spec.customNetworking;
      const podIps = spec.secondaryIpsPerNode ?? 0;
      // Under custom networking the primary ENI holds no pod IP; otherwise it fills first.
      const onPrimary = custom ? 0 : Math.min(podIps, ipsPerEni - 1);
      const interfaces: { id: string; deviceIndex: number; groups: string[] }[] = [];
      const primaryId = this.addEni({
        subnetId,
        groups: primarySgs,
        description: '',
        secondaryIps: onPrimary,
        prefixes: custom ? 0 : (spec.prefixesPerNode ?? 0),
        attachment: { instanceId, deviceIndex: 0 },
      });
      interfaces.push({ id: primaryId, deviceIndex: 0, groups: primarySgs });
      let remaining = podIps - onPrimary;
      let prefixesLeft = custom ? (spec.prefixesPerNode ?? 0) : 0;
      let deviceIndex = 1;
      while (remaining > 0 || prefixesLeft > 0) {
        const here = Math.min(remaining, ipsPerEni - 1);
        const groups = custom ? custom.securityGroups : primarySgs;
        const eniId = this.addEni({
          subnetId: custom ? this.subnetOrDefault(custom.subnetId) : subnetId,
          groups,
          description: `aws-K8S-${instanceId}`,
          secondaryIps: here,
          prefixes: prefixesLeft,
          attachment: { instanceId, deviceIndex },
          tags: { 'node.k8s.amazonaws.com/instance_id': instanceId, 'cluster.k8s.amazonaws.com/name': cluster },
        });
        interfaces.push({ id: eniId, deviceIndex, groups });
        remaining -= here;
        prefixesLeft = 0;
        deviceIndex += 1;
      }
      if (spec.trunk) {
        const trunkId = this.addEni({
          subnetId,
          groups: primarySgs,
          description: 'aws-k8s-trunk-eni',
          interfaceType: 'trunk',
          attachment: { instanceId, deviceIndex },
          requesterId: '895095153028',
          tags: { 'eks:eni:owner': 'eks-vpc-resource-controller', [`kubernetes.io/cluster/${cluster}`]: 'owned' },
        });
        interfaces.push({ id: trunkId, deviceIndex, groups: primarySgs });
        this.trunks.set(instanceId, trunkId);
      }
      this.instances.push({
        InstanceId: instanceId,
        InstanceType: instanceType,
        State: { Code: spec.state === undefined || spec.state === 'running' ? 16 : 0, Name: spec.state ?? 'running' },
        SubnetId: subnetId,
        VpcId: this.vpc.id,
        LaunchTime: '2026-10-30T08:12:44+00:00',
        SecurityGroups: primarySgs.map((GroupId) => ({ GroupId })),
        NetworkInterfaces: interfaces.map((eni) => ({
          NetworkInterfaceId: eni.id,
          Attachment: { DeviceIndex: eni.deviceIndex, NetworkCardIndex: 0 },
          Groups: eni.groups.map((GroupId) => ({ GroupId })),
        })),
        Tags: tagList(tags),
      });
    }

    if (kind === 'managed' || kind === 'self-managed' || kind === 'eksctl') {
      this.asgs.push({
        AutoScalingGroupName: asgName,
        MinSize: ids.length,
        MaxSize: Math.max(ids.length, 4),
        DesiredCapacity: ids.length,
        VPCZoneIdentifier: subnetId,
        Instances: ids.map((InstanceId) => ({ InstanceId, InstanceType: instanceType })),
        LaunchTemplate: { LaunchTemplateId: templateId, Version: '1' },
        Tags: tagList(kind === 'managed' ? { 'eks:cluster-name': cluster, 'eks:nodegroup-name': name } : {}),
      });
    }
    if (kind === 'managed') {
      this.nodegroups.push({
        nodegroup: {
          nodegroupName: name,
          clusterName: cluster,
          instanceTypes: [instanceType],
          subnets: [subnetId],
          capacityType: 'ON_DEMAND',
          amiType: 'AL2023_x86_64_STANDARD',
          scalingConfig: { minSize: ids.length, maxSize: Math.max(ids.length, 4), desiredSize: ids.length },
          resources: { autoScalingGroups: [{ name: asgName }] },
          labels: {},
          tags: {},
        },
      });
    }
    return this;
  }

  /** Adds (or replaces) a security group. Rules appear in both DescribeSecurityGroups and DescribeSecurityGroupRules. */
  securityGroup(id: string, spec: SecurityGroupSpec = {}): this {
    this.groups.set(id, spec);
    return this;
  }

  /** Adds a plain (non-node unless its tags say so) instance with one primary ENI. */
  instance(
    id: string,
    spec: {
      instanceType?: string;
      sgs?: string[];
      tags?: Record<string, string>;
      state?: string;
      subnetId?: string;
    } = {},
  ): this {
    const instanceType = spec.instanceType ?? 't3.micro';
    this.typeInfo(instanceType);
    const subnetId = this.subnetOrDefault(spec.subnetId);
    const sgs = spec.sgs ?? [];
    const eniId = this.addEni({
      subnetId,
      groups: sgs,
      description: '',
      attachment: { instanceId: id, deviceIndex: 0 },
    });
    this.instances.push({
      InstanceId: id,
      InstanceType: instanceType,
      State: { Name: spec.state ?? 'running' },
      SubnetId: subnetId,
      VpcId: this.vpc.id,
      SecurityGroups: sgs.map((GroupId) => ({ GroupId })),
      NetworkInterfaces: [{ NetworkInterfaceId: eniId, Attachment: { DeviceIndex: 0, NetworkCardIndex: 0 } }],
      Tags: tagList(spec.tags ?? {}),
    });
    return this;
  }

  /** Adds an RDS ENI (`RDSNetworkInterface`, requester `amazon-rds`) carrying `sg`. */
  rdsEni(sg: string, options: { subnetId?: string } = {}): this {
    return this.serviceEni(sg, {
      description: 'RDSNetworkInterface',
      requesterId: 'amazon-rds',
      requesterManaged: true,
      ...(options.subnetId ? { subnetId: options.subnetId } : {}),
    });
  }

  /** Adds an ENI owned by some AWS service (see `serviceOfNetworkInterface` for the shapes it recognises). */
  serviceEni(sg: string | string[], spec: EniSpec): this {
    this.addEni({
      subnetId: this.subnetOrDefault(spec.subnetId),
      groups: toArray(sg),
      description: spec.description,
      ...(spec.interfaceType ? { interfaceType: spec.interfaceType } : {}),
      ...(spec.requesterId ? { requesterId: spec.requesterId } : {}),
      requesterManaged: spec.requesterManaged ?? true,
      ...(spec.tags ? { tags: spec.tags } : {}),
    });
    return this;
  }

  /** Adds an SGP pod: a branch ENI with `podSgs` hung off the node's trunk ENI (created if the node has none). */
  sgpPod(instanceId: string, podSgs: string | string[], options: { cluster?: string } = {}): this {
    const instance = this.instances.find((candidate) => candidate.InstanceId === instanceId);
    if (!instance) throw new Error(`inventory-builder: add node ${instanceId} before its SGP pods`);
    const tags = Object.fromEntries(
      (instance.Tags as { Key: string; Value: string }[]).map((tag) => [tag.Key, tag.Value]),
    );
    const cluster =
      options.cluster ??
      Object.keys(tags)
        .find((key) => key.startsWith('kubernetes.io/cluster/'))
        ?.slice('kubernetes.io/cluster/'.length) ??
      'prod';
    const subnetId = instance.SubnetId as string;
    let trunkId = this.trunks.get(instanceId);
    if (!trunkId) {
      const groups = (instance.SecurityGroups as { GroupId: string }[]).map((group) => group.GroupId);
      const deviceIndex = (instance.NetworkInterfaces as unknown[]).length;
      trunkId = this.addEni({
        subnetId,
        groups,
        description: 'aws-k8s-trunk-eni',
        interfaceType: 'trunk',
        attachment: { instanceId, deviceIndex },
        requesterId: '895095153028',
        tags: { 'eks:eni:owner': 'eks-vpc-resource-controller', [`kubernetes.io/cluster/${cluster}`]: 'owned' },
      });
      (instance.NetworkInterfaces as unknown[]).push({
        NetworkInterfaceId: trunkId,
        Attachment: { DeviceIndex: deviceIndex, NetworkCardIndex: 0 },
      });
      this.trunks.set(instanceId, trunkId);
    }
    const vlan =
      this.enis.filter((eni) => (eni.TagSet as { Key: string; Value: string }[]).some((tag) => tag.Value === trunkId))
        .length + 1;
    this.addEni({
      subnetId,
      groups: toArray(podSgs),
      description: 'aws-k8s-branch-eni',
      interfaceType: 'branch',
      requesterId: '895095153028',
      tags: {
        'vpcresources.k8s.aws/vlan-id': String(vlan),
        'vpcresources.k8s.aws/trunk-eni-id': trunkId,
        'eks:eni:owner': 'eks-vpc-resource-controller',
        [`kubernetes.io/cluster/${cluster}`]: 'owned',
      },
    });
    return this;
  }

  /** Adds a Fargate pod ENI; it carries the cluster SG unless `sgs` is given. */
  fargatePod(cluster: string, options: { sgs?: string[]; subnetId?: string } = {}): this {
    const clusterSg = this.clusterSgs.get(cluster);
    this.addEni({
      subnetId: this.subnetOrDefault(options.subnetId),
      groups: options.sgs ?? (clusterSg ? [clusterSg] : []),
      description: `[Fargate] ${cluster} pod`,
      requesterManaged: true,
      tags: { [`kubernetes.io/cluster/${cluster}`]: 'owned' },
    });
    return this;
  }

  /** Adds an EKS add-on (`DescribeAddon`), e.g. `addon('prod', 'vpc-cni', '{"env":{"ENABLE_POD_ENI":"true"}}')`. */
  addon(cluster: string, name: string, configurationValues?: string, version = 'v1.19.2-eksbuild.1'): this {
    this.addons.push({
      addon: {
        addonName: name,
        clusterName: cluster,
        addonVersion: version,
        ...(configurationValues ? { configurationValues } : {}),
      },
    });
    return this;
  }

  /** Adds a managed prefix list and its entries. */
  prefixList(id: string, cidrs: string[]): this {
    this.prefixLists.push({ PrefixListId: id, Entries: cidrs.map((Cidr) => ({ Cidr })) });
    return this;
  }

  /** Adds a subnet CIDR reservation (`prefix` or `explicit`). */
  cidrReservation(subnetId: string, cidr: string, reservationType: 'prefix' | 'explicit' = 'prefix'): this {
    this.reservations.push({
      SubnetCidrReservationId: this.id('scr'),
      SubnetId: subnetId,
      Cidr: cidr,
      ReservationType: reservationType,
    });
    return this;
  }

  /** Leaves these keys out of the snapshot, so the inventory reports them as missing. */
  without(...keys: SnapshotKey[]): this {
    for (const key of keys) this.omitted.add(key);
    return this;
  }

  private permission(rule: RuleSpec): Json {
    const protocol = rule.protocol ?? 'tcp';
    const from = rule.fromPort ?? rule.port;
    const to = rule.toPort ?? rule.port;
    const extra = rule.description ? { Description: rule.description } : {};
    return {
      IpProtocol: protocol,
      ...(protocol === '-1' ? {} : { FromPort: from, ToPort: to }),
      IpRanges: rule.cidr ? [{ CidrIp: rule.cidr, ...extra }] : [],
      Ipv6Ranges: rule.cidrV6 ? [{ CidrIpv6: rule.cidrV6, ...extra }] : [],
      PrefixListIds: rule.prefixListId ? [{ PrefixListId: rule.prefixListId, ...extra }] : [],
      UserIdGroupPairs: rule.sourceSg ? [{ GroupId: rule.sourceSg, UserId: this.account, ...extra }] : [],
    };
  }

  private ruleEntry(groupId: string, isEgress: boolean, rule: RuleSpec): Json {
    const protocol = rule.protocol ?? 'tcp';
    return {
      SecurityGroupRuleId: this.id('sgr'),
      GroupId: groupId,
      GroupOwnerId: this.account,
      IsEgress: isEgress,
      IpProtocol: protocol,
      FromPort: protocol === '-1' ? -1 : (rule.fromPort ?? rule.port),
      ToPort: protocol === '-1' ? -1 : (rule.toPort ?? rule.port),
      ...(rule.cidr ? { CidrIpv4: rule.cidr } : {}),
      ...(rule.cidrV6 ? { CidrIpv6: rule.cidrV6 } : {}),
      ...(rule.prefixListId ? { PrefixListId: rule.prefixListId } : {}),
      ...(rule.sourceSg ? { ReferencedGroupInfo: { GroupId: rule.sourceSg, UserId: this.account } } : {}),
      ...(rule.description ? { Description: rule.description } : {}),
      Tags: [],
    };
  }

  /** The snapshot JSON (a fresh object each call). */
  build(): Snapshot {
    const allGroups = new Map(this.groups);
    for (const id of this.referencedGroups) if (!allGroups.has(id)) allGroups.set(id, {});
    const defaultEgress: RuleSpec[] = [{ protocol: '-1', cidr: '0.0.0.0/0' }];
    const groupEntries = [...allGroups].map(([id, spec]) => ({ id, spec, egress: spec.egress ?? defaultEgress }));
    // Rule ids are generated per build so repeated builds stay identical.
    const saved = this.counters.get('sgr');
    this.counters.delete('sgr');
    const rules = groupEntries.flatMap(({ id, spec, egress }) => [
      ...(spec.ingress ?? []).map((rule) => this.ruleEntry(id, false, rule)),
      ...egress.map((rule) => this.ruleEntry(id, true, rule)),
    ]);
    if (saved !== undefined) this.counters.set('sgr', saved);
    const groupNames = new Map(groupEntries.map(({ id, spec }) => [id, spec.name ?? id]));
    const snapshot: Snapshot = {
      account: this.account,
      region: this.options.region ?? 'eu-west-1',
      DescribeVpcs: { Vpcs: [{ VpcId: this.vpc.id, CidrBlock: this.vpc.cidr, OwnerId: this.account, Tags: [] }] },
      DescribeSubnets: {
        Subnets: [...this.subnets].map(([id, spec]) => ({
          SubnetId: id,
          VpcId: this.vpc.id,
          CidrBlock: spec.cidr,
          AvailabilityZone: spec.availabilityZone ?? 'eu-west-1a',
          AvailableIpAddressCount: spec.availableIpAddressCount ?? 2 ** (32 - Number(spec.cidr.split('/')[1])) - 5,
          Ipv6CidrBlockAssociationSet: [],
          Tags: tagList(spec.tags ?? {}),
        })),
      },
      DescribeSecurityGroups: {
        SecurityGroups: groupEntries.map(({ id, spec, egress }) => ({
          GroupId: id,
          GroupName: spec.name ?? id,
          VpcId: spec.vpcId ?? this.vpc.id,
          Description: spec.description ?? `${spec.name ?? id} security group`,
          OwnerId: this.account,
          IpPermissions: (spec.ingress ?? []).map((rule) => this.permission(rule)),
          IpPermissionsEgress: egress.map((rule) => this.permission(rule)),
          Tags: tagList(spec.tags ?? {}),
        })),
      },
      DescribeSecurityGroupRules: { SecurityGroupRules: rules },
      DescribeNetworkInterfaces: {
        NetworkInterfaces: this.enis.map((eni) => ({
          ...eni,
          Groups: (eni.Groups as { GroupId: string }[]).map(({ GroupId }) => ({
            GroupId,
            GroupName: groupNames.get(GroupId) ?? GroupId,
          })),
        })),
      },
      DescribeInstances: { Reservations: this.instances.map((instance) => ({ Instances: [instance] })) },
      DescribeInstanceTypes: {
        InstanceTypes: [...this.types].map(([type, facts]) => ({
          InstanceType: type,
          VCpuInfo: { DefaultVCpus: facts.vcpus },
          NetworkInfo: {
            MaximumNetworkInterfaces: facts.enis,
            Ipv4AddressesPerInterface: facts.ipsPerEni,
            DefaultNetworkCardIndex: 0,
            NetworkCards: [{ NetworkCardIndex: 0, MaximumNetworkInterfaces: facts.enis }],
          },
          Hypervisor: 'nitro',
          BareMetal: false,
        })),
      },
      DescribeLaunchTemplateVersions: { LaunchTemplateVersions: this.templates },
      DescribeAutoScalingGroups: { AutoScalingGroups: this.asgs },
      DescribeSubnetCidrReservations: { SubnetIpv4CidrReservations: this.reservations, SubnetIpv6CidrReservations: [] },
      GetManagedPrefixListEntries: this.prefixLists,
      DescribeCluster: this.clusters,
      DescribeNodegroup: this.nodegroups,
      DescribeAddon: this.addons,
    };
    for (const key of this.omitted) delete snapshot[key];
    return structuredClone(snapshot);
  }
}

/** Starts a snapshot of account 111122223333, eu-west-1, VPC vpc-0a1b2c3d4e5f60718 (10.0.0.0/16). */
export function snapshotBuilder(options?: {
  account?: string;
  region?: string;
  vpcId?: string;
  vpcCidr?: string;
}): SnapshotBuilder {
  return new SnapshotBuilder(options);
}

/** Runs the real loader and query layer on a snapshot: `buildInventory(loadSnapshot(snapshot))`. */
export function inventoryFrom(snapshot: Snapshot): Inventory {
  return buildInventory(loadSnapshot(snapshot));
}
