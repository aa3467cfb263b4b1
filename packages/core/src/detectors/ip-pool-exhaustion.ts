/**
 * `ip-pool-exhaustion`: pods that cannot get an IP address, and the state that will soon cause it.
 *
 * Catches EC2 calls of the VPC CNI, the VPC resource controller, Auto Scaling and Karpenter that fail because a cluster
 * subnet has no free address or no free aligned /28 block, or because a node has no ENI or IP slot left; and, from
 * state, cluster subnets that cannot hold their node groups at maximum size, and node groups whose maxPods exceeds the
 * pod IPs their nodes can hold (on SGP clusters the trunk takes an ENI slot, which the EKS default maxPods ignores).
 *
 * @example
 * const findings = ipPoolExhaustion.evaluateEvent(parsedEvent, { inventory, config, now });
 */
import { computeMaxPods, plainMaxPodsArithmetic } from '../capacity/max-pods.ts';
import { readMaxPodsFromUserData } from '../capacity/user-data.ts';
import type { CloudTrailEvent, EventDetail } from '../cloudtrail/types.ts';
import { buildFinding as buildSharedFinding, eventEvidence, type FindingDraft, unique } from '../findings/build.ts';
import { clusterFromTags } from '../inventory/classify.ts';
import { prefixDelegationRemediation } from '../remediation/prefix-delegation.ts';
import { nodeGroupTarget } from '../remediation/targets.ts';
import type { BlastRadius, Finding, Link, Remediation, ResourceRef, Severity } from '../types/finding.ts';
import type { Inventory, LaunchTemplateVersion, NodeGroup } from '../types/inventory.ts';
import { type DetailFilter, type DetectorContext, monolithDetector, type RuleDefinition } from './define.ts';
import { clusterOfEniTags, sgpStatus } from './sgp.ts';
import { cniSettingsOf, nodeIpNeed, type SubnetHeadroom, subnetHeadroomOf } from './subnet-headroom.ts';

const DETECTOR = 'ip-pool-exhaustion' as const;

export const IP_POOL_RULES = [
  {
    id: 'subnet-exhausted',
    severity: 'high',
    title: 'Cluster subnet out of addresses',
    description:
      'An ENI, IP, prefix or instance request failed in a cluster subnet for want of free addresses or free /28 blocks: pods or nodes cannot start there.',
  },
  {
    id: 'node-ip-limit',
    severity: 'medium',
    title: 'Node out of IP or ENI slots',
    description:
      'A cluster node hit its instance type limit of private IPs per ENI or attached ENIs: no more pod IPs on that node.',
  },
  {
    id: 'subnet-headroom-low',
    severity: 'medium',
    title: 'Cluster subnet headroom low',
    description:
      'A cluster subnet has fewer free IPs (or, under prefix delegation, free aligned /28 blocks) than its node groups need at maximum size, or less than the configured percentage.',
  },
  {
    id: 'max-pods-over-ip-capacity',
    severity: 'medium',
    title: 'maxPods above the pod IPs a node can hold',
    description:
      'A node group runs with a maxPods its nodes cannot give IPs to; on SGP clusters the trunk ENI takes a slot the default maxPods ignores, so pods stick in ContainerCreating.',
  },
] as const satisfies readonly RuleDefinition[];

export type IpPoolRuleId = (typeof IP_POOL_RULES)[number]['id'];
const TITLES = Object.fromEntries(IP_POOL_RULES.map((rule) => [rule.id, rule.title])) as Record<IpPoolRuleId, string>;

const EC2 = 'ec2.amazonaws.com' as const;
const EKS = 'eks.amazonaws.com' as const;

/** EC2 error codes that mean "no room in the subnet". */
export const SUBNET_EXHAUSTED_CODES = ['InsufficientFreeAddressesInSubnet', 'InsufficientCidrBlocks'] as const;
/** EC2 error codes that mean "no room on the node". */
export const NODE_LIMIT_CODES = ['PrivateIpAddressLimitExceeded', 'AttachmentLimitExceeded'] as const;
/** `InvalidParameterValue` carries this text when prefixes or addresses run out (prefix delegation). */
const NO_FREE_IPV4_MESSAGE = /sufficient free ipv4 addresses/i;
const NO_FREE_IPV4_WILDCARD = "*aren't sufficient free Ipv4 addresses*";

const LINKS = {
  prefixDelegation: {
    title: 'Assign more IP addresses to Amazon EKS nodes with prefixes',
    url: 'https://docs.aws.amazon.com/eks/latest/userguide/cni-increase-ip-addresses.html',
  },
  subnetReservations: {
    title: 'Subnet CIDR reservations',
    url: 'https://docs.aws.amazon.com/vpc/latest/userguide/subnet-cidr-reservation.html',
  },
  customNetworking: {
    title: 'Deploy pods in alternate subnets with custom networking',
    url: 'https://docs.aws.amazon.com/eks/latest/userguide/cni-custom-network.html',
  },
  maxPods: {
    title: 'Amazon EKS: choose an instance type (maxPods)',
    url: 'https://docs.aws.amazon.com/eks/latest/userguide/choosing-instance-type.html',
  },
  securityGroupsForPods: {
    title: 'Security groups for pods',
    url: 'https://docs.aws.amazon.com/eks/latest/userguide/security-groups-for-pods.html',
  },
} as const satisfies Record<string, Link>;

/** Top-level `errorCode` ends with one of these (CloudTrail writes `Client.`/`Server.` prefixes). */
function errorCodeFilter(codes: readonly string[]): DetailFilter {
  return { errorCode: codes.map((code) => ({ suffix: code })) };
}
const NO_FREE_IPV4_FILTER: DetailFilter = {
  errorCode: [{ suffix: 'InvalidParameterValue' }],
  errorMessage: [{ wildcard: NO_FREE_IPV4_WILDCARD }],
};
const SUCCEEDED: DetailFilter = { errorCode: [{ exists: false }] };
const fleetErrorsFilter = (item: Record<string, unknown>): DetailFilter => ({
  responseElements: { CreateFleetResponse: { errorSet: { item } } },
});

export const ipPoolExhaustion = monolithDetector({
  id: DETECTOR,
  rules: IP_POOL_RULES,
  // State alone shows these; the failure rules come only from events, so a sweep never resolves them.
  scanRules: ['subnet-headroom-low', 'max-pods-over-ip-capacity'],
  subscribes: [
    {
      source: EC2,
      eventName: 'CreateNetworkInterface',
      filters: [errorCodeFilter([...SUBNET_EXHAUSTED_CODES, 'PrivateIpAddressLimitExceeded']), NO_FREE_IPV4_FILTER],
    },
    {
      source: EC2,
      eventName: 'AssignPrivateIpAddresses',
      filters: [errorCodeFilter([...SUBNET_EXHAUSTED_CODES, 'PrivateIpAddressLimitExceeded']), NO_FREE_IPV4_FILTER],
    },
    { source: EC2, eventName: 'AttachNetworkInterface', filters: [errorCodeFilter(['AttachmentLimitExceeded'])] },
    {
      source: EC2,
      eventName: 'RunInstances',
      filters: [errorCodeFilter(SUBNET_EXHAUSTED_CODES), NO_FREE_IPV4_FILTER],
    },
    {
      source: EC2,
      eventName: 'CreateFleet',
      filters: [
        errorCodeFilter(SUBNET_EXHAUSTED_CODES),
        // An instant fleet reports each failed override in its response; the call itself succeeds.
        fleetErrorsFilter({ errorCode: [...SUBNET_EXHAUSTED_CODES] }),
        fleetErrorsFilter({
          errorCode: ['InvalidParameterValue'],
          errorMessage: [{ wildcard: NO_FREE_IPV4_WILDCARD }],
        }),
      ],
    },
    { source: EKS, eventName: 'CreateNodegroup', filters: [SUCCEEDED] },
    {
      source: EKS,
      eventName: 'UpdateNodegroupConfig',
      filters: [{ ...SUCCEEDED, requestParameters: { scalingConfig: { maxSize: [{ exists: true }] } } }],
    },
    {
      source: EKS,
      eventName: 'UpdateNodegroupVersion',
      filters: [{ ...SUCCEEDED, requestParameters: { launchTemplate: { version: [{ exists: true }] } } }],
    },
    {
      source: EC2,
      eventName: 'CreateLaunchTemplateVersion',
      filters: [
        {
          ...SUCCEEDED,
          requestParameters: {
            CreateLaunchTemplateVersionRequest: { LaunchTemplateData: { UserData: [{ exists: true }] } },
          },
        },
        {
          ...SUCCEEDED,
          requestParameters: {
            CreateLaunchTemplateVersionRequest: { LaunchTemplateData: { InstanceType: [{ exists: true }] } },
          },
        },
      ],
    },
  ],
  reads: [
    'DescribeSubnets',
    'DescribeNetworkInterfaces',
    'DescribeInstances',
    'DescribeInstanceTypes',
    'DescribeSubnetCidrReservations',
    'DescribeLaunchTemplateVersions',
    'DescribeAutoScalingGroups',
    'DescribeCluster',
    'DescribeNodegroup',
    'DescribeAddon',
  ],
  needsInventory(event) {
    return classify(event) !== undefined;
  },
  evaluateEvent(event, context) {
    const kind = classify(event);
    switch (kind) {
      case 'subnet':
        return onSubnetFailure(event, context);
      case 'node':
        return onNodeLimit(event, context);
      case 'nodegroup':
        return onNodegroupChanged(event, context);
      case 'launch-template':
        return onLaunchTemplateVersion(event, context);
      default:
        return [];
    }
  },
  scan(context) {
    return [...scanSubnets(context), ...scanNodeGroups(context)];
  },
});

// ---------------------------------------------------------------------------------------------------------------
// Classifying events: decided from the event alone, so routine calls cost no describe.

type EventClass = 'subnet' | 'node' | 'nodegroup' | 'launch-template';

function codeIs(code: string | undefined, codes: readonly string[]): boolean {
  return code !== undefined && codes.some((wanted) => code === wanted || code.endsWith(`.${wanted}`));
}

/** True for an error that says the subnet has no room (by code, or `InvalidParameterValue` with the message). */
export function isSubnetExhaustionError(code: string | undefined, message: string | undefined): boolean {
  if (codeIs(code, SUBNET_EXHAUSTED_CODES)) return true;
  return codeIs(code, ['InvalidParameterValue']) && NO_FREE_IPV4_MESSAGE.test(message ?? '');
}

function fleetSubnetErrors(event: CloudTrailEvent) {
  return event.detail.kind === 'instances-launched'
    ? event.detail.fleetErrors.filter((error) => isSubnetExhaustionError(error.errorCode, error.errorMessage))
    : [];
}

function classify(event: CloudTrailEvent): EventClass | undefined {
  const detail = event.detail;
  if (event.errorCode !== undefined) {
    if (isSubnetExhaustionError(event.errorCode, event.errorMessage)) {
      return ['network-interface-created', 'private-ips-assigned', 'instances-launched'].includes(detail.kind)
        ? 'subnet'
        : undefined;
    }
    if (codeIs(event.errorCode, ['PrivateIpAddressLimitExceeded'])) {
      return detail.kind === 'network-interface-created' || detail.kind === 'private-ips-assigned' ? 'node' : undefined;
    }
    if (codeIs(event.errorCode, ['AttachmentLimitExceeded'])) {
      return detail.kind === 'network-interface-attached' ? 'node' : undefined;
    }
    return undefined;
  }
  if (fleetSubnetErrors(event).length > 0) return 'subnet';
  if (detail.kind === 'nodegroup-changed') {
    if (detail.operation === 'create') return 'nodegroup';
    if (detail.operation === 'update-config') return detail.scaling?.maxSize !== undefined ? 'nodegroup' : undefined;
    return detail.launchTemplate?.version !== undefined ? 'nodegroup' : undefined;
  }
  if (detail.kind === 'launch-template-version-created') {
    return detail.userDataChanged || detail.instanceType !== undefined ? 'launch-template' : undefined;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Which clusters use a subnet.

/** Clusters that use a subnet: named by the cluster, a node group, a node or its ENIs, or the subnet's cluster tag. */
function clustersUsingSubnet(inventory: Inventory, subnetId: string): string[] {
  const clusters = new Set<string>();
  for (const cluster of inventory.clusters) if (cluster.subnetIds.includes(subnetId)) clusters.add(cluster.name);
  for (const group of inventory.nodeGroups) if (group.subnets.includes(subnetId)) clusters.add(group.clusterName);
  for (const node of inventory.nodes()) if (node.instance.subnetId === subnetId) clusters.add(node.cluster);
  for (const eni of inventory.networkInterfaces) {
    if (eni.subnetId !== subnetId) continue;
    const instanceId = eni.attachment?.instanceId;
    const node = instanceId ? inventory.node(instanceId) : undefined;
    const cluster = node?.cluster ?? clusterOfEniTags(eni.tags);
    if (cluster) clusters.add(cluster);
  }
  const subnet = inventory.subnet(subnetId);
  const tagged = subnet ? clusterFromTags(subnet.tags) : undefined;
  if (tagged) clusters.add(tagged);
  return [...clusters].sort();
}

/**
 * Every subnet some cluster uses (its own subnets, its node groups', its nodes', subnets tagged for it), with those
 * clusters.
 *
 * @example
 * clusterSubnets(inventory).get('subnet-0f00000000000000f'); // ['prod']
 */
export function clusterSubnets(inventory: Inventory): Map<string, string[]> {
  const ids = new Set<string>();
  for (const cluster of inventory.clusters) for (const id of cluster.subnetIds) ids.add(id);
  for (const group of inventory.nodeGroups) for (const id of group.subnets) ids.add(id);
  for (const node of inventory.nodes()) if (node.instance.subnetId) ids.add(node.instance.subnetId);
  for (const subnet of inventory.subnets) if (clusterFromTags(subnet.tags)) ids.add(subnet.id);
  const result = new Map<string, string[]>();
  for (const id of [...ids].sort()) {
    const clusters = clustersUsingSubnet(inventory, id);
    if (clusters.length > 0) result.set(id, clusters);
  }
  return result;
}

function nodesOfGroup(inventory: Inventory, cluster: string, name: string) {
  return inventory.nodes().filter((node) => node.cluster === cluster && node.nodeGroup === name);
}

function subnetBlast(inventory: Inventory, subnetId: string, clusters: string[]): BlastRadius {
  const groups = inventory.nodeGroups.filter(
    (group) => group.subnets.includes(subnetId) && clusters.includes(group.clusterName),
  );
  const nodes = inventory.nodes().filter((node) => node.instance.subnetId === subnetId);
  const enis = inventory.networkInterfaces.filter((eni) => eni.subnetId === subnetId);
  const podIps = enis
    .filter((eni) => eni.interfaceType !== 'branch' && eni.attachment?.instanceId)
    .reduce((sum, eni) => sum + Math.max(0, eni.privateIps.length - 1) + eni.ipv4Prefixes.length * 16, 0);
  return {
    nodes: nodes.length,
    podIps,
    podIpsIsUpperBound: true,
    nodeGroups: unique([...groups.map((group) => group.name), ...nodes.flatMap((n) => n.nodeGroup ?? [])]).sort(),
    sgpPods: enis.filter((eni) => eni.interfaceType === 'branch').length,
    nodeIds: nodes.slice(0, 20).map((node) => node.instance.id),
  };
}

function describeHeadroom(subnetId: string, headroom: SubnetHeadroom | undefined): string {
  if (!headroom) return `${subnetId}: headroom unknown (subnet not in DescribeSubnets)`;
  return `${subnetId} (${headroom.cidr}): ${headroom.freeIps} free IPs (${headroom.percentFree} % of ${headroom.usable}), ${headroom.freeBlocks} free aligned /28 blocks`;
}

function headroomDetails(headroom: SubnetHeadroom | undefined): Record<string, unknown> {
  if (!headroom) return {};
  return {
    cidr: headroom.cidr,
    usable: headroom.usable,
    used: headroom.used,
    freeIps: headroom.freeIps,
    freeBlocks: headroom.freeBlocks,
    percentFree: headroom.percentFree,
    reservedUnused: headroom.reservedUnused,
    ...(headroom.notes.length ? { notes: headroom.notes } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// subnet-exhausted

const SUBNET_IN_MESSAGE = /subnet '?(subnet-[0-9a-f]+)'?/i;

function onSubnetFailure(event: CloudTrailEvent, context: DetectorContext): Finding[] {
  const { inventory } = context;
  const detail = event.detail;
  const failures: { subnetId: string; code: string; message?: string; instanceType?: string }[] = [];
  const fromMessage = (message: string | undefined) => SUBNET_IN_MESSAGE.exec(message ?? '')?.[1];
  const code = event.errorCode;
  if (code !== undefined) {
    const subnets: string[] = [];
    if (detail.kind === 'network-interface-created' && detail.subnetId) subnets.push(detail.subnetId);
    if (detail.kind === 'private-ips-assigned') {
      const subnetId = inventory.networkInterface(detail.networkInterfaceId)?.subnetId;
      if (subnetId) subnets.push(subnetId);
    }
    if (detail.kind === 'instances-launched') subnets.push(...detail.subnetIds);
    // Live state may not know the ENI yet; EC2 names the subnet in its message.
    const named = fromMessage(event.errorMessage);
    if (subnets.length === 0 && named) subnets.push(named);
    for (const subnetId of unique(subnets))
      failures.push({ subnetId, code, ...(event.errorMessage ? { message: event.errorMessage } : {}) });
  }
  for (const error of fleetSubnetErrors(event)) {
    const subnetId = error.subnetId ?? fromMessage(error.errorMessage);
    if (subnetId)
      failures.push({
        subnetId,
        code: error.errorCode,
        ...(error.errorMessage ? { message: error.errorMessage } : {}),
        ...(error.instanceType ? { instanceType: error.instanceType } : {}),
      });
  }

  const eventCluster = clusterOfEvent(event, inventory);
  const bySubnet = new Map<string, typeof failures>();
  for (const failure of failures) bySubnet.set(failure.subnetId, [...(bySubnet.get(failure.subnetId) ?? []), failure]);
  const findings: Finding[] = [];
  for (const [subnetId, list] of bySubnet) {
    const clusters = unique([...clustersUsingSubnet(inventory, subnetId), ...(eventCluster ? [eventCluster] : [])]);
    if (clusters.length === 0) continue;
    const headroom = subnetHeadroomOf(inventory, subnetId);
    const codes = unique(list.map((failure) => stripPrefix(failure.code)));
    const fragmented = codes.includes('InsufficientCidrBlocks') || codes.includes('InvalidParameterValue');
    const fragmentNote =
      fragmented && headroom && headroom.freeIps >= 16
        ? ` The subnet still has ${headroom.freeIps} free IPs but ${headroom.freeBlocks} free aligned /28 blocks: it is fragmented, and prefix delegation needs whole blocks.`
        : '';
    const types = unique(list.flatMap((failure) => failure.instanceType ?? []));
    findings.push(
      buildFinding({
        rule: 'subnet-exhausted',
        subject: subnetId,
        severity: 'high',
        title: `${TITLES['subnet-exhausted']}: ${subnetId}`,
        summary: `${event.eventName} by ${actorLabel(event)} failed with ${codes.join(', ')} in ${subnetId}, a subnet of cluster ${clusters.join(', ')}${types.length ? ` (instance types ${types.join(', ')})` : ''}: new pods or nodes cannot get addresses there. Now: ${describeHeadroom(subnetId, headroom)}.${fragmentNote}`,
        clusters,
        resources: [{ type: 'subnet', id: subnetId }],
        blastRadius: subnetBlast(inventory, subnetId, clusters),
        evidence: {
          ...eventEvidence(event, list[0] ? { code: list[0].code, message: list[0].message } : undefined),
          state: describeHeadroom(subnetId, headroom),
          details: {
            subnetId,
            errors: list.map((failure) => ({
              errorCode: failure.code,
              ...(failure.message ? { errorMessage: failure.message } : {}),
              ...(failure.instanceType ? { instanceType: failure.instanceType } : {}),
            })),
            ...headroomDetails(headroom),
          },
        },
        recommendation: {
          text: fragmented
            ? 'Reserve space for prefixes: create a subnet CIDR reservation of type prefix (or a new subnet) so /28 blocks stay whole, and spread node groups over subnets with room. Freeing single addresses does not help a fragmented subnet.'
            : 'Give the cluster more room: add subnets (or a secondary VPC CIDR with custom networking) to the node groups and Karpenter, lower WARM_IP_TARGET/WARM_ENI_TARGET so idle nodes hold fewer addresses, or use prefix delegation with a prefix reservation.',
          links: [LINKS.prefixDelegation, LINKS.subnetReservations, LINKS.customNetworking],
        },
        context,
        event,
      }),
    );
  }
  return findings;
}

function clusterOfEvent(event: CloudTrailEvent, inventory: Inventory): string | undefined {
  const detail = event.detail;
  if (detail.kind === 'network-interface-created') return clusterOfEniTags(detail.tags);
  if (detail.kind === 'instances-launched') return clusterFromTags(detail.tags);
  if (detail.kind === 'private-ips-assigned') {
    const eni = inventory.networkInterface(detail.networkInterfaceId);
    const node = eni?.attachment?.instanceId ? inventory.node(eni.attachment.instanceId) : undefined;
    return node?.cluster ?? (eni ? clusterOfEniTags(eni.tags) : undefined);
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// node-ip-limit

const NODE_IN_DESCRIPTION = /^aws-K8S-(i-[0-9a-f]+)$/;

function onNodeLimit(event: CloudTrailEvent, context: DetectorContext): Finding[] {
  const { inventory } = context;
  const detail = event.detail;
  let instanceId: string | undefined;
  let eniId: string | undefined;
  if (detail.kind === 'network-interface-attached') {
    instanceId = detail.instanceId;
    eniId = detail.networkInterfaceId;
  } else if (detail.kind === 'private-ips-assigned') {
    eniId = detail.networkInterfaceId;
    instanceId = inventory.networkInterface(detail.networkInterfaceId)?.attachment?.instanceId;
  } else if (detail.kind === 'network-interface-created') {
    // The CNI names the node in the ENI's tag and description before it attaches the ENI.
    instanceId =
      detail.tags['node.k8s.amazonaws.com/instance_id'] ?? NODE_IN_DESCRIPTION.exec(detail.description ?? '')?.[1];
  }
  if (!instanceId) return [];
  const node = inventory.node(instanceId);
  if (!node) return [];
  const instance = node.instance;
  const enis = inventory.networkInterfaces.filter((eni) => eni.attachment?.instanceId === instanceId);
  const typeInfo = inventory.instanceTypes.find((type) => type.instanceType === instance.instanceType);
  let limitText = '';
  try {
    const limits = computeMaxPods(instance.instanceType, typeInfo ? { instanceTypeInfo: typeInfo } : {});
    limitText = ` ${instance.instanceType} holds ${limits.enis} ENIs of ${limits.ipv4PerEni} IPv4 addresses each on its default network card; it has ${enis.length} attached now.`;
  } catch {
    limitText = ` The limits of ${instance.instanceType} are not known.`;
  }
  const code = stripPrefix(event.errorCode ?? '');
  const what = code === 'AttachmentLimitExceeded' ? 'attach another ENI' : 'assign more private IPs';
  const trunk = eniId ? inventory.networkInterface(eniId)?.interfaceType === 'trunk' : false;
  return [
    buildFinding({
      rule: 'node-ip-limit',
      subject: instanceId,
      severity: 'medium',
      title: `${TITLES['node-ip-limit']}: ${instanceId}`,
      summary: `${event.eventName} by ${actorLabel(event)} could not ${what} on node ${instanceId} (cluster ${node.cluster}${node.nodeGroup ? `, node group ${node.nodeGroup}` : ''}): ${code}.${limitText} Pods scheduled beyond what its ENIs hold stay in ContainerCreating.`,
      clusters: [node.cluster],
      resources: [
        { type: 'instance', id: instanceId },
        ...(eniId ? [{ type: 'network-interface' as const, id: eniId }] : []),
        { type: 'instance-type', id: instance.instanceType },
      ],
      blastRadius: {
        nodes: 1,
        podIps: enis.reduce(
          (sum, eni) => sum + Math.max(0, eni.privateIps.length - 1) + eni.ipv4Prefixes.length * 16,
          0,
        ),
        podIpsIsUpperBound: true,
        nodeGroups: node.nodeGroup ? [node.nodeGroup] : [],
        sgpPods: 0,
        nodeIds: [instanceId],
      },
      evidence: {
        ...eventEvidence(event),
        state: `${enis.length} ENIs attached to ${instanceId} (${instance.instanceType})`,
        details: {
          instanceType: instance.instanceType,
          attachedEnis: enis.length,
          ...(trunk ? { trunkEni: eniId } : {}),
        },
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

// ---------------------------------------------------------------------------------------------------------------
// subnet-headroom-low

/** What a node group needs from one of its subnets to reach its maximum size (see {@link groupNeed}). */
export interface GroupNeed {
  nodeGroup: string;
  cluster: string;
  instanceType: string;
  /** Nodes the group may still add, and this subnet's share of them. */
  growth: number;
  nodesHere: number;
  ips: number;
  blocks: number;
  formula: string;
}

/**
 * What a node group still needs from one of its subnets to reach its maximum size, spread evenly over its subnets; the
 * worst of its instance types. Undefined when the group does not use the subnet, has no maximum or is at it.
 *
 * @example
 * groupNeed(inventory, inventory.nodeGroup('prod', 'ng-sgp')!, 'subnet-0f00000000000000f')?.ips; // 46
 */
export function groupNeed(inventory: Inventory, group: NodeGroup, subnetId: string): GroupNeed | undefined {
  const max = group.scaling.maxSize;
  if (max === undefined || !group.subnets.includes(subnetId)) return undefined;
  const current = nodesOfGroup(inventory, group.clusterName, group.name).length;
  const growth = Math.max(0, max - current);
  const nodesHere = Math.ceil(growth / Math.max(1, group.subnets.length));
  if (nodesHere === 0) return undefined;
  const cni = cniSettingsOf(inventory, group.clusterName);
  const sgp = sgpStatus(inventory, group.clusterName).enabled === true;
  let worst: GroupNeed | undefined;
  for (const instanceType of group.instanceTypes) {
    const typeInfo = inventory.instanceTypes.find((type) => type.instanceType === instanceType);
    try {
      const maxPods = effectiveMaxPods(inventory, group, instanceType, cni.mode === 'prefix-delegation').value;
      const need = nodeIpNeed(instanceType, {
        mode: cni.mode,
        sgp,
        maxPods,
        warmPrefixTarget: cni.warmPrefixTarget,
        ...(typeInfo ? { instanceTypeInfo: typeInfo } : {}),
      });
      const candidate: GroupNeed = {
        nodeGroup: group.name,
        cluster: group.clusterName,
        instanceType,
        growth,
        nodesHere,
        ips: need.ips * nodesHere,
        blocks: need.blocks * nodesHere,
        formula: `${nodesHere} node(s) × ${need.formula}`,
      };
      if (!worst || candidate.ips + candidate.blocks * 16 > worst.ips + worst.blocks * 16) worst = candidate;
    } catch {
      // A type nobody knows (or prefix delegation on Xen) gives no need; the percentage rule still judges the subnet.
    }
  }
  return worst;
}

function scanSubnets(context: DetectorContext): Finding[] {
  const findings: Finding[] = [];
  for (const [subnetId, clusters] of clusterSubnets(context.inventory)) {
    const finding = judgeSubnetHeadroom(subnetId, clusters, context, undefined);
    if (finding) findings.push(finding);
  }
  return findings;
}

function judgeSubnetHeadroom(
  subnetId: string,
  clusters: string[],
  context: DetectorContext,
  event: CloudTrailEvent | undefined,
  override?: NodeGroup,
): Finding | undefined {
  const { inventory, config } = context;
  const headroom = subnetHeadroomOf(inventory, subnetId);
  if (!headroom) return undefined;
  const prefixMode = clusters.some((cluster) => cniSettingsOf(inventory, cluster).mode === 'prefix-delegation');
  const groups = inventory.nodeGroups
    .filter((group) => !(override && group.clusterName === override.clusterName && group.name === override.name))
    .concat(override ? [override] : []);
  const needs = groups.flatMap((group) => groupNeed(inventory, group, subnetId) ?? []);
  const needIps = needs.reduce((sum, need) => sum + need.ips, 0);
  const needBlocks = needs.reduce((sum, need) => sum + need.blocks, 0);
  // Under prefix delegation what pods can use is whole /28 blocks, not single addresses.
  const podRoom = prefixMode ? headroom.freeBlocks * 16 : headroom.freeIps;
  const percent = headroom.usable === 0 ? 0 : Math.round((podRoom / headroom.usable) * 1000) / 10;
  const reasons: string[] = [];
  if (percent < config.subnetHeadroomPercent)
    reasons.push(
      `${percent} % ${prefixMode ? 'of its space is in free /28 blocks' : 'of its addresses are free'}, below ${config.subnetHeadroomPercent} %`,
    );
  if (needIps > headroom.freeIps)
    reasons.push(`its node groups need ${needIps} IPs to reach their maximum size, ${headroom.freeIps} are free`);
  if (needBlocks > headroom.freeBlocks)
    reasons.push(
      `its node groups need ${needBlocks} /28 blocks to reach their maximum size, ${headroom.freeBlocks} are free`,
    );
  if (reasons.length === 0) return undefined;
  const severity: Severity = percent < 5 ? 'high' : 'medium';
  // One cluster on the subnet: prefix delegation is its setting to change, when the checks say it is safe.
  const prefixFix =
    clusters.length === 1 && !prefixMode
      ? prefixDelegationRemediation(inventory, clusters[0]!, sgpStatus(inventory, clusters[0]!).enabled === true)
      : undefined;
  return buildFinding({
    rule: 'subnet-headroom-low',
    subject: subnetId,
    severity,
    title: `${TITLES['subnet-headroom-low']}: ${subnetId}`,
    summary: `${describeHeadroom(subnetId, headroom)}, used by cluster ${clusters.join(', ')}${prefixMode ? ' (prefix delegation)' : ''}: ${reasons.join('; ')}.`,
    clusters,
    resources: [{ type: 'subnet', id: subnetId }],
    blastRadius: subnetBlast(inventory, subnetId, clusters),
    evidence: {
      ...(event
        ? eventEvidence(event)
        : { state: `${subnetId}: DescribeSubnets, DescribeNetworkInterfaces, DescribeSubnetCidrReservations` }),
      details: {
        ...headroomDetails(headroom),
        mode: prefixMode ? 'prefix-delegation' : 'secondary-ip',
        threshold: config.subnetHeadroomPercent,
        needIps,
        needBlocks,
        needs: needs.map((need) => ({ ...need })),
      },
    },
    recommendation: {
      text: prefixMode
        ? 'Keep /28 blocks whole: create a subnet CIDR reservation of type prefix for the pods, or add subnets with room to the node groups; lower maxSize until then.'
        : 'Add subnets with room (or a secondary VPC CIDR with custom networking) to the node groups, lower WARM_ENI_TARGET/WARM_IP_TARGET, or use prefix delegation; lower maxSize until then.',
      links: [LINKS.prefixDelegation, LINKS.subnetReservations, LINKS.customNetworking],
    },
    ...(prefixFix && 'remediation' in prefixFix ? { remediation: prefixFix.remediation } : {}),
    context,
    ...(event ? { event } : {}),
  });
}

// ---------------------------------------------------------------------------------------------------------------
// max-pods-over-ip-capacity

/** The maxPods a node group's nodes run with, and where the value came from. */
export interface EffectiveMaxPods {
  value: number;
  source: string;
}

function templateVersion(
  inventory: Inventory,
  ref: { id?: string; name?: string; version?: string } | undefined,
): LaunchTemplateVersion | undefined {
  if (!ref) return undefined;
  const versions = inventory.launchTemplateVersions.filter(
    (version) =>
      (ref.id !== undefined && version.launchTemplateId === ref.id) ||
      (ref.name !== undefined && version.launchTemplateName === ref.name),
  );
  if (versions.length === 0) return undefined;
  if (ref.version === '$Latest') return versions.reduce((a, b) => (b.versionNumber > a.versionNumber ? b : a));
  if (ref.version === undefined || ref.version === '$Default') return versions.find((v) => v.defaultVersion);
  return versions.find((version) => String(version.versionNumber) === ref.version);
}

function templateLabel(version: LaunchTemplateVersion): string {
  return `${version.launchTemplateName ?? version.launchTemplateId} v${version.versionNumber}`;
}

/**
 * The maxPods a managed node group really runs with: the kubelet setting in its launch template's user data, else in
 * the launch template EKS writes for the group (`eks-…`, named through its Auto Scaling group), else the EKS default
 * for the type (the VPC CNI formula with the EKS cap, which ignores the SGP trunk).
 *
 * @example
 * effectiveMaxPods(inventory, nodeGroup, 'm5.xlarge', false); // { value: 58, source: 'EKS launch template eks-… v1 (nodeadm maxPods)' }
 */
export function effectiveMaxPods(
  inventory: Inventory,
  group: NodeGroup,
  instanceType: string,
  prefixDelegation: boolean,
): EffectiveMaxPods {
  const candidates: { version: LaunchTemplateVersion | undefined; label: string }[] = [
    { version: templateVersion(inventory, group.launchTemplate), label: 'launch template' },
    ...group.autoScalingGroupNames.map((name) => ({
      version: templateVersion(inventory, inventory.autoScalingGroups.find((asg) => asg.name === name)?.launchTemplate),
      label: 'EKS launch template',
    })),
  ];
  for (const { version, label } of candidates) {
    if (!version?.userData) continue;
    const read = readMaxPodsFromUserData(version.userData);
    if (read.maxPods !== undefined)
      return { value: read.maxPods, source: `${label} ${templateLabel(version)} (${read.source})` };
    // bootstrap.sh --use-max-pods false without --max-pods leaves the kubelet default.
    if (read.useMaxPods === false)
      return { value: 110, source: `${label} ${templateLabel(version)} (--use-max-pods false: kubelet default)` };
  }
  const typeInfo = inventory.instanceTypes.find((type) => type.instanceType === instanceType);
  const computed = computeMaxPods(instanceType, {
    prefixDelegation,
    cap: 'eks',
    ...(typeInfo ? { instanceTypeInfo: typeInfo } : {}),
  });
  return { value: computed.maxPods, source: `EKS default for ${instanceType}: ${plainMaxPodsArithmetic(computed)}` };
}

function scanNodeGroups(context: DetectorContext): Finding[] {
  return context.inventory.nodeGroups.flatMap((group) => judgeMaxPods(group, context, undefined));
}

function judgeMaxPods(group: NodeGroup, context: DetectorContext, event: CloudTrailEvent | undefined): Finding[] {
  const { inventory } = context;
  const cluster = group.clusterName;
  const sgp = sgpStatus(inventory, cluster);
  const cni = cniSettingsOf(inventory, cluster);
  const prefixDelegation = cni.mode === 'prefix-delegation';
  let worst:
    | { instanceType: string; effective: EffectiveMaxPods; capacity: ReturnType<typeof computeMaxPods> }
    | undefined;
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
  if (!worst) return [];
  const { instanceType, effective, capacity } = worst;
  const trunkSlot = sgp.enabled === true && capacity.reservedEnis > 0;
  const severity: Severity = trunkSlot ? 'high' : 'medium';
  const safe = capacity.maxPods;
  const target: ResourceRef = { type: 'nodegroup', id: `${cluster}/${group.name}` };
  const nodes = nodesOfGroup(inventory, cluster, group.name);
  const remediation: Remediation = {
    action: 'set-max-pods',
    target: nodeGroupTarget(cluster, group.name, inventory),
    set: { maxPods: safe, instanceType },
    reason: `maxPods ${effective.value} (from ${effective.source}) exceeds the ${safe} pod IPs a ${instanceType} node holds${trunkSlot ? ' with the SGP trunk ENI taking one ENI slot' : ''}`,
  };
  return [
    buildFinding({
      rule: 'max-pods-over-ip-capacity',
      subject: `${cluster}/${group.name}`,
      severity,
      title: `${TITLES['max-pods-over-ip-capacity']}: ${cluster}/${group.name}`,
      summary: `Node group ${group.name} of cluster ${cluster} runs ${instanceType} nodes with maxPods ${effective.value}, from ${effective.source}. A node holds only ${safe} pod IPs: ${plainMaxPodsArithmetic(capacity, 'the SGP trunk')}.${trunkSlot ? ` Security groups for pods is on (${sgp.signals.join(', ')}): the trunk ENI takes an ENI slot that the default maxPods does not account for, so the last ${effective.value - safe} pods per node never get an IP.` : ''} Set maxPods to ${safe}.`,
      clusters: [cluster],
      resources: [target, { type: 'instance-type', id: instanceType }],
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
    }),
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// Event paths for node groups and launch templates.

function onNodegroupChanged(event: CloudTrailEvent, context: DetectorContext): Finding[] {
  const detail = event.detail as Extract<EventDetail, { kind: 'nodegroup-changed' }>;
  const { inventory } = context;
  // A node group created by this call has no Auto Scaling group or EKS launch template yet: a same-named group in
  // live state is an older one, so only an update reads it.
  const live =
    detail.operation === 'create' ? undefined : inventory.nodeGroup(detail.clusterName, detail.nodegroupName);
  // Live state may lag: what the call set wins over what describe shows.
  const group: NodeGroup = {
    clusterName: detail.clusterName,
    name: detail.nodegroupName,
    instanceTypes: detail.instanceTypes.length ? detail.instanceTypes : (live?.instanceTypes ?? []),
    subnets: detail.subnets.length ? detail.subnets : (live?.subnets ?? []),
    scaling: { ...(live?.scaling ?? {}), ...(detail.scaling ?? {}) },
    autoScalingGroupNames: live?.autoScalingGroupNames ?? [],
    labels: live?.labels ?? {},
    tags: live?.tags ?? {},
    ...(detail.launchTemplate
      ? { launchTemplate: { ...(live?.launchTemplate ?? {}), ...detail.launchTemplate } }
      : live?.launchTemplate
        ? { launchTemplate: live.launchTemplate }
        : {}),
  };
  if (group.instanceTypes.length === 0) {
    const version = templateVersion(inventory, group.launchTemplate);
    if (version?.instanceType) group.instanceTypes = [version.instanceType];
  }
  const findings: Finding[] = [];
  for (const subnetId of group.subnets) {
    const clusters = unique([...clustersUsingSubnet(inventory, subnetId), group.clusterName]).sort();
    const finding = judgeSubnetHeadroom(subnetId, clusters, context, event, group);
    if (finding) findings.push(finding);
  }
  findings.push(...judgeMaxPods(group, context, event));
  return findings;
}

function onLaunchTemplateVersion(event: CloudTrailEvent, context: DetectorContext): Finding[] {
  const detail = event.detail as Extract<EventDetail, { kind: 'launch-template-version-created' }>;
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

// ---------------------------------------------------------------------------------------------------------------
// Finding assembly

function buildFinding(draft: FindingDraft<IpPoolRuleId>): Finding {
  return buildSharedFinding(DETECTOR, draft);
}

function actorLabel(event: CloudTrailEvent): string {
  return event.actor.sessionName ?? event.actor.invokedBy ?? event.actor.arn ?? event.actor.type;
}

function stripPrefix(code: string): string {
  return code.replace(/^(Client|Server)\./, '');
}
