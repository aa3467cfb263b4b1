/**
 * `max-pods-over-ip-capacity`: a node group runs with a maxPods its nodes cannot give IPs to. On SGP clusters the
 * trunk ENI takes an ENI slot the EKS default maxPods ignores, so the last pods of each node stick in
 * ContainerCreating. Judged from state by the scan, and when a node group or its launch template changes.
 */
import { type EffectiveMaxPods, effectiveMaxPods } from '../../capacity/effective-max-pods.ts';
import { computeMaxPods, type MaxPodsResult, plainMaxPodsArithmetic } from '../../capacity/max-pods.ts';
import { NODE_GROUP_NEED_READS } from '../../capacity/node-group-need.ts';
import { type CniSettings, cniSettingsOf } from '../../capacity/subnet-headroom.ts';
import type { CloudTrailEvent, EventDetail } from '../../cloudtrail/types.ts';
import { eventEvidence } from '../../findings/build.ts';
import { nodesOf } from '../../inventory/node-queries.ts';
import { type SgpStatus, sgpStatus } from '../../inventory/sgp.ts';
import { nodeGroupTarget } from '../../remediation/targets.ts';
import type { Finding, Remediation } from '../../types/finding.ts';
import type { Inventory, NodeGroup } from '../../types/inventory.ts';
import { type DetectorContext, defineRule, type RuleDefinition } from '../define.ts';
import { classifyEvent, ON_NODEGROUP_CHANGED, ON_TEMPLATE_VERSION } from './events.ts';
import { buildFinding, LINKS } from './finding.ts';
import { nodeGroupAfter } from './nodegroup-event.ts';

const MAX_PODS_OVER_IP_CAPACITY = {
  id: 'max-pods-over-ip-capacity',
  severity: 'medium',
  title: 'maxPods above the pod IPs a node can hold',
  description:
    'A node group runs with a maxPods its nodes cannot give IPs to; on SGP clusters the trunk ENI takes a slot the default maxPods ignores, so pods stick in ContainerCreating.',
} as const satisfies RuleDefinition;

export const maxPodsOverIpCapacity = defineRule({
  ...MAX_PODS_OVER_IP_CAPACITY,
  reads: NODE_GROUP_NEED_READS,
  events: {
    on: [...ON_NODEGROUP_CHANGED, ...ON_TEMPLATE_VERSION],
    kinds: ['nodegroup-changed', 'launch-template-version-created'],
    needsInventory: (event) => {
      const judged = classifyEvent(event);
      return judged === 'nodegroup' || judged === 'launch-template';
    },
    evaluate: (event, context) => {
      const judged = classifyEvent(event);
      const detail = event.detail;
      if (judged === 'nodegroup' && detail.kind === 'nodegroup-changed')
        return judgeMaxPods(nodeGroupAfter(detail, context.inventory), context, event);
      if (judged === 'launch-template' && detail.kind === 'launch-template-version-created')
        return onTemplateVersion(event, detail, context);
      return [];
    },
  },
  scan: (context) => context.inventory.nodeGroups.flatMap((group) => judgeMaxPods(group, context, undefined)),
});

/** The instance type of a group whose maxPods is furthest above what it holds. */
interface OverCapacity {
  instanceType: string;
  effective: EffectiveMaxPods;
  capacity: MaxPodsResult;
}

function worstOverCapacity(group: NodeGroup, inventory: Inventory, sgp: SgpStatus, cni: CniSettings) {
  const prefixDelegation = cni.mode === 'prefix-delegation';
  let worst: OverCapacity | undefined;
  for (const instanceType of group.instanceTypes) {
    const typeInfo = inventory.instanceTypes.find((type) => type.instanceType === instanceType);
    try {
      const effective = effectiveMaxPods(inventory, group, instanceType, prefixDelegation);
      const capacity = computeMaxPods(instanceType, {
        sgp: sgp.enabled === true,
        prefixDelegation,
        ...(typeInfo ? { instanceTypeInfo: typeInfo } : {}),
      });
      if (effective.value <= capacity.maxPods) continue;
      if (!worst || effective.value - capacity.maxPods > worst.effective.value - worst.capacity.maxPods)
        worst = { instanceType, effective, capacity };
    } catch {
      // Unknown type or unsupported prefix delegation: nothing to compare against.
    }
  }
  return worst;
}

function judgeMaxPods(group: NodeGroup, context: DetectorContext, event: CloudTrailEvent | undefined): Finding[] {
  const { inventory } = context;
  const sgp = sgpStatus(inventory, group.clusterName);
  const cni = cniSettingsOf(inventory, group.clusterName);
  const worst = worstOverCapacity(group, inventory, sgp, cni);
  return worst ? [maxPodsFinding(group, worst, sgp, cni, context, event)] : [];
}

function maxPodsFinding(
  group: NodeGroup,
  { instanceType, effective, capacity }: OverCapacity,
  sgp: SgpStatus,
  cni: CniSettings,
  context: DetectorContext,
  event: CloudTrailEvent | undefined,
): Finding {
  const { inventory } = context;
  const cluster = group.clusterName;
  const trunkSlot = sgp.enabled === true && capacity.reservedEnis > 0;
  const safe = capacity.maxPods;
  const nodes = nodesOf(inventory, { cluster, nodeGroup: group.name });
  const remediation: Remediation = {
    action: 'set-max-pods',
    target: nodeGroupTarget(cluster, group.name, inventory),
    set: { maxPods: safe, instanceType },
    reason: `maxPods ${effective.value} (from ${effective.source}) exceeds the ${safe} pod IPs a ${instanceType} node holds${trunkSlot ? ' with the SGP trunk ENI taking one ENI slot' : ''}`,
  };
  return buildFinding(MAX_PODS_OVER_IP_CAPACITY, {
    subject: `${cluster}/${group.name}`,
    // The trunk's lost slot is what the EKS default misses: every node of the group is short, not only tuned ones.
    ...(trunkSlot ? { severity: 'high' as const } : {}),
    summary: `Node group ${group.name} of cluster ${cluster} runs ${instanceType} nodes with maxPods ${effective.value}, from ${effective.source}. A node holds only ${safe} pod IPs: ${plainMaxPodsArithmetic(capacity, 'the SGP trunk')}.${trunkSlot ? ` Security groups for pods is on (${sgp.signals.join(', ')}): the trunk ENI takes an ENI slot that the default maxPods does not account for, so the last ${effective.value - safe} pods per node never get an IP.` : ''} Set maxPods to ${safe}.`,
    clusters: [cluster],
    resources: [
      { type: 'nodegroup', id: `${cluster}/${group.name}` },
      { type: 'instance-type', id: instanceType },
    ],
    blastRadius: {
      nodes: nodes.length,
      podIps: nodes.length * (effective.value - safe),
      podIpsIsUpperBound: true,
      nodeGroups: [group.name],
      sgpPods: 0,
      nodeIds: nodes.slice(0, 20).map((node) => node.instance.id),
    },
    evidence: {
      ...(event
        ? eventEvidence(event)
        : { state: `DescribeNodegroup ${cluster}/${group.name}, DescribeLaunchTemplateVersions user data` }),
      details: {
        instanceType,
        maxPods: effective.value,
        maxPodsSource: effective.source,
        safeMaxPods: safe,
        formula: capacity.formula,
        sgp: sgp.enabled,
        sgpSignals: sgp.signals,
        cniMode: cni.mode,
      },
    },
    recommendation: {
      text: `Set the kubelet maxPods of this node group to ${safe} in its launch template (nodeadm spec.kubelet.config.maxPods, or bootstrap.sh --kubelet-extra-args '--max-pods=${safe}'), or use prefix delegation.`,
      links: [LINKS.maxPods, LINKS.securityGroupsForPods, LINKS.prefixDelegation],
    },
    remediation,
    context,
    ...(event ? { event } : {}),
  });
}

/** A new template version: judge every node group that launches from the template, itself or through its ASG. */
function onTemplateVersion(
  event: CloudTrailEvent,
  detail: Extract<EventDetail, { kind: 'launch-template-version-created' }>,
  context: DetectorContext,
): Finding[] {
  const { inventory } = context;
  const matches = (ref: { id?: string; name?: string } | undefined) =>
    ref !== undefined &&
    ((detail.launchTemplateId !== undefined && ref.id === detail.launchTemplateId) ||
      (detail.launchTemplateName !== undefined && ref.name === detail.launchTemplateName));
  const groups = inventory.nodeGroups.filter(
    (group) =>
      matches(group.launchTemplate) ||
      group.autoScalingGroupNames.some((name) =>
        matches(inventory.autoScalingGroups.find((asg) => asg.name === name)?.launchTemplate),
      ),
  );
  return groups.flatMap((group) => judgeMaxPods(group, context, event));
}
