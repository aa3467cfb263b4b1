/**
 * What a snapshot file must be before it is judged: an account, a region and at least one known operation key (so
 * `{}` or an event file is refused rather than scanned as an empty account), with no id listed twice and no negative
 * free-address count. Live answers go through `loadSnapshot` alone: this is for files a person assembled.
 */
import { type InputIssue, SnapshotFormatError } from '../errors.ts';
import { SNAPSHOT_KEYS } from '../types/inventory.ts';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const field = (value: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((current, key) => (isObject(current) ? current[key] : undefined), value);

/** Where the items with an id live: key, path to the list, the id of one item. */
interface IdList {
  key: string;
  items: (answer: unknown) => unknown[];
  id: (item: unknown) => unknown;
  path: string;
}

/** An EC2 answer that lists its items under one field, each with an id field. */
const flat = (key: string, listField: string, idField: string): IdList => ({
  key,
  path: listField,
  items: (answer) => list(field(answer, listField)),
  id: (item) => field(item, idField),
});

const ID_LISTS: IdList[] = [
  flat('DescribeVpcs', 'Vpcs', 'VpcId'),
  flat('DescribeSubnets', 'Subnets', 'SubnetId'),
  flat('DescribeSecurityGroups', 'SecurityGroups', 'GroupId'),
  flat('DescribeSecurityGroupRules', 'SecurityGroupRules', 'SecurityGroupRuleId'),
  flat('DescribeNetworkInterfaces', 'NetworkInterfaces', 'NetworkInterfaceId'),
  {
    key: 'DescribeInstances',
    path: 'Reservations[].Instances',
    items: (a) => list(field(a, 'Reservations')).flatMap((r) => list(field(r, 'Instances'))),
    id: (i) => field(i, 'InstanceId'),
  },
  {
    key: 'DescribeCluster',
    path: '[].cluster',
    items: (a) => list(a),
    id: (i) => field(i, 'cluster', 'name'),
  },
  {
    key: 'DescribeNodegroup',
    path: '[].nodegroup',
    items: (a) => list(a),
    id: (i) => {
      const cluster = field(i, 'nodegroup', 'clusterName');
      const name = field(i, 'nodegroup', 'nodegroupName');
      return typeof cluster === 'string' && typeof name === 'string' ? `${cluster}/${name}` : undefined;
    },
  },
];

function duplicateIds(document: Json): InputIssue[] {
  const issues: InputIssue[] = [];
  for (const spec of ID_LISTS) {
    const seen = new Set<string>();
    const reported = new Set<string>();
    for (const item of spec.items(document[spec.key])) {
      const id = spec.id(item);
      if (typeof id !== 'string') continue;
      if (seen.has(id) && !reported.has(id)) {
        reported.add(id);
        issues.push({ path: `${spec.key}.${spec.path}`, message: `${id} is listed more than once` });
      }
      seen.add(id);
    }
  }
  return issues;
}

function negativeCounts(document: Json): InputIssue[] {
  return list(field(document.DescribeSubnets, 'Subnets')).flatMap((subnet, index) => {
    const count = field(subnet, 'AvailableIpAddressCount');
    return typeof count === 'number' && count < 0
      ? [
          {
            path: `DescribeSubnets.Subnets[${index}].AvailableIpAddressCount`,
            message: `${String(field(subnet, 'SubnetId') ?? 'a subnet')} has a negative free-address count (${count})`,
          },
        ]
      : [];
  });
}

/**
 * Every problem of a snapshot document, empty when it can be judged.
 *
 * @example
 * snapshotFileProblems({}); // [{ path: 'account', message: 'missing: …' }, …]
 */
export function snapshotFileProblems(raw: unknown): InputIssue[] {
  if (!isObject(raw)) return [{ path: '(root)', message: 'a snapshot must be a JSON object' }];
  const issues: InputIssue[] = [];
  for (const name of ['account', 'region'] as const) {
    const value = raw[name];
    if (typeof value !== 'string' || value.trim() === '')
      issues.push({ path: name, message: `missing: a snapshot names its ${name} (e.g. "${example[name]}")` });
  }
  if (!SNAPSHOT_KEYS.some((key) => raw[key] !== undefined && raw[key] !== null))
    issues.push({
      path: '(root)',
      message: `no known operation key (${SNAPSHOT_KEYS.slice(0, 3).join(', ')}, …): this is not a snapshot`,
    });
  return [...issues, ...duplicateIds(raw), ...negativeCounts(raw)];
}

const example = { account: '111122223333', region: 'eu-west-1' };

/**
 * Throws when a snapshot file cannot be judged, naming every problem on its own line.
 *
 * @throws SnapshotFormatError with all the problems in `issues`.
 */
export function assertSnapshotFile(raw: unknown, context: { path?: string } = {}): void {
  const issues = snapshotFileProblems(raw);
  if (issues.length === 0) return;
  const lines = issues.map((issue) => `\n  ${issue.path}: ${issue.message}`).join('');
  throw new SnapshotFormatError(
    `${context.path ? `snapshot ${context.path}` : 'the snapshot'} cannot be judged (${issues.length} problem(s)):${lines}`,
    { ...(context.path === undefined ? {} : { path: context.path }), issues },
  );
}
