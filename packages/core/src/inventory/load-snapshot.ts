/**
 * The snapshot loader: validates a snapshot (a JSON file assembled from AWS CLI output, or the live loader's answers
 * in the same shape) and normalises it into `InventoryData`. One code path serves both, so a bug seen live can be
 * replayed from a file.
 */
import { SnapshotFormatError } from '../errors.ts';
import { type InventoryData, SNAPSHOT_KEYS, type SnapshotKey } from '../types/inventory.ts';
import { loadAutoScalingGroups, loadInstances, loadInstanceTypes, loadLaunchTemplateVersions } from './load-compute.ts';
import { fromArn, loadAddons, loadClusters, loadNodeGroups } from './load-eks.ts';
import { loadNetworkInterfaces, loadSubnetCidrReservations, loadSubnets, loadVpcs } from './load-network.ts';
import { loadPrefixLists, loadSecurityGroupRules, loadSecurityGroups } from './load-security-groups.ts';
import type { LoadContext, Raw } from './snapshot-parse.ts';

export { LAUNCH_TEMPLATE_ID_TAG, LAUNCH_TEMPLATE_VERSION_TAG } from './load-compute.ts';

/**
 * Validates a snapshot and normalises it into `InventoryData`. Each key holds one AWS response as the CLI prints it
 * (the SDK's shape is accepted too: `$metadata` is ignored, dates may be `Date` objects). An absent key is listed in
 * `missing` and its collection is empty; unknown keys are ignored. When `DescribeSecurityGroupRules` is absent the
 * rules are derived from the groups' `IpPermissions` (one rule per peer, ids `<groupId>/<direction>/<n>`).
 *
 * @throws SnapshotFormatError naming the key and the path of the first wrong field.
 * @example
 * const data = loadSnapshot(JSON.parse(text), { path: 'snapshot.json' });
 * data.missing; // e.g. ['DescribeAddon']
 */
export function loadSnapshot(raw: unknown, context: LoadContext = {}): InventoryData {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new SnapshotFormatError(`${context.path ? `${context.path}: ` : ''}a snapshot must be a JSON object`, {
      ...(context.path === undefined ? {} : { path: context.path }),
      issues: [{ path: '(root)', message: 'expected an object' }],
    });
  }
  const record = raw as Record<string, unknown>;
  for (const field of ['account', 'region'] as const) {
    if (record[field] !== undefined && typeof record[field] !== 'string') {
      throw new SnapshotFormatError(`${context.path ? `${context.path}: ` : ''}snapshot ${field} must be a string`, {
        ...(context.path === undefined ? {} : { path: context.path }),
        key: field,
        issues: [{ path: field, message: 'expected a string' }],
      });
    }
  }
  const present = new Set(SNAPSHOT_KEYS.filter((key) => record[key] !== undefined && record[key] !== null));
  const rawKeys: Raw = Object.fromEntries([...present].map((key) => [key, record[key]]));
  const has = (key: SnapshotKey) => present.has(key);

  const { groups, derivedRules } = has('DescribeSecurityGroups')
    ? loadSecurityGroups(rawKeys, context)
    : { groups: [], derivedRules: [] };
  const groupIdsByName = new Map<string, string[]>();
  for (const group of groups) groupIdsByName.set(group.name, [...(groupIdsByName.get(group.name) ?? []), group.id]);

  const clusters = has('DescribeCluster') ? loadClusters(rawKeys, context) : [];
  const arnFacts = fromArn(clusters.find((cluster) => cluster.arn)?.arn);

  return {
    account: (record.account as string | undefined) ?? arnFacts.account ?? groups[0]?.ownerId ?? '',
    region: (record.region as string | undefined) ?? arnFacts.region ?? '',
    vpcs: has('DescribeVpcs') ? loadVpcs(rawKeys, context) : [],
    subnets: has('DescribeSubnets') ? loadSubnets(rawKeys, context) : [],
    securityGroups: groups,
    securityGroupRules: has('DescribeSecurityGroupRules') ? loadSecurityGroupRules(rawKeys, context) : derivedRules,
    networkInterfaces: has('DescribeNetworkInterfaces') ? loadNetworkInterfaces(rawKeys, context) : [],
    instances: has('DescribeInstances') ? loadInstances(rawKeys, context) : [],
    instanceTypes: has('DescribeInstanceTypes') ? loadInstanceTypes(rawKeys, context) : [],
    launchTemplateVersions: has('DescribeLaunchTemplateVersions')
      ? loadLaunchTemplateVersions(rawKeys, context, groupIdsByName)
      : [],
    autoScalingGroups: has('DescribeAutoScalingGroups') ? loadAutoScalingGroups(rawKeys, context) : [],
    subnetCidrReservations: has('DescribeSubnetCidrReservations') ? loadSubnetCidrReservations(rawKeys, context) : [],
    prefixLists: has('GetManagedPrefixListEntries') ? loadPrefixLists(rawKeys, context) : [],
    clusters,
    nodeGroups: has('DescribeNodegroup') ? loadNodeGroups(rawKeys, context) : [],
    addons: has('DescribeAddon') ? loadAddons(rawKeys, context) : [],
    // Rules derived from DescribeSecurityGroups are complete, so DescribeSecurityGroupRules is not missing then.
    missing: SNAPSHOT_KEYS.filter(
      (key) => !has(key) && !(key === 'DescribeSecurityGroupRules' && has('DescribeSecurityGroups')),
    ),
  };
}
