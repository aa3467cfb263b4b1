/** Finding contract (docs/architecture.md, "Contracts"): JSON that users, SNS subscribers and the API rely on. */

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Larger is worse; used for `--fail-on` and for "worsened" transitions. */
export const SEVERITY_RANK: Record<Severity, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };

export const DETECTOR_IDS = ['node-sg-widening', 'trunk-eni-allocation', 'ip-pool-exhaustion'] as const;
export type DetectorId = (typeof DETECTOR_IDS)[number];

export type FindingStatus = 'open' | 'resolved' | 'suppressed';

/** Where a person suppressed a finding from: a Slack button, the API, or the CLI (which calls the API). */
export const SUPPRESSION_VIAS = ['slack', 'api', 'cli'] as const;
export type SuppressionVia = (typeof SUPPRESSION_VIAS)[number];

/**
 * A person's decision to mute a finding until `until` (worsening still notifies), as the store keeps it and the API
 * and the findings bus show it as `suppression`; apart from the allow-list's `suppressedBy[]`.
 */
export interface FindingSuppression {
  reason: string;
  /** ISO time the suppression ends. */
  until: string;
  /** Who: an IAM principal ARN (API, CLI), `slack:<team id>/<user id>` (Slack), or `local` (`npm start`). */
  by: string;
  /** Where it was made; absent only on suppressions stored before it was recorded. */
  via?: SuppressionVia;
  /** ISO time it was made; absent only on suppressions stored before it was recorded. */
  at?: string;
}

export type ResourceType =
  | 'security-group'
  | 'security-group-rule'
  | 'network-interface'
  | 'instance'
  | 'subnet'
  | 'cluster'
  | 'nodegroup'
  | 'launch-template'
  | 'auto-scaling-group'
  | 'instance-type';

export interface ResourceRef {
  type: ResourceType;
  id: string;
}

/** What a finding exposes or affects: nodes and pod IPs behind it. */
export interface BlastRadius {
  nodes: number;
  /** Upper bound: the CNI keeps a warm pool of IPs that hold no pod yet. */
  podIps: number;
  /** `podIps` is an upper bound, never an exact count of running pods. */
  podIpsIsUpperBound: true;
  nodeGroups: string[];
  /** Pods with their own branch ENI (security groups for pods), counted apart from `podIps`. */
  sgpPods: number;
  /** Node instance ids, cut to a readable number; `nodes` is the full count. */
  nodeIds?: string[];
  /** What the exposed target protects, for reverse grants (e.g. "RDS", "ElastiCache"). */
  targetServices?: string[];
  /** Facts the inventory lacked when this was computed (snapshot keys not known). */
  unknown?: string[];
}

export interface Evidence {
  /** CloudTrail event fields, for event findings. */
  eventId?: string;
  eventName?: string;
  actor?: string;
  sourceIp?: string;
  time?: string;
  errorCode?: string;
  errorMessage?: string;
  /** For scan findings, and extra context on event findings: what state showed it. */
  state?: string;
  /** Rule ids, CIDRs, ports: the exact things that tripped the rule. */
  details?: Record<string, unknown>;
}

export interface Link {
  title: string;
  url: string;
}

export interface Recommendation {
  text: string;
  links: Link[];
}

/**
 * The closed list of remediation actions. All but `replace-node` are code edits `podnet-guard remediate` can make
 * in the files that own the resource; `replace-node` is for a person (or a later automation), never a code edit.
 */
export const REMEDIATION_ACTIONS = [
  'set-max-pods',
  'set-instance-types',
  'restrict-remote-access',
  'revoke-rules',
  'enable-prefix-delegation',
  'replace-node',
] as const;
export type RemediationAction = (typeof REMEDIATION_ACTIONS)[number];

/**
 * The resource to change, with every name a repository may use for it: locating the owning block in code needs them
 * (an SG is found by its group name or `Name` tag as often as by its id).
 */
export interface RemediationTarget extends ResourceRef {
  cluster?: string;
  /** Managed or eksctl node group, or Karpenter NodePool name. */
  nodeGroup?: string;
  launchTemplate?: { id?: string; name?: string; version?: string };
  securityGroup?: { id: string; name?: string; nameTag?: string };
  /** EKS add-on name (`vpc-cni`). */
  addon?: string;
  /** From the resource's `aws:cloudformation:stack-name` / `aws:cloudformation:logical-id` tags. */
  cloudFormation?: { stackName?: string; logicalId: string };
}

/** Machine-readable change that fixes the finding; `podnet-guard remediate` turns it into an edit of the owning code. */
export interface Remediation {
  action: RemediationAction;
  target: RemediationTarget;
  /**
   * The attributes to change and their safe values: `maxPods` (set-max-pods), `instanceTypes` (set-instance-types),
   * `sourceSecurityGroups` or `remoteAccess: "none"` (restrict-remote-access), the vpc-cni settings and per node
   * group `maxPods` (enable-prefix-delegation). Never a placeholder: what is not known is not set.
   */
  set?: Record<string, unknown>;
  /** Rules to revoke (revoke-rules): `direction`, `ruleId`, `protocol`, ports, `peer`, `peerKey`, `description`. */
  revoke?: Record<string, unknown>[];
  reason: string;
  /** The fix pull request the deployed `remediate` function keeps for this finding (set by the store, not detectors). */
  pullRequest?: RemediationPullRequest;
}

/** A finding's fix pull request as last seen: `headSha` is the commit podnet-guard pushed (foreign commits differ). */
export interface RemediationPullRequest {
  url: string;
  number: number;
  state: 'open' | 'closed' | 'merged';
  headSha: string;
  repository: string;
}

export interface Finding {
  id: string;
  detector: DetectorId;
  rule: string;
  severity: Severity;
  status: FindingStatus;
  title: string;
  summary: string;
  account: string;
  region: string;
  clusters: string[];
  resources: ResourceRef[];
  blastRadius?: BlastRadius;
  evidence: Evidence;
  recommendation: Recommendation;
  remediation?: Remediation;
  /** Why a finding is reported at `info` rather than as an alarm (e.g. a Kubernetes LoadBalancer rule). */
  expectedBecause?: string;
  /** Allow-list entries that matched; a suppressed finding is still counted in the output. */
  suppressedBy?: string[];
  firstSeen: string;
  lastSeen: string;
}
