import type { Link } from '../types/finding.ts';

/** Documentation the recommendations point to: the better tools than a wide node SG. */
export const LINKS = {
  securityGroupsForPods: {
    title: 'Security groups for pods',
    url: 'https://docs.aws.amazon.com/eks/latest/userguide/security-groups-for-pods.html',
  },
  podIdentity: {
    title: 'EKS Pod Identity',
    url: 'https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html',
  },
  irsa: {
    title: 'IAM roles for service accounts',
    url: 'https://docs.aws.amazon.com/eks/latest/userguide/iam-roles-for-service-accounts.html',
  },
  networkPolicies: {
    title: 'Kubernetes network policies on EKS',
    url: 'https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy.html',
  },
  dedicatedNodeGroups: {
    title: 'Isolate workloads on dedicated node groups (taints and tolerations)',
    url: 'https://docs.aws.amazon.com/eks/latest/best-practices/multi-tenancy.html',
  },
  securityGroupRequirements: {
    title: 'Amazon EKS security group requirements',
    url: 'https://docs.aws.amazon.com/eks/latest/userguide/sec-group-reqs.html',
  },
  remoteAccess: {
    title: 'Managed node group remote access',
    url: 'https://docs.aws.amazon.com/eks/latest/APIReference/API_RemoteAccessConfig.html',
  },
  loadBalancerSourceRanges: {
    title: 'Restrict a LoadBalancer Service with loadBalancerSourceRanges',
    url: 'https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/annotations/',
  },
} as const satisfies Record<string, Link>;
