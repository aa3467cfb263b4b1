/**
 * `nodegroup-remote-access-open`: a managed node group with SSH remote access and no source security groups, for
 * which EKS opens port 22 to 0.0.0.0/0 on its nodes. Seen at CreateNodegroup, in the SSH rule EKS then adds to the
 * node group's remote-access SG (that rule is this finding, not an ingress finding of its own), and in a scan.
 */
import type { CloudTrailEvent, RulePeer } from '../../cloudtrail/types.ts';
import { eventEvidence } from '../../findings/build.ts';
import { normalizeCidr } from '../../inventory/cidr.ts';
import { restrictRemoteAccessRemediation } from '../../remediation/targets.ts';
import { LINKS } from '../../render/links.ts';
import type { Finding } from '../../types/finding.ts';
import type { Inventory } from '../../types/inventory.ts';
import { type DetectorContext, defineRule, type EventOfKind } from '../define.ts';
import { EKS, NODE_SG_FACTS, needsLiveState, noted, ON, type RulesAdded, rulesAdded } from './changes.ts';
import { type FindingBase, type NodeSgDraft, nodeSgFinding } from './finding.ts';
import { ALL_TRAFFIC, type RuleShape } from './sg-rule-analysis.ts';

interface NodeGroupName {
  cluster: string;
  nodegroup: string;
}

export const nodegroupRemoteAccessOpen = defineRule({
  id: 'nodegroup-remote-access-open',
  severity: 'high',
  title: 'Node group SSH open to the internet',
  description:
    'A managed node group with SSH remote access and no source security groups: EKS opens port 22 to 0.0.0.0/0.',
  reads: NODE_SG_FACTS,
  events: {
    on: [ON.authorizeIngress, ON.modifyRules, ON.createNodegroup],
    kinds: ['sg-rules-authorized', 'sg-rules-modified', 'nodegroup-changed'],
    needsInventory: needsLiveState,
    evaluate: (event, context) =>
      event.detail.kind === 'nodegroup-changed'
        ? onNodegroupCreated(event as EventOfKind<'nodegroup-changed'>, context)
        : rulesAdded(event as EventOfKind<'sg-rules-authorized' | 'sg-rules-modified'>, context.inventory).flatMap(
            (added) => onRulesAdded(event, added, context),
          ),
  },
  scan: (context) =>
    context.inventory.nodeGroups.flatMap((nodegroup) => {
      const remote = nodegroup.remoteAccess;
      if (!remote?.ec2SshKey || remote.sourceSecurityGroups.length > 0) return [];
      const target = { cluster: nodegroup.clusterName, nodegroup: nodegroup.name };
      return [remoteAccessFinding(target, { context, sshKey: remote.ec2SshKey })];
    }),
});

function onNodegroupCreated(event: EventOfKind<'nodegroup-changed'>, context: DetectorContext): Finding[] {
  const { detail } = event;
  // A failed call created nothing.
  if (event.errorCode !== undefined || detail.operation !== 'create') return [];
  const remote = detail.remoteAccess;
  if (!remote?.ec2SshKey || remote.sourceSecurityGroups.length > 0) return [];
  const target = { cluster: detail.clusterName, nodegroup: detail.nodegroupName };
  return [remoteAccessFinding(target, { event, context, sshKey: remote.ec2SshKey })];
}

function onRulesAdded(event: CloudTrailEvent, added: RulesAdded, context: DetectorContext): Finding[] {
  const remote = remoteAccessOpenedBy(event, added, context.inventory);
  if (!remote) return [];
  return noted([remoteAccessFinding(remote, { event, context, groupId: added.groupId })], added.note);
}

/**
 * The node group whose remote access these added rules open to the world (SSH from anywhere on its remote-access SG):
 * reported once, as this rule, and not again as an ingress or grant finding of that SG.
 */
export function remoteAccessOpenedBy(
  event: CloudTrailEvent,
  added: RulesAdded,
  inventory: Inventory,
): NodeGroupName | undefined {
  if (added.direction !== 'ingress') return undefined;
  const remote = remoteAccessNodegroup(event, added.groupId, inventory);
  return remote && added.rules.some((rule) => ruleCoversSsh(rule) && isWorldPeer(rule.peer)) ? remote : undefined;
}

function remoteAccessNodegroup(
  event: CloudTrailEvent,
  groupId: string,
  inventory: Inventory,
): NodeGroupName | undefined {
  const group = inventory.securityGroup(groupId);
  const byEks = event.actor.invokedBy === EKS || event.sourceIp === EKS;
  const named = group?.name.startsWith('eks-remoteAccess-') ?? false;
  if (!byEks && !named) return undefined;
  const owner = inventory.nodeGroups.find((ng) => ng.remoteAccessSecurityGroup === groupId);
  if (owner) return { cluster: owner.clusterName, nodegroup: owner.name };
  const cluster = group?.tags['eks:cluster-name'];
  const nodegroup = group?.tags['eks:nodegroup-name'];
  if (cluster && nodegroup) return { cluster, nodegroup };
  return byEks || named ? { cluster: cluster ?? 'unknown', nodegroup: nodegroup ?? groupId } : undefined;
}

function ruleCoversSsh(rule: RuleShape): boolean {
  return (
    rule.protocol === ALL_TRAFFIC ||
    ((rule.protocol === 'tcp' || rule.protocol === '6') && (rule.fromPort ?? 0) <= 22 && 22 <= (rule.toPort ?? 65535))
  );
}

function isWorldPeer(peer: RulePeer): boolean {
  if (peer.kind !== 'ipv4' && peer.kind !== 'ipv6') return false;
  const cidr = normalizeCidr(peer.cidr);
  return cidr === '0.0.0.0/0' || cidr === '::/0';
}

function remoteAccessFinding(
  target: NodeGroupName,
  base: FindingBase & { groupId?: string; sshKey?: string },
): Finding {
  const { inventory } = base.context;
  const nodes = inventory
    .nodes()
    .filter((node) => node.cluster === target.cluster && node.nodeGroup === target.nodegroup);
  const rule = nodegroupRemoteAccessOpen.rule;
  const draft: NodeSgDraft = {
    // Keyed by node group so CreateNodegroup and the SG rule EKS adds for it are one finding.
    subject: `nodegroup:${target.cluster}/${target.nodegroup}`,
    about: `${target.cluster}/${target.nodegroup}`,
    summary: `Managed node group ${target.nodegroup} of cluster ${target.cluster} allows SSH${base.sshKey ? ` with key ${base.sshKey}` : ''} from any address (remote access without source security groups): EKS opens port 22 to 0.0.0.0/0 on its nodes${nodes.length ? ` (${nodes.length} node(s) now)` : ''}.`,
    clusters: [target.cluster],
    resources: [
      { type: 'nodegroup', id: `${target.cluster}/${target.nodegroup}` },
      ...(base.groupId ? [{ type: 'security-group' as const, id: base.groupId }] : []),
    ],
    blastRadius: {
      nodes: nodes.length,
      podIps: 0,
      podIpsIsUpperBound: true,
      nodeGroups: [target.nodegroup],
      sgpPods: 0,
      nodeIds: nodes.slice(0, 20).map((node) => node.instance.id),
    },
    evidence: {
      ...(base.event
        ? eventEvidence(base.event)
        : { state: `DescribeNodegroup remoteAccess of ${target.cluster}/${target.nodegroup}` }),
      details: { sourceSecurityGroups: [], ...(base.sshKey ? { ec2SshKey: base.sshKey } : {}) },
    },
    // One node group's remote access trips several rules (world-open, sensitive port): reported once, here.
    expectedBecause: base.groupId
      ? "EKS added this SSH rule for the node group's remote access; it is reported once, as nodegroup-remote-access-open"
      : undefined,
    expectedKeepsSeverity: true,
    recommendation: {
      text: 'Give the node group remote access source security groups (remoteAccess.sourceSecurityGroups), or drop SSH and use SSM Session Manager. Node group remote access cannot be changed in place: create a new node group and move the workloads.',
      links: [LINKS.remoteAccess, LINKS.securityGroupRequirements],
    },
    remediation: restrictRemoteAccessRemediation(target.cluster, target.nodegroup, [], inventory),
  };
  return nodeSgFinding(rule, draft, base);
}
