/**
 * How open a security group rule is: the judgement `node-sg-widening` makes of every ingress rule, shared by its event
 * and scan paths. CIDRs are normalised first ("open" is not only `0.0.0.0/0`).
 */
import type { RulePeer, SgRule } from '../../cloudtrail/types.ts';
import type { GuardConfig } from '../../config.ts';
import { cidrContains, coversWholeSpace, isPrivateCidr, normalizeCidr, prefixLength } from '../../inventory/cidr.ts';
import type { Inventory, SecurityGroupRule } from '../../types/inventory.ts';

/** The parts of a rule that decide openness, common to CloudTrail rules and inventory rules. */
export type RuleShape = Pick<SgRule, 'protocol' | 'fromPort' | 'toPort' | 'peer' | 'description'> & { ruleId?: string };

export const ALL_TRAFFIC = '-1';

/** Protocol names and numbers that carry ports. */
const PORTED = new Set(['tcp', '6', 'udp', '17']);

/** True when the rule admits traffic to `port` (any port protocol), or all traffic. */
export function ruleCoversPort(rule: RuleShape, port: number): boolean {
  if (rule.protocol === ALL_TRAFFIC) return true;
  if (!PORTED.has(rule.protocol)) return false;
  const from = rule.fromPort ?? 0;
  const to = rule.toPort ?? 65535;
  // -1 in ports means "all" for tcp/udp in some records.
  if (from === -1 || to === -1) return true;
  return from <= port && port <= to;
}

export function describePorts(rule: RuleShape): string {
  if (rule.protocol === ALL_TRAFFIC) return 'all traffic';
  const name = { '6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'icmpv6' }[rule.protocol] ?? rule.protocol;
  if (name === 'icmp' || name === 'icmpv6') return name;
  if (rule.fromPort === undefined || rule.fromPort === -1) return `${name}/all ports`;
  if (rule.fromPort === rule.toPort || rule.toPort === undefined) return `${name}/${rule.fromPort}`;
  if (rule.fromPort === 0 && rule.toPort === 65535) return `${name}/all ports`;
  return `${name}/${rule.fromPort}-${rule.toPort}`;
}

export function describePeer(peer: RulePeer): string {
  switch (peer.kind) {
    case 'ipv4':
    case 'ipv6':
      return peer.cidr;
    case 'prefix-list':
      return peer.prefixListId;
    case 'security-group':
      return peer.groupId ?? peer.groupName ?? 'a security group';
  }
}

/** Sensitive ports the rule opens (all of them for all-traffic rules). */
export function sensitivePortsOpened(rule: RuleShape, config: GuardConfig): number[] {
  return config.sensitivePorts.filter((port) => ruleCoversPort(rule, port));
}

/** The CIDRs a peer stands for: its own, a prefix list's entries, or undefined when unknown or an SG. */
export function peerCidrs(peer: RulePeer, inventory: Inventory | undefined): string[] | undefined {
  if (peer.kind === 'ipv4' || peer.kind === 'ipv6') {
    const cidr = normalizeCidr(peer.cidr);
    return cidr === undefined ? undefined : [cidr];
  }
  if (peer.kind === 'prefix-list') return inventory?.prefixListCidrs(peer.prefixListId)?.map(normalizeOrKeep);
  return undefined;
}

function normalizeOrKeep(cidr: string): string {
  return normalizeCidr(cidr) ?? cidr;
}

export type Openness = 'world' | 'public-wide' | 'beyond-vpc' | 'within-vpc' | 'unknown';

/**
 * How far a set of CIDRs reaches: the whole address space, a wide public prefix, something outside the VPC, or only
 * the VPC itself.
 */
const OPENNESS_RANK: Record<Openness, number> = {
  world: 4,
  'public-wide': 3,
  'beyond-vpc': 2,
  'within-vpc': 1,
  unknown: 0,
};

export function judgeCidrs(cidrs: string[], vpcCidrs: string[], config: GuardConfig): Openness {
  let result: Openness = 'within-vpc';
  const rank = OPENNESS_RANK;
  for (const cidr of cidrs) {
    const v6 = cidr.includes(':');
    const length = prefixLength(cidr);
    if (length === undefined) continue;
    let openness: Openness;
    if (length === 0) openness = 'world';
    else if (!isPrivateCidr(cidr) && length <= (v6 ? config.publicWidePrefixLengthV6 : config.publicWidePrefixLength))
      openness = 'public-wide';
    else if (vpcCidrs.length > 0 ? !vpcCidrs.some((vpc) => cidrContains(vpc, cidr)) : !isPrivateCidr(cidr))
      openness = 'beyond-vpc';
    else openness = 'within-vpc';
    if (rank[openness] > rank[result]) result = openness;
  }
  if (cidrs.length > 0 && result !== 'world') {
    // Several rules may together cover the whole space (0.0.0.0/1 + 128.0.0.0/1).
    const v4 = cidrs.filter((c) => !c.includes(':'));
    const v6 = cidrs.filter((c) => c.includes(':'));
    if ((v4.length > 1 && coversWholeSpace(v4, 'ipv4')) || (v6.length > 1 && coversWholeSpace(v6, 'ipv6')))
      return 'world';
  }
  return result;
}

/** Same protocol, ports and peer: how a revoke by shape names the rule it removes. */
export function sameRuleShape(a: RuleShape, b: RuleShape): boolean {
  if (a.protocol !== b.protocol) return false;
  if (
    a.protocol !== ALL_TRAFFIC &&
    ((a.fromPort ?? -1) !== (b.fromPort ?? -1) || (a.toPort ?? -1) !== (b.toPort ?? -1))
  )
    return false;
  return peerKey(a.peer) === peerKey(b.peer);
}

/** One key per rule shape: equal keys exactly when {@link sameRuleShape} holds, so large rule sets compare in a Set. */
export function ruleShapeKey(rule: RuleShape): string {
  const ports = rule.protocol === ALL_TRAFFIC ? '' : `${rule.fromPort ?? -1}:${rule.toPort ?? -1}`;
  return `${rule.protocol}|${ports}|${peerKey(rule.peer)}`;
}

export function peerKey(peer: RulePeer): string {
  switch (peer.kind) {
    case 'ipv4':
    case 'ipv6':
      return `${peer.kind}:${normalizeCidr(peer.cidr) ?? peer.cidr}`;
    case 'prefix-list':
      return `pl:${peer.prefixListId}`;
    case 'security-group':
      return `sg:${peer.groupId ?? peer.groupName ?? '?'}`;
  }
}

export function fromInventoryRule(rule: SecurityGroupRule): RuleShape {
  return {
    protocol: rule.protocol,
    fromPort: rule.fromPort,
    toPort: rule.toPort,
    peer: rule.peer,
    description: rule.description,
    ruleId: rule.ruleId,
  };
}
