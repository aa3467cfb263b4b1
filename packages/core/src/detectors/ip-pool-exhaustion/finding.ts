/**
 * Finding assembly shared by the `ip-pool-exhaustion` rules: a finding's severity and title come from its rule's
 * definition (a finding may raise or lower the severity with its reason), and the subnet facts several rules show
 * (headroom, who is in the subnet) are worded once.
 */
import type { SubnetHeadroom } from '../../capacity/subnet-headroom.ts';
import { unique } from '../../collections.ts';
import { buildFinding as buildSharedFinding, type FindingDraft } from '../../findings/build.ts';
import type { BlastRadius, Finding, Link, Severity } from '../../types/finding.ts';
import type { Inventory, NetworkInterface } from '../../types/inventory.ts';
import type { RuleDefinition } from '../define.ts';

const DETECTOR = 'ip-pool-exhaustion' as const;

export const LINKS = {
  prefixDelegation: {
    title: 'Assign more IP addresses to Amazon EKS nodes with prefixes',
    url: 'https://docs.aws.amazon.com/eks/latest/userguide/cni-increase-ip-addresses.html',
  },
  subnetReservations: {
    title: 'Subnet CIDR reservations',
    url: 'https://docs.aws.amazon.com/vpc/latest/userguide/subnet-cidr-reservation.html',
  },
  customNetworking: {
    title: 'Deploy pods in alternate subnets with custom networking',
    url: 'https://docs.aws.amazon.com/eks/latest/userguide/cni-custom-network.html',
  },
  maxPods: {
    title: 'Amazon EKS: choose an instance type (maxPods)',
    url: 'https://docs.aws.amazon.com/eks/latest/userguide/choosing-instance-type.html',
  },
  securityGroupsForPods: {
    title: 'Security groups for pods',
    url: 'https://docs.aws.amazon.com/eks/latest/userguide/security-groups-for-pods.html',
  },
} as const satisfies Record<string, Link>;

/** A draft without what the rule decides: its id, title and (unless `severity` overrides it) severity. */
export type RuleFindingDraft = Omit<FindingDraft, 'rule' | 'severity' | 'title'> & { severity?: Severity };

/**
 * An open finding of one rule: `rule.severity` unless the draft says otherwise, titled `<rule title>: <subject>`.
 *
 * @example buildFinding(NODE_IP_LIMIT, { subject: 'i-0a1b…', summary: '…', … })
 */
export function buildFinding(rule: RuleDefinition, draft: RuleFindingDraft): Finding {
  return buildSharedFinding(DETECTOR, {
    ...draft,
    rule: rule.id,
    severity: draft.severity ?? rule.severity,
    title: `${rule.title}: ${draft.subject}`,
  });
}

/** Pod IPs ENIs may hold: every secondary address, and 16 per delegated /28 prefix (an upper bound). */
export function podIpsOn(enis: readonly Pick<NetworkInterface, 'privateIps' | 'ipv4Prefixes'>[]): number {
  return enis.reduce((sum, eni) => sum + Math.max(0, eni.privateIps.length - 1) + eni.ipv4Prefixes.length * 16, 0);
}

/** Who loses when a subnet is full: its nodes, node groups of these clusters, pod IPs and SGP pods. */
export function subnetBlast(inventory: Inventory, subnetId: string, clusters: string[]): BlastRadius {
  const groups = inventory.nodeGroups.filter(
    (group) => group.subnets.includes(subnetId) && clusters.includes(group.clusterName),
  );
  const nodes = inventory.nodes().filter((node) => node.instance.subnetId === subnetId);
  const enis = inventory.networkInterfaces.filter((eni) => eni.subnetId === subnetId);
  return {
    nodes: nodes.length,
    podIps: podIpsOn(enis.filter((eni) => eni.interfaceType !== 'branch' && eni.attachment?.instanceId)),
    podIpsIsUpperBound: true,
    nodeGroups: unique([...groups.map((group) => group.name), ...nodes.flatMap((n) => n.nodeGroup ?? [])]).sort(),
    sgpPods: enis.filter((eni) => eni.interfaceType === 'branch').length,
    nodeIds: nodes.slice(0, 20).map((node) => node.instance.id),
  };
}

/** One line on a subnet's room, for summaries and evidence. */
export function describeHeadroom(subnetId: string, headroom: SubnetHeadroom | undefined): string {
  if (!headroom) return `${subnetId}: headroom unknown (subnet not in DescribeSubnets)`;
  return `${subnetId} (${headroom.cidr}): ${headroom.freeIps} free IPs (${headroom.percentFree} % of ${headroom.usable}), ${headroom.freeBlocks} free aligned /28 blocks`;
}

/** A subnet's headroom as evidence details. */
export function headroomDetails(headroom: SubnetHeadroom | undefined): Record<string, unknown> {
  if (!headroom) return {};
  return {
    cidr: headroom.cidr,
    usable: headroom.usable,
    used: headroom.used,
    freeIps: headroom.freeIps,
    freeBlocks: headroom.freeBlocks,
    percentFree: headroom.percentFree,
    reservedUnused: headroom.reservedUnused,
    ...(headroom.notes.length ? { notes: headroom.notes } : {}),
  };
}
