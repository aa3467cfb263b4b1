/**
 * What an EC2 error code on a trunk or branch call means and what to do about it, for the failed-call rules
 * (`trunk-create-failed`, `trunk-attach-failed`, `branch-create-failed`).
 */
import { LINKS } from '../../render/links.ts';
import type { Link } from '../../types/finding.ts';
import { TRUNK_LINKS as LOCAL_LINKS } from './links.ts';

/** What an EC2 error code on a trunk or branch call means, and what to do about it. */
export interface ErrorMeaning {
  meaning: string;
  action: string;
  links: Link[];
}

/**
 * Error codes (without `Client.`/`Server.`) the VPC resource controller meets, matched by suffix so `Client.X` and a
 * bare `X` read the same.
 */
const ERROR_MEANINGS: Record<string, ErrorMeaning> = {
  InsufficientFreeAddressesInSubnet: {
    meaning: 'the subnet has no free IP address left for the ENI',
    action:
      'Free addresses in the subnet (lower WARM_IP_TARGET/WARM_ENI_TARGET, remove leaked ENIs) or give the nodes and pods more address space (a larger or additional subnet, a secondary VPC CIDR with custom networking).',
    links: [LOCAL_LINKS.subnetIps, LOCAL_LINKS.cniWarmPool],
  },
  UnauthorizedOperation: {
    meaning: 'the cluster IAM role may not manage ENIs: it lacks the AmazonEKSVPCResourceController managed policy',
    action:
      'Attach the AmazonEKSVPCResourceController managed policy to the cluster IAM role (and check that no SCP or permissions boundary denies ec2:CreateNetworkInterface or ec2:AttachNetworkInterface).',
    links: [LOCAL_LINKS.resourceControllerPolicy, LINKS.securityGroupsForPods],
  },
  AccessDenied: {
    meaning: 'the cluster IAM role may not manage ENIs: it lacks the AmazonEKSVPCResourceController managed policy',
    action:
      'Attach the AmazonEKSVPCResourceController managed policy to the cluster IAM role (and check SCPs and permissions boundaries).',
    links: [LOCAL_LINKS.resourceControllerPolicy, LINKS.securityGroupsForPods],
  },
  NetworkInterfaceLimitExceeded: {
    meaning: 'the account reached its quota of network interfaces in this Region',
    action:
      'Request a higher "Network interfaces per Region" quota in Service Quotas and delete available (unattached) ENIs that leaked.',
    links: [LOCAL_LINKS.eniQuota],
  },
  AttachmentLimitExceeded: {
    meaning: 'the instance has no free ENI slot (device index) left for the trunk',
    action:
      "Replace the node so the trunk is attached before the CNI's warm ENIs fill its slots, and keep a slot free: lower WARM_ENI_TARGET or use WARM_IP_TARGET/MINIMUM_IP_TARGET or prefix delegation.",
    links: [LOCAL_LINKS.cniWarmPool, LINKS.securityGroupsForPods],
  },
  SecurityGroupsPerInterfaceLimitExceeded: {
    meaning: 'the SecurityGroupPolicy names more security groups than an ENI may carry',
    action:
      'Use fewer security groups in the SecurityGroupPolicy, or raise the "Security groups per network interface" quota.',
    links: [LOCAL_LINKS.eniQuota],
  },
  'InvalidSecurityGroupID.NotFound': {
    meaning: 'a security group the ENI should carry does not exist',
    action: 'Fix the SecurityGroupPolicy (or node group) to name existing security groups of the same VPC.',
    links: [LINKS.securityGroupsForPods],
  },
  'InvalidGroup.NotFound': {
    meaning: 'a security group the ENI should carry does not exist',
    action: 'Fix the SecurityGroupPolicy (or node group) to name existing security groups of the same VPC.',
    links: [LINKS.securityGroupsForPods],
  },
  RequestLimitExceeded: {
    meaning: 'EC2 throttled the API calls',
    action: 'The controller retries; if this persists, find the caller that floods the EC2 API in this Region.',
    links: [],
  },
};

/** The meaning of an EC2 error code, matched by suffix (`Client.X` and a bare `X` read the same). */
export function errorMeaning(code: string | undefined): ErrorMeaning {
  if (code) {
    for (const [known, meaning] of Object.entries(ERROR_MEANINGS)) {
      if (code === known || code.endsWith(`.${known}`)) return meaning;
    }
  }
  return {
    meaning: `EC2 answered ${code ?? 'an error'}`,
    action: 'Read the error message, fix its cause, and watch for the controller to retry.',
    links: [LINKS.securityGroupsForPods],
  };
}
