/**
 * The largest page size each paginated read accepts, so a scan makes as few calls as AWS allows (fewer calls, less
 * throttling). Each value is the documented maximum of the operation's `MaxResults`/`MaxRecords`/`maxResults`:
 *
 * - EC2 API Reference (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/), "Valid Range" of `MaxResults`, and
 *   the EC2 model's constrained shapes (`DescribeSecurityGroupsMaxResults` 5–1000, `DescribeSecurityGroupRulesMaxResults`
 *   5–1000, `DescribeNetworkInterfacesMaxResults` 5–1000, `DescribeSubnetsMaxResults` 5–1000, `DescribeVpcsMaxResults`
 *   5–1000, `DITMaxResults` (DescribeInstanceTypes) 5–100, `GetSubnetCidrReservationsMaxResults` 5–1000).
 * - DescribeInstances: 5–1000 ("This value can be between 5 and 1000"; EC2 refuses it together with `InstanceIds`).
 * - DescribeLaunchTemplateVersions: "This value can be between 1 and 200" (SDK model docs, 3.1169).
 * - GetManagedPrefixListEntries: "Valid Range: Minimum value of 1. Maximum value of 100."
 *   (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_GetManagedPrefixListEntries.html), not 1000.
 * - Auto Scaling DescribeAutoScalingGroups `MaxRecords`: "The maximum value is 100" (SDK model docs); its
 *   `AutoScalingGroupNames` takes up to 50 names by default (`ASG_NAMES_PER_CALL`).
 * - EKS ListClusters, ListNodegroups, ListAddons `maxResults`: "This value can be between 1 and 100"
 *   (https://docs.aws.amazon.com/eks/latest/APIReference/API_ListNodegroups.html).
 */
export const PAGE_SIZE = {
  DescribeVpcs: 1000,
  DescribeSubnets: 1000,
  DescribeSecurityGroups: 1000,
  DescribeSecurityGroupRules: 1000,
  DescribeNetworkInterfaces: 1000,
  DescribeInstances: 1000,
  DescribeInstanceTypes: 100,
  DescribeLaunchTemplateVersions: 200,
  GetSubnetCidrReservations: 1000,
  GetManagedPrefixListEntries: 100,
  DescribeAutoScalingGroups: 100,
  ListClusters: 100,
  ListNodegroups: 100,
  ListAddons: 100,
} as const satisfies Record<string, number>;

/** A paginated operation podnet-guard reads. */
export type PagedOperation = keyof typeof PAGE_SIZE;

/** DescribeInstanceTypes takes at most 100 names in `InstanceTypes` per call. */
export const INSTANCE_TYPES_PER_CALL = 100;

/** DescribeAutoScalingGroups takes at most 50 names in `AutoScalingGroupNames` by default. */
export const ASG_NAMES_PER_CALL = 50;
