export * from './cidr.ts';
export {
  clusterFromTags,
  isBranchEni,
  isFargateEni,
  isTrunkEni,
  NODE_CLUSTER_TAGS,
  type NodeIdentity,
  nodeIdentityFromTags,
  serviceOfNetworkInterface,
  TRUNK_ENI_TAG,
} from './classify.ts';
export { buildInventory } from './inventory.ts';
export { LAUNCH_TEMPLATE_ID_TAG, LAUNCH_TEMPLATE_VERSION_TAG, loadSnapshot } from './load-snapshot.ts';
export * from './special-purpose.ts';
