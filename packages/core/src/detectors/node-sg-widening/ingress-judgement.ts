/**
 * `node-sg-widening`'s judgement of a node SG's ingress rules: which of world-open, public-wide and sensitive-port
 * each rule trips, grouped into one trip per detector rule. Linear in the number of rules: whether rules on the same
 * ports together cover the whole address space is worked out once per SG (merged intervals), not per rule.
 */
import type { GuardConfig } from '../../config.ts';
import { coversWholeSpace, isPrivateCidr } from '../../inventory/cidr.ts';
import { SEVERITY_RANK, type Severity } from '../../types/finding.ts';
import type { Inventory } from '../../types/inventory.ts';
import type { DetectorContext } from '../define.ts';
import { kubernetesJudge, type RuleAuthor } from './kubernetes-rules.ts';
import {
  ALL_TRAFFIC,
  judgeCidrs,
  type Openness,
  peerCidrs,
  type RuleShape,
  sensitivePortsOpened,
} from './sg-rule-analysis.ts';

export type IngressRuleId = 'world-open-ingress' | 'public-wide-ingress' | 'sensitive-port-ingress';
export const INGRESS_RULES: IngressRuleId[] = ['world-open-ingress', 'public-wide-ingress', 'sensitive-port-ingress'];

/** What one event (or the scan of one SG) trips on a node SG's ingress. */
export interface IngressTrip {
  rule: IngressRuleId;
  severity: Severity;
  rules: RuleShape[];
  sensitivePorts: number[];
  openness: Openness;
  expectedBecause?: string;
  /** Descriptions that claim Kubernetes made a rule of this trip, and why the claim was not believed. */
  kubernetesClaims: string[];
  alsoTripped: IngressRuleId[];
}

/** Enough claims to show the pattern; one event may carry thousands of rules. */
const MAX_CLAIMS = 3;

/** The protocol and ports of a rule, as one key: rules with the same key may together cover the whole space. */
export function portsKey(rule: RuleShape): string {
  return rule.protocol === ALL_TRAFFIC ? ALL_TRAFFIC : `${rule.protocol}:${rule.fromPort ?? -1}:${rule.toPort ?? -1}`;
}

/**
 * Ingress rules on a node SG grouped by the detector rule they trip; one cause (one rule tripping world-open and
 * sensitive-port) gives one trip with the others in `alsoTripped`. `added` are judged (made by `author`), `existing`
 * only count towards covering the space.
 */
export function judgeIngress(
  groupId: string,
  added: readonly RuleShape[],
  existing: readonly RuleShape[],
  facts: { inventory: Inventory; config: GuardConfig; vpcCidrs: string[]; author: RuleAuthor },
): IngressTrip[] {
  const { inventory, config, vpcCidrs } = facts;
  const cidrsOf = new Map<RuleShape, string[]>();
  const byPorts = new Map<string, string[]>();
  for (const rule of [...added, ...existing]) {
    if (rule.peer.kind === 'security-group') continue;
    const cidrs = peerCidrs(rule.peer, inventory);
    if (!cidrs) continue;
    cidrsOf.set(rule, cidrs);
    const key = portsKey(rule);
    const group = byPorts.get(key);
    if (group) for (const cidr of cidrs) group.push(cidr);
    else byPorts.set(key, [...cidrs]);
  }
  // Rules with the same ports may together cover the whole space (0.0.0.0/1 + 128.0.0.0/1).
  const worldPorts = new Set<string>();
  for (const [key, cidrs] of byPorts) {
    const v4 = cidrs.filter((cidr) => !cidr.includes(':'));
    const v6 = cidrs.filter((cidr) => cidr.includes(':'));
    if (coversWholeSpace(v4, 'ipv4') || coversWholeSpace(v6, 'ipv6')) worldPorts.add(key);
  }
  const kubernetes = kubernetesJudge(groupId, facts.author, facts);
  const byRule = new Map<IngressRuleId, IngressTrip>();
  for (const rule of added) {
    const cidrs = cidrsOf.get(rule);
    if (!cidrs) continue;
    let openness = judgeCidrs(cidrs, vpcCidrs, config);
    // A private rule is not made world-open by its public siblings: they are judged on their own.
    if (openness !== 'world' && worldPorts.has(portsKey(rule)) && !cidrs.every(isPrivateCidr)) openness = 'world';
    if (openness === 'within-vpc' || openness === 'unknown') continue;
    const sensitive = sensitivePortsOpened(rule, config);
    const candidates: IngressRuleId[] = [];
    if (openness === 'world') candidates.push('world-open-ingress');
    if (openness === 'public-wide') candidates.push('public-wide-ingress');
    if (sensitive.length > 0) candidates.push('sensitive-port-ingress');
    // A rule switched off leaves the others to report the cause (SSH from 0.0.0.0/0 is still a sensitive port).
    const tripped = candidates.filter((id) => !config.disabledRules.includes(id));
    const primary = tripped[0];
    if (!primary) continue;
    const verdict = kubernetes(rule);
    const expected = verdict && 'expected' in verdict ? verdict.expected : undefined;
    const claim = verdict && 'claim' in verdict ? verdict.claim : undefined;
    const severity: Severity = expected ? 'info' : severityOf(primary, sensitive.length > 0);
    const trip = byRule.get(primary);
    if (trip) {
      trip.rules.push(rule);
      for (const port of sensitive) if (!trip.sensitivePorts.includes(port)) trip.sensitivePorts.push(port);
      for (const also of tripped.slice(1)) if (!trip.alsoTripped.includes(also)) trip.alsoTripped.push(also);
      if (SEVERITY_RANK[severity] > SEVERITY_RANK[trip.severity]) trip.severity = severity;
      // A trip is expected only when every rule in it is.
      if (!expected) delete trip.expectedBecause;
      if (claim && trip.kubernetesClaims.length < MAX_CLAIMS && !trip.kubernetesClaims.includes(claim))
        trip.kubernetesClaims.push(claim);
    } else {
      byRule.set(primary, {
        rule: primary,
        severity,
        rules: [rule],
        sensitivePorts: sensitive,
        openness,
        ...(expected ? { expectedBecause: expected } : {}),
        kubernetesClaims: claim ? [claim] : [],
        alsoTripped: tripped.slice(1),
      });
    }
  }
  return [...byRule.values()];
}

function severityOf(primary: IngressRuleId, sensitive: boolean): Severity {
  if (primary === 'world-open-ingress') return sensitive ? 'critical' : 'high';
  if (primary === 'public-wide-ingress') return sensitive ? 'high' : 'medium';
  return 'medium';
}

/** The ingress trips of a node SG's rules; existing rules (no event's caller made them) are judged as in a scan. */
export function ingressTrips(
  groupId: string,
  added: readonly RuleShape[],
  existing: readonly RuleShape[],
  context: DetectorContext,
  author: RuleAuthor = { kind: 'scan' },
): IngressTrip[] {
  const { inventory, config } = context;
  return judgeIngress(groupId, added, existing, {
    inventory,
    config,
    vpcCidrs: vpcCidrsOf(groupId, inventory),
    author,
  });
}

function vpcCidrsOf(groupId: string, inventory: Inventory): string[] {
  const vpcId = inventory.securityGroup(groupId)?.vpcId;
  const vpc = vpcId ? inventory.vpcs.find((candidate) => candidate.id === vpcId) : undefined;
  return vpc ? [...vpc.cidrs, ...vpc.ipv6Cidrs] : [];
}
