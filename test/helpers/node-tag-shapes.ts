/** Instance tags as EKS, eksctl, Karpenter and self-managed templates write them, and the node each makes (if any). */
import type { Tags } from '@podnet-guard/core';

export interface NodeTagShape {
  name: string;
  tags: Tags;
  cluster: string | undefined;
  kind?: string;
}

/** Tag shapes as each provisioner writes them, and what they make of the instance. */
export const NODE_TAG_SHAPES: NodeTagShape[] = [
  {
    name: 'managed node group',
    tags: { 'eks:cluster-name': 'prod', 'eks:nodegroup-name': 'ng-a' },
    cluster: 'prod',
    kind: 'managed',
  },
  { name: 'aws:eks:cluster-name', tags: { 'aws:eks:cluster-name': 'prod' }, cluster: 'prod', kind: 'self-managed' },
  {
    name: 'eksctl',
    tags: { 'alpha.eksctl.io/cluster-name': 'prod', 'alpha.eksctl.io/nodegroup-name': 'ng-1' },
    cluster: 'prod',
    kind: 'eksctl',
  },
  { name: 'cluster tag owned', tags: { 'kubernetes.io/cluster/prod': 'owned' }, cluster: 'prod', kind: 'self-managed' },
  {
    name: 'cluster tag shared',
    tags: { 'kubernetes.io/cluster/prod': 'shared' },
    cluster: 'prod',
    kind: 'self-managed',
  },
  { name: 'cluster tag 1', tags: { 'kubernetes.io/cluster/prod': '1' }, cluster: 'prod', kind: 'self-managed' },
  {
    name: 'Karpenter v1',
    tags: { 'karpenter.sh/nodepool': 'default', 'eks:eks-cluster-name': 'prod' },
    cluster: 'prod',
    kind: 'karpenter',
  },
  { name: 'EKS Auto Mode', tags: { 'eks:eks-cluster-name': 'prod' }, cluster: 'prod', kind: 'auto-mode' },
  { name: 'cluster tag with another value', tags: { 'kubernetes.io/cluster/prod': 'no' }, cluster: undefined },
  { name: 'cluster tag with no value', tags: { 'kubernetes.io/cluster/prod': '' }, cluster: undefined },
  { name: 'cluster tag with no name', tags: { 'kubernetes.io/cluster/': 'owned' }, cluster: undefined },
  { name: 'a bastion', tags: { Name: 'bastion' }, cluster: undefined },
  { name: 'Karpenter node pool alone', tags: { 'karpenter.sh/nodepool': 'default' }, cluster: undefined },
];
