/**
 * `instance-type-not-trunk-compatible`: a cluster with security groups for pods (SGP) gets or has nodes whose type
 * cannot hold a trunk ENI, so no SGP pod can run on them. Judged on what launches nodes (RunInstances, CreateFleet,
 * CreateNodegroup, a node group's config or version, a launch template version) and on state, one finding per node
 * group (or launch template, or loose instances). Wired with `trunk-missing` in `sgp-nodes.ts`.
 */

import { cannotTrunk, nearestTrunkCapableType } from '../../capacity/trunk.ts';
import type { CloudTrailEvent } from '../../cloudtrail/types.ts';
import { eventEvidence } from '../../findings/build.ts';
import type { NodeIdentity } from '../../inventory/classify.ts';
import { nodesOf } from '../../inventory/node-queries.ts';
import { launchTemplateVersion, usersOfLaunchTemplate } from '../../inventory/queries.ts';
import { type SgpStatus, sgpStatus } from '../../inventory/sgp.ts';
import { instanceTypesTarget } from '../../remediation/targets.ts';
import { LINKS } from '../../render/links.ts';
import { plural } from '../../render/wording.ts';
import type { Finding, ResourceRef } from '../../types/finding.ts';
import type { Node } from '../../types/inventory.ts';
import type { DetectorContext, RuleDefinition } from '../define.ts';
import type { Detail } from './calls.ts';
import { describeSgp, nodesBlast, trunkFinding } from './findings.ts';
import { TRUNK_LINKS } from './links.ts';

export const INSTANCE_TYPE_NOT_TRUNK_COMPATIBLE = {
  id: 'instance-type-not-trunk-compatible',
  severity: 'medium',
  title: 'SGP cluster runs an instance type that cannot trunk',
  description:
    'A cluster with security groups for pods gets or has nodes whose type cannot hold a trunk ENI: no SGP pod can run on them.',
} as const satisfies RuleDefinition;

const RULE = INSTANCE_TYPE_NOT_TRUNK_COMPATIBLE;

/** Instance types a CreateNodegroup asks for; EKS defaults to t3.medium when neither types nor a template are given. */
export function requestedTypes(detail: Detail<'nodegroup-changed'>): string[] {
  if (detail.instanceTypes.length > 0) return detail.instanceTypes;
  return detail.operation === 'create' && !detail.launchTemplate ? ['t3.medium'] : [];
}

/** Whether a node group change needs live state: decided from the request alone (the table, not the inventory). */
export function nodegroupChangeNeedsInventory(detail: Detail<'nodegroup-changed'>): boolean {
  if (detail.operation === 'create')
    return detail.launchTemplate !== undefined || requestedTypes(detail).some((type) => cannotTrunk(type));
  if (detail.operation === 'update-version') return detail.launchTemplate !== undefined;
  return detail.scaling !== undefined;
}

/** What a launch brought up, as the family judges it: its cluster (SGP on), how it names itself, its live nodes. */
export interface Launch {
  cluster: string;
  identity: NodeIdentity | undefined;
  launchedNodes: Node[];
  sgp: SgpStatus;
}

/** The finding for launched instances whose type cannot trunk, if any did. */
export function judgeLaunchedTypes(
  event: CloudTrailEvent,
  detail: Detail<'instances-launched'>,
  launch: Launch,
  context: DetectorContext,
): Finding | undefined {
  const { inventory } = context;
  // What actually launched: live state knows each instance's type; CreateFleet's request lists candidates only.
  const knownTypes = detail.instanceIds.flatMap((id) => {
    const instance = inventory.instance(id);
    return instance ? [instance.instanceType] : [];
  });
  const launchedTypes =
    knownTypes.length > 0
      ? [...new Set(knownTypes)]
      : detail.operation === 'run-instances' || detail.instanceTypes.length === 1
        ? detail.instanceTypes
        : [];
  const bad = launchedTypes.filter((type) => cannotTrunk(type, inventory.instanceTypes));
  if (bad.length === 0) return undefined;
  const { cluster, identity, launchedNodes, sgp } = launch;
  const group = identity?.nodeGroup ?? launchedNodes[0]?.nodeGroup;
  return instanceTypeFinding({
    cluster,
    group: group ?? detail.instanceIds.join(','),
    groupKind: group ? 'node group' : 'instances',
    types: bad,
    nodes: launchedNodes,
    nodeCount: detail.instanceIds.length,
    sgp,
    target: group
      ? { type: 'nodegroup', id: `${cluster}/${group}` }
      : { type: 'instance', id: detail.instanceIds[0] ?? 'unknown' },
    context,
    event,
  });
}

/** Findings for the SGP node groups and nodes that launch from a template whose new version sets such a type. */
export function judgeLaunchTemplateVersion(
  event: CloudTrailEvent,
  detail: Detail<'launch-template-version-created'>,
  context: DetectorContext,
): Finding[] {
  const type = detail.instanceType;
  if (!type || !cannotTrunk(type, context.inventory.instanceTypes)) return [];
  const findings: Finding[] = [];
  for (const user of usersOfLaunchTemplate(context.inventory, detail.launchTemplateId, detail.launchTemplateName)) {
    const sgp = sgpStatus(context.inventory, user.cluster);
    if (sgp.enabled !== true) continue;
    const templateLabel = detail.launchTemplateId ?? detail.launchTemplateName ?? 'unknown';
    findings.push(
      instanceTypeFinding({
        cluster: user.cluster,
        group: user.nodeGroup ?? `launch template ${templateLabel}`,
        groupKind: user.nodeGroup ? 'node group' : 'launch template',
        types: [type],
        nodes: user.nodes,
        nodeCount: user.nodes.length,
        sgp,
        target: { type: 'launch-template', id: templateLabel },
        note: `Launch template ${templateLabel}${detail.versionNumber ? ` version ${detail.versionNumber}` : ''} sets ${type}; nodes launched from it will have no trunk ENI.`,
        context,
        event,
      }),
    );
  }
  return findings;
}

/** The finding for a managed node group created or changed to run a type that cannot trunk in an SGP cluster. */
export function judgeNodegroupChange(
  event: CloudTrailEvent,
  detail: Detail<'nodegroup-changed'>,
  context: DetectorContext,
): Finding[] {
  const { inventory } = context;
  const cluster = detail.clusterName;
  const live = inventory.nodeGroup(cluster, detail.nodegroupName);
  let types = requestedTypes(detail);
  const template = detail.launchTemplate ?? (detail.operation === 'update-config' ? live?.launchTemplate : undefined);
  if (types.length === 0 && template) {
    const fromTemplate = launchTemplateVersion(inventory, template)?.instanceType;
    if (fromTemplate) types = [fromTemplate];
  }
  if (types.length === 0 && detail.operation === 'update-config') types = live?.instanceTypes ?? [];
  const bad = types.filter((type) => cannotTrunk(type, inventory.instanceTypes));
  if (bad.length === 0) return [];
  const sgp = sgpStatus(inventory, cluster);
  if (sgp.enabled !== true) return [];
  const nodes = nodesOf(inventory, { cluster, nodeGroup: detail.nodegroupName });
  const desired = detail.scaling?.desiredSize ?? detail.scaling?.minSize;
  return [
    instanceTypeFinding({
      cluster,
      group: detail.nodegroupName,
      groupKind: 'node group',
      types: bad,
      nodes,
      nodeCount: Math.max(nodes.length, desired ?? 0),
      sgp,
      target: { type: 'nodegroup', id: `${cluster}/${detail.nodegroupName}` },
      context,
      event,
    }),
  ];
}

/** Nodes whose types cannot trunk, gathered by node group (or instance), and whether the group is a managed one. */
type TypeGroups = Map<string, { nodes: Node[]; types: Set<string>; managed: boolean }>;

function groupsThatCannotTrunk(context: DetectorContext, cluster: string, nodes: readonly Node[]): TypeGroups {
  const { inventory } = context;
  const groups: TypeGroups = new Map();
  for (const node of nodes) {
    if (!cannotTrunk(node.instance.instanceType, inventory.instanceTypes)) continue;
    const key = node.nodeGroup ?? node.instance.id;
    const group = groups.get(key) ?? {
      nodes: [],
      types: new Set<string>(),
      managed: node.nodeGroupKind === 'managed',
    };
    group.nodes.push(node);
    group.types.add(node.instance.instanceType);
    groups.set(key, group);
  }
  // Managed node groups set to such a type, though none of their nodes runs yet.
  for (const nodeGroup of inventory.nodeGroups.filter((ng) => ng.clusterName === cluster)) {
    const types = nodeGroup.instanceTypes.length
      ? nodeGroup.instanceTypes
      : [
          nodeGroup.launchTemplate
            ? launchTemplateVersion(inventory, nodeGroup.launchTemplate)?.instanceType
            : undefined,
        ].filter((type): type is string => type !== undefined);
    const bad = types.filter((type) => cannotTrunk(type, inventory.instanceTypes));
    if (bad.length === 0) continue;
    const group = groups.get(nodeGroup.name) ?? { nodes: [], types: new Set<string>(), managed: true };
    for (const type of bad) group.types.add(type);
    group.managed = true;
    groups.set(nodeGroup.name, group);
  }
  return groups;
}

/** One finding per node group (or loose instance) of an SGP cluster whose types cannot trunk, from state alone. */
export function scanInstanceTypes(
  context: DetectorContext,
  cluster: string,
  sgp: SgpStatus,
  nodes: readonly Node[],
): Finding[] {
  const groups = groupsThatCannotTrunk(context, cluster, nodes);
  return [...groups]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, group]) => {
      const isGroup = group.nodes[0]?.nodeGroup !== undefined || group.managed;
      return instanceTypeFinding({
        cluster,
        group: key,
        groupKind: isGroup ? 'node group' : 'instances',
        types: [...group.types].sort(),
        nodes: group.nodes,
        nodeCount: group.nodes.length,
        sgp,
        target: isGroup ? { type: 'nodegroup', id: `${cluster}/${key}` } : { type: 'instance', id: key },
        context,
      });
    });
}

interface InstanceTypeInput {
  cluster: string;
  group: string;
  groupKind: 'node group' | 'launch template' | 'instances';
  types: string[];
  nodes: Node[];
  nodeCount: number;
  sgp: SgpStatus;
  target: ResourceRef;
  note?: string;
  context: DetectorContext;
  event?: CloudTrailEvent;
}

function instanceTypeFinding(input: InstanceTypeInput): Finding {
  const suggestions = Object.fromEntries(input.types.map((type) => [type, nearestTrunkCapableType(type)]));
  const suggestionText = input.types
    .map((type) => (suggestions[type] ? `${type} → ${suggestions[type]}` : `${type} → (no trunk-capable type found)`))
    .join(', ');
  const label = input.groupKind === 'instances' ? `instances ${input.group}` : `${input.groupKind} ${input.group}`;
  const replacement = input.types.map((type) => suggestions[type]).filter((type): type is string => Boolean(type));
  const remediationTarget = instanceTypesTarget(input.target, input.context.inventory);
  return trunkFinding(RULE, {
    subject: `${input.cluster}/${input.group}`,
    title: `${RULE.title}: ${input.cluster}/${input.group} (${input.types.join(', ')})`,
    summary: `Cluster ${input.cluster} runs security groups for pods, but ${label} uses ${input.types.join(', ')}, which cannot hold a trunk ENI: no pod with its own security groups can run on ${input.nodeCount ? `its ${plural(input.nodeCount, 'node')}` : 'its nodes'}, and such pods scheduled there stay pending.${input.note ? ` ${input.note}` : ''} Nearest trunk-capable type: ${suggestionText}. ${describeSgp(input.sgp)}`,
    clusters: [input.cluster],
    resources: [
      input.target,
      ...input.types.map((type) => ({ type: 'instance-type' as const, id: type })),
      ...input.nodes.slice(0, 20).map((node) => ({ type: 'instance' as const, id: node.instance.id })),
    ],
    blastRadius: { ...nodesBlast(input.nodes), nodes: Math.max(input.nodeCount, input.nodes.length) },
    evidence: {
      ...(input.event
        ? eventEvidence(input.event)
        : { state: `instance types of ${label} (DescribeInstances, DescribeNodegroup)` }),
      details: { instanceTypes: input.types, suggestions, sgpSignals: input.sgp.signals },
    },
    recommendation: {
      text: `Use a trunk-capable instance type (${suggestionText}). If these nodes must stay, keep pods with a SecurityGroupPolicy off them (node affinity on vpc.amazonaws.com/has-trunk-attached=true) or move those pods to a dedicated trunk-capable node group.`,
      links: [TRUNK_LINKS.sgpInstanceTypes, LINKS.securityGroupsForPods, LINKS.dedicatedNodeGroups],
    },
    ...(replacement.length && remediationTarget
      ? {
          remediation: {
            action: 'set-instance-types',
            target: remediationTarget,
            set: { instanceTypes: input.target.type === 'launch-template' ? replacement.slice(0, 1) : replacement },
            reason: `${input.types.join(', ')} cannot hold a trunk ENI, which security groups for pods need`,
          },
        }
      : {}),
    context: input.context,
    ...(input.event ? { event: input.event } : {}),
  });
}
