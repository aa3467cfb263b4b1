export * from './cidr.ts';
export {
  clusterFromTagList,
  clusterFromTags,
  clusterOfEniTags,
  isBranchEni,
  isFargateEni,
  isTrunkEni,
  KUBERNETES_CLUSTER_TAG_PREFIX,
  NODE_CLUSTER_TAGS,
  type NodeIdentity,
  nodeIdentityFromTags,
  serviceOfNetworkInterface,
  TRUNK_ENI_TAG,
} from './classify.ts';
export { buildInventory } from './inventory.ts';
export { LAUNCH_TEMPLATE_ID_TAG, LAUNCH_TEMPLATE_VERSION_TAG, loadSnapshot } from './load-snapshot.ts';
export { type NodeScope, nodesOf, trunkOf } from './node-queries.ts';
export {
  branchEnisCarrying,
  isPodSecurityGroup,
  nodeOfBranch,
  type PodSgExposure,
  podSgExposure,
  sgpPodsOnNodes,
} from './pod-queries.ts';
export * from './queries.ts';
export { assertSnapshotFile, snapshotFileProblems } from './snapshot-checks.ts';
export * from './special-purpose.ts';
