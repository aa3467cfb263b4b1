/**
 * The domain shape of a parsed CloudTrail event: what the detectors read. Parsers in `cloudtrail/events/` turn each
 * record's `requestParameters`/`responseElements` (with their `items` wrappers, PascalCase and legacy flat forms)
 * into these values, so no detector ever sees a raw record.
 */

export type TrafficDirection = 'ingress' | 'egress';

/** Where a security group rule lets traffic come from (ingress) or go to (egress). */
export type RulePeer =
  | { kind: 'ipv4'; cidr: string }
  | { kind: 'ipv6'; cidr: string }
  | { kind: 'prefix-list'; prefixListId: string }
  | { kind: 'security-group'; groupId?: string; groupName?: string; userId?: string };

/**
 * One security group rule: one protocol/port range and exactly one peer, as `DescribeSecurityGroupRules` shows it.
 * An `IpPermission` with several ranges becomes several rules.
 */
export interface SgRule {
  /** `-1` (all), `tcp`, `udp`, `icmp`, `icmpv6` or a protocol number as a string; lower-cased. */
  protocol: string;
  /** Absent for all-traffic rules; -1 for "all ICMP types". */
  fromPort?: number;
  toPort?: number;
  peer: RulePeer;
  description?: string;
  /** `sgr-…` when the record (or live state) names it. */
  ruleId?: string;
}

/** Who made the call, from `userIdentity`. */
export interface Actor {
  /** `userIdentity.type`: IAMUser, AssumedRole, AWSService, Root, … */
  type: string;
  /** The ARN of the principal; for assumed roles the session ARN. */
  arn?: string;
  /** The role or user ARN behind an assumed-role session. */
  issuerArn?: string;
  principalId?: string;
  /** Role session name (e.g. `amazon-vpc-resource-controller-k8s`, `i-0abc…` for the CNI on a node). */
  sessionName?: string;
  accountId?: string;
  /** `userIdentity.invokedBy` (e.g. `eks.amazonaws.com`, `AWS Internal`). */
  invokedBy?: string;
}

interface DetailBase {
  /** The EC2 error code without its `Client.`/`Server.` prefix, when the call failed. */
  errorCode?: string;
}

export type EventDetail =
  | {
      kind: 'sg-rules-authorized';
      direction: TrafficDirection;
      groupId?: string;
      groupName?: string;
      rules: SgRule[];
    }
  | {
      kind: 'sg-rules-revoked';
      direction: TrafficDirection;
      groupId?: string;
      groupName?: string;
      /** Rules revoked by shape (ipPermissions or the legacy flat form). */
      rules: SgRule[];
      /** Rules revoked by id (`securityGroupRuleIds`). */
      ruleIds: string[];
      /** Permissions the call named that matched no rule (`unknownIpPermissionSet`): they revoked nothing. */
      unmatched: SgRule[];
    }
  | {
      kind: 'sg-rules-modified';
      groupId: string;
      /** Each rule id with the complete new value; ModifySecurityGroupRules does not say the direction. */
      changes: { ruleId: string; rule: Omit<SgRule, 'ruleId'> }[];
    }
  | { kind: 'sg-deleted'; groupId?: string; groupName?: string }
  | { kind: 'eni-groups-changed'; networkInterfaceId: string; groupIds: string[] }
  | { kind: 'instance-groups-changed'; instanceId: string; groupIds: string[] }
  | {
      kind: 'nodegroup-changed';
      /** CreateNodegroup, UpdateNodegroupConfig or UpdateNodegroupVersion. */
      operation: 'create' | 'update-config' | 'update-version';
      clusterName: string;
      nodegroupName: string;
      instanceTypes: string[];
      remoteAccess?: { ec2SshKey?: string; sourceSecurityGroups: string[] };
      launchTemplate?: { id?: string; name?: string; version?: string };
      subnets: string[];
      scaling?: { minSize?: number; maxSize?: number; desiredSize?: number };
      amiType?: string;
    }
  | {
      kind: 'network-interface-created';
      subnetId?: string;
      /** `trunk`, `branch`, `efa`, `interface` (default) … */
      interfaceType?: string;
      description?: string;
      groupIds: string[];
      tags: Record<string, string>;
      networkInterfaceId?: string;
      privateIpCount?: number;
      prefixCount?: number;
    }
  | {
      kind: 'network-interface-attached';
      networkInterfaceId: string;
      instanceId: string;
      deviceIndex?: number;
      networkCardIndex?: number;
    }
  | {
      kind: 'private-ips-assigned';
      networkInterfaceId: string;
      count?: number;
      prefixCount?: number;
      addresses: string[];
    }
  | {
      kind: 'instances-launched';
      /** RunInstances or CreateFleet. */
      operation: 'run-instances' | 'create-fleet';
      instanceTypes: string[];
      subnetIds: string[];
      instanceIds: string[];
      launchTemplate?: { id?: string; name?: string; version?: string };
      tags: Record<string, string>;
      /** CreateFleet reports per-override errors in its response rather than as an event error. */
      fleetErrors: { errorCode: string; errorMessage?: string; instanceType?: string; subnetId?: string }[];
    }
  | {
      kind: 'launch-template-version-created';
      launchTemplateId?: string;
      launchTemplateName?: string;
      versionNumber?: number;
      instanceType?: string;
      /** Base64 user data is not logged by CloudTrail (it is `<sensitiveDataRemoved>`), so only the fact it changed. */
      userDataChanged: boolean;
      groupIds: string[];
    };

export type EventKind = EventDetail['kind'];

/** A parsed, validated CloudTrail management event. */
export interface CloudTrailEvent extends DetailBase {
  eventId: string;
  eventName: string;
  /** e.g. `ec2.amazonaws.com`, `eks.amazonaws.com`. */
  eventSource: string;
  eventTime: string;
  region: string;
  /** `recipientAccountId`, falling back to the EventBridge envelope's account. */
  account: string;
  actor: Actor;
  /** Raw `sourceIPAddress`: an address, or a service name such as `eks.amazonaws.com` or `AWS Internal`. */
  sourceIp: string;
  /** True when `sourceIPAddress` is an AWS service name rather than an IP address. */
  sourceIsService: boolean;
  userAgent?: string;
  /** Error code without `Client.`/`Server.` prefix; undefined on success. */
  errorCode?: string;
  /** The code as CloudTrail wrote it (with its prefix). */
  rawErrorCode?: string;
  errorMessage?: string;
  /** Security group rule ids the call created (`responseElements.securityGroupRuleSet`), in request order. */
  createdRuleIds?: string[];
  /** Rules of the call that cannot be judged (a CIDR that is none, port 70000, protocol `bogus`), with the reason. */
  notJudged?: string[];
  detail: EventDetail;
}
