/**
 * Plans a code change from a finding's `remediation` field, independently of the file format that will carry it:
 * "node group prod/ng-api: maxPods 20". Pure: the locators in packages/remediate find the owning block and edit it.
 * Input is untrusted JSON (a findings file), so the remediation is validated here; anything outside the closed
 * action list, a placeholder or a missing value makes the finding `unsupported` with the reason.
 */
import * as z from 'zod/mini';
import { safeParseSchema } from '../safe-parse.ts';
import { REMEDIATION_ACTIONS, type RemediationAction } from '../types/finding.ts';

/** The names by which the owning code may refer to a node group (managed, eksctl, or a Karpenter NodePool). */
export interface NodeGroupOwner {
  cluster?: string;
  name: string;
  launchTemplate?: { id?: string; name?: string; version?: string };
  cloudFormationLogicalId?: string;
}

/** The names by which the owning code may refer to a security group. */
export interface SecurityGroupOwner {
  id: string;
  name?: string;
  nameTag?: string;
  cloudFormationLogicalId?: string;
}

/** A rule to remove, by what a template can show: protocol, ports, one peer, description. */
export interface RulePlan {
  direction: 'ingress' | 'egress';
  ruleId?: string;
  /** Lower-case protocol name: `-1` (all), `tcp`, `udp`, `icmp`, `icmpv6`, or a number. */
  protocol: string;
  fromPort?: number;
  toPort?: number;
  peer:
    | { kind: 'cidr'; cidr: string }
    | { kind: 'security-group'; groupId: string }
    | { kind: 'prefix-list'; id: string };
  description?: string;
}

export type ChangePlan =
  | { action: 'set-max-pods'; findingId: string; nodeGroup: NodeGroupOwner; maxPods: number; summary: string }
  | {
      action: 'set-instance-types';
      findingId: string;
      nodeGroup?: NodeGroupOwner;
      launchTemplate?: { id?: string; name?: string; cloudFormationLogicalId?: string };
      instanceTypes: string[];
      summary: string;
    }
  | {
      action: 'restrict-remote-access';
      findingId: string;
      nodeGroup: NodeGroupOwner;
      /** Empty: no source SG is known, so remote access is removed. */
      sourceSecurityGroups: string[];
      summary: string;
    }
  | { action: 'revoke-rules'; findingId: string; securityGroup: SecurityGroupOwner; rules: RulePlan[]; summary: string }
  | {
      action: 'enable-prefix-delegation';
      findingId: string;
      cluster: string;
      warmPrefixTarget: number;
      /** maxPods per node group under prefix delegation, set in the same change. */
      maxPods: { nodeGroup: NodeGroupOwner; maxPods: number }[];
      summary: string;
    };

export type PlanResult =
  | { kind: 'plan'; plan: ChangePlan }
  | { kind: 'unsupported'; findingId: string; reason: string };

const name = z.string().check(z.minLength(1), z.maxLength(255));
// What an AWS name, id or instance type can hold: no spaces, brackets or quotes (so no `<bastion-sg-id>`).
const token = z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._:/@+=-]{0,254}$/, 'not an AWS name or id'));
const launchTemplate = z.optional(
  z.object({ id: z.optional(token), name: z.optional(name), version: z.optional(z.string()) }),
);
const TargetSchema = z.object({
  type: z.string(),
  id: z.string(),
  cluster: z.optional(name),
  nodeGroup: z.optional(name),
  launchTemplate,
  securityGroup: z.optional(z.object({ id: token, name: z.optional(name), nameTag: z.optional(name) })),
  addon: z.optional(name),
  cloudFormation: z.optional(z.object({ stackName: z.optional(name), logicalId: token })),
});
const RemediationSchema = z.object({
  action: z.string(),
  target: TargetSchema,
  set: z.optional(z.record(z.string(), z.unknown())),
  revoke: z.optional(z.array(z.record(z.string(), z.unknown()))),
  reason: z.optional(z.string()),
});
const FindingSchema = z.object({
  id: name,
  status: z.optional(z.string()),
  expectedBecause: z.optional(z.string()),
  remediation: z.optional(z.unknown()),
});
type Target = z.infer<typeof TargetSchema>;

const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9-]+$/;
const SG_ID = /^sg-[0-9a-f]{8,17}$/;

/** Plans the change for one finding (a finding object as `scan` prints it), or says why there is none. */
export function planRemediation(input: unknown): PlanResult {
  const finding = safeParseSchema(FindingSchema, input);
  if (!finding.success) return unsupported('?', `not a finding: ${finding.error.issues[0]?.message ?? 'invalid'}`);
  const { id, status } = finding.data;
  if (status === 'resolved' || status === 'suppressed') return unsupported(id, `the finding is ${status}`);
  if (finding.data.remediation === undefined) return unsupported(id, 'the finding carries no remediation');
  // An expected finding (a pod SG admitting the node SG for kubelet probes) is working as designed: no change.
  if (finding.data.expectedBecause) return unsupported(id, `expected: ${finding.data.expectedBecause}`);
  const parsed = safeParseSchema(RemediationSchema, finding.data.remediation);
  if (!parsed.success) return unsupported(id, `remediation is malformed: ${issueText(parsed.error.issues)}`);
  const remediation = parsed.data;
  if (!(REMEDIATION_ACTIONS as readonly string[]).includes(remediation.action))
    return unsupported(id, `unknown remediation action ${JSON.stringify(remediation.action)}`);
  const planner = PLANNERS[remediation.action as RemediationAction];
  return planner(id, remediation.target, remediation.set ?? {}, remediation);
}

type Remediation = z.infer<typeof RemediationSchema>;

/** Plans one action from its target and its `set` values, or says what is missing. */
type Planner = (id: string, target: Target, set: Record<string, unknown>, remediation: Remediation) => PlanResult;

const PLANNERS: Record<RemediationAction, Planner> = {
  'replace-node': (id, target) =>
    unsupported(id, `replace-node is not a code change: replace ${target.id} (cordon, drain, terminate)`),
  'set-max-pods': planMaxPods,
  'set-instance-types': planInstanceTypes,
  'restrict-remote-access': planRemoteAccess,
  'revoke-rules': planRevokeRules,
  'enable-prefix-delegation': planPrefixDelegation,
};

/** `set-max-pods`: one node group, one maxPods. */
function planMaxPods(id: string, target: Target, set: Record<string, unknown>): PlanResult {
  const owner = nodeGroupOwner(target);
  const maxPods = set.maxPods;
  if (!owner) return unsupported(id, 'set-max-pods names no node group');
  if (!isWhole(maxPods, 1, 737)) return unsupported(id, 'set-max-pods carries no valid maxPods');
  return plan({
    action: 'set-max-pods',
    findingId: id,
    nodeGroup: owner,
    maxPods,
    summary: `node group ${label(owner)}: maxPods ${maxPods}. Only nodes launched after the change get it: roll the node group (replace its nodes) once it is applied.`,
  });
}

/** `set-instance-types`: a node group or a launch template, the instance types it should use. */
function planInstanceTypes(id: string, target: Target, set: Record<string, unknown>): PlanResult {
  const types = set.instanceTypes ?? (set.instanceType === undefined ? undefined : [set.instanceType]);
  if (
    !Array.isArray(types) ||
    types.length === 0 ||
    !types.every((t) => typeof t === 'string' && INSTANCE_TYPE.test(t))
  )
    return unsupported(id, 'set-instance-types carries no valid instance types');
  const owner = nodeGroupOwner(target);
  const template = target.type === 'launch-template' || target.launchTemplate ? launchTemplateOwner(target) : undefined;
  if (!owner && !template) return unsupported(id, 'set-instance-types names no node group or launch template');
  return plan({
    action: 'set-instance-types',
    findingId: id,
    ...(owner ? { nodeGroup: owner } : {}),
    ...(template ? { launchTemplate: template } : {}),
    instanceTypes: types as string[],
    summary: `${owner ? `node group ${label(owner)}` : `launch template ${target.id}`}: instance types ${types.join(', ')}. Existing nodes keep their type: new nodes (for a managed node group, a new node group) are needed.`,
  });
}

/** `restrict-remote-access`: a node group's SSH sources, or none. */
function planRemoteAccess(id: string, target: Target, set: Record<string, unknown>): PlanResult {
  const owner = nodeGroupOwner(target);
  if (!owner) return unsupported(id, 'restrict-remote-access names no node group');
  const sources = set.sourceSecurityGroups;
  const groups = Array.isArray(sources) ? sources : [];
  if (!groups.every((g) => typeof g === 'string' && SG_ID.test(g)))
    return unsupported(id, 'restrict-remote-access carries a source security group that is not an SG id');
  if (groups.length === 0 && set.remoteAccess !== 'none')
    return unsupported(id, 'restrict-remote-access carries neither source security groups nor remoteAccess "none"');
  return plan({
    action: 'restrict-remote-access',
    findingId: id,
    nodeGroup: owner,
    sourceSecurityGroups: groups as string[],
    summary: `node group ${label(owner)}: ${groups.length ? `SSH only from ${groups.join(', ')}` : 'no SSH remote access (no source security group is known; use SSM Session Manager)'}. Remote access of a managed node group cannot change in place: a new node group replaces it.`,
  });
}

/** `revoke-rules`: the rules to remove from one security group. */
function planRevokeRules(
  id: string,
  target: Target,
  _set: Record<string, unknown>,
  remediation: Remediation,
): PlanResult {
  const group = target.securityGroup ?? (SG_ID.test(target.id) ? { id: target.id } : undefined);
  if (!group) return unsupported(id, 'revoke-rules names no security group');
  const rules = (remediation.revoke ?? []).map(rulePlan);
  if (rules.length === 0 || rules.some((rule) => rule === undefined))
    return unsupported(id, 'revoke-rules carries a rule without protocol or peer');
  const owner: SecurityGroupOwner = {
    ...group,
    ...(target.cloudFormation ? { cloudFormationLogicalId: target.cloudFormation.logicalId } : {}),
  };
  return plan({
    action: 'revoke-rules',
    findingId: id,
    securityGroup: owner,
    rules: rules as RulePlan[],
    summary: `security group ${group.nameTag ?? group.name ?? group.id} (${group.id}): revoke ${rules.length} rule(s) (${(rules as RulePlan[]).map(rulePlanText).join(', ')}). Takes effect when the change is applied; no node is replaced.`,
  });
}

/** `enable-prefix-delegation`: a cluster's vpc-cni settings and each node group's new maxPods. */
function planPrefixDelegation(id: string, target: Target, set: Record<string, unknown>): PlanResult {
  const cluster = target.cluster;
  const warm = set.WARM_PREFIX_TARGET ?? 1;
  const perGroup = set.maxPods;
  if (!cluster) return unsupported(id, 'enable-prefix-delegation names no cluster');
  if (!isWhole(Number(warm), 0, 16))
    return unsupported(id, 'enable-prefix-delegation carries no valid WARM_PREFIX_TARGET');
  if (typeof perGroup !== 'object' || perGroup === null || Array.isArray(perGroup))
    return unsupported(id, 'enable-prefix-delegation carries no maxPods per node group');
  const maxPods = Object.entries(perGroup).map(([group, value]) => ({ group, value }));
  if (maxPods.length === 0 || !maxPods.every((entry) => isWhole(entry.value, 1, 737)))
    return unsupported(id, 'enable-prefix-delegation carries an invalid maxPods');
  return plan({
    action: 'enable-prefix-delegation',
    findingId: id,
    cluster,
    warmPrefixTarget: Number(warm),
    maxPods: maxPods.map((entry) => ({
      nodeGroup: { cluster, name: entry.group },
      maxPods: entry.value as number,
    })),
    summary: `cluster ${cluster}: vpc-cni prefix delegation (ENABLE_PREFIX_DELEGATION "true", WARM_PREFIX_TARGET "${warm}") and maxPods ${maxPods.map((entry) => `${entry.value} for ${entry.group}`).join(', ')}. Only new nodes get prefixes: roll the node groups after the add-on update.`,
  });
}

function plan(change: ChangePlan): PlanResult {
  return { kind: 'plan', plan: change };
}

function unsupported(findingId: string, reason: string): PlanResult {
  return { kind: 'unsupported', findingId, reason };
}

function issueText(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  const issue = issues[0];
  return issue ? `${issue.path.map(String).join('.') || 'remediation'}: ${issue.message}` : 'invalid';
}

function isWhole(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

function nodeGroupOwner(target: Target): NodeGroupOwner | undefined {
  let cluster = target.cluster;
  let nodeGroup = target.nodeGroup;
  // Older findings name the node group only in the id, as "cluster/name".
  if (!nodeGroup && target.type === 'nodegroup') {
    const slash = target.id.indexOf('/');
    if (slash > 0) {
      cluster ??= target.id.slice(0, slash);
      nodeGroup = target.id.slice(slash + 1);
    }
  }
  if (!nodeGroup) return undefined;
  return {
    ...(cluster ? { cluster } : {}),
    name: nodeGroup,
    ...(target.launchTemplate ? { launchTemplate: target.launchTemplate } : {}),
    ...(target.cloudFormation && target.type === 'nodegroup'
      ? { cloudFormationLogicalId: target.cloudFormation.logicalId }
      : {}),
  };
}

function launchTemplateOwner(
  target: Target,
): NonNullable<Extract<ChangePlan, { action: 'set-instance-types' }>['launchTemplate']> {
  const id = target.launchTemplate?.id ?? (target.type === 'launch-template' ? target.id : undefined);
  return {
    ...(id ? { id } : {}),
    ...(target.launchTemplate?.name ? { name: target.launchTemplate.name } : {}),
    ...(target.cloudFormation && target.type === 'launch-template'
      ? { cloudFormationLogicalId: target.cloudFormation.logicalId }
      : {}),
  };
}

function label(owner: NodeGroupOwner): string {
  return owner.cluster ? `${owner.cluster}/${owner.name}` : owner.name;
}

const PROTOCOL_NAMES: Record<string, string> = { '6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'icmpv6', all: '-1' };

function rulePlan(rule: Record<string, unknown>): RulePlan | undefined {
  const protocolRaw = rule.protocol;
  if (typeof protocolRaw !== 'string' && typeof protocolRaw !== 'number') return undefined;
  const protocol = String(protocolRaw).toLowerCase();
  const peer = peerOf(rule);
  if (!peer) return undefined;
  const port = (value: unknown) => (typeof value === 'number' && Number.isInteger(value) ? value : undefined);
  const fromPort = port(rule.fromPort);
  const toPort = port(rule.toPort);
  return {
    direction: rule.direction === 'egress' ? 'egress' : 'ingress',
    ...(typeof rule.ruleId === 'string' ? { ruleId: rule.ruleId } : {}),
    protocol: PROTOCOL_NAMES[protocol] ?? protocol,
    ...(fromPort !== undefined ? { fromPort } : {}),
    ...(toPort !== undefined ? { toPort } : {}),
    peer,
    ...(typeof rule.description === 'string' ? { description: rule.description } : {}),
  };
}

function peerOf(rule: Record<string, unknown>): RulePlan['peer'] | undefined {
  const key = typeof rule.peerKey === 'string' ? rule.peerKey : undefined;
  if (key?.startsWith('ipv4:') || key?.startsWith('ipv6:')) return { kind: 'cidr', cidr: key.slice(5) };
  if (key?.startsWith('sg:') && SG_ID.test(key.slice(3))) return { kind: 'security-group', groupId: key.slice(3) };
  if (key?.startsWith('pl:')) return { kind: 'prefix-list', id: key.slice(3) };
  const peer = typeof rule.peer === 'string' ? rule.peer : undefined;
  if (peer === undefined) return undefined;
  if (peer.includes('/')) return { kind: 'cidr', cidr: peer };
  if (SG_ID.test(peer)) return { kind: 'security-group', groupId: peer };
  if (peer.startsWith('pl-')) return { kind: 'prefix-list', id: peer };
  return undefined;
}

/** `tcp/22 from 0.0.0.0/0`. */
export function rulePlanText(rule: RulePlan): string {
  const ports =
    rule.protocol === '-1'
      ? 'all traffic'
      : rule.fromPort === undefined || rule.fromPort === rule.toPort || rule.toPort === undefined
        ? `${rule.protocol}/${rule.fromPort ?? 'all'}`
        : `${rule.protocol}/${rule.fromPort}-${rule.toPort}`;
  const peer =
    rule.peer.kind === 'cidr' ? rule.peer.cidr : rule.peer.kind === 'security-group' ? rule.peer.groupId : rule.peer.id;
  return `${ports} ${rule.direction === 'ingress' ? 'from' : 'to'} ${peer}`;
}
