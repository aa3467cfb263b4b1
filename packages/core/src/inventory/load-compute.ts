/** Instances, instance types, launch template versions and Auto Scaling groups. */

import { unique } from '../collections.ts';
import { SnapshotFormatError } from '../errors.ts';
import type { AutoScalingGroup, Instance, InstanceTypeInfo, LaunchTemplateVersion, Tags } from '../types/inventory.ts';
import { decodeBase64, defined, type LoadContext, parseKey, type Raw, tagsOf } from './snapshot-parse.ts';
import {
  DescribeAutoScalingGroupsSchema,
  DescribeInstancesSchema,
  DescribeInstanceTypesSchema,
  DescribeLaunchTemplateVersionsSchema,
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

export function loadInstances(raw: Raw, ctx: LoadContext): Instance[] {
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

export function loadInstanceTypes(raw: Raw, ctx: LoadContext): InstanceTypeInfo[] {
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

export function loadLaunchTemplateVersions(
  raw: Raw,
  ctx: LoadContext,
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

export function loadAutoScalingGroups(raw: Raw, ctx: LoadContext): AutoScalingGroup[] {
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
