/**
 * The CloudTrail calls `ip-pool-exhaustion` judges and how it tells them apart, decided from the event alone so a
 * routine call costs no describe call: the EventBridge filters each rule declares, the EC2 error codes that mean "no
 * room in the subnet" or "no room on the node", and the class of a routed event.
 */
import type { CloudTrailEvent } from '../../cloudtrail/types.ts';
import type { DetailFilter, Subscription } from '../define.ts';

const EC2 = 'ec2.amazonaws.com' as const;
const EKS = 'eks.amazonaws.com' as const;

/** EC2 error codes that mean "no room in the subnet". */
export const SUBNET_EXHAUSTED_CODES = ['InsufficientFreeAddressesInSubnet', 'InsufficientCidrBlocks'] as const;
/** EC2 error codes that mean "no room on the node". */
export const NODE_LIMIT_CODES = ['PrivateIpAddressLimitExceeded', 'AttachmentLimitExceeded'] as const;
/** `InvalidParameterValue` carries this text when prefixes or addresses run out (prefix delegation). */
const NO_FREE_IPV4_MESSAGE = /sufficient free ipv4 addresses/i;
const NO_FREE_IPV4_WILDCARD = "*aren't sufficient free Ipv4 addresses*";

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

/**
 * The failed CNI calls both failure rules route on: `subnet-exhausted` and `node-ip-limit` declare the same filters
 * for these two calls, so they merge into one EventBridge pattern as before the rules were split.
 */
const IP_REQUEST_FAILED: DetailFilter[] = [
  errorCodeFilter([...SUBNET_EXHAUSTED_CODES, 'PrivateIpAddressLimitExceeded']),
  NO_FREE_IPV4_FILTER,
];

/** CreateNetworkInterface and AssignPrivateIpAddresses that failed for want of addresses or slots. */
export const ON_IP_REQUEST_FAILED: readonly Subscription[] = [
  { source: EC2, eventName: 'CreateNetworkInterface', filters: IP_REQUEST_FAILED },
  { source: EC2, eventName: 'AssignPrivateIpAddresses', filters: IP_REQUEST_FAILED },
];

/** AttachNetworkInterface that failed because the instance has no ENI slot left. */
export const ON_ATTACH_LIMIT: readonly Subscription[] = [
  { source: EC2, eventName: 'AttachNetworkInterface', filters: [errorCodeFilter(['AttachmentLimitExceeded'])] },
];

/** Instance launches that failed (or, for an instant fleet, reported failed overrides) for want of addresses. */
export const ON_LAUNCH_NO_ADDRESSES: readonly Subscription[] = [
  { source: EC2, eventName: 'RunInstances', filters: [errorCodeFilter(SUBNET_EXHAUSTED_CODES), NO_FREE_IPV4_FILTER] },
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
];

/** Node groups created, given a new maximum size, or moved to another launch template version. */
export const ON_NODEGROUP_CHANGED: readonly Subscription[] = [
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
];

/** New launch template versions that set user data (where maxPods lives) or an instance type. */
export const ON_TEMPLATE_VERSION: readonly Subscription[] = [
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
];

/** What a routed event is about: a full subnet, a full node, a changed node group or a new template version. */
export type EventClass = 'subnet' | 'node' | 'nodegroup' | 'launch-template';

function codeIs(code: string | undefined, codes: readonly string[]): boolean {
  return code !== undefined && codes.some((wanted) => code === wanted || code.endsWith(`.${wanted}`));
}

/** True for an error that says the subnet has no room (by code, or `InvalidParameterValue` with the message). */
export function isSubnetExhaustionError(code: string | undefined, message: string | undefined): boolean {
  if (codeIs(code, SUBNET_EXHAUSTED_CODES)) return true;
  return codeIs(code, ['InvalidParameterValue']) && NO_FREE_IPV4_MESSAGE.test(message ?? '');
}

/** The failed overrides of an instant fleet that say the subnet has no room. */
export function fleetSubnetErrors(event: CloudTrailEvent) {
  return event.detail.kind === 'instances-launched'
    ? event.detail.fleetErrors.filter((error) => isSubnetExhaustionError(error.errorCode, error.errorMessage))
    : [];
}

function classifyFailure(event: CloudTrailEvent): EventClass | undefined {
  const kind = event.detail.kind;
  if (isSubnetExhaustionError(event.errorCode, event.errorMessage)) {
    return ['network-interface-created', 'private-ips-assigned', 'instances-launched'].includes(kind)
      ? 'subnet'
      : undefined;
  }
  if (codeIs(event.errorCode, ['PrivateIpAddressLimitExceeded'])) {
    return kind === 'network-interface-created' || kind === 'private-ips-assigned' ? 'node' : undefined;
  }
  if (codeIs(event.errorCode, ['AttachmentLimitExceeded'])) {
    return kind === 'network-interface-attached' ? 'node' : undefined;
  }
  return undefined;
}

/** The class of an event, or undefined for one no rule acts on (a routine call, another error). */
export function classifyEvent(event: CloudTrailEvent): EventClass | undefined {
  const detail = event.detail;
  if (event.errorCode !== undefined) return classifyFailure(event);
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

/** An error code without CloudTrail's `Client.`/`Server.` prefix. */
export function stripPrefix(code: string): string {
  return code.replace(/^(Client|Server)\./, '');
}

/** Who made the call, as a finding names them. */
export function actorLabel(event: CloudTrailEvent): string {
  return event.actor.sessionName ?? event.actor.invokedBy ?? event.actor.arn ?? event.actor.type;
}
