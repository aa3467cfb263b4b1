/**
 * What makes a security group rule from a CloudTrail record judgeable: a protocol EC2 knows, ports in range and in
 * order, a CIDR of the peer's family. A rule that fails is not judged (never guessed at): the parser drops it and the
 * event carries the reason, which the output lists under `notJudged`.
 */
import { parseCidr } from '../inventory/cidr.ts';
import type { SgRule } from './types.ts';

const NAMED_PROTOCOLS = new Set(['-1', 'tcp', 'udp', 'icmp', 'icmpv6']);
// Protocol numbers whose ports EC2 reads as TCP/UDP ports or as ICMP type and code.
const PORT_PROTOCOLS = new Set(['tcp', 'udp', '6', '17']);
const ICMP_PROTOCOLS = new Set(['icmp', 'icmpv6', '1', '58']);

/** A value as JSON, cut to 64 characters: reasons are logged and printed, and a record may hold a megabyte string. */
function quote(value: string): string {
  const text = JSON.stringify(value);
  return text.length > 64 ? `${text.slice(0, 63)}…` : text;
}

function describeRule(rule: Pick<SgRule, 'protocol' | 'fromPort' | 'toPort' | 'peer'>): string {
  const ports =
    rule.fromPort === undefined && rule.toPort === undefined ? '' : ` ${rule.fromPort ?? ''}-${rule.toPort ?? ''}`;
  const peer =
    rule.peer.kind === 'ipv4' || rule.peer.kind === 'ipv6'
      ? quote(rule.peer.cidr)
      : rule.peer.kind === 'prefix-list'
        ? quote(rule.peer.prefixListId)
        : quote(rule.peer.groupId ?? rule.peer.groupName ?? 'a security group');
  return `${quote(rule.protocol)}${ports} from ${peer}`;
}

function protocolProblem(protocol: string): string | undefined {
  if (NAMED_PROTOCOLS.has(protocol)) return undefined;
  if (/^\d{1,3}$/.test(protocol) && Number(protocol) <= 255) return undefined;
  return `protocol ${quote(protocol)} is not -1, tcp, udp, icmp, icmpv6 or a number 0-255`;
}

function portProblem(protocol: string, fromPort: number | undefined, toPort: number | undefined): string | undefined {
  const ports = [fromPort, toPort].filter((port): port is number => port !== undefined);
  if (PORT_PROTOCOLS.has(protocol)) {
    const outside = ports.find((port) => port < 0 || port > 65535);
    if (outside !== undefined) return `port ${outside} is outside 0-65535`;
    if (fromPort !== undefined && toPort !== undefined && fromPort > toPort)
      return `the port range ${fromPort}-${toPort} is reversed`;
  }
  if (ICMP_PROTOCOLS.has(protocol)) {
    const outside = ports.find((port) => port < -1 || port > 255);
    if (outside !== undefined) return `ICMP type or code ${outside} is outside -1-255`;
  }
  return undefined;
}

function peerProblem(peer: SgRule['peer']): string | undefined {
  if (peer.kind !== 'ipv4' && peer.kind !== 'ipv6') return undefined;
  const parsed = parseCidr(peer.cidr);
  if (parsed === undefined || peer.cidr.trim() === '') return `${quote(peer.cidr)} is not a CIDR`;
  if (parsed.family !== peer.kind) return `${quote(peer.cidr)} is not an ${peer.kind.toUpperCase()} CIDR`;
  return undefined;
}

/**
 * Why a rule cannot be judged, or undefined when it can.
 *
 * @example
 * ruleProblem({ protocol: 'tcp', fromPort: 70000, toPort: 70000, peer: { kind: 'ipv4', cidr: '0.0.0.0/0' } });
 * // 'rule "tcp" 70000-70000 from "0.0.0.0/0": port 70000 is outside 0-65535'
 */
export function ruleProblem(rule: Pick<SgRule, 'protocol' | 'fromPort' | 'toPort' | 'peer'>): string | undefined {
  const problem =
    protocolProblem(rule.protocol) ?? portProblem(rule.protocol, rule.fromPort, rule.toPort) ?? peerProblem(rule.peer);
  return problem === undefined ? undefined : `rule ${describeRule(rule)}: ${problem}`;
}

/** Splits rules into those that can be judged and the reasons for those that cannot. */
export function judgeableRules<R extends Pick<SgRule, 'protocol' | 'fromPort' | 'toPort' | 'peer'>>(
  rules: R[],
): { rules: R[]; notJudged: string[] } {
  const kept: R[] = [];
  const notJudged: string[] = [];
  for (const rule of rules) {
    const problem = ruleProblem(rule);
    if (problem === undefined) kept.push(rule);
    else notJudged.push(problem);
  }
  return { rules: kept, notJudged };
}
