/**
 * What the trunk and branch calls say about themselves: who made them (the VPC resource controller or someone else),
 * whether a CreateNetworkInterface makes a branch ENI, and the EventBridge filter pieces the rules share. The CNI and
 * Karpenter call these APIs all day, so each rule subscribes with the narrowest filter that still catches its case
 * (failures, trunk calls, calls by the resource controller), and a routine success costs no describe call.
 */
import { NON_TRUNK_FAMILY_PREFIXES } from '../../capacity/trunk.ts';
import type { CloudTrailEvent, EventDetail, EventKind } from '../../cloudtrail/types.ts';
import {
  isTrunkEni,
  KUBERNETES_CLUSTER_TAG_PREFIX,
  NODE_CLUSTER_TAGS,
  TRUNK_ENI_TAG,
} from '../../inventory/classify.ts';
import { BRANCH_ENI_DESCRIPTIONS } from '../../inventory/sgp.ts';
import type { Inventory } from '../../types/inventory.ts';
import type { EventOfKind } from '../define.ts';

export const DETECTOR = 'trunk-eni-allocation' as const;
export const EC2 = 'ec2.amazonaws.com' as const;
export const EKS = 'eks.amazonaws.com' as const;

/** Role session name of the VPC resource controller (it runs in the EKS control plane under the cluster role). */
export const RESOURCE_CONTROLLER_SESSION = 'amazon-vpc-resource-controller-k8s';

/** EventBridge `detail` filter pieces: the call failed, or it succeeded. */
export const FAILED = { errorCode: [{ exists: true }] };
export const SUCCEEDED = { errorCode: [{ exists: false }] };

/** Tag keys that make a launch a cluster node (values of the `key` field, so a prefix can match the cluster tag). */
export const NODE_TAG_KEYS = [...NODE_CLUSTER_TAGS, { prefix: KUBERNETES_CLUSTER_TAG_PREFIX }];

/** Launch template versions that set a type of a family with sizes that cannot trunk (a trunk-capable one never invokes us). */
export const NON_TRUNK_TYPE_FILTER = NON_TRUNK_FAMILY_PREFIXES.map((prefix) => ({ prefix }));

/** Only the resource controller attaches trunks (branches are associated, not attached): its calls, and EKS's failures. */
export const TRUNK_ATTACH_BY_CONTROLLER = { userIdentity: { arn: [{ suffix: `/${RESOURCE_CONTROLLER_SESSION}` }] } };

export type Detail<K extends EventDetail['kind']> = Extract<EventDetail, { kind: K }>;

/** Narrows an event by its parsed kind (a family's `evaluate` receives several kinds). */
export function isKind<K extends EventKind>(event: CloudTrailEvent, kind: K): event is EventOfKind<K> {
  return event.detail.kind === kind;
}

/** True when a CreateNetworkInterface makes a branch ENI (its type, its description, or the trunk it hangs off). */
export function isBranchCreation(detail: Detail<'network-interface-created'>): boolean {
  return (
    detail.interfaceType === 'branch' ||
    (BRANCH_ENI_DESCRIPTIONS as readonly string[]).includes(detail.description ?? '') ||
    detail.tags[TRUNK_ENI_TAG] !== undefined
  );
}

/** The VPC resource controller: its role session name, or EKS as the caller when the session name differs. */
export function byResourceController(event: CloudTrailEvent): boolean {
  return event.actor.sessionName === RESOURCE_CONTROLLER_SESSION || (event.userAgent ?? '').startsWith(EKS);
}

/**
 * True when an AttachNetworkInterface attaches a trunk. The controller deletes a trunk it could not attach, so live
 * state often lacks it: then the caller decides.
 */
export function attachesTrunk(event: EventOfKind<'network-interface-attached'>, inventory: Inventory): boolean {
  const eni = inventory.networkInterface(event.detail.networkInterfaceId);
  return eni ? isTrunkEni(eni) : byResourceController(event);
}
