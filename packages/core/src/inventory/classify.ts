/**
 * Reading meaning out of tags and ENI descriptions: which instances are EKS nodes (and of which cluster and node
 * group), which ENIs hold SGP or Fargate pods, and which AWS service owns an ENI. The tag keys and descriptions are
 * the ones AWS and the controllers really write (see the comments); nothing here guesses from resource names.
 */
import type { NetworkInterface, NodeGroupKind, Tags } from '../types/inventory.ts';

/**
 * Instance tags that name a node's cluster, most specific first. `kubernetes.io/cluster/<name>` is handled apart.
 *
 * @example
 * NODE_CLUSTER_TAGS.includes('eks:eks-cluster-name'); // true
 */
export const NODE_CLUSTER_TAGS = [
  // Managed node groups.
  'eks:cluster-name',
  'aws:eks:cluster-name',
  // EKS Auto Mode and Karpenter v1.
  'eks:eks-cluster-name',
  'alpha.eksctl.io/cluster-name',
] as const;

/**
 * Prefix of the `kubernetes.io/cluster/<name>` tag that EKS, eksctl, self-managed node templates and Karpenter put
 * on nodes and subnets. Its value is `owned` or `shared`; older templates and kops write `1`.
 */
export const KUBERNETES_CLUSTER_TAG_PREFIX = 'kubernetes.io/cluster/';
const KUBERNETES_CLUSTER_TAG_VALUES = new Set(['owned', 'shared', '1']);

/**
 * The cluster a resource belongs to by its tags, or undefined. The one classification of an EKS node: the CLI, the
 * loaders (which decide what else to read for a node) and the detectors all ask this.
 *
 * @example
 * clusterFromTags({ 'kubernetes.io/cluster/prod': 'owned' }); // 'prod'
 */
export function clusterFromTags(tags: Tags): string | undefined {
  for (const key of NODE_CLUSTER_TAGS) {
    const value = tags[key];
    if (value) return value;
  }
  for (const [key, value] of Object.entries(tags)) {
    if (key.startsWith(KUBERNETES_CLUSTER_TAG_PREFIX) && KUBERNETES_CLUSTER_TAG_VALUES.has(value)) {
      const name = key.slice(KUBERNETES_CLUSTER_TAG_PREFIX.length);
      if (name) return name;
    }
  }
  return undefined;
}

/**
 * `clusterFromTags` for tags as the AWS APIs list them (`[{Key, Value}]`).
 *
 * @example
 * clusterFromTagList([{ Key: 'alpha.eksctl.io/cluster-name', Value: 'prod' }]); // 'prod'
 */
export function clusterFromTagList(
  tags: readonly { Key?: string | undefined; Value?: string | undefined }[] | undefined,
): string | undefined {
  const record: Tags = {};
  for (const tag of tags ?? []) if (tag.Key !== undefined) record[tag.Key] = tag.Value ?? '';
  return clusterFromTags(record);
}

/** Tags that name the cluster of an ENI the VPC resource controller or the CNI creates, besides `kubernetes.io/cluster/`. */
const ENI_CLUSTER_TAGS = ['vpcresources.k8s.aws/cluster-name', 'cluster.k8s.amazonaws.com/name'] as const;

/**
 * The cluster an ENI (or a CreateNetworkInterface call) belongs to by its tags.
 *
 * @example
 * clusterOfEniTags({ 'cluster.k8s.amazonaws.com/name': 'prod' }); // 'prod'
 */
export function clusterOfEniTags(tags: Tags): string | undefined {
  for (const key of ENI_CLUSTER_TAGS) {
    const value = tags[key];
    if (value) return value;
  }
  return clusterFromTags(tags);
}

/** What a node's tags say about it; undefined when the tags do not make it an EKS node. */
export interface NodeIdentity {
  cluster: string;
  nodeGroup?: string;
  nodeGroupKind: NodeGroupKind;
}

/**
 * Classifies an instance by its tags: the cluster (see {@link NODE_CLUSTER_TAGS}) and how it was provisioned.
 * Karpenter v1 also writes `eks:eks-cluster-name`, so its `karpenter.sh/nodepool` tag wins over Auto Mode, unless the
 * Auto Mode node-pool tag `eks:kubernetes-node-pool-name` is present.
 *
 * @example
 * nodeIdentityFromTags({ 'eks:cluster-name': 'prod', 'eks:nodegroup-name': 'ng-a' });
 * // { cluster: 'prod', nodeGroup: 'ng-a', nodeGroupKind: 'managed' }
 */
export function nodeIdentityFromTags(tags: Tags): NodeIdentity | undefined {
  const cluster = clusterFromTags(tags);
  if (cluster === undefined) return undefined;
  const pick = (nodeGroupKind: NodeGroupKind, nodeGroup: string | undefined): NodeIdentity => ({
    cluster,
    nodeGroupKind,
    ...(nodeGroup ? { nodeGroup } : {}),
  });
  if (tags['eks:nodegroup-name']) return pick('managed', tags['eks:nodegroup-name']);
  if (tags['eks:kubernetes-node-pool-name']) return pick('auto-mode', tags['eks:kubernetes-node-pool-name']);
  const karpenterPool = tags['karpenter.sh/nodepool'] ?? tags['karpenter.sh/provisioner-name'];
  if (karpenterPool) return pick('karpenter', karpenterPool);
  if (tags['eks:eks-cluster-name']) return pick('auto-mode', undefined);
  if (tags['alpha.eksctl.io/nodegroup-name']) return pick('eksctl', tags['alpha.eksctl.io/nodegroup-name']);
  return pick('self-managed', tags['aws:autoscaling:groupName']);
}

/**
 * Tag the VPC resource controller sets on each branch ENI, naming its trunk ENI (with `vpcresources.k8s.aws/vlan-id`
 * and `eks:eni:owner: eks-vpc-resource-controller`).
 *
 * @example
 * branch.tags[TRUNK_ENI_TAG]; // 'eni-0a1b2c3d4e5f00302'
 */
export const TRUNK_ENI_TAG = 'vpcresources.k8s.aws/trunk-eni-id';

/**
 * True for a branch ENI (one SGP pod): `InterfaceType: branch`, description `aws-k8s-branch-eni`.
 *
 * @example
 * inventory.networkInterfaces.filter(isBranchEni).length; // SGP pods in the region
 */
export function isBranchEni(eni: Pick<NetworkInterface, 'interfaceType' | 'description'>): boolean {
  return eni.interfaceType === 'branch' || eni.description === 'aws-k8s-branch-eni';
}

/**
 * True for a trunk ENI: `InterfaceType: trunk`, description `aws-k8s-trunk-eni`. It holds no pod IP.
 *
 * @example
 * inventory.networkInterfaces.some((eni) => isTrunkEni(eni) && eni.attachment?.instanceId === instanceId);
 */
export function isTrunkEni(eni: Pick<NetworkInterface, 'interfaceType' | 'description'>): boolean {
  return eni.interfaceType === 'trunk' || eni.description === 'aws-k8s-trunk-eni';
}

/**
 * True for the ENI of an EKS Fargate pod (its description starts with `[Fargate]`).
 *
 * @example
 * isFargateEni(eni); // false for node and branch ENIs
 */
export function isFargateEni(eni: NetworkInterface): boolean {
  return /^\[fargate\]/i.test(eni.description);
}

/**
 * The AWS service that owns an ENI, from its requester id, interface type or description; undefined for ENIs of
 * instances and unknown owners. DocumentDB and Neptune ENIs are created by RDS and read as `RDS`.
 *
 * @example
 * serviceOfNetworkInterface({ requesterId: 'amazon-rds', description: 'RDSNetworkInterface', … }); // 'RDS'
 */
export function serviceOfNetworkInterface(eni: NetworkInterface): string | undefined {
  const requester = eni.requesterId ?? '';
  const description = eni.description;
  const type = eni.interfaceType;
  if (requester === 'amazon-rds' || description === 'RDSNetworkInterface') return 'RDS';
  if (requester === 'amazon-elasticache' || description.startsWith('ElastiCache')) return 'ElastiCache';
  if (requester === 'amazon-redshift' || description.startsWith('RedshiftNetworkInterface')) return 'Redshift';
  if (requester === 'amazon-elasticsearch' || requester === 'amazon-opensearch' || description.startsWith('ES '))
    return 'OpenSearch';
  if (type === 'efs' || /EFS mount target/.test(description)) return 'EFS';
  if (description.includes('Amazon MSK network interface')) return 'MSK';
  if (type === 'lambda' || description.startsWith('AWS Lambda VPC ENI')) return 'Lambda';
  if (
    type === 'network_load_balancer' ||
    type === 'gateway_load_balancer' ||
    description.startsWith('ELB ') ||
    requester === 'amazon-elb'
  )
    return 'Load balancer';
  if (type === 'vpc_endpoint' || description.startsWith('VPC Endpoint Interface')) return 'VPC endpoint';
  return undefined;
}
