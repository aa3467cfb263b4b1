/**
 * The snapshot loader: validates a snapshot (a JSON file assembled from AWS CLI output, or the live loader's answers
 * in the same shape) and normalises it into `InventoryData`. One code path serves both, so a bug seen live can be
 * replayed from a file.
 */
import type * as z from 'zod/mini';
import type { RulePeer, TrafficDirection } from '../cloudtrail/types.ts';
import { type InputIssue, SnapshotFormatError } from '../errors.ts';
import { safeParseSchema } from '../safe-parse.ts';
import {
  type Addon,
  type AutoScalingGroup,
  type Cluster,
  type Instance,
  type InstanceTypeInfo,
  type InventoryData,
  type LaunchTemplateVersion,
  type ManagedPrefixList,
  type NetworkInterface,
  type NodeGroup,
  type SecurityGroup,
  type SecurityGroupRule,
  SNAPSHOT_KEYS,
  type SnapshotKey,
  type Subnet,
  type SubnetCidrReservation,
  type Tags,
  type Vpc,
} from '../types/inventory.ts';
import {
  DescribeAddonSchema,
  DescribeAutoScalingGroupsSchema,
  DescribeClusterSchema,
  DescribeInstancesSchema,
  DescribeInstanceTypesSchema,
  DescribeLaunchTemplateVersionsSchema,
  DescribeNetworkInterfacesSchema,
  DescribeNodegroupSchema,
  DescribeSecurityGroupRulesSchema,
  DescribeSecurityGroupsSchema,
  DescribeSubnetCidrReservationsSchema,
  DescribeSubnetsSchema,
  DescribeVpcsSchema,
  GetManagedPrefixListEntriesSchema,
  type IpPermissionShape,
} from './snapshot-schemas.ts';

/**
 * Instance tag EC2 sets on instances launched from a launch template: the template id.
 *
 * @example
 * instance.tags[LAUNCH_TEMPLATE_ID_TAG]; // 'lt-0e000000000000001'
 */
export const LAUNCH_TEMPLATE_ID_TAG = 'aws:ec2launchtemplate:id';
/**
 * Instance tag EC2 sets on instances launched from a launch template: the version number.
 *
 * @example
 * instance.tags[LAUNCH_TEMPLATE_VERSION_TAG]; // '1'
 */
export const LAUNCH_TEMPLATE_VERSION_TAG = 'aws:ec2launchtemplate:version';

function tagsOf(tags: { Key: string; Value?: string | undefined }[] | undefined): Tags {
  const out: Tags = {};
  for (const tag of tags ?? []) out[tag.Key] = tag.Value ?? '';
  return out;
}

function defined<T>(values: (T | undefined | null)[]): T[] {
  return values.filter((value): value is T => value !== undefined && value !== null);
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

function pathOf(key: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : `${acc}.${String(part)}`),
    key,
  );
}

function parseKey<S extends z.ZodMiniType>(
  key: SnapshotKey,
  schema: S,
  value: unknown,
  context: { path?: string },
): z.output<S> {
  const result = safeParseSchema(schema, value);
  if (result.success) return result.data;
  const issues: InputIssue[] = result.error.issues.map((issue) => ({
    path: pathOf(key, issue.path),
    message: issue.message,
  }));
  const where = context.path ? `${context.path}: ` : '';
  const first = issues[0];
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  throw new SnapshotFormatError(
    `${where}snapshot key ${key} does not have the AWS response shape: ${first?.path}: ${first?.message}${more}`,
    { ...(context.path === undefined ? {} : { path: context.path }), key, issues },
    { cause: result.error },
  );
}

function decodeBase64(text: string, where: () => SnapshotFormatError): string {
  try {
    const binary = atob(text.replace(/\s+/g, ''));
    return new TextDecoder().decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)));
  } catch {
    throw where();
  }
}

/** `-1` means all protocols and carries no ports; other protocols keep theirs as AWS shows them. */
function ruleShape(protocol: string, fromPort: number | undefined, toPort: number | undefined) {
  const lowered = protocol.toLowerCase();
  if (lowered === '-1') return { protocol: lowered };
  return {
    protocol: lowered,
    ...(fromPort === undefined ? {} : { fromPort }),
    ...(toPort === undefined ? {} : { toPort }),
  };
}

function withDescription(description: string | undefined): { description?: string } {
  return description === undefined || description === '' ? {} : { description };
}

/** One rule per peer of an `IpPermission`, with ids `<groupId>/<direction>/<n>` (n counts per group and direction). */
function rulesFromPermissions(
  groupId: string,
  direction: TrafficDirection,
  permissions: IpPermissionShape[],
): SecurityGroupRule[] {
  const rules: SecurityGroupRule[] = [];
  const push = (permission: IpPermissionShape, peer: RulePeer, description: string | undefined) =>
    rules.push({
      ruleId: `${groupId}/${direction}/${rules.length}`,
      groupId,
      direction,
      ...ruleShape(permission.IpProtocol, permission.FromPort, permission.ToPort),
      peer,
      ...withDescription(description),
    });
  for (const permission of permissions) {
    for (const range of permission.IpRanges ?? [])
      push(permission, { kind: 'ipv4', cidr: range.CidrIp }, range.Description);
    for (const range of permission.Ipv6Ranges ?? [])
      push(permission, { kind: 'ipv6', cidr: range.CidrIpv6 }, range.Description);
    for (const list of permission.PrefixListIds ?? [])
      push(permission, { kind: 'prefix-list', prefixListId: list.PrefixListId }, list.Description);
    for (const pair of permission.UserIdGroupPairs ?? []) {
      const peer: RulePeer = {
        kind: 'security-group',
        ...(pair.GroupId === undefined ? {} : { groupId: pair.GroupId }),
        ...(pair.GroupName === undefined ? {} : { groupName: pair.GroupName }),
        ...(pair.UserId === undefined ? {} : { userId: pair.UserId }),
      };
      push(permission, peer, pair.Description);
    }
  }
  return rules;
}

type Raw = Partial<Record<SnapshotKey, unknown>>;

function loadVpcs(raw: Raw, ctx: { path?: string }): Vpc[] {
  const data = parseKey('DescribeVpcs', DescribeVpcsSchema, raw.DescribeVpcs, ctx);
  return (data.Vpcs ?? []).map((vpc) => ({
    id: vpc.VpcId,
    cidrs: unique(
      defined([
        vpc.CidrBlock,
        ...(vpc.CidrBlockAssociationSet ?? [])
          .filter((assoc) => !/^disassociat/.test(assoc.CidrBlockState?.State ?? ''))
          .map((assoc) => assoc.CidrBlock),
      ]),
    ),
    ipv6Cidrs: unique(
      defined(
        (vpc.Ipv6CidrBlockAssociationSet ?? [])
          .filter((assoc) => !/^disassociat/.test(assoc.Ipv6CidrBlockState?.State ?? ''))
          .map((assoc) => assoc.Ipv6CidrBlock),
      ),
    ),
    tags: tagsOf(vpc.Tags),
  }));
}

function loadSubnets(raw: Raw, ctx: { path?: string }): Subnet[] {
  const data = parseKey('DescribeSubnets', DescribeSubnetsSchema, raw.DescribeSubnets, ctx);
  return (data.Subnets ?? []).map((subnet) => ({
    id: subnet.SubnetId,
    vpcId: subnet.VpcId,
    // IPv6-only subnets have no IPv4 block.
    cidr: subnet.CidrBlock ?? '',
    ipv6Cidrs: defined((subnet.Ipv6CidrBlockAssociationSet ?? []).map((assoc) => assoc.Ipv6CidrBlock)),
    ...(subnet.AvailabilityZone === undefined ? {} : { availabilityZone: subnet.AvailabilityZone }),
    availableIpAddressCount: subnet.AvailableIpAddressCount ?? 0,
    tags: tagsOf(subnet.Tags),
  }));
}

function loadSecurityGroups(raw: Raw, ctx: { path?: string }) {
  const data = parseKey('DescribeSecurityGroups', DescribeSecurityGroupsSchema, raw.DescribeSecurityGroups, ctx);
  const groups: SecurityGroup[] = [];
  const derivedRules: SecurityGroupRule[] = [];
  for (const group of data.SecurityGroups ?? []) {
    groups.push({
      id: group.GroupId,
      name: group.GroupName,
      ...(group.VpcId === undefined ? {} : { vpcId: group.VpcId }),
      ...(group.Description === undefined ? {} : { description: group.Description }),
      ...(group.OwnerId === undefined ? {} : { ownerId: group.OwnerId }),
      tags: tagsOf(group.Tags),
    });
    derivedRules.push(
      ...rulesFromPermissions(group.GroupId, 'ingress', group.IpPermissions ?? []),
      ...rulesFromPermissions(group.GroupId, 'egress', group.IpPermissionsEgress ?? []),
    );
  }
  return { groups, derivedRules };
}

function loadSecurityGroupRules(raw: Raw, ctx: { path?: string }): SecurityGroupRule[] {
  const data = parseKey(
    'DescribeSecurityGroupRules',
    DescribeSecurityGroupRulesSchema,
    raw.DescribeSecurityGroupRules,
    ctx,
  );
  return (data.SecurityGroupRules ?? []).map((rule, index) => {
    let peer: RulePeer;
    if (rule.CidrIpv4 !== undefined) peer = { kind: 'ipv4', cidr: rule.CidrIpv4 };
    else if (rule.CidrIpv6 !== undefined) peer = { kind: 'ipv6', cidr: rule.CidrIpv6 };
    else if (rule.PrefixListId !== undefined) peer = { kind: 'prefix-list', prefixListId: rule.PrefixListId };
    else if (rule.ReferencedGroupInfo !== undefined)
      peer = {
        kind: 'security-group',
        ...(rule.ReferencedGroupInfo.GroupId === undefined ? {} : { groupId: rule.ReferencedGroupInfo.GroupId }),
        ...(rule.ReferencedGroupInfo.UserId === undefined ? {} : { userId: rule.ReferencedGroupInfo.UserId }),
      };
    else
      throw new SnapshotFormatError(
        `${ctx.path ? `${ctx.path}: ` : ''}snapshot key DescribeSecurityGroupRules: rule ${rule.SecurityGroupRuleId} has no peer (CidrIpv4, CidrIpv6, PrefixListId or ReferencedGroupInfo)`,
        {
          ...(ctx.path === undefined ? {} : { path: ctx.path }),
          key: 'DescribeSecurityGroupRules',
          issues: [{ path: `DescribeSecurityGroupRules.SecurityGroupRules[${index}]`, message: 'no peer' }],
        },
      );
    return {
      ruleId: rule.SecurityGroupRuleId,
      groupId: rule.GroupId,
      direction: rule.IsEgress ? 'egress' : 'ingress',
      ...ruleShape(rule.IpProtocol, rule.FromPort, rule.ToPort),
      peer,
      ...withDescription(rule.Description),
    } satisfies SecurityGroupRule;
  });
}

function loadNetworkInterfaces(raw: Raw, ctx: { path?: string }): NetworkInterface[] {
  const data = parseKey(
    'DescribeNetworkInterfaces',
    DescribeNetworkInterfacesSchema,
    raw.DescribeNetworkInterfaces,
    ctx,
  );
  return (data.NetworkInterfaces ?? []).map((eni) => {
    const privateIps = defined((eni.PrivateIpAddresses ?? []).map((ip) => ip.PrivateIpAddress));
    const primary = eni.PrivateIpAddress ?? (eni.PrivateIpAddresses ?? []).find((ip) => ip.Primary)?.PrivateIpAddress;
    if (primary !== undefined && !privateIps.includes(primary)) privateIps.unshift(primary);
    const attachment = eni.Attachment;
    return {
      id: eni.NetworkInterfaceId,
      ...(eni.SubnetId === undefined ? {} : { subnetId: eni.SubnetId }),
      ...(eni.VpcId === undefined ? {} : { vpcId: eni.VpcId }),
      interfaceType: eni.InterfaceType ?? 'interface',
      description: eni.Description ?? '',
      ...(eni.RequesterId === undefined ? {} : { requesterId: eni.RequesterId }),
      requesterManaged: eni.RequesterManaged ?? false,
      ...(eni.Status === undefined ? {} : { status: eni.Status }),
      groupIds: defined((eni.Groups ?? []).map((group) => group.GroupId)),
      privateIps,
      ...(primary === undefined ? {} : { primaryPrivateIp: primary }),
      ipv4Prefixes: defined((eni.Ipv4Prefixes ?? []).map((prefix) => prefix.Ipv4Prefix)),
      ipv6Addresses: defined((eni.Ipv6Addresses ?? []).map((address) => address.Ipv6Address)),
      ipv6Prefixes: defined((eni.Ipv6Prefixes ?? []).map((prefix) => prefix.Ipv6Prefix)),
      ...(attachment === undefined
        ? {}
        : {
            attachment: {
              ...(attachment.InstanceId === undefined ? {} : { instanceId: attachment.InstanceId }),
              ...(attachment.DeviceIndex === undefined ? {} : { deviceIndex: attachment.DeviceIndex }),
              ...(attachment.NetworkCardIndex === undefined ? {} : { networkCardIndex: attachment.NetworkCardIndex }),
              ...(attachment.Status === undefined ? {} : { status: attachment.Status }),
            },
          }),
      tags: { ...tagsOf(eni.Tags), ...tagsOf(eni.TagSet) },
    };
  });
}

function loadInstances(raw: Raw, ctx: { path?: string }): Instance[] {
  const data = parseKey('DescribeInstances', DescribeInstancesSchema, raw.DescribeInstances, ctx);
  const instances: Instance[] = [];
  for (const reservation of data.Reservations ?? []) {
    for (const instance of reservation.Instances ?? []) {
      const tags = tagsOf(instance.Tags);
      const enis = instance.NetworkInterfaces ?? [];
      const primary = enis.find(
        (eni) => eni.Attachment?.DeviceIndex === 0 && (eni.Attachment.NetworkCardIndex ?? 0) === 0,
      );
      const ltId = tags[LAUNCH_TEMPLATE_ID_TAG];
      const ltVersion = tags[LAUNCH_TEMPLATE_VERSION_TAG];
      instances.push({
        id: instance.InstanceId,
        instanceType: instance.InstanceType,
        state: instance.State?.Name ?? 'unknown',
        ...(instance.SubnetId === undefined ? {} : { subnetId: instance.SubnetId }),
        ...(instance.VpcId === undefined ? {} : { vpcId: instance.VpcId }),
        ...(instance.LaunchTime === undefined ? {} : { launchTime: instance.LaunchTime }),
        tags,
        ...(primary === undefined ? {} : { primaryNetworkInterfaceId: primary.NetworkInterfaceId }),
        groupIds: unique(
          defined(
            instance.SecurityGroups !== undefined
              ? instance.SecurityGroups.map((group) => group.GroupId)
              : (primary?.Groups ?? []).map((group) => group.GroupId),
          ),
        ),
        networkInterfaceIds: enis.map((eni) => eni.NetworkInterfaceId),
        ...(ltId === undefined
          ? {}
          : { launchTemplate: { id: ltId, ...(ltVersion === undefined ? {} : { version: ltVersion }) } }),
      });
    }
  }
  return instances;
}

function loadInstanceTypes(raw: Raw, ctx: { path?: string }): InstanceTypeInfo[] {
  const data = parseKey('DescribeInstanceTypes', DescribeInstanceTypesSchema, raw.DescribeInstanceTypes, ctx);
  return (data.InstanceTypes ?? []).map((type) => {
    const network = type.NetworkInfo;
    return {
      instanceType: type.InstanceType,
      ...(type.VCpuInfo?.DefaultVCpus === undefined ? {} : { vcpus: type.VCpuInfo.DefaultVCpus }),
      ...(network?.MaximumNetworkInterfaces === undefined ? {} : { maxEnis: network.MaximumNetworkInterfaces }),
      ...(network?.Ipv4AddressesPerInterface === undefined ? {} : { ipv4PerEni: network.Ipv4AddressesPerInterface }),
      ...(network?.DefaultNetworkCardIndex === undefined
        ? {}
        : { defaultNetworkCardIndex: network.DefaultNetworkCardIndex }),
      networkCards: (network?.NetworkCards ?? []).map((card) => ({
        networkCardIndex: card.NetworkCardIndex,
        maximumNetworkInterfaces: card.MaximumNetworkInterfaces,
      })),
      ...(type.Hypervisor === undefined ? {} : { hypervisor: type.Hypervisor }),
      ...(type.BareMetal === undefined ? {} : { bareMetal: type.BareMetal }),
    };
  });
}

function loadLaunchTemplateVersions(
  raw: Raw,
  ctx: { path?: string },
  groupIdsByName: Map<string, string[]>,
): LaunchTemplateVersion[] {
  const data = parseKey(
    'DescribeLaunchTemplateVersions',
    DescribeLaunchTemplateVersionsSchema,
    raw.DescribeLaunchTemplateVersions,
    ctx,
  );
  return (data.LaunchTemplateVersions ?? []).map((version, index) => {
    const template = version.LaunchTemplateData ?? {};
    // Names (EC2-Classic/default-VPC style) resolve through DescribeSecurityGroups; unknown names are kept as given.
    const byName = (template.SecurityGroups ?? []).flatMap((name) => groupIdsByName.get(name) ?? [name]);
    const groupIds = unique([
      ...(template.SecurityGroupIds ?? []),
      ...byName,
      ...(template.NetworkInterfaces ?? []).flatMap((eni) => eni.Groups ?? []),
    ]);
    const userData =
      template.UserData === undefined
        ? undefined
        : decodeBase64(
            template.UserData,
            () =>
              new SnapshotFormatError(
                `${ctx.path ? `${ctx.path}: ` : ''}snapshot key DescribeLaunchTemplateVersions: UserData of ${version.LaunchTemplateId} version ${version.VersionNumber} is not base64`,
                {
                  ...(ctx.path === undefined ? {} : { path: ctx.path }),
                  key: 'DescribeLaunchTemplateVersions',
                  issues: [
                    {
                      path: `DescribeLaunchTemplateVersions.LaunchTemplateVersions[${index}].LaunchTemplateData.UserData`,
                      message: 'not base64',
                    },
                  ],
                },
              ),
          );
    // The tags instances launched from this version get (what identifies them as nodes).
    const tags = Object.assign(
      {},
      ...(template.TagSpecifications ?? [])
        .filter((spec) => spec.ResourceType === undefined || spec.ResourceType === 'instance')
        .map((spec) => tagsOf(spec.Tags)),
    ) as Tags;
    return {
      launchTemplateId: version.LaunchTemplateId,
      ...(version.LaunchTemplateName === undefined ? {} : { launchTemplateName: version.LaunchTemplateName }),
      versionNumber: version.VersionNumber,
      defaultVersion: version.DefaultVersion ?? false,
      ...(template.InstanceType === undefined ? {} : { instanceType: template.InstanceType }),
      groupIds,
      ...(userData === undefined ? {} : { userData }),
      tags,
    };
  });
}

function loadAutoScalingGroups(raw: Raw, ctx: { path?: string }): AutoScalingGroup[] {
  const data = parseKey(
    'DescribeAutoScalingGroups',
    DescribeAutoScalingGroupsSchema,
    raw.DescribeAutoScalingGroups,
    ctx,
  );
  return (data.AutoScalingGroups ?? []).map((group) => {
    const mixed = group.MixedInstancesPolicy?.LaunchTemplate;
    const spec = group.LaunchTemplate ?? mixed?.LaunchTemplateSpecification;
    return {
      name: group.AutoScalingGroupName,
      minSize: group.MinSize,
      maxSize: group.MaxSize,
      desiredCapacity: group.DesiredCapacity,
      subnetIds: (group.VPCZoneIdentifier ?? '')
        .split(',')
        .map((id) => id.trim())
        .filter((id) => id !== ''),
      instanceIds: (group.Instances ?? []).map((instance) => instance.InstanceId),
      instanceTypes: unique(
        defined([
          ...(mixed?.Overrides ?? []).map((override) => override.InstanceType),
          ...(group.Instances ?? []).map((instance) => instance.InstanceType),
        ]),
      ),
      ...(spec === undefined
        ? {}
        : {
            launchTemplate: {
              ...(spec.LaunchTemplateId === undefined ? {} : { id: spec.LaunchTemplateId }),
              ...(spec.LaunchTemplateName === undefined ? {} : { name: spec.LaunchTemplateName }),
              ...(spec.Version === undefined ? {} : { version: spec.Version }),
            },
          }),
      tags: tagsOf(group.Tags),
    };
  });
}

function loadSubnetCidrReservations(raw: Raw, ctx: { path?: string }): SubnetCidrReservation[] {
  const data = parseKey(
    'DescribeSubnetCidrReservations',
    DescribeSubnetCidrReservationsSchema,
    raw.DescribeSubnetCidrReservations,
    ctx,
  );
  return [...(data.SubnetIpv4CidrReservations ?? []), ...(data.SubnetIpv6CidrReservations ?? [])].map(
    (reservation) => ({
      subnetId: reservation.SubnetId,
      cidr: reservation.Cidr,
      reservationType: reservation.ReservationType,
    }),
  );
}

function loadPrefixLists(raw: Raw, ctx: { path?: string }): ManagedPrefixList[] {
  const data = parseKey(
    'GetManagedPrefixListEntries',
    GetManagedPrefixListEntriesSchema,
    raw.GetManagedPrefixListEntries,
    ctx,
  );
  return data.map((answer) => ({
    prefixListId: answer.PrefixListId,
    cidrs: (answer.Entries ?? []).map((entry) => entry.Cidr),
  }));
}

function loadClusters(raw: Raw, ctx: { path?: string }): Cluster[] {
  const data = parseKey('DescribeCluster', DescribeClusterSchema, raw.DescribeCluster, ctx);
  return data.map(({ cluster }) => {
    const vpc = cluster.resourcesVpcConfig;
    return {
      name: cluster.name,
      ...(cluster.arn === undefined ? {} : { arn: cluster.arn }),
      ...(cluster.version === undefined ? {} : { version: cluster.version }),
      ...(cluster.status === undefined ? {} : { status: cluster.status }),
      ...(cluster.roleArn === undefined ? {} : { roleArn: cluster.roleArn }),
      ...(vpc?.vpcId === undefined ? {} : { vpcId: vpc.vpcId }),
      subnetIds: vpc?.subnetIds ?? [],
      ...(vpc?.clusterSecurityGroupId === undefined ? {} : { clusterSecurityGroupId: vpc.clusterSecurityGroupId }),
      securityGroupIds: vpc?.securityGroupIds ?? [],
      autoMode: cluster.computeConfig?.enabled ?? false,
      tags: cluster.tags ?? {},
    };
  });
}

function loadNodeGroups(raw: Raw, ctx: { path?: string }): NodeGroup[] {
  const data = parseKey('DescribeNodegroup', DescribeNodegroupSchema, raw.DescribeNodegroup, ctx);
  return data.map(({ nodegroup }) => {
    const remote = nodegroup.remoteAccess;
    const lt = nodegroup.launchTemplate;
    const remoteSg = nodegroup.resources?.remoteAccessSecurityGroup;
    return {
      clusterName: nodegroup.clusterName,
      name: nodegroup.nodegroupName,
      instanceTypes: nodegroup.instanceTypes ?? [],
      subnets: nodegroup.subnets ?? [],
      ...(nodegroup.capacityType === undefined ? {} : { capacityType: nodegroup.capacityType }),
      ...(nodegroup.amiType === undefined ? {} : { amiType: nodegroup.amiType }),
      scaling: {
        ...(nodegroup.scalingConfig?.minSize === undefined ? {} : { minSize: nodegroup.scalingConfig.minSize }),
        ...(nodegroup.scalingConfig?.maxSize === undefined ? {} : { maxSize: nodegroup.scalingConfig.maxSize }),
        ...(nodegroup.scalingConfig?.desiredSize === undefined
          ? {}
          : { desiredSize: nodegroup.scalingConfig.desiredSize }),
      },
      ...(remote
        ? {
            remoteAccess: {
              ...(remote.ec2SshKey === undefined ? {} : { ec2SshKey: remote.ec2SshKey }),
              sourceSecurityGroups: remote.sourceSecurityGroups ?? [],
            },
          }
        : {}),
      ...(lt
        ? {
            launchTemplate: {
              ...(lt.id === undefined ? {} : { id: lt.id }),
              ...(lt.name === undefined ? {} : { name: lt.name }),
              ...(lt.version === undefined ? {} : { version: lt.version }),
            },
          }
        : {}),
      autoScalingGroupNames: defined((nodegroup.resources?.autoScalingGroups ?? []).map((group) => group.name)),
      ...(remoteSg ? { remoteAccessSecurityGroup: remoteSg } : {}),
      labels: nodegroup.labels ?? {},
      tags: nodegroup.tags ?? {},
    };
  });
}

function loadAddons(raw: Raw, ctx: { path?: string }): Addon[] {
  const data = parseKey('DescribeAddon', DescribeAddonSchema, raw.DescribeAddon, ctx);
  return data.map(({ addon }) => ({
    clusterName: addon.clusterName,
    name: addon.addonName,
    ...(addon.addonVersion === undefined ? {} : { version: addon.addonVersion }),
    ...(addon.configurationValues === undefined ? {} : { configurationValues: addon.configurationValues }),
  }));
}

/** `arn:aws:eks:eu-west-1:111122223333:cluster/prod` → region and account, when the snapshot does not say them. */
function fromArn(arn: string | undefined): { region?: string; account?: string } {
  const parts = arn?.split(':') ?? [];
  return parts.length >= 5 ? { region: parts[3], account: parts[4] } : {};
}

/**
 * Validates a snapshot and normalises it into `InventoryData`. Each key holds one AWS response as the CLI prints it
 * (the SDK's shape is accepted too: `$metadata` is ignored, dates may be `Date` objects). An absent key is listed in
 * `missing` and its collection is empty; unknown keys are ignored. When `DescribeSecurityGroupRules` is absent the
 * rules are derived from the groups' `IpPermissions` (one rule per peer, ids `<groupId>/<direction>/<n>`).
 *
 * @throws SnapshotFormatError naming the key and the path of the first wrong field.
 * @example
 * const data = loadSnapshot(JSON.parse(text), { path: 'snapshot.json' });
 * data.missing; // e.g. ['DescribeAddon']
 */
export function loadSnapshot(raw: unknown, context: { path?: string } = {}): InventoryData {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new SnapshotFormatError(`${context.path ? `${context.path}: ` : ''}a snapshot must be a JSON object`, {
      ...(context.path === undefined ? {} : { path: context.path }),
      issues: [{ path: '(root)', message: 'expected an object' }],
    });
  }
  const record = raw as Record<string, unknown>;
  for (const field of ['account', 'region'] as const) {
    if (record[field] !== undefined && typeof record[field] !== 'string') {
      throw new SnapshotFormatError(`${context.path ? `${context.path}: ` : ''}snapshot ${field} must be a string`, {
        ...(context.path === undefined ? {} : { path: context.path }),
        key: field,
        issues: [{ path: field, message: 'expected a string' }],
      });
    }
  }
  const present = new Set(SNAPSHOT_KEYS.filter((key) => record[key] !== undefined && record[key] !== null));
  const rawKeys: Raw = Object.fromEntries([...present].map((key) => [key, record[key]]));
  const has = (key: SnapshotKey) => present.has(key);

  const { groups, derivedRules } = has('DescribeSecurityGroups')
    ? loadSecurityGroups(rawKeys, context)
    : { groups: [], derivedRules: [] };
  const groupIdsByName = new Map<string, string[]>();
  for (const group of groups) groupIdsByName.set(group.name, [...(groupIdsByName.get(group.name) ?? []), group.id]);

  const clusters = has('DescribeCluster') ? loadClusters(rawKeys, context) : [];
  const arnFacts = fromArn(clusters.find((cluster) => cluster.arn)?.arn);

  return {
    account: (record.account as string | undefined) ?? arnFacts.account ?? groups[0]?.ownerId ?? '',
    region: (record.region as string | undefined) ?? arnFacts.region ?? '',
    vpcs: has('DescribeVpcs') ? loadVpcs(rawKeys, context) : [],
    subnets: has('DescribeSubnets') ? loadSubnets(rawKeys, context) : [],
    securityGroups: groups,
    securityGroupRules: has('DescribeSecurityGroupRules') ? loadSecurityGroupRules(rawKeys, context) : derivedRules,
    networkInterfaces: has('DescribeNetworkInterfaces') ? loadNetworkInterfaces(rawKeys, context) : [],
    instances: has('DescribeInstances') ? loadInstances(rawKeys, context) : [],
    instanceTypes: has('DescribeInstanceTypes') ? loadInstanceTypes(rawKeys, context) : [],
    launchTemplateVersions: has('DescribeLaunchTemplateVersions')
      ? loadLaunchTemplateVersions(rawKeys, context, groupIdsByName)
      : [],
    autoScalingGroups: has('DescribeAutoScalingGroups') ? loadAutoScalingGroups(rawKeys, context) : [],
    subnetCidrReservations: has('DescribeSubnetCidrReservations') ? loadSubnetCidrReservations(rawKeys, context) : [],
    prefixLists: has('GetManagedPrefixListEntries') ? loadPrefixLists(rawKeys, context) : [],
    clusters,
    nodeGroups: has('DescribeNodegroup') ? loadNodeGroups(rawKeys, context) : [],
    addons: has('DescribeAddon') ? loadAddons(rawKeys, context) : [],
    // Rules derived from DescribeSecurityGroups are complete, so DescribeSecurityGroupRules is not missing then.
    missing: SNAPSHOT_KEYS.filter(
      (key) => !has(key) && !(key === 'DescribeSecurityGroupRules' && has('DescribeSecurityGroups')),
    ),
  };
}
