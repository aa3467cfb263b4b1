/** EKS clusters, node groups and add-ons. */
import type { Addon, Cluster, NodeGroup } from '../types/inventory.ts';
import { defined, type LoadContext, parseKey, type Raw } from './snapshot-parse.ts';
import { DescribeAddonSchema, DescribeClusterSchema, DescribeNodegroupSchema } from './snapshot-schemas.ts';

export function loadClusters(raw: Raw, ctx: LoadContext): Cluster[] {
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

export function loadNodeGroups(raw: Raw, ctx: LoadContext): NodeGroup[] {
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

export function loadAddons(raw: Raw, ctx: LoadContext): Addon[] {
  const data = parseKey('DescribeAddon', DescribeAddonSchema, raw.DescribeAddon, ctx);
  return data.map(({ addon }) => ({
    clusterName: addon.clusterName,
    name: addon.addonName,
    ...(addon.addonVersion === undefined ? {} : { version: addon.addonVersion }),
    ...(addon.configurationValues === undefined ? {} : { configurationValues: addon.configurationValues }),
  }));
}

/** `arn:aws:eks:eu-west-1:111122223333:cluster/prod` → region and account, when the snapshot does not say them. */
export function fromArn(arn: string | undefined): { region?: string; account?: string } {
  const parts = arn?.split(':') ?? [];
  return parts.length >= 5 ? { region: parts[3], account: parts[4] } : {};
}
