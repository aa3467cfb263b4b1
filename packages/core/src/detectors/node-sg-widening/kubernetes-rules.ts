/**
 * Which node SG rules Kubernetes itself made for LoadBalancer Services, and so are expected (`info`). A rule
 * description is a claim anyone can write, not evidence: a rule counts as Kubernetes' own only when the caller and the
 * shape agree. The caller must be the cluster's IAM role (the in-tree cloud provider's NLB code and EKS Auto Mode act
 * as it) or a principal listed for the cluster in `kubernetesPrincipals` (the AWS Load Balancer Controller's role);
 * the shape must be one that code writes. In a scan there is no caller: only the in-tree NLB shapes on NodePorts are
 * taken on their shape alone.
 */
import type { Actor } from '../../cloudtrail/types.ts';
import type { GuardConfig } from '../../config.ts';
import { cidrContains, normalizeCidr } from '../../inventory/cidr.ts';
import { actsAsRole, callerArns, callerMatches } from '../../principals.ts';
import type { Inventory } from '../../types/inventory.ts';
import { describePeer, describePorts, type RuleShape } from './sg-rule-analysis.ts';

/** Any description that says Kubernetes wrote the rule (checked before it is believed). */
const CLAIMS_KUBERNETES = /^\s*(kubernetes\.io\/|elbv2\.k8s\.aws\/)/i;
/** The in-tree cloud provider's NLB rules: `kubernetes.io/rule/nlb/<kind>=<load balancer name>`. */
const IN_TREE_NLB = /^kubernetes\.io\/rule\/nlb\/(client|health|mtu)=[A-Za-z0-9-]{1,32}$/;
/** The AWS Load Balancer Controller's rule for TargetGroupBindings sharing the backend SG. */
const CONTROLLER_SHARED = 'elbv2.k8s.aws/targetGroupBinding=shared';

/** The NodePort range of EKS clusters (kube-apiserver `--service-node-port-range`, fixed by EKS). */
export const NODE_PORT_MIN = 30000;
export const NODE_PORT_MAX = 32767;

type Shape = 'nlb-client' | 'nlb-health' | 'nlb-mtu' | 'controller-shared';

const TCP_UDP = new Set(['tcp', '6', 'udp', '17']);

function isCidrPeer(rule: RuleShape): rule is RuleShape & { peer: { kind: 'ipv4' | 'ipv6'; cidr: string } } {
  return rule.peer.kind === 'ipv4' || rule.peer.kind === 'ipv6';
}

function onNodePort(rule: RuleShape): boolean {
  const { fromPort, toPort } = rule;
  return (
    TCP_UDP.has(rule.protocol) &&
    fromPort !== undefined &&
    fromPort === toPort &&
    fromPort >= NODE_PORT_MIN &&
    fromPort <= NODE_PORT_MAX
  );
}

/** The Kubernetes rule this one has the exact shape of, or undefined. */
function shapeOf(rule: RuleShape, vpcCidrs: readonly string[]): Shape | undefined {
  const description = rule.description ?? '';
  const inTree = IN_TREE_NLB.exec(description)?.[1];
  if (inTree === 'client') return onNodePort(rule) && isCidrPeer(rule) ? 'nlb-client' : undefined;
  if (inTree === 'health') {
    if (!onNodePort(rule) || !isCidrPeer(rule)) return undefined;
    const cidr = normalizeCidr(rule.peer.cidr);
    return cidr !== undefined && vpcCidrs.some((vpc) => cidrContains(vpc, cidr)) ? 'nlb-health' : undefined;
  }
  if (inTree === 'mtu') {
    // ICMP "destination unreachable, fragmentation needed" (type 3, code 4), for path MTU discovery.
    const icmp = rule.protocol === 'icmp' || rule.protocol === '1';
    return icmp && rule.fromPort === 3 && rule.toPort === 4 && rule.peer.kind === 'ipv4' ? 'nlb-mtu' : undefined;
  }
  if (description === CONTROLLER_SHARED) {
    const { fromPort, toPort } = rule;
    const portRange =
      TCP_UDP.has(rule.protocol) &&
      fromPort !== undefined &&
      toPort !== undefined &&
      fromPort >= 0 &&
      fromPort <= toPort;
    return portRange && (isCidrPeer(rule) || rule.peer.kind === 'security-group') ? 'controller-shared' : undefined;
  }
  return undefined;
}

/** Who made the rules being judged: the caller of an event, or none in a scan. */
export type RuleAuthor = { kind: 'event'; actor: Actor } | { kind: 'scan' };

/** What the judgement of one rule's description says. */
export type KubernetesVerdict =
  /** Kubernetes made it: report at `info` with this reason. */
  | { expected: string }
  /** The description claims Kubernetes, but the claim does not hold: judged as any rule, and the finding says so. */
  | { claim: string }
  | undefined;

/** Judges the rules of one SG: the SG's clusters and the caller are resolved once, on first need. */
export function kubernetesJudge(
  groupId: string,
  author: RuleAuthor,
  facts: { inventory: Inventory; config: GuardConfig; vpcCidrs: readonly string[] },
): (rule: RuleShape) => KubernetesVerdict {
  let caller: { ok: true; as: string } | { ok: false; why: string } | undefined;
  return (rule) => {
    const description = rule.description;
    if (description === undefined || !CLAIMS_KUBERNETES.test(description)) return undefined;
    const shape = shapeOf(rule, facts.vpcCidrs);
    const quoted = JSON.stringify(description);
    const what = `${describePorts(rule)} from ${describePeer(rule.peer)}`;
    const notKubernetes = (why: string) => ({
      claim: `The rule description ${quoted} claims Kubernetes made this rule, but ${why}: it is judged as any rule.`,
    });
    if (author.kind === 'scan') {
      if (shape === 'nlb-client' || shape === 'nlb-health' || shape === 'nlb-mtu')
        return { expected: expectedText(quoted, 'the in-tree NLB code writes rules of this shape') };
      return notKubernetes(
        `a scan cannot see who made it, and only the in-tree NLB rules on NodePorts ${NODE_PORT_MIN}-${NODE_PORT_MAX} are taken on their shape (${what})`,
      );
    }
    caller ??= judgeCaller(groupId, author.actor, facts);
    if (!caller.ok) return notKubernetes(caller.why);
    if (!shape) return notKubernetes(`Kubernetes does not write ${what} with this description`);
    return { expected: expectedText(quoted, `${caller.as} made it`) };
  };
}

function expectedText(quotedDescription: string, because: string): string {
  return `Kubernetes added this rule for a LoadBalancer Service (description ${quotedDescription}; ${because}); restrict it with loadBalancerSourceRanges if the Service should not be public.`;
}

/** Whether the caller is one of the SG's clusters' IAM role or listed for it in `kubernetesPrincipals`. */
function judgeCaller(
  groupId: string,
  actor: Actor,
  facts: { inventory: Inventory; config: GuardConfig },
): { ok: true; as: string } | { ok: false; why: string } {
  const { inventory, config } = facts;
  const clusters = new Set<string>();
  for (const reason of inventory.nodeSecurityGroupReasons(groupId)) if (reason.cluster) clusters.add(reason.cluster);
  for (const cluster of inventory.exposureOf(groupId).clusters) clusters.add(cluster);
  const names = [...clusters].sort();
  for (const name of names) {
    const roleArn = inventory.cluster(name)?.roleArn;
    if (roleArn && actsAsRole(actor, roleArn)) return { ok: true, as: `the IAM role of cluster ${name}` };
    if (callerMatches(actor, config.kubernetesPrincipals[name] ?? []))
      return { ok: true, as: `a kubernetesPrincipals entry of cluster ${name}` };
  }
  const who = callerArns(actor)[0] ?? 'an unknown caller';
  if (names.length === 0)
    return { ok: false, why: `the node SG's cluster is not known, so the caller ${who} cannot be checked` };
  const unknownRoles = names.filter((name) => !inventory.cluster(name)?.roleArn);
  const roles = unknownRoles.length
    ? ` (the IAM role of ${unknownRoles.join(', ')} is not known: DescribeCluster missing)`
    : '';
  return {
    ok: false,
    why: `the caller ${who} is neither the IAM role of cluster ${names.join(', ')} nor listed for it in kubernetesPrincipals${roles}`,
  };
}
