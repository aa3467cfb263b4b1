/**
 * `branch-create-failed`: the VPC resource controller could not create the branch ENI of one SGP pod, which stays
 * pending. Branch creations happen once per SGP pod, so only failures are routed; the node is found through the trunk
 * the branch was to hang off.
 */
import { eventEvidence } from '../../findings/build.ts';
import { clusterOfEniTags, TRUNK_ENI_TAG } from '../../inventory/classify.ts';
import { ownerOfSubnet } from '../../inventory/queries.ts';
import { BRANCH_ENI_DESCRIPTIONS, isTrunkCreation } from '../../inventory/sgp.ts';
import type { Finding } from '../../types/finding.ts';
import { type DetectorContext, defineRule, type EventOfKind, type RuleDefinition } from '../define.ts';
import { EC2, FAILED, isBranchCreation } from './calls.ts';
import { errorMeaning } from './error-meanings.ts';
import { nodesBlast, subnetState, trunkFinding } from './findings.ts';

const RULE = {
  id: 'branch-create-failed',
  severity: 'medium',
  title: 'Branch ENI for an SGP pod could not be created',
  description:
    'CreateNetworkInterface of a branch ENI failed: the pod that needed its own security groups cannot start.',
} as const satisfies RuleDefinition;

type Created = EventOfKind<'network-interface-created'>;

/** A failed branch creation (a trunk creation is `trunk-create-failed`'s, whatever its tags say). */
function isFailedBranchCreation(event: Created): boolean {
  return event.errorCode !== undefined && !isTrunkCreation(event) && isBranchCreation(event.detail);
}

export const branchCreateFailed = defineRule({
  ...RULE,
  reads: ['DescribeCluster', 'DescribeInstances', 'DescribeNetworkInterfaces', 'DescribeSubnets'],
  events: {
    on: [
      {
        source: EC2,
        eventName: 'CreateNetworkInterface',
        filters: [
          { ...FAILED, requestParameters: { interfaceType: ['branch'] } },
          { ...FAILED, requestParameters: { description: [...BRANCH_ENI_DESCRIPTIONS] } },
        ],
      },
    ],
    kinds: ['network-interface-created'],
    needsInventory: isFailedBranchCreation,
    evaluate: (event, context) => (isFailedBranchCreation(event) ? [branchCreateFailure(event, context)] : []),
  },
});

function branchCreateFailure(event: Created, context: DetectorContext): Finding {
  const { inventory } = context;
  const detail = event.detail;
  const trunkId = detail.tags[TRUNK_ENI_TAG];
  const instanceId = trunkId ? inventory.networkInterface(trunkId)?.attachment?.instanceId : undefined;
  const node = instanceId ? inventory.node(instanceId) : undefined;
  const cluster = node?.cluster ?? clusterOfEniTags(detail.tags) ?? ownerOfSubnet(inventory, detail.subnetId);
  const meaning = errorMeaning(event.errorCode);
  const where = instanceId ? `node ${instanceId}` : trunkId ? `trunk ${trunkId}` : (detail.subnetId ?? 'its subnet');
  return trunkFinding(RULE, {
    subject: trunkId ?? `${cluster ?? 'unknown'}|${detail.subnetId ?? 'unknown'}`,
    title: `${RULE.title}: ${where} (${event.errorCode})`,
    summary: `The VPC resource controller could not create a branch ENI on ${where}${cluster ? ` in cluster ${cluster}` : ''}: ${event.errorCode}, ${meaning.meaning}. The pod that needs security groups ${detail.groupIds.join(', ') || '(none named)'} cannot start until it succeeds.`,
    clusters: cluster ? [cluster] : [],
    resources: [
      ...(trunkId ? [{ type: 'network-interface' as const, id: trunkId }] : []),
      ...(instanceId ? [{ type: 'instance' as const, id: instanceId }] : []),
      ...(detail.subnetId ? [{ type: 'subnet' as const, id: detail.subnetId }] : []),
    ],
    blastRadius: { ...nodesBlast(node ? [node] : []), sgpPods: 1 },
    evidence: {
      ...eventEvidence(event),
      ...subnetState(context, detail.subnetId),
      details: {
        errorMeaning: meaning.meaning,
        trunkEniId: trunkId,
        subnetId: detail.subnetId,
        podSecurityGroups: detail.groupIds,
      },
    },
    recommendation: { text: meaning.action, links: meaning.links },
    context,
    event,
  });
}
