/**
 * `branch-capacity-low`: the branch ENIs (SGP pods) on a trunk are near the limit of its instance type (above the
 * `branchCapacityRatio` setting), so further SGP pods will not fit on that node. Judged on state alone.
 */
import { largerTypeWithMoreBranches, limitsOfType } from '../../capacity/trunk.ts';
import { clusterOfEniTags, isBranchEni, isTrunkEni, TRUNK_ENI_TAG } from '../../inventory/classify.ts';
import { LINKS } from '../../render/links.ts';
import type { Finding } from '../../types/finding.ts';
import type { Instance, NetworkInterface } from '../../types/inventory.ts';
import { type DetectorContext, defineRule, type RuleDefinition } from '../define.ts';
import { nodesBlast, trunkFinding } from './findings.ts';
import { TRUNK_LINKS } from './links.ts';

const RULE = {
  id: 'branch-capacity-low',
  severity: 'low',
  title: 'Trunk ENI near its branch limit',
  description: 'The branch ENIs on a trunk are near the limit of its instance type: further SGP pods will not fit.',
} as const satisfies RuleDefinition;

export const branchCapacityLow = defineRule({
  ...RULE,
  reads: ['DescribeInstanceTypes', 'DescribeInstances', 'DescribeNetworkInterfaces'],
  scan: (context) => scanBranchCapacity(context),
});

/** Branch ENIs per trunk ENI id, by the trunk tag the resource controller puts on each branch. */
function branchesByTrunk(networkInterfaces: readonly NetworkInterface[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const eni of networkInterfaces) {
    const trunk = eni.tags[TRUNK_ENI_TAG];
    if (trunk && isBranchEni(eni)) counts.set(trunk, (counts.get(trunk) ?? 0) + 1);
  }
  return counts;
}

function scanBranchCapacity(context: DetectorContext): Finding[] {
  const { inventory, config } = context;
  const counts = branchesByTrunk(inventory.networkInterfaces);
  const findings: Finding[] = [];
  for (const trunk of inventory.networkInterfaces) {
    if (!isTrunkEni(trunk) || !trunk.attachment?.instanceId) continue;
    const instance = inventory.instance(trunk.attachment.instanceId);
    if (!instance) continue;
    const limit = limitsOfType(instance.instanceType, inventory.instanceTypes)?.branchInterfaces;
    if (!limit) continue;
    const used = counts.get(trunk.id) ?? 0;
    if (!(used / limit > config.branchCapacityRatio)) continue;
    findings.push(branchCapacityFinding(context, trunk, instance, { used, limit }));
  }
  return findings;
}

function branchCapacityFinding(
  context: DetectorContext,
  trunk: NetworkInterface,
  instance: Instance,
  branches: { used: number; limit: number },
): Finding {
  const { inventory, config } = context;
  const { used, limit } = branches;
  const ratio = used / limit;
  const node = inventory.node(instance.id);
  const cluster = node?.cluster ?? clusterOfEniTags(trunk.tags);
  const full = used >= limit;
  const larger = largerTypeWithMoreBranches(instance.instanceType, limit);
  return trunkFinding(RULE, {
    subject: trunk.id,
    // A full trunk already keeps SGP pods pending: more than the usual "near its limit".
    ...(full ? { severity: 'medium' as const } : {}),
    title: `${RULE.title}: ${instance.id} (${used}/${limit})`,
    summary: `Trunk ENI ${trunk.id} on node ${instance.id} (${instance.instanceType}${node?.nodeGroup ? `, node group ${node.nodeGroup}` : ''})${cluster ? ` of cluster ${cluster}` : ''} holds ${used} of the ${limit} branch ENIs its type allows (${Math.round(ratio * 100)}%): ${full ? 'no further pod with its own security groups fits on this node' : `${limit - used} more pod(s) with their own security groups fit on this node`}.`,
    clusters: cluster ? [cluster] : [],
    resources: [
      { type: 'network-interface', id: trunk.id },
      { type: 'instance', id: instance.id },
    ],
    blastRadius: { ...nodesBlast(node ? [node] : []), sgpPods: used },
    evidence: {
      state: `${used} branch ENI(s) tagged ${TRUNK_ENI_TAG}=${trunk.id} (DescribeNetworkInterfaces)`,
      details: { branchEnis: used, branchLimit: limit, ratio, threshold: config.branchCapacityRatio },
    },
    recommendation: {
      text: `Spread SGP pods over more nodes (more nodes in the group, topology spread constraints), or use a larger type with more branch ENIs per trunk${larger ? ` (for example ${larger})` : ''}. Only pods that need their own security groups should match a SecurityGroupPolicy.`,
      links: [TRUNK_LINKS.sgpInstanceTypes, LINKS.securityGroupsForPods],
    },
    context,
  });
}
