/** Documentation the trunk ENI findings link to, besides the shared `render/links.ts`. */
import type { Link } from '../../types/finding.ts';

export const TRUNK_LINKS = {
  resourceControllerPolicy: {
    title: 'AmazonEKSVPCResourceController managed policy',
    url: 'https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonEKSVPCResourceController.html',
  },
  sgpInstanceTypes: {
    title: 'Security groups for pods: supported instance types and limits',
    url: 'https://docs.aws.amazon.com/eks/latest/userguide/sg-pods-example-deployment.html',
  },
  cniWarmPool: {
    title: 'VPC CNI warm pool settings (WARM_ENI_TARGET, WARM_IP_TARGET, MINIMUM_IP_TARGET)',
    url: 'https://github.com/aws/amazon-vpc-cni-k8s/blob/master/docs/eni-and-ip-target.md',
  },
  eniQuota: {
    title: 'Amazon VPC quotas: network interfaces per Region',
    url: 'https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html',
  },
  subnetIps: {
    title: 'EKS subnet requirements (free IP addresses)',
    url: 'https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html',
  },
} as const satisfies Record<string, Link>;
