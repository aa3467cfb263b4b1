/**
 * `trunk-missing`: a trunk-capable node of an SGP cluster still has no trunk ENI some minutes after launch (the
 * `trunkGraceMinutes` setting), usually because the CNI's warm ENIs took the last slot of its default network card.
 * Judged on state and whenever a node of the cluster launches; a trunk attach to the node resolves it. Wired with
 * `instance-type-not-trunk-compatible` in `sgp-nodes.ts`.
 */
import { eniSlots, limitsOfType } from '../../capacity/trunk.ts';
import { trunkOf } from '../../inventory/node-queries.ts';
import type { SgpStatus } from '../../inventory/sgp.ts';
import { LINKS } from '../../render/links.ts';
import { humanDuration } from '../../render/wording.ts';
import type { Finding } from '../../types/finding.ts';
import type { Node } from '../../types/inventory.ts';
import type { DetectorContext, EventOfKind, RuleDefinition } from '../define.ts';
import { attachesTrunk } from './calls.ts';
import { describeSgp, nodesBlast, resolvedTrunkFinding, trunkFinding } from './findings.ts';
import { TRUNK_LINKS } from './links.ts';

export const TRUNK_MISSING = {
  id: 'trunk-missing',
  severity: 'high',
  title: 'SGP node without a trunk ENI',
  description:
    'A trunk-capable node of an SGP cluster has no trunk ENI some minutes after launch, usually because the CNI took its last ENI slot.',
} as const satisfies RuleDefinition;

const RULE = TRUNK_MISSING;

/** A successful trunk attach resolves the node's `trunk-missing`. */
export function judgeTrunkAttached(
  event: EventOfKind<'network-interface-attached'>,
  context: DetectorContext,
): Finding[] {
  const detail = event.detail;
  if (event.errorCode !== undefined || !attachesTrunk(event, context.inventory)) return [];
  return [
    resolvedTrunkFinding(RULE, detail.instanceId, {
      event,
      context,
      what: `trunk ENI ${detail.networkInterfaceId} was attached to ${detail.instanceId}`,
      resources: [{ type: 'instance', id: detail.instanceId }],
    }),
  ];
}

/** `trunk-missing` for one node, or undefined when it has a trunk, cannot trunk, or is still within its grace period. */
export function judgeTrunkMissing(node: Node, sgp: SgpStatus, context: DetectorContext): Finding | undefined {
  const { inventory, config, now } = context;
  const instance = node.instance;
  if (node.nodeGroupKind === 'auto-mode' || instance.state !== 'running') return undefined;
  // Without the ENIs nothing says whether a trunk is there.
  if (!inventory.knows('DescribeNetworkInterfaces')) return undefined;
  const limits = limitsOfType(instance.instanceType, inventory.instanceTypes);
  if (limits?.trunkingCompatible !== true) return undefined;
  if (!instance.launchTime) return undefined;
  const minutes = (Date.parse(now) - Date.parse(instance.launchTime)) / 60_000;
  if (!(minutes >= config.trunkGraceMinutes)) return undefined;
  if (trunkOf(inventory, node) !== undefined) return undefined;
  const slots = eniSlots(inventory.networkInterfacesOf(instance.id), limits);
  const full = slots.used >= slots.max;
  const lost = limits.branchInterfaces ?? 0;
  return trunkFinding(RULE, {
    subject: instance.id,
    title: `${RULE.title}: ${instance.id}`,
    summary: `Node ${instance.id} (${instance.instanceType}${node.nodeGroup ? `, node group ${node.nodeGroup}` : ''}) of cluster ${node.cluster} has had no trunk ENI for ${humanDuration(minutes)} after launch: no pod with its own security groups can run on it (${lost} branch ENIs of capacity lost). ${full ? `Its ENI slots are full (${slots.used} of ${slots.max} on the default network card): the CNI's warm ENIs took the slot the trunk needs.` : `It has a free ENI slot (${slots.used} of ${slots.max} on the default network card): look for failed trunk calls by the VPC resource controller and check that the cluster role has the AmazonEKSVPCResourceController policy.`} ${describeSgp(sgp)}`,
    clusters: [node.cluster],
    resources: [{ type: 'instance', id: instance.id }],
    blastRadius: nodesBlast([node]),
    evidence: {
      state: `no trunk ENI attached to ${instance.id} (DescribeNetworkInterfaces), launched ${instance.launchTime}`,
      details: {
        launchTime: instance.launchTime,
        minutesSinceLaunch: Math.floor(minutes),
        graceMinutes: config.trunkGraceMinutes,
        eniSlots: slots,
        eniSlotsFull: full,
        branchCapacityLost: lost,
        sgpSignals: sgp.signals,
      },
    },
    ...(full ? slotsFull(instance.id) : slotFree()),
    context,
  });
}

/** Full slots: the trunk can only come with a new node. */
function slotsFull(instanceId: string) {
  return {
    recommendation: {
      text: "Replace the node (cordon, drain, terminate) so the controller attaches the trunk before the CNI's warm ENIs fill the slots, and keep a slot free: set WARM_IP_TARGET/MINIMUM_IP_TARGET instead of a WARM_ENI_TARGET that preallocates whole ENIs, or use prefix delegation. Until then keep SGP pods off the node (node affinity on vpc.amazonaws.com/has-trunk-attached=true).",
      links: [TRUNK_LINKS.cniWarmPool, LINKS.securityGroupsForPods],
    },
    remediation: {
      action: 'replace-node' as const,
      target: { type: 'instance' as const, id: instanceId },
      reason: 'its ENI slots are full, so the VPC resource controller cannot attach a trunk ENI',
    },
  };
}

/** A free slot: something else kept the controller from attaching a trunk. */
function slotFree() {
  return {
    recommendation: {
      text: 'Check CloudTrail for failed CreateNetworkInterface/AttachNetworkInterface calls by amazon-vpc-resource-controller-k8s, that the cluster IAM role has the AmazonEKSVPCResourceController policy, and that ENABLE_POD_ENI is set on the aws-node DaemonSet; then replace the node if it still gets no trunk.',
      links: [TRUNK_LINKS.resourceControllerPolicy, LINKS.securityGroupsForPods],
    },
  };
}
