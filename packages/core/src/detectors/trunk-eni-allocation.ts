/**
 * `trunk-eni-allocation`: security groups for pods (SGP) that cannot work on some nodes. With SGP on, the VPC resource
 * controller gives every trunk-capable node a trunk ENI and hangs one branch ENI per SGP pod off it. When the trunk
 * cannot be created or attached, when a node's type cannot trunk, or when a trunk runs out of branches, SGP pods stay
 * pending and nothing in AWS says why. This detector reads those failures out of CloudTrail and out of live state.
 *
 * The CNI and Karpenter call these APIs all day, so each subscription carries the narrowest EventBridge content filter
 * that still catches a case (failures, trunk calls, calls by the resource controller), and a routine success costs no
 * describe call.
 *
 * @example
 * const findings = trunkEniAllocation.evaluateEvent(parsedEvent, { inventory, config, now });
 * const stateFindings = trunkEniAllocation.scan({ inventory, config, now });
 */

import { INSTANCE_LIMITS } from '../capacity/instance-limits.generated.ts';
import { findInstanceLimits, type InstanceLimits } from '../capacity/instance-limits.ts';
import type { CloudTrailEvent, EventDetail } from '../cloudtrail/types.ts';
import {
  buildResolvedFinding,
  buildFinding as buildSharedFinding,
  eventEvidence,
  type FindingDraft,
} from '../findings/build.ts';
import { LINKS } from '../findings/links.ts';
import { humanDuration, plural } from '../findings/wording.ts';
import {
  isBranchEni,
  isTrunkEni,
  KUBERNETES_CLUSTER_TAG_PREFIX,
  NODE_CLUSTER_TAGS,
  nodeIdentityFromTags,
  TRUNK_ENI_TAG,
} from '../inventory/classify.ts';
import { instanceTypesTarget } from '../remediation/targets.ts';
import type { BlastRadius, Finding, Link, ResourceRef } from '../types/finding.ts';
import type { Inventory, NetworkInterface, Node } from '../types/inventory.ts';
import { type DetectorContext, monolithDetector, type RuleDefinition } from './define.ts';
import {
  BRANCH_ENI_DESCRIPTIONS,
  clusterOfEniTags,
  isTrunkCreation,
  type SgpStatus,
  sgpStatus,
  TRUNK_ENI_DESCRIPTIONS,
} from './sgp.ts';

const DETECTOR = 'trunk-eni-allocation' as const;

export const TRUNK_ENI_RULES = [
  {
    id: 'trunk-create-failed',
    severity: 'high',
    title: 'Trunk ENI could not be created',
    description:
      'CreateNetworkInterface of a trunk ENI failed (no free IPs, missing AmazonEKSVPCResourceController permission, ENI quota): SGP pods cannot start on the node that waits for it.',
  },
  {
    id: 'trunk-attach-failed',
    severity: 'high',
    title: 'Trunk ENI could not be attached',
    description:
      'AttachNetworkInterface of a trunk ENI by the VPC resource controller failed; the controller deletes the trunk, so live state no longer shows it.',
  },
  {
    id: 'branch-create-failed',
    severity: 'medium',
    title: 'Branch ENI for an SGP pod could not be created',
    description:
      'CreateNetworkInterface of a branch ENI failed: the pod that needed its own security groups cannot start.',
  },
  {
    id: 'instance-type-not-trunk-compatible',
    severity: 'medium',
    title: 'SGP cluster runs an instance type that cannot trunk',
    description:
      'A cluster with security groups for pods gets or has nodes whose type cannot hold a trunk ENI: no SGP pod can run on them.',
  },
  {
    id: 'trunk-missing',
    severity: 'high',
    title: 'SGP node without a trunk ENI',
    description:
      'A trunk-capable node of an SGP cluster has no trunk ENI some minutes after launch, usually because the CNI took its last ENI slot.',
  },
  {
    id: 'branch-capacity-low',
    severity: 'low',
    title: 'Trunk ENI near its branch limit',
    description: 'The branch ENIs on a trunk are near the limit of its instance type: further SGP pods will not fit.',
  },
] as const satisfies readonly RuleDefinition[];

export type TrunkEniRuleId = (typeof TRUNK_ENI_RULES)[number]['id'];
const TITLES = Object.fromEntries(TRUNK_ENI_RULES.map((rule) => [rule.id, rule.title])) as Record<
  TrunkEniRuleId,
  string
>;

const EC2 = 'ec2.amazonaws.com' as const;
const EKS = 'eks.amazonaws.com' as const;

/** Role session name of the VPC resource controller (it runs in the EKS control plane under the cluster role). */
export const RESOURCE_CONTROLLER_SESSION = 'amazon-vpc-resource-controller-k8s';

const LOCAL_LINKS = {
  resourceControllerPolicy: {
    title: 'AmazonEKSVPCResourceController managed policy',
    url: 'https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonEKSVPCResourceController.html',
  },
  sgpInstanceTypes: {
    title: 'Security groups for pods: supported instance types and limits',
    url: 'https://docs.aws.amazon.com/eks/latest/userguide/sg-pods-example-deployment.html',
  },
  cniWarmPool: {
    title: 'VPC CNI warm pool settings (WARM_ENI_TARGET, WARM_IP_TARGET, MINIMUM_IP_TARGET)',
    url: 'https://github.com/aws/amazon-vpc-cni-k8s/blob/master/docs/eni-and-ip-target.md',
  },
  eniQuota: {
    title: 'Amazon VPC quotas: network interfaces per Region',
    url: 'https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html',
  },
  subnetIps: {
    title: 'EKS subnet requirements (free IP addresses)',
    url: 'https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html',
  },
} as const satisfies Record<string, Link>;

/** What an EC2 error code on a trunk or branch call means, and what to do about it. */
interface ErrorMeaning {
  meaning: string;
  action: string;
  links: Link[];
}

/**
 * Error codes (without `Client.`/`Server.`) the VPC resource controller meets, matched by suffix so `Client.X` and a
 * bare `X` read the same.
 */
const ERROR_MEANINGS: Record<string, ErrorMeaning> = {
  InsufficientFreeAddressesInSubnet: {
    meaning: 'the subnet has no free IP address left for the ENI',
    action:
      'Free addresses in the subnet (lower WARM_IP_TARGET/WARM_ENI_TARGET, remove leaked ENIs) or give the nodes and pods more address space (a larger or additional subnet, a secondary VPC CIDR with custom networking).',
    links: [LOCAL_LINKS.subnetIps, LOCAL_LINKS.cniWarmPool],
  },
  UnauthorizedOperation: {
    meaning: 'the cluster IAM role may not manage ENIs: it lacks the AmazonEKSVPCResourceController managed policy',
    action:
      'Attach the AmazonEKSVPCResourceController managed policy to the cluster IAM role (and check that no SCP or permissions boundary denies ec2:CreateNetworkInterface or ec2:AttachNetworkInterface).',
    links: [LOCAL_LINKS.resourceControllerPolicy, LINKS.securityGroupsForPods],
  },
  AccessDenied: {
    meaning: 'the cluster IAM role may not manage ENIs: it lacks the AmazonEKSVPCResourceController managed policy',
    action:
      'Attach the AmazonEKSVPCResourceController managed policy to the cluster IAM role (and check SCPs and permissions boundaries).',
    links: [LOCAL_LINKS.resourceControllerPolicy, LINKS.securityGroupsForPods],
  },
  NetworkInterfaceLimitExceeded: {
    meaning: 'the account reached its quota of network interfaces in this Region',
    action:
      'Request a higher "Network interfaces per Region" quota in Service Quotas and delete available (unattached) ENIs that leaked.',
    links: [LOCAL_LINKS.eniQuota],
  },
  AttachmentLimitExceeded: {
    meaning: 'the instance has no free ENI slot (device index) left for the trunk',
    action:
      "Replace the node so the trunk is attached before the CNI's warm ENIs fill its slots, and keep a slot free: lower WARM_ENI_TARGET or use WARM_IP_TARGET/MINIMUM_IP_TARGET or prefix delegation.",
    links: [LOCAL_LINKS.cniWarmPool, LINKS.securityGroupsForPods],
  },
  SecurityGroupsPerInterfaceLimitExceeded: {
    meaning: 'the SecurityGroupPolicy names more security groups than an ENI may carry',
    action:
      'Use fewer security groups in the SecurityGroupPolicy, or raise the "Security groups per network interface" quota.',
    links: [LOCAL_LINKS.eniQuota],
  },
  'InvalidSecurityGroupID.NotFound': {
    meaning: 'a security group the ENI should carry does not exist',
    action: 'Fix the SecurityGroupPolicy (or node group) to name existing security groups of the same VPC.',
    links: [LINKS.securityGroupsForPods],
  },
  'InvalidGroup.NotFound': {
    meaning: 'a security group the ENI should carry does not exist',
    action: 'Fix the SecurityGroupPolicy (or node group) to name existing security groups of the same VPC.',
    links: [LINKS.securityGroupsForPods],
  },
  RequestLimitExceeded: {
    meaning: 'EC2 throttled the API calls',
    action: 'The controller retries; if this persists, find the caller that floods the EC2 API in this Region.',
    links: [],
  },
};

function errorMeaning(code: string | undefined): ErrorMeaning {
  if (code) {
    for (const [known, meaning] of Object.entries(ERROR_MEANINGS)) {
      if (code === known || code.endsWith(`.${known}`)) return meaning;
    }
  }
  return {
    meaning: `EC2 answered ${code ?? 'an error'}`,
    action: 'Read the error message, fix its cause, and watch for the controller to retry.',
    links: [LINKS.securityGroupsForPods],
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Instance types

const SIZE_ORDER: Record<string, number> = { nano: -4, micro: -3, small: -2, medium: -1, large: 0, xlarge: 1 };

/** A comparable rank of a size suffix (`large` 0, `xlarge` 1, `4xlarge` 4, `metal` last). */
function sizeRank(size: string): number {
  if (size in SIZE_ORDER) return SIZE_ORDER[size] as number;
  const match = /^(\d+)xlarge$/.exec(size);
  if (match) return Number(match[1]);
  if (size.startsWith('metal')) return 10_000;
  return Number.NaN;
}

/** Trunk-capable successors of the families that cannot trunk, nearest first (same vCPU/memory class). */
const SUCCESSORS: Record<string, string[]> = {
  t1: ['m5', 'm6i'],
  t2: ['m5', 'm6i'],
  t3: ['m5', 'm6i'],
  t3a: ['m5a', 'm6a'],
  t4g: ['m6g', 'm7g'],
  m1: ['m5', 'm6i'],
  m2: ['r5', 'r6i'],
  m3: ['m5', 'm6i'],
  m4: ['m5', 'm6i'],
  c1: ['c5', 'c6i'],
  c3: ['c5', 'c6i'],
  c4: ['c5', 'c6i'],
  r3: ['r5', 'r6i'],
  r4: ['r5', 'r6i'],
  i2: ['i3en', 'i4i'],
  i3: ['i3en', 'i4i'],
  d2: ['d3', 'd3en'],
  h1: ['d3en', 'd3'],
  f1: ['f2'],
  p3: ['p3dn', 'p4d'],
  x1: ['x2idn', 'x2iedn'],
  x1e: ['x2iedn'],
  'u-6tb1': ['u7i-6tb'],
};

function trunks(instanceType: string): boolean {
  return findInstanceLimits(instanceType)?.trunkingCompatible === true;
}

/**
 * The nearest instance type that can hold a trunk ENI: the same size in a successor family (t3 → m5/m6i, t3a → m5a,
 * t4g → m6g, m4 → m5, c4 → c5, r4 → r5, i3 → i3en …), else the next larger size there, else any trunk-capable type of
 * the same family letter and size in the limits table. Every answer is trunk-capable by the table; undefined when none.
 *
 * @example
 * nearestTrunkCapableType('t3.large'); // 'm5.large'
 * nearestTrunkCapableType('t3.medium'); // 'm5.large' (m5 has no medium)
 */
export function nearestTrunkCapableType(instanceType: string): string | undefined {
  const type = instanceType.trim().toLowerCase();
  const dot = type.indexOf('.');
  if (dot < 0) return undefined;
  const family = type.slice(0, dot);
  const size = type.slice(dot + 1);
  if (trunks(type)) return type;
  const families = SUCCESSORS[family] ?? [];
  for (const candidate of families) {
    if (trunks(`${candidate}.${size}`)) return `${candidate}.${size}`;
  }
  const rank = sizeRank(size);
  const allTypes = Object.keys(INSTANCE_LIMITS);
  for (const candidate of families) {
    const larger = allTypes
      .filter((t) => t.startsWith(`${candidate}.`) && trunks(t))
      .map((t) => ({ t, rank: sizeRank(t.slice(candidate.length + 1)) }))
      .filter((entry) => entry.rank > rank)
      .sort((a, b) => a.rank - b.rank);
    if (larger[0]) return larger[0].t;
  }
  // Fallback: a trunk-capable type of the same family letter and size, lowest generation first.
  const letter = family[0] ?? '';
  const sameSize = allTypes
    .filter((t) => t.startsWith(letter) && t.endsWith(`.${size}`) && trunks(t))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  return sameSize[0];
}

/**
 * `<family>.` prefixes of the families with at least one size that cannot trunk, from the limits table: the
 * EventBridge filter for launch template versions, so a template that sets a trunk-capable type never invokes us.
 */
export const NON_TRUNK_FAMILY_PREFIXES: readonly string[] = [
  ...new Set(
    Object.entries(INSTANCE_LIMITS)
      .filter(([, row]) => !row[3].includes('t'))
      .map(([type]) => `${type.slice(0, type.indexOf('.'))}.`),
  ),
].sort();

function limitsOf(instanceType: string, inventory: Inventory): InstanceLimits | undefined {
  const fallback = inventory.instanceTypes.find((info) => info.instanceType === instanceType);
  return findInstanceLimits(instanceType, fallback);
}

/** True only when the table says the type cannot trunk (`'unknown'` is not reported). */
function cannotTrunk(instanceType: string, inventory?: Inventory): boolean {
  const limits = inventory ? limitsOf(instanceType, inventory) : findInstanceLimits(instanceType);
  return limits?.trunkingCompatible === false;
}

// ---------------------------------------------------------------------------------------------------------------
// The detector

const FAILED = { errorCode: [{ exists: true }] };
const SUCCEEDED = { errorCode: [{ exists: false }] };
/** Tag keys that make a launch a cluster node (values of the `key` field, so a prefix can match the cluster tag). */
const NODE_TAG_KEYS = [...NODE_CLUSTER_TAGS, { prefix: KUBERNETES_CLUSTER_TAG_PREFIX }];

export const trunkEniAllocation = monolithDetector({
  id: DETECTOR,
  rules: TRUNK_ENI_RULES,
  // A sweep resolves these when state no longer shows them; failed calls are seen only as events.
  scanRules: ['instance-type-not-trunk-compatible', 'trunk-missing', 'branch-capacity-low'],
  subscribes: [
    {
      source: EC2,
      eventName: 'CreateNetworkInterface',
      filters: [
        // Trunk creations, successful too: they are rare (one per node) and resolve earlier failures.
        { requestParameters: { interfaceType: ['trunk'] } },
        { requestParameters: { description: [...TRUNK_ENI_DESCRIPTIONS] } },
        // Branch creations happen once per SGP pod: only failures.
        { ...FAILED, requestParameters: { interfaceType: ['branch'] } },
        { ...FAILED, requestParameters: { description: [...BRANCH_ENI_DESCRIPTIONS] } },
      ],
    },
    {
      source: EC2,
      eventName: 'AttachNetworkInterface',
      filters: [
        // The resource controller attaches only trunks (branches are associated, not attached).
        { userIdentity: { arn: [{ suffix: `/${RESOURCE_CONTROLLER_SESSION}` }] } },
        { ...FAILED, userAgent: [{ prefix: EKS }] },
      ],
    },
    {
      source: EC2,
      eventName: 'RunInstances',
      filters: [
        { ...SUCCEEDED, requestParameters: { tagSpecificationSet: { items: { tags: { key: NODE_TAG_KEYS } } } } },
      ],
    },
    {
      source: EC2,
      eventName: 'CreateFleet',
      filters: [
        {
          ...SUCCEEDED,
          requestParameters: { CreateFleetRequest: { TagSpecification: { Tag: { Key: NODE_TAG_KEYS } } } },
        },
      ],
    },
    {
      source: EC2,
      eventName: 'CreateLaunchTemplateVersion',
      filters: [
        {
          ...SUCCEEDED,
          requestParameters: {
            CreateLaunchTemplateVersionRequest: {
              LaunchTemplateData: { InstanceType: NON_TRUNK_FAMILY_PREFIXES.map((prefix) => ({ prefix })) },
            },
          },
        },
      ],
    },
    { source: EKS, eventName: 'CreateNodegroup', filters: [SUCCEEDED] },
    {
      source: EKS,
      eventName: 'UpdateNodegroupConfig',
      filters: [
        { ...SUCCEEDED, requestParameters: { scalingConfig: { desiredSize: [{ exists: true }] } } },
        { ...SUCCEEDED, requestParameters: { scalingConfig: { minSize: [{ exists: true }] } } },
      ],
    },
    {
      source: EKS,
      eventName: 'UpdateNodegroupVersion',
      filters: [
        { ...SUCCEEDED, requestParameters: { launchTemplate: { id: [{ exists: true }] } } },
        { ...SUCCEEDED, requestParameters: { launchTemplate: { name: [{ exists: true }] } } },
      ],
    },
  ],
  reads: [
    'DescribeSubnets',
    'DescribeNetworkInterfaces',
    'DescribeInstances',
    'DescribeInstanceTypes',
    'DescribeLaunchTemplateVersions',
    'DescribeCluster',
    'DescribeNodegroup',
    'DescribeAddon',
  ],
  needsInventory(event) {
    const detail = event.detail;
    const failed = event.errorCode !== undefined;
    switch (detail.kind) {
      case 'network-interface-created':
        // A successful trunk creation only resolves: no describe.
        return failed && (isTrunkCreation(event) || isBranchCreation(detail));
      case 'network-interface-attached':
        return failed && byResourceController(event);
      case 'instances-launched':
        return !failed && detail.instanceIds.length > 0;
      case 'launch-template-version-created':
        return !failed && detail.instanceType !== undefined && cannotTrunk(detail.instanceType);
      case 'nodegroup-changed':
        if (failed) return false;
        if (detail.operation === 'create')
          return detail.launchTemplate !== undefined || requestedTypes(detail).some((type) => cannotTrunk(type));
        if (detail.operation === 'update-version') return detail.launchTemplate !== undefined;
        return detail.scaling !== undefined;
      default:
        return false;
    }
  },
  evaluateEvent(event, context) {
    const detail = event.detail;
    switch (detail.kind) {
      case 'network-interface-created':
        if (isTrunkCreation(event)) return onTrunkCreated(event, detail, context);
        if (isBranchCreation(detail) && event.errorCode !== undefined) return [branchFailed(event, detail, context)];
        return [];
      case 'network-interface-attached':
        return onAttach(event, detail, context);
      case 'instances-launched':
        return event.errorCode === undefined ? onLaunch(event, detail, context) : [];
      case 'launch-template-version-created':
        return event.errorCode === undefined ? onLaunchTemplateVersion(event, detail, context) : [];
      case 'nodegroup-changed':
        return event.errorCode === undefined ? onNodegroupChanged(event, detail, context) : [];
      default:
        return [];
    }
  },
  scan(context) {
    return scanInventory(context);
  },
});

type Detail<K extends EventDetail['kind']> = Extract<EventDetail, { kind: K }>;

function isBranchCreation(detail: Detail<'network-interface-created'>): boolean {
  return (
    detail.interfaceType === 'branch' ||
    (BRANCH_ENI_DESCRIPTIONS as readonly string[]).includes(detail.description ?? '') ||
    detail.tags[TRUNK_ENI_TAG] !== undefined
  );
}

/** The VPC resource controller: its role session name, or EKS as the caller when the session name differs. */
function byResourceController(event: CloudTrailEvent): boolean {
  return event.actor.sessionName === RESOURCE_CONTROLLER_SESSION || (event.userAgent ?? '').startsWith(EKS);
}

/** Instance types a CreateNodegroup asks for; EKS defaults to t3.medium when neither types nor a template are given. */
function requestedTypes(detail: Detail<'nodegroup-changed'>): string[] {
  if (detail.instanceTypes.length > 0) return detail.instanceTypes;
  return detail.operation === 'create' && !detail.launchTemplate ? ['t3.medium'] : [];
}

// ---------------------------------------------------------------------------------------------------------------
// Event paths

function onTrunkCreated(
  event: CloudTrailEvent,
  detail: Detail<'network-interface-created'>,
  context: DetectorContext,
): Finding[] {
  const tagged = clusterOfEniTags(detail.tags);
  // Keyed by what the event itself says, so a success judged without live state resolves the same finding.
  const subject = `${tagged ?? 'unknown'}|${detail.subnetId ?? 'unknown'}`;
  const cluster = tagged ?? clusterOfSubnet(detail.subnetId, context.inventory);
  if (event.errorCode === undefined) {
    return [
      resolvedFinding('trunk-create-failed', subject, {
        event,
        context,
        what: `a trunk ENI was created in ${detail.subnetId ?? 'the subnet'}`,
        resources: [{ type: 'subnet', id: detail.subnetId ?? 'unknown' }],
      }),
    ];
  }
  const { inventory } = context;
  const meaning = errorMeaning(event.errorCode);
  const waiting = cluster
    ? inventory
        .nodes()
        .filter(
          (node) =>
            node.cluster === cluster &&
            (detail.subnetId === undefined || node.instance.subnetId === detail.subnetId) &&
            trunkOf(node.instance.id, inventory) === undefined &&
            limitsOf(node.instance.instanceType, inventory)?.trunkingCompatible === true,
        )
    : [];
  const lost = branchCapacity(waiting, inventory);
  const subnet = detail.subnetId ? inventory.subnet(detail.subnetId) : undefined;
  const sgp = cluster ? sgpStatus(inventory, cluster, event) : undefined;
  return [
    buildFinding({
      rule: 'trunk-create-failed',
      subject,
      severity: 'high',
      title: `${TITLES['trunk-create-failed']}: ${cluster ?? 'unknown cluster'} (${event.errorCode})`,
      summary: `The VPC resource controller could not create a trunk ENI${cluster ? ` for cluster ${cluster}` : ''} in ${detail.subnetId ?? 'its subnet'}: ${event.errorCode}, ${meaning.meaning}. ${waiting.length ? `${plural(waiting.length, 'node')} there ${waiting.length === 1 ? 'has' : 'have'} no trunk ENI and cannot run pods with their own security groups (${lost} branch ENIs of capacity lost).` : 'The node that waits for it cannot run pods with their own security groups.'}${sgp ? ` ${describeSgp(sgp)}` : ''}`,
      clusters: cluster ? [cluster] : [],
      resources: [
        ...(detail.subnetId ? [{ type: 'subnet' as const, id: detail.subnetId }] : []),
        ...(cluster ? [{ type: 'cluster' as const, id: cluster }] : []),
      ],
      blastRadius: nodesBlast(waiting, inventory),
      evidence: {
        ...eventEvidence(event),
        ...(subnet
          ? { state: `${subnet.id} has ${subnet.availableIpAddressCount} free IP address(es) (DescribeSubnets)` }
          : {}),
        details: {
          errorMeaning: meaning.meaning,
          subnetId: detail.subnetId,
          securityGroups: detail.groupIds,
          branchCapacityLost: lost,
          ...(sgp ? { sgpSignals: sgp.signals } : {}),
        },
      },
      recommendation: { text: meaning.action, links: meaning.links },
      context,
      event,
    }),
  ];
}

function branchFailed(
  event: CloudTrailEvent,
  detail: Detail<'network-interface-created'>,
  context: DetectorContext,
): Finding {
  const { inventory } = context;
  const trunkId = detail.tags[TRUNK_ENI_TAG];
  const instanceId = trunkId ? inventory.networkInterface(trunkId)?.attachment?.instanceId : undefined;
  const node = instanceId ? inventory.node(instanceId) : undefined;
  const cluster = node?.cluster ?? clusterOfEniTags(detail.tags) ?? clusterOfSubnet(detail.subnetId, inventory);
  const meaning = errorMeaning(event.errorCode);
  const where = instanceId ? `node ${instanceId}` : trunkId ? `trunk ${trunkId}` : (detail.subnetId ?? 'its subnet');
  const subject = trunkId ?? `${cluster ?? 'unknown'}|${detail.subnetId ?? 'unknown'}`;
  const subnet = detail.subnetId ? inventory.subnet(detail.subnetId) : undefined;
  return buildFinding({
    rule: 'branch-create-failed',
    subject,
    severity: 'medium',
    title: `${TITLES['branch-create-failed']}: ${where} (${event.errorCode})`,
    summary: `The VPC resource controller could not create a branch ENI on ${where}${cluster ? ` in cluster ${cluster}` : ''}: ${event.errorCode}, ${meaning.meaning}. The pod that needs security groups ${detail.groupIds.join(', ') || '(none named)'} cannot start until it succeeds.`,
    clusters: cluster ? [cluster] : [],
    resources: [
      ...(trunkId ? [{ type: 'network-interface' as const, id: trunkId }] : []),
      ...(instanceId ? [{ type: 'instance' as const, id: instanceId }] : []),
      ...(detail.subnetId ? [{ type: 'subnet' as const, id: detail.subnetId }] : []),
    ],
    blastRadius: { ...nodesBlast(node ? [node] : [], inventory), sgpPods: 1 },
    evidence: {
      ...eventEvidence(event),
      ...(subnet
        ? { state: `${subnet.id} has ${subnet.availableIpAddressCount} free IP address(es) (DescribeSubnets)` }
        : {}),
      details: {
        errorMeaning: meaning.meaning,
        trunkEniId: trunkId,
        subnetId: detail.subnetId,
        podSecurityGroups: detail.groupIds,
      },
    },
    recommendation: { text: meaning.action, links: meaning.links },
    context,
    event,
  });
}

function onAttach(
  event: CloudTrailEvent,
  detail: Detail<'network-interface-attached'>,
  context: DetectorContext,
): Finding[] {
  const { inventory } = context;
  const eni = inventory.networkInterface(detail.networkInterfaceId);
  // The controller deletes a trunk it could not attach, so live state often lacks it: then the caller decides.
  const isTrunk = eni ? isTrunkEni(eni) : byResourceController(event);
  if (!isTrunk) return [];
  if (event.errorCode === undefined) {
    const base = {
      event,
      context,
      what: `trunk ENI ${detail.networkInterfaceId} was attached to ${detail.instanceId}`,
      resources: [{ type: 'instance' as const, id: detail.instanceId }],
    };
    return [
      resolvedFinding('trunk-missing', detail.instanceId, base),
      resolvedFinding('trunk-attach-failed', detail.instanceId, base),
    ];
  }
  const node = inventory.node(detail.instanceId);
  const instance = node?.instance ?? inventory.instance(detail.instanceId);
  const cluster = node?.cluster ?? (eni ? clusterOfEniTags(eni.tags) : undefined);
  const limits = instance ? limitsOf(instance.instanceType, inventory) : undefined;
  const slots = instance && limits ? eniSlots(instance.id, limits, inventory) : undefined;
  const meaning = errorMeaning(event.errorCode);
  const slotText = slots
    ? ` Its default network card holds ${slots.used} of ${slots.max} ENIs${slots.used >= slots.max ? ': the slots are full, the usual cause (the CNI took the last one for its warm ENIs)' : ''}.`
    : '';
  const lost = limits?.branchInterfaces ?? 0;
  return [
    buildFinding({
      rule: 'trunk-attach-failed',
      subject: detail.instanceId,
      severity: 'high',
      title: `${TITLES['trunk-attach-failed']}: ${detail.instanceId} (${event.errorCode})`,
      summary: `The VPC resource controller could not attach trunk ENI ${detail.networkInterfaceId} to node ${detail.instanceId}${instance ? ` (${instance.instanceType}${node?.nodeGroup ? `, node group ${node.nodeGroup}` : ''})` : ''}${cluster ? ` of cluster ${cluster}` : ''}: ${event.errorCode}, ${meaning.meaning}. The controller deletes the trunk and the node runs no pod with its own security groups (${lost} branch ENIs of capacity lost).${slotText}`,
      clusters: cluster ? [cluster] : [],
      resources: [
        { type: 'instance', id: detail.instanceId },
        { type: 'network-interface', id: detail.networkInterfaceId },
      ],
      blastRadius: nodesBlast(node ? [node] : [], inventory),
      evidence: {
        ...eventEvidence(event),
        ...(slots
          ? { state: `${slots.used} of ${slots.max} ENIs attached on the default card (DescribeNetworkInterfaces)` }
          : {}),
        details: {
          errorMeaning: meaning.meaning,
          networkInterfaceId: detail.networkInterfaceId,
          ...(detail.deviceIndex !== undefined ? { deviceIndex: detail.deviceIndex } : {}),
          trunkJudgedBy: eni ? 'live ENI' : 'caller (the VPC resource controller deletes a trunk it could not attach)',
          branchCapacityLost: lost,
          ...(slots ? { eniSlots: slots } : {}),
        },
      },
      recommendation: { text: meaning.action, links: meaning.links },
      context,
      event,
    }),
  ];
}

function onLaunch(event: CloudTrailEvent, detail: Detail<'instances-launched'>, context: DetectorContext): Finding[] {
  const { inventory } = context;
  const identity = nodeIdentityFromTags(detail.tags);
  const launchedNodes = detail.instanceIds.flatMap((id) => {
    const node = inventory.node(id);
    return node ? [node] : [];
  });
  const cluster = identity?.cluster ?? launchedNodes[0]?.cluster;
  if (!cluster) return [];
  if (identity?.nodeGroupKind === 'auto-mode') return [];
  const sgp = sgpStatus(inventory, cluster);
  if (sgp.enabled !== true) return [];
  const findings: Finding[] = [];

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
  const bad = launchedTypes.filter((type) => cannotTrunk(type, inventory));
  if (bad.length > 0) {
    const group = identity?.nodeGroup ?? launchedNodes[0]?.nodeGroup;
    findings.push(
      instanceTypeFinding({
        cluster,
        group: group ?? detail.instanceIds.join(','),
        groupKind: group ? 'node group' : 'instances',
        types: bad,
        nodes: launchedNodes.length ? launchedNodes : [],
        nodeCount: detail.instanceIds.length,
        sgp,
        target: group
          ? { type: 'nodegroup', id: `${cluster}/${group}` }
          : { type: 'instance', id: detail.instanceIds[0] ?? 'unknown' },
        context,
        event,
      }),
    );
  }
  // Each launch is a moment to look at the cluster's older nodes, whose grace period may have passed.
  const launched = new Set(detail.instanceIds);
  for (const node of inventory.nodes()) {
    if (node.cluster !== cluster || launched.has(node.instance.id)) continue;
    const finding = trunkMissing(node, sgp, context);
    if (finding) findings.push(finding);
  }
  return findings;
}

function onLaunchTemplateVersion(
  event: CloudTrailEvent,
  detail: Detail<'launch-template-version-created'>,
  context: DetectorContext,
): Finding[] {
  const type = detail.instanceType;
  if (!type || !cannotTrunk(type, context.inventory)) return [];
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

function onNodegroupChanged(
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
    const fromTemplate = launchTemplateType(inventory, template);
    if (fromTemplate) types = [fromTemplate];
  }
  if (types.length === 0 && detail.operation === 'update-config') types = live?.instanceTypes ?? [];
  const bad = types.filter((type) => cannotTrunk(type, inventory));
  if (bad.length === 0) return [];
  const sgp = sgpStatus(inventory, cluster);
  if (sgp.enabled !== true) return [];
  const nodes = inventory.nodes().filter((node) => node.cluster === cluster && node.nodeGroup === detail.nodegroupName);
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

// ---------------------------------------------------------------------------------------------------------------
// Scan

function scanInventory(context: DetectorContext): Finding[] {
  const { inventory } = context;
  const findings: Finding[] = [];
  const clusters = new Set([...inventory.clusters.map((c) => c.name), ...inventory.nodes().map((n) => n.cluster)]);
  for (const cluster of [...clusters].sort()) {
    const sgp = sgpStatus(inventory, cluster);
    if (sgp.enabled !== true) continue;
    const nodes = inventory.nodes().filter((node) => node.cluster === cluster && node.nodeGroupKind !== 'auto-mode');

    // Nodes and managed node groups whose types cannot trunk, one finding per group.
    const groups = new Map<string, { nodes: Node[]; types: Set<string>; managed: boolean }>();
    for (const node of nodes) {
      if (!cannotTrunk(node.instance.instanceType, inventory)) continue;
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
    for (const nodeGroup of inventory.nodeGroups.filter((ng) => ng.clusterName === cluster)) {
      const types = nodeGroup.instanceTypes.length
        ? nodeGroup.instanceTypes
        : [nodeGroup.launchTemplate ? launchTemplateType(inventory, nodeGroup.launchTemplate) : undefined].filter(
            (type): type is string => type !== undefined,
          );
      const bad = types.filter((type) => cannotTrunk(type, inventory));
      if (bad.length === 0) continue;
      const group = groups.get(nodeGroup.name) ?? { nodes: [], types: new Set<string>(), managed: true };
      for (const type of bad) group.types.add(type);
      group.managed = true;
      groups.set(nodeGroup.name, group);
    }
    for (const [key, group] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
      const isGroup = group.nodes[0]?.nodeGroup !== undefined || group.managed;
      findings.push(
        instanceTypeFinding({
          cluster,
          group: key,
          groupKind: isGroup ? 'node group' : 'instances',
          types: [...group.types].sort(),
          nodes: group.nodes,
          nodeCount: group.nodes.length,
          sgp,
          target: isGroup ? { type: 'nodegroup', id: `${cluster}/${key}` } : { type: 'instance', id: key },
          context,
        }),
      );
    }

    for (const node of nodes) {
      const finding = trunkMissing(node, sgp, context);
      if (finding) findings.push(finding);
    }
  }
  findings.push(...branchCapacityFindings(context));
  return findings;
}

/** `trunk-missing` for one node, or undefined when it has a trunk, cannot trunk, or is still within its grace period. */
function trunkMissing(node: Node, sgp: SgpStatus, context: DetectorContext): Finding | undefined {
  const { inventory, config, now } = context;
  const instance = node.instance;
  if (node.nodeGroupKind === 'auto-mode' || instance.state !== 'running') return undefined;
  // Without the ENIs nothing says whether a trunk is there.
  if (!inventory.knows('DescribeNetworkInterfaces')) return undefined;
  const limits = limitsOf(instance.instanceType, inventory);
  if (limits?.trunkingCompatible !== true) return undefined;
  if (!instance.launchTime) return undefined;
  const minutes = (Date.parse(now) - Date.parse(instance.launchTime)) / 60_000;
  if (!(minutes >= config.trunkGraceMinutes)) return undefined;
  if (trunkOf(instance.id, inventory) !== undefined) return undefined;
  const slots = eniSlots(instance.id, limits, inventory);
  const full = slots.used >= slots.max;
  const age = humanDuration(minutes);
  return buildFinding({
    rule: 'trunk-missing',
    subject: instance.id,
    severity: 'high',
    title: `${TITLES['trunk-missing']}: ${instance.id}`,
    summary: `Node ${instance.id} (${instance.instanceType}${node.nodeGroup ? `, node group ${node.nodeGroup}` : ''}) of cluster ${node.cluster} has had no trunk ENI for ${age} after launch: no pod with its own security groups can run on it (${limits.branchInterfaces ?? 0} branch ENIs of capacity lost). ${full ? `Its ENI slots are full (${slots.used} of ${slots.max} on the default network card): the CNI's warm ENIs took the slot the trunk needs.` : `It has a free ENI slot (${slots.used} of ${slots.max} on the default network card): look for failed trunk calls by the VPC resource controller and check that the cluster role has the AmazonEKSVPCResourceController policy.`} ${describeSgp(sgp)}`,
    clusters: [node.cluster],
    resources: [{ type: 'instance', id: instance.id }],
    blastRadius: nodesBlast([node], inventory),
    evidence: {
      state: `no trunk ENI attached to ${instance.id} (DescribeNetworkInterfaces), launched ${instance.launchTime}`,
      details: {
        launchTime: instance.launchTime,
        minutesSinceLaunch: Math.floor(minutes),
        graceMinutes: config.trunkGraceMinutes,
        eniSlots: slots,
        eniSlotsFull: full,
        branchCapacityLost: limits.branchInterfaces ?? 0,
        sgpSignals: sgp.signals,
      },
    },
    recommendation: full
      ? {
          text: "Replace the node (cordon, drain, terminate) so the controller attaches the trunk before the CNI's warm ENIs fill the slots, and keep a slot free: set WARM_IP_TARGET/MINIMUM_IP_TARGET instead of a WARM_ENI_TARGET that preallocates whole ENIs, or use prefix delegation. Until then keep SGP pods off the node (node affinity on vpc.amazonaws.com/has-trunk-attached=true).",
          links: [LOCAL_LINKS.cniWarmPool, LINKS.securityGroupsForPods],
        }
      : {
          text: 'Check CloudTrail for failed CreateNetworkInterface/AttachNetworkInterface calls by amazon-vpc-resource-controller-k8s, that the cluster IAM role has the AmazonEKSVPCResourceController policy, and that ENABLE_POD_ENI is set on the aws-node DaemonSet; then replace the node if it still gets no trunk.',
          links: [LOCAL_LINKS.resourceControllerPolicy, LINKS.securityGroupsForPods],
        },
    ...(full
      ? {
          remediation: {
            action: 'replace-node',
            target: { type: 'instance', id: instance.id },
            reason: 'its ENI slots are full, so the VPC resource controller cannot attach a trunk ENI',
          },
        }
      : {}),
    context,
  });
}

function branchCapacityFindings(context: DetectorContext): Finding[] {
  const { inventory, config } = context;
  const branchesByTrunk = new Map<string, number>();
  for (const eni of inventory.networkInterfaces) {
    const trunk = eni.tags[TRUNK_ENI_TAG];
    if (trunk && isBranchEni(eni)) branchesByTrunk.set(trunk, (branchesByTrunk.get(trunk) ?? 0) + 1);
  }
  const findings: Finding[] = [];
  for (const trunk of inventory.networkInterfaces) {
    if (!isTrunkEni(trunk) || !trunk.attachment?.instanceId) continue;
    const instanceId = trunk.attachment.instanceId;
    const instance = inventory.instance(instanceId);
    if (!instance) continue;
    const limit = limitsOf(instance.instanceType, inventory)?.branchInterfaces;
    if (!limit) continue;
    const used = branchesByTrunk.get(trunk.id) ?? 0;
    const ratio = used / limit;
    if (!(ratio > config.branchCapacityRatio)) continue;
    const node = inventory.node(instanceId);
    const cluster = node?.cluster ?? clusterOfEniTags(trunk.tags);
    const full = used >= limit;
    findings.push(
      buildFinding({
        rule: 'branch-capacity-low',
        subject: trunk.id,
        severity: full ? 'medium' : 'low',
        title: `${TITLES['branch-capacity-low']}: ${instanceId} (${used}/${limit})`,
        summary: `Trunk ENI ${trunk.id} on node ${instanceId} (${instance.instanceType}${node?.nodeGroup ? `, node group ${node.nodeGroup}` : ''})${cluster ? ` of cluster ${cluster}` : ''} holds ${used} of the ${limit} branch ENIs its type allows (${Math.round(ratio * 100)}%): ${full ? 'no further pod with its own security groups fits on this node' : `${limit - used} more pod(s) with their own security groups fit on this node`}.`,
        clusters: cluster ? [cluster] : [],
        resources: [
          { type: 'network-interface', id: trunk.id },
          { type: 'instance', id: instanceId },
        ],
        blastRadius: { ...nodesBlast(node ? [node] : [], inventory), sgpPods: used },
        evidence: {
          state: `${used} branch ENI(s) tagged ${TRUNK_ENI_TAG}=${trunk.id} (DescribeNetworkInterfaces)`,
          details: { branchEnis: used, branchLimit: limit, ratio, threshold: config.branchCapacityRatio },
        },
        recommendation: {
          text: `Spread SGP pods over more nodes (more nodes in the group, topology spread constraints), or use a larger type with more branch ENIs per trunk${nearestLarger(instance.instanceType, limit) ? ` (for example ${nearestLarger(instance.instanceType, limit)})` : ''}. Only pods that need their own security groups should match a SecurityGroupPolicy.`,
          links: [LOCAL_LINKS.sgpInstanceTypes, LINKS.securityGroupsForPods],
        },
        context,
      }),
    );
  }
  return findings;
}

/** The next larger size of the same family with more branch ENIs, for the recommendation. */
function nearestLarger(instanceType: string, limit: number): string | undefined {
  const dot = instanceType.indexOf('.');
  const family = instanceType.slice(0, dot);
  const rank = sizeRank(instanceType.slice(dot + 1));
  return Object.keys(INSTANCE_LIMITS)
    .filter((type) => type.startsWith(`${family}.`))
    .map((type) => ({
      type,
      rank: sizeRank(type.slice(dot + 1)),
      branches: findInstanceLimits(type)?.branchInterfaces ?? 0,
    }))
    .filter((entry) => entry.rank > rank && entry.branches > limit)
    .sort((a, b) => a.rank - b.rank)[0]?.type;
}

// ---------------------------------------------------------------------------------------------------------------
// Inventory helpers

/** The trunk ENI attached to an instance, if any. */
function trunkOf(instanceId: string, inventory: Inventory): NetworkInterface | undefined {
  const instance = inventory.instance(instanceId);
  const attached = inventory.networkInterfaces.filter((eni) => eni.attachment?.instanceId === instanceId);
  const listed = (instance?.networkInterfaceIds ?? []).flatMap((id) => {
    const eni = inventory.networkInterface(id);
    return eni ? [eni] : [];
  });
  return [...attached, ...listed].find(isTrunkEni);
}

/** ENIs attached on the instance type's default network card, against what the card holds. */
function eniSlots(instanceId: string, limits: InstanceLimits, inventory: Inventory): { used: number; max: number } {
  const used = inventory.networkInterfaces.filter(
    (eni) =>
      eni.attachment?.instanceId === instanceId &&
      (eni.attachment.networkCardIndex ?? 0) === limits.defaultNetworkCardIndex,
  ).length;
  return { used, max: limits.defaultCardMaxEnis };
}

function branchCapacity(nodes: Node[], inventory: Inventory): number {
  return nodes.reduce((sum, node) => sum + (limitsOf(node.instance.instanceType, inventory)?.branchInterfaces ?? 0), 0);
}

function clusterOfSubnet(subnetId: string | undefined, inventory: Inventory): string | undefined {
  if (!subnetId) return undefined;
  const owners = inventory.clusters.filter((cluster) => cluster.subnetIds.includes(subnetId));
  if (owners.length === 1) return owners[0]?.name;
  const nodeClusters = new Set(
    inventory
      .nodes()
      .filter((node) => node.instance.subnetId === subnetId)
      .map((node) => node.cluster),
  );
  return nodeClusters.size === 1 ? [...nodeClusters][0] : undefined;
}

/** The instance type a launch template version sets: the named version, `$Latest`, or the default. */
function launchTemplateType(
  inventory: Inventory,
  template: { id?: string; name?: string; version?: string },
): string | undefined {
  const versions = inventory.launchTemplateVersions.filter(
    (version) =>
      (template.id !== undefined && version.launchTemplateId === template.id) ||
      (template.name !== undefined && version.launchTemplateName === template.name),
  );
  const wanted = template.version;
  const chosen =
    wanted && /^\d+$/.test(wanted)
      ? versions.find((version) => version.versionNumber === Number(wanted))
      : wanted === '$Latest'
        ? [...versions].sort((a, b) => b.versionNumber - a.versionNumber)[0]
        : versions.find((version) => version.defaultVersion);
  return chosen?.instanceType;
}

/** Who launches nodes from a launch template: managed node groups that name it, and nodes launched from it. */
function usersOfLaunchTemplate(
  inventory: Inventory,
  id: string | undefined,
  name: string | undefined,
): { cluster: string; nodeGroup?: string; nodes: Node[] }[] {
  const templateId =
    id ?? inventory.launchTemplateVersions.find((version) => version.launchTemplateName === name)?.launchTemplateId;
  const matches = (template: { id?: string; name?: string } | undefined) =>
    template !== undefined &&
    ((templateId !== undefined && template.id === templateId) || (name !== undefined && template.name === name));
  const users = new Map<string, { cluster: string; nodeGroup?: string; nodes: Node[] }>();
  const user = (cluster: string, nodeGroup: string | undefined) => {
    const key = `${cluster}/${nodeGroup ?? ''}`;
    const existing = users.get(key) ?? { cluster, ...(nodeGroup ? { nodeGroup } : {}), nodes: [] };
    users.set(key, existing);
    return existing;
  };
  for (const nodeGroup of inventory.nodeGroups)
    if (matches(nodeGroup.launchTemplate)) user(nodeGroup.clusterName, nodeGroup.name);
  for (const node of inventory.nodes()) {
    if (matches(node.instance.launchTemplate)) user(node.cluster, node.nodeGroup).nodes.push(node);
  }
  return [...users.values()];
}

function describeSgp(sgp: SgpStatus): string {
  return sgp.signals.length ? `SGP is on (seen: ${sgp.signals.join('; ')}).` : '';
}

// ---------------------------------------------------------------------------------------------------------------
// Finding assembly

function instanceTypeFinding(input: {
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
}): Finding {
  const suggestions = Object.fromEntries(input.types.map((type) => [type, nearestTrunkCapableType(type)]));
  const suggestionText = input.types
    .map((type) => (suggestions[type] ? `${type} → ${suggestions[type]}` : `${type} → (no trunk-capable type found)`))
    .join(', ');
  const label = input.groupKind === 'instances' ? `instances ${input.group}` : `${input.groupKind} ${input.group}`;
  const replacement = input.types.map((type) => suggestions[type]).filter((type): type is string => Boolean(type));
  const remediationTarget = instanceTypesTarget(input.target, input.context.inventory);
  return buildFinding({
    rule: 'instance-type-not-trunk-compatible',
    subject: `${input.cluster}/${input.group}`,
    severity: 'medium',
    title: `${TITLES['instance-type-not-trunk-compatible']}: ${input.cluster}/${input.group} (${input.types.join(', ')})`,
    summary: `Cluster ${input.cluster} runs security groups for pods, but ${label} uses ${input.types.join(', ')}, which cannot hold a trunk ENI: no pod with its own security groups can run on ${input.nodeCount ? `its ${plural(input.nodeCount, 'node')}` : 'its nodes'}, and such pods scheduled there stay pending.${input.note ? ` ${input.note}` : ''} Nearest trunk-capable type: ${suggestionText}. ${describeSgp(input.sgp)}`,
    clusters: [input.cluster],
    resources: [
      input.target,
      ...input.types.map((type) => ({ type: 'instance-type' as const, id: type })),
      ...input.nodes.slice(0, 20).map((node) => ({ type: 'instance' as const, id: node.instance.id })),
    ],
    blastRadius: {
      ...nodesBlast(input.nodes, input.context.inventory),
      nodes: Math.max(input.nodeCount, input.nodes.length),
    },
    evidence: {
      ...(input.event
        ? eventEvidence(input.event)
        : { state: `instance types of ${label} (DescribeInstances, DescribeNodegroup)` }),
      details: { instanceTypes: input.types, suggestions, sgpSignals: input.sgp.signals },
    },
    recommendation: {
      text: `Use a trunk-capable instance type (${suggestionText}). If these nodes must stay, keep pods with a SecurityGroupPolicy off them (node affinity on vpc.amazonaws.com/has-trunk-attached=true) or move those pods to a dedicated trunk-capable node group.`,
      links: [LOCAL_LINKS.sgpInstanceTypes, LINKS.securityGroupsForPods, LINKS.dedicatedNodeGroups],
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

function nodesBlast(nodes: Node[], inventory: Inventory): BlastRadius {
  const unknown = (['DescribeNetworkInterfaces', 'DescribeInstances'] as const).filter((key) => !inventory.knows(key));
  return {
    nodes: nodes.length,
    // Trunk trouble keeps pods with their own security groups from starting; other pods keep their IPs.
    podIps: 0,
    podIpsIsUpperBound: true,
    nodeGroups: [...new Set(nodes.flatMap((node) => (node.nodeGroup ? [node.nodeGroup] : [])))].sort(),
    sgpPods: 0,
    nodeIds: nodes.slice(0, 20).map((node) => node.instance.id),
    ...(unknown.length ? { unknown } : {}),
  };
}

function buildFinding(draft: FindingDraft<TrunkEniRuleId>): Finding {
  return buildSharedFinding(DETECTOR, draft);
}

function resolvedFinding(
  rule: TrunkEniRuleId,
  subject: string,
  base: { event: CloudTrailEvent; context: DetectorContext; what: string; resources: ResourceRef[] },
): Finding {
  return buildResolvedFinding(DETECTOR, {
    rule,
    subject,
    title: `Resolved: ${TITLES[rule]}: ${subject}`,
    summary: `${base.event.eventName} succeeded: ${base.what}.`,
    resources: base.resources,
    event: base.event,
    context: base.context,
  });
}
