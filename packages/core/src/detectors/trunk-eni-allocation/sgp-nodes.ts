/**
 * The nodes of an SGP cluster, judged together by two rules: a node whose type cannot hold a trunk ENI is
 * `instance-type-not-trunk-compatible`, a trunk-capable node still without its trunk is `trunk-missing`. One pass over
 * a cluster's nodes (its SGP status computed once) decides which rule a node falls under, on a scan and on every node
 * launch; launch templates and node group changes only concern the first rule, a trunk attach only the second.
 */
import { cannotTrunk } from '../../capacity/trunk.ts';
import type { CloudTrailEvent } from '../../cloudtrail/types.ts';
import { nodeIdentityFromTags } from '../../inventory/classify.ts';
import { nodesOf } from '../../inventory/node-queries.ts';
import { sgpStatus } from '../../inventory/sgp.ts';
import type { Finding } from '../../types/finding.ts';
import { type DetectorContext, defineRuleFamily, type EventOfKind } from '../define.ts';
import {
  type Detail,
  EC2,
  EKS,
  isKind,
  NODE_TAG_KEYS,
  NON_TRUNK_TYPE_FILTER,
  SUCCEEDED,
  TRUNK_ATTACH_BY_CONTROLLER,
} from './calls.ts';
import {
  INSTANCE_TYPE_NOT_TRUNK_COMPATIBLE,
  judgeLaunchedTypes,
  judgeLaunchTemplateVersion,
  judgeNodegroupChange,
  nodegroupChangeNeedsInventory,
  scanInstanceTypes,
} from './instance-type-not-trunk-compatible.ts';
import { judgeTrunkAttached, judgeTrunkMissing, TRUNK_MISSING } from './trunk-missing.ts';

type Judged =
  | 'network-interface-attached'
  | 'instances-launched'
  | 'launch-template-version-created'
  | 'nodegroup-changed';

export const sgpNodes = defineRuleFamily({
  rules: [INSTANCE_TYPE_NOT_TRUNK_COMPATIBLE, TRUNK_MISSING],
  reads: [
    'DescribeAddon',
    'DescribeCluster',
    'DescribeInstanceTypes',
    'DescribeInstances',
    'DescribeLaunchTemplateVersions',
    'DescribeNetworkInterfaces',
    'DescribeNodegroup',
  ],
  events: {
    on: [
      // A trunk attached by the resource controller resolves the node's trunk-missing.
      { source: EC2, eventName: 'AttachNetworkInterface', filters: [TRUNK_ATTACH_BY_CONTROLLER] },
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
              CreateLaunchTemplateVersionRequest: { LaunchTemplateData: { InstanceType: NON_TRUNK_TYPE_FILTER } },
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
    kinds: ['network-interface-attached', 'instances-launched', 'launch-template-version-created', 'nodegroup-changed'],
    needsInventory: (event: EventOfKind<Judged>) => needsInventory(event),
    evaluate: (event: EventOfKind<Judged>, context: DetectorContext) => evaluate(event, context),
  },
  scan: (context) => scanSgpNodes(context),
});

/** Decided from the event alone, so a routine successful call costs no describe call. */
function needsInventory(event: CloudTrailEvent): boolean {
  // A successful trunk attach only resolves; a failed call launched nothing.
  if (event.errorCode !== undefined || isKind(event, 'network-interface-attached')) return false;
  const detail = event.detail;
  switch (detail.kind) {
    case 'instances-launched':
      return detail.instanceIds.length > 0;
    case 'launch-template-version-created':
      return detail.instanceType !== undefined && cannotTrunk(detail.instanceType);
    case 'nodegroup-changed':
      return nodegroupChangeNeedsInventory(detail);
    default:
      return false;
  }
}

function evaluate(event: CloudTrailEvent, context: DetectorContext): Finding[] {
  if (isKind(event, 'network-interface-attached')) return judgeTrunkAttached(event, context);
  // A failed call launched and changed nothing.
  if (event.errorCode !== undefined) return [];
  const detail = event.detail;
  switch (detail.kind) {
    case 'instances-launched':
      return judgeLaunch(event, detail, context);
    case 'launch-template-version-created':
      return judgeLaunchTemplateVersion(event, detail, context);
    case 'nodegroup-changed':
      return judgeNodegroupChange(event, detail, context);
    default:
      return [];
  }
}

/** Nodes launched in an SGP cluster: their types, and the cluster's older nodes whose grace period may have passed. */
function judgeLaunch(
  event: CloudTrailEvent,
  detail: Detail<'instances-launched'>,
  context: DetectorContext,
): Finding[] {
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
  const types = judgeLaunchedTypes(event, detail, { cluster, identity, launchedNodes, sgp }, context);
  const launched = new Set(detail.instanceIds);
  const missing = nodesOf(inventory, { cluster })
    .filter((node) => !launched.has(node.instance.id))
    .flatMap((node) => judgeTrunkMissing(node, sgp, context) ?? []);
  return [...(types ? [types] : []), ...missing];
}

/** Every SGP cluster's nodes (Auto Mode manages its own): types that cannot trunk, then nodes missing their trunk. */
function scanSgpNodes(context: DetectorContext): Finding[] {
  const { inventory } = context;
  const findings: Finding[] = [];
  const clusters = new Set([...inventory.clusters.map((c) => c.name), ...inventory.nodes().map((n) => n.cluster)]);
  for (const cluster of [...clusters].sort()) {
    const sgp = sgpStatus(inventory, cluster);
    if (sgp.enabled !== true) continue;
    const nodes = nodesOf(inventory, { cluster }).filter((node) => node.nodeGroupKind !== 'auto-mode');
    findings.push(...scanInstanceTypes(context, cluster, sgp, nodes));
    findings.push(...nodes.flatMap((node) => judgeTrunkMissing(node, sgp, context) ?? []));
  }
  return findings;
}
