/**
 * What the full load's earlier waves name, for the later ones to read: the node instances (core's one node
 * classification), their Auto Scaling groups and subnets, the prefix lists SG rules reference, the launch templates in
 * use and the instance types in use.
 */
import type { AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import type {
  Instance,
  LaunchTemplateVersion,
  Reservation,
  SecurityGroup,
  SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import type { Cluster, Nodegroup } from '@aws-sdk/client-eks';
import { clusterFromTagList, LAUNCH_TEMPLATE_ID_TAG, LAUNCH_TEMPLATE_VERSION_TAG } from '@podnet-guard/core';
import type { TemplateKey } from './reader.ts';

/** Instance tag EC2 Auto Scaling sets on the instances it launches: the group's name. */
const ASG_NAME_TAG = 'aws:autoscaling:groupName';

type Tagged = { Tags?: { Key?: string; Value?: string }[] | undefined };

function tagValue(resource: Tagged, key: string): string | undefined {
  return resource.Tags?.find((tag) => tag.Key === key)?.Value;
}

/** Instances not terminated, and among them the EKS nodes of the clusters loaded (or asked for). */
export function instancesOf(
  reservations: Reservation[],
  clusters: { loaded: Cluster[]; wanted: readonly string[] | undefined },
): { live: Instance[]; nodes: Instance[] } {
  const wanted = clusters.wanted && clusters.wanted.length > 0 ? new Set(clusters.wanted) : null;
  const loaded = new Set(clusters.loaded.map((cluster) => cluster.name));
  const live = reservations
    .flatMap((reservation) => reservation.Instances ?? [])
    .filter((instance) => instance.State?.Name !== 'terminated');
  const nodes = live.filter((instance) => {
    const cluster = clusterFromTagList(instance.Tags);
    return cluster !== undefined && (wanted === null || wanted.has(cluster) || loaded.has(cluster));
  });
  return { live, nodes };
}

/** Auto Scaling groups of node groups and of nodes (self-managed nodes name theirs in a tag), sorted. */
export function autoScalingGroupNames(nodegroups: Nodegroup[], nodes: Instance[]): string[] {
  const names = new Set<string>();
  for (const nodegroup of nodegroups) {
    for (const asg of nodegroup.resources?.autoScalingGroups ?? []) if (asg.name) names.add(asg.name);
  }
  for (const node of nodes) {
    const asg = tagValue(node, ASG_NAME_TAG);
    if (asg) names.add(asg);
  }
  return [...names].sort();
}

/** Subnets of the clusters, node groups and nodes (every ENI of a node), sorted. */
export function nodeSubnetIds(clusters: Cluster[], nodegroups: Nodegroup[], nodes: Instance[]): string[] {
  const ids = new Set<string>();
  for (const cluster of clusters) for (const id of cluster.resourcesVpcConfig?.subnetIds ?? []) ids.add(id);
  for (const nodegroup of nodegroups) for (const id of nodegroup.subnets ?? []) ids.add(id);
  for (const node of nodes) {
    if (node.SubnetId) ids.add(node.SubnetId);
    for (const eni of node.NetworkInterfaces ?? []) if (eni.SubnetId) ids.add(eni.SubnetId);
  }
  return [...ids].sort();
}

/** Prefix list ids referenced by security group rules (both the rule list and the groups' permissions), sorted. */
export function referencedPrefixLists(groups: SecurityGroup[], rules: SecurityGroupRule[]): string[] {
  const ids = new Set<string>();
  for (const rule of rules) if (rule.PrefixListId) ids.add(rule.PrefixListId);
  for (const group of groups) {
    for (const permission of [...(group.IpPermissions ?? []), ...(group.IpPermissionsEgress ?? [])]) {
      for (const list of permission.PrefixListIds ?? []) if (list.PrefixListId) ids.add(list.PrefixListId);
    }
  }
  return [...ids].sort();
}

/** A launch template in use, with the versions to read: `$Latest`, `$Default` and every version in use. */
export type TemplateRef = TemplateKey & { versions: Set<string> };

/** Launch templates in use, each once: by id when any use names its id, else by name. */
class TemplateRefs {
  readonly byKey = new Map<string, TemplateRef>();
  private readonly nameToId = new Map<string, string>();

  add(id: string | undefined, name: string | undefined, version: string | undefined): void {
    if (!id && !name) return;
    if (id && name) this.nameToId.set(name, id);
    const resolvedId = id ?? (name ? this.nameToId.get(name) : undefined);
    const key = resolvedId ? `id:${resolvedId}` : `name:${name}`;
    let ref = this.byKey.get(key);
    if (!ref) {
      const versions = new Set(['$Latest', '$Default']);
      ref = resolvedId ? { id: resolvedId, versions } : { name: name as string, versions };
      this.byKey.set(key, ref);
    }
    if (version) ref.versions.add(version);
    // A template first seen by name only and later by id+name: fold the name entry into the id entry.
    if (resolvedId && name) {
      const byName = this.byKey.get(`name:${name}`);
      if (byName) {
        for (const v of byName.versions) ref.versions.add(v);
        this.byKey.delete(`name:${name}`);
      }
    }
  }
}

/** Launch templates of node groups, their ASGs (mixed-instances overrides included) and nodes. */
export function launchTemplatesInUse(
  nodegroups: Nodegroup[],
  asgs: AutoScalingGroup[],
  nodes: Instance[],
): TemplateRef[] {
  const templates = new TemplateRefs();
  for (const nodegroup of nodegroups) {
    const lt = nodegroup.launchTemplate;
    if (lt) templates.add(lt.id, lt.name, lt.version);
  }
  for (const asg of asgs) {
    const lt = asg.LaunchTemplate;
    if (lt) templates.add(lt.LaunchTemplateId, lt.LaunchTemplateName, lt.Version);
    const mixed = asg.MixedInstancesPolicy?.LaunchTemplate;
    const spec = mixed?.LaunchTemplateSpecification;
    if (spec) templates.add(spec.LaunchTemplateId, spec.LaunchTemplateName, spec.Version);
    for (const override of mixed?.Overrides ?? []) {
      const o = override.LaunchTemplateSpecification;
      if (o) templates.add(o.LaunchTemplateId, o.LaunchTemplateName, o.Version);
    }
  }
  for (const node of nodes) {
    const id = tagValue(node, LAUNCH_TEMPLATE_ID_TAG);
    if (id) templates.add(id, undefined, tagValue(node, LAUNCH_TEMPLATE_VERSION_TAG));
  }
  return [...templates.byKey.values()];
}

/** Instance types in use by live instances, node groups, launch template versions and ASG overrides, sorted. */
export function instanceTypesInUse(
  live: Instance[],
  nodegroups: Nodegroup[],
  templateVersions: LaunchTemplateVersion[],
  asgs: AutoScalingGroup[],
): string[] {
  const types = new Set<string>();
  for (const instance of live) if (instance.InstanceType) types.add(instance.InstanceType);
  for (const nodegroup of nodegroups) for (const type of nodegroup.instanceTypes ?? []) types.add(type);
  for (const version of templateVersions) {
    const type = version.LaunchTemplateData?.InstanceType;
    if (type) types.add(type);
  }
  for (const asg of asgs) {
    for (const override of asg.MixedInstancesPolicy?.LaunchTemplate?.Overrides ?? []) {
      if (override.InstanceType) types.add(override.InstanceType);
    }
  }
  return [...types].sort();
}
