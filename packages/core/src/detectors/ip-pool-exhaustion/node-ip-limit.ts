/**
 * `node-ip-limit`: a cluster node hit its instance type's limit of private IPs per ENI or of attached ENIs, so no
 * more pod IPs fit on it. Seen only in events (a failed call), so a sweep never resolves it.
 */
import { computeMaxPods } from '../../capacity/max-pods.ts';
import type { CloudTrailEvent } from '../../cloudtrail/types.ts';
import { eventEvidence } from '../../findings/build.ts';
import type { Finding } from '../../types/finding.ts';
import type { Inventory, NetworkInterface, Node } from '../../types/inventory.ts';
import { type DetectorContext, defineRule, type RuleDefinition } from '../define.ts';
import { actorLabel, classifyEvent, ON_ATTACH_LIMIT, ON_IP_REQUEST_FAILED, stripPrefix } from './events.ts';
import { buildFinding, LINKS, podIpsOn } from './finding.ts';

const NODE_IP_LIMIT = {
  id: 'node-ip-limit',
  severity: 'medium',
  title: 'Node out of IP or ENI slots',
  description:
    'A cluster node hit its instance type limit of private IPs per ENI or attached ENIs: no more pod IPs on that node.',
} as const satisfies RuleDefinition;

export const nodeIpLimit = defineRule({
  ...NODE_IP_LIMIT,
  reads: ['DescribeInstances', 'DescribeNetworkInterfaces', 'DescribeInstanceTypes'],
  events: {
    on: [...ON_IP_REQUEST_FAILED, ...ON_ATTACH_LIMIT],
    kinds: ['network-interface-created', 'private-ips-assigned', 'network-interface-attached'],
    needsInventory: (event) => classifyEvent(event) === 'node',
    evaluate: (event, context) => (classifyEvent(event) === 'node' ? onNodeLimit(event, context) : []),
  },
});

const NODE_IN_DESCRIPTION = /^aws-K8S-(i-[0-9a-f]+)$/;

/** The node the failed call was for, and the ENI it named. */
function targetOf(event: CloudTrailEvent, inventory: Inventory): { instanceId?: string; eniId?: string } {
  const detail = event.detail;
  if (detail.kind === 'network-interface-attached')
    return { instanceId: detail.instanceId, eniId: detail.networkInterfaceId };
  if (detail.kind === 'private-ips-assigned') {
    const instanceId = inventory.networkInterface(detail.networkInterfaceId)?.attachment?.instanceId;
    return { ...(instanceId ? { instanceId } : {}), eniId: detail.networkInterfaceId };
  }
  if (detail.kind === 'network-interface-created') {
    // The CNI names the node in the ENI's tag and description before it attaches the ENI.
    const instanceId =
      detail.tags['node.k8s.amazonaws.com/instance_id'] ?? NODE_IN_DESCRIPTION.exec(detail.description ?? '')?.[1];
    return instanceId ? { instanceId } : {};
  }
  return {};
}

/** What the node's type holds, against what it has attached. */
function limitText(node: Node, enis: NetworkInterface[], inventory: Inventory): string {
  const instanceType = node.instance.instanceType;
  const typeInfo = inventory.instanceTypes.find((type) => type.instanceType === instanceType);
  try {
    const limits = computeMaxPods(instanceType, typeInfo ? { instanceTypeInfo: typeInfo } : {});
    return ` ${instanceType} holds ${limits.enis} ENIs of ${limits.ipv4PerEni} IPv4 addresses each on its default network card; it has ${enis.length} attached now.`;
  } catch {
    return ` The limits of ${instanceType} are not known.`;
  }
}

/** One finding for the node, when it is a known cluster node. */
function onNodeLimit(event: CloudTrailEvent, context: DetectorContext): Finding[] {
  const { inventory } = context;
  const { instanceId, eniId } = targetOf(event, inventory);
  if (!instanceId) return [];
  const node = inventory.node(instanceId);
  if (!node) return [];
  const instanceType = node.instance.instanceType;
  const enis = inventory.networkInterfaces.filter((eni) => eni.attachment?.instanceId === instanceId);
  const code = stripPrefix(event.errorCode ?? '');
  const what = code === 'AttachmentLimitExceeded' ? 'attach another ENI' : 'assign more private IPs';
  const trunk = eniId ? inventory.networkInterface(eniId)?.interfaceType === 'trunk' : false;
  return [
    buildFinding(NODE_IP_LIMIT, {
      subject: instanceId,
      summary: `${event.eventName} by ${actorLabel(event)} could not ${what} on node ${instanceId} (cluster ${node.cluster}${node.nodeGroup ? `, node group ${node.nodeGroup}` : ''}): ${code}.${limitText(node, enis, inventory)} Pods scheduled beyond what its ENIs hold stay in ContainerCreating.`,
      clusters: [node.cluster],
      resources: [
        { type: 'instance', id: instanceId },
        ...(eniId ? [{ type: 'network-interface' as const, id: eniId }] : []),
        { type: 'instance-type', id: instanceType },
      ],
      blastRadius: {
        nodes: 1,
        podIps: podIpsOn(enis),
        podIpsIsUpperBound: true,
        nodeGroups: node.nodeGroup ? [node.nodeGroup] : [],
        sgpPods: 0,
        nodeIds: [instanceId],
      },
      evidence: {
        ...eventEvidence(event),
        state: `${enis.length} ENIs attached to ${instanceId} (${instanceType})`,
        details: { instanceType, attachedEnis: enis.length, ...(trunk ? { trunkEni: eniId } : {}) },
      },
      recommendation: {
        text: 'Keep maxPods within what the type can hold (see max-pods-over-ip-capacity), use a larger instance type, or turn on prefix delegation so each ENI slot holds 16 addresses.',
        links: [LINKS.maxPods, LINKS.prefixDelegation],
      },
      context,
      event,
    }),
  ];
}
