/**
 * IAM derived from code: the SDK commands a function's bundle contains, mapped to IAM actions through an explicit
 * table, grouped into the `permissions` statements the stack attaches. An unmapped command fails loudly, so a new SDK
 * call cannot deploy without a reviewed entry here.
 *
 * Why the bundle: esbuild's metafile lists every `@aws-sdk/client-x/dist-es/commands/<Name>Command.js` module it kept,
 * including commands that paginators import for us (`paginateDescribeAutoScalingGroups` sends
 * `DescribeAutoScalingGroupsCommand` without our code naming it). Only inputs with `bytesInOutput > 0` count: modules
 * that tree-shaking dropped still appear, with 0 bytes.
 */

/** Where an action may act: a stack resource, or `inventory` (account-wide reads, resource `*`). */
export type ResourceKind =
  | 'inventory'
  | 'findingsTable'
  | 'findingsTableIndexes'
  | 'alertsTopic'
  | 'findingsBus'
  | 'credentialSecret'
  | 'configParameters'
  | 'configObject'
  | 'slackPendingQueue';

/** What one SDK command needs: the IAM actions it is authorised by and the resources they act on. */
export interface CommandGrant {
  actions: readonly string[];
  resources: readonly ResourceKind[];
}

/** One SDK command kept in a bundle, e.g. `{ client: '@aws-sdk/client-ec2', command: 'DescribeVpcsCommand' }`. */
export interface SdkCommand {
  client: string;
  command: string;
}

const read = (action: string): CommandGrant => ({ actions: [action], resources: ['inventory'] });
const tableItem = (action: string): CommandGrant => ({ actions: [action], resources: ['findingsTable'] });

/**
 * SDK command class → IAM actions, per client package. Read actions take resource `*`: podnet-guard reads the whole
 * account's network inventory, and most EC2 `Describe*` calls support no resource-level permissions anyway.
 *
 * Exceptions where the action is not `<service>:<CommandName minus "Command">`:
 * - SNS `PublishBatchCommand` is authorised by `sns:Publish` (there is no `sns:PublishBatch` action);
 * - Lambda `InvokeCommand` is authorised by `lambda:InvokeFunction`;
 * - DynamoDB `QueryCommand` also acts on the table's index ARNs (`<table>/index/*`).
 */
export const COMMAND_ACTIONS: Readonly<Record<string, Readonly<Record<string, CommandGrant>>>> = {
  '@aws-sdk/client-ec2': {
    DescribeInstancesCommand: read('ec2:DescribeInstances'),
    DescribeInstanceTypesCommand: read('ec2:DescribeInstanceTypes'),
    DescribeLaunchTemplateVersionsCommand: read('ec2:DescribeLaunchTemplateVersions'),
    DescribeLaunchTemplatesCommand: read('ec2:DescribeLaunchTemplates'),
    DescribeManagedPrefixListsCommand: read('ec2:DescribeManagedPrefixLists'),
    DescribeNetworkInterfacesCommand: read('ec2:DescribeNetworkInterfaces'),
    DescribeSecurityGroupRulesCommand: read('ec2:DescribeSecurityGroupRules'),
    DescribeSecurityGroupsCommand: read('ec2:DescribeSecurityGroups'),
    DescribeSubnetsCommand: read('ec2:DescribeSubnets'),
    DescribeVpcsCommand: read('ec2:DescribeVpcs'),
    GetManagedPrefixListEntriesCommand: read('ec2:GetManagedPrefixListEntries'),
    GetSubnetCidrReservationsCommand: read('ec2:GetSubnetCidrReservations'),
  },
  '@aws-sdk/client-eks': {
    DescribeAddonCommand: read('eks:DescribeAddon'),
    DescribeClusterCommand: read('eks:DescribeCluster'),
    DescribeFargateProfileCommand: read('eks:DescribeFargateProfile'),
    DescribeNodegroupCommand: read('eks:DescribeNodegroup'),
    ListAddonsCommand: read('eks:ListAddons'),
    ListClustersCommand: read('eks:ListClusters'),
    ListFargateProfilesCommand: read('eks:ListFargateProfiles'),
    ListNodegroupsCommand: read('eks:ListNodegroups'),
  },
  '@aws-sdk/client-auto-scaling': {
    DescribeAutoScalingGroupsCommand: read('autoscaling:DescribeAutoScalingGroups'),
  },
  '@aws-sdk/client-dynamodb': {
    DeleteItemCommand: tableItem('dynamodb:DeleteItem'),
    GetItemCommand: tableItem('dynamodb:GetItem'),
    PutItemCommand: tableItem('dynamodb:PutItem'),
    UpdateItemCommand: tableItem('dynamodb:UpdateItem'),
    BatchGetItemCommand: tableItem('dynamodb:BatchGetItem'),
    BatchWriteItemCommand: tableItem('dynamodb:BatchWriteItem'),
    QueryCommand: { actions: ['dynamodb:Query'], resources: ['findingsTable', 'findingsTableIndexes'] },
    ScanCommand: { actions: ['dynamodb:Scan'], resources: ['findingsTable', 'findingsTableIndexes'] },
  },
  '@aws-sdk/client-sns': {
    PublishCommand: { actions: ['sns:Publish'], resources: ['alertsTopic'] },
    PublishBatchCommand: { actions: ['sns:Publish'], resources: ['alertsTopic'] },
  },
  '@aws-sdk/client-eventbridge': {
    PutEventsCommand: { actions: ['events:PutEvents'], resources: ['findingsBus'] },
  },
  '@aws-sdk/client-sqs': {
    ReceiveMessageCommand: { actions: ['sqs:ReceiveMessage'], resources: ['slackPendingQueue'] },
    DeleteMessageCommand: { actions: ['sqs:DeleteMessage'], resources: ['slackPendingQueue'] },
  },
  '@aws-sdk/client-ssm': {
    // The config document (GUARD_CONFIG_PARAMETER) and the remediation kill switch, under the stack's parameter path.
    GetParameterCommand: { actions: ['ssm:GetParameter'], resources: ['configParameters'] },
  },
  '@aws-sdk/client-s3': {
    GetObjectCommand: { actions: ['s3:GetObject'], resources: ['configObject'] },
  },
  '@aws-sdk/client-secrets-manager': {
    GetSecretValueCommand: { actions: ['secretsmanager:GetSecretValue'], resources: ['credentialSecret'] },
  },
};

/**
 * Commands a client bundles for itself that our code never sends with the stack's settings, so they need no action.
 * DynamoDB's client carries `DescribeEndpointsCommand` for endpoint discovery, which it performs only when
 * `AWS_ENABLE_ENDPOINT_DISCOVERY` (or `endpoint_discovery_enabled`) turns it on; the stack sets neither.
 * S3's client carries `CreateSessionCommand` for directory buckets only.
 */
export const BUNDLED_NOT_SENT: Readonly<Record<string, readonly string[]>> = {
  '@aws-sdk/client-dynamodb': ['DescribeEndpointsCommand'],
  // S3 Express One Zone sessions, which the client opens only for directory buckets (`--x-s3` names); the config
  // document lives in a general purpose bucket.
  '@aws-sdk/client-s3': ['CreateSessionCommand'],
};

/**
 * Actions a function needs that no SDK call in its code shows: Lambda itself uses the function's role for these.
 * - `failureQueue`: an asynchronous invocation's on-failure destination (SQS) is written with the function's role,
 *   so `sqs:SendMessage` on that queue.
 * - KMS: none needed. The queues use SSE-SQS and the table DynamoDB's owned key, which need no key policy; the topics
 *   are unencrypted because CloudWatch alarms and EventBridge cannot publish to a topic under the AWS-managed SNS key.
 *   A customer-managed key would add `kms:GenerateDataKey` and `kms:Decrypt` here.
 */
export const EXTRA_ACTIONS = {
  failureQueue: { actions: ['sqs:SendMessage'], reason: 'Lambda on-failure destination (asynchronous invocations)' },
} as const;

/** The name of an extra grant in `EXTRA_ACTIONS`. */
export type ExtraGrant = keyof typeof EXTRA_ACTIONS;

/**
 * Resources a deployment may not have: a statement that needs only these is left out when the resource is not given
 * (the code reads it only when configured: `GUARD_CONFIG_S3_URI`), never widened to `*`.
 */
export const OPTIONAL_RESOURCES: readonly ResourceKind[] = ['configObject'];

/** A command kept in a bundle that `COMMAND_ACTIONS` does not know: add an entry (after checking its IAM action). */
export class UnmappedCommandError extends Error {
  readonly commands: SdkCommand[];
  constructor(commands: SdkCommand[]) {
    super(
      `no IAM action is mapped for ${commands.map((c) => `${c.client} ${c.command}`).join(', ')}; ` +
        'add it to COMMAND_ACTIONS in packages/stack-tools/src/iam.ts',
    );
    this.name = 'UnmappedCommandError';
    this.commands = commands;
  }
}

/** The part of esbuild's `Metafile` this module reads (structural, so stack-tools needs no esbuild import). */
export interface MetafileLike {
  outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>;
}

const COMMAND_INPUT = /node_modules\/(@aws-sdk\/client-[a-z0-9-]+)\/dist-[a-z]+\/commands\/([A-Za-z0-9]+Command)\.js$/;
const CJS_CLIENT_INPUT = /node_modules\/(@aws-sdk\/client-[a-z0-9-]+)\/dist-cjs\/index\.js$/;

/**
 * The SDK commands esbuild kept in a bundle (inputs that contributed bytes to the output), sorted by client and name.
 * Throws when a client came in as its CommonJS build: that build is one file holding every command, so the metafile
 * cannot tell which are sent (bundle with `mainFields: ['module', 'main']`, as SST does).
 *
 * @example
 * commandsInBundle(result.metafile); // [{ client: '@aws-sdk/client-ec2', command: 'DescribeVpcsCommand' }, …]
 */
export function commandsInBundle(metafile: MetafileLike): SdkCommand[] {
  const found = new Map<string, SdkCommand>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [path, input] of Object.entries(output.inputs)) {
      if (input.bytesInOutput <= 0) continue;
      const cjs = CJS_CLIENT_INPUT.exec(path);
      if (cjs) throw new Error(`${cjs[1]} was bundled from dist-cjs; its commands cannot be told apart`);
      const match = COMMAND_INPUT.exec(path);
      if (match) found.set(`${match[1]} ${match[2]}`, { client: match[1] as string, command: match[2] as string });
    }
  }
  return [...found.values()].sort((a, b) => a.client.localeCompare(b.client) || a.command.localeCompare(b.command));
}

/** The grant for one command, `undefined` for a command listed in `BUNDLED_NOT_SENT`; throws for an unmapped one. */
function grantFor(command: SdkCommand): CommandGrant | undefined {
  if (BUNDLED_NOT_SENT[command.client]?.includes(command.command)) return undefined;
  const grant = COMMAND_ACTIONS[command.client]?.[command.command];
  if (!grant) throw new UnmappedCommandError([command]);
  return grant;
}

/**
 * The sorted IAM actions for a set of SDK commands. Throws `UnmappedCommandError` naming every unknown command.
 *
 * @example
 * actionsForCommands([{ client: '@aws-sdk/client-sns', command: 'PublishBatchCommand' }]); // ['sns:Publish']
 */
export function actionsForCommands(commands: readonly SdkCommand[]): string[] {
  const unknown = commands.filter(
    (c) => !BUNDLED_NOT_SENT[c.client]?.includes(c.command) && !COMMAND_ACTIONS[c.client]?.[c.command],
  );
  if (unknown.length > 0) throw new UnmappedCommandError(unknown);
  return [...new Set(commands.flatMap((command) => grantFor(command)?.actions ?? []))].sort();
}

/** The ARNs (or Pulumi outputs of ARNs) of the stack resources the functions act on. */
export type StackResources<T> = Partial<Record<Exclude<ResourceKind, 'inventory'> | ExtraGrant, T>>;

/** One IAM statement in the shape of SST's `permissions` entries. */
export interface PermissionStatement<T> {
  actions: string[];
  resources: (T | '*')[];
}

/**
 * The `permissions` for one function: its commands' actions grouped by the resources they act on, plus the extra
 * grants it names. A resource a command needs but `resources` lacks is an error, never a silent `*`.
 *
 * @example
 * functionPermissions(FUNCTION_COMMANDS['on-cloudtrail-event'], { findingsTable: table.arn, … }, ['failureQueue']);
 */
export function functionPermissions<T>(
  commands: readonly SdkCommand[],
  resources: StackResources<T>,
  extras: readonly ExtraGrant[] = [],
): PermissionStatement<T>[] {
  actionsForCommands(commands); // fails on unmapped commands, naming all of them
  const byResources = new Map<string, { kinds: readonly string[]; actions: Set<string> }>();
  const add = (kinds: readonly string[], actions: readonly string[]): void => {
    const key = kinds.join('+');
    const entry = byResources.get(key) ?? { kinds, actions: new Set<string>() };
    for (const action of actions) entry.actions.add(action);
    byResources.set(key, entry);
  };
  for (const command of commands) {
    const grant = grantFor(command);
    if (grant) add(grant.resources, grant.actions);
  }
  for (const extra of extras) add([extra], EXTRA_ACTIONS[extra].actions);
  return [...byResources.values()]
    .filter(
      ({ kinds }) =>
        !kinds.every(
          (kind) =>
            OPTIONAL_RESOURCES.includes(kind as ResourceKind) &&
            resources[kind as keyof StackResources<T>] === undefined,
        ),
    )
    .sort((a, b) => a.kinds.join('+').localeCompare(b.kinds.join('+')))
    .map(({ kinds, actions }) => ({
      actions: [...actions].sort(),
      resources: kinds.map((kind): T | '*' => {
        if (kind === 'inventory') return '*';
        const resource = resources[kind as keyof StackResources<T>];
        if (resource === undefined) throw new Error(`a permission needs the ${kind} resource, which was not given`);
        return resource;
      }),
    }));
}

/**
 * Parses the `client:Command` keys of `FUNCTION_COMMANDS` back into commands.
 *
 * @example
 * parseCommandKey('@aws-sdk/client-ec2:DescribeVpcsCommand'); // { client: '@aws-sdk/client-ec2', command: 'DescribeVpcsCommand' }
 */
export function parseCommandKey(key: string): SdkCommand {
  const at = key.lastIndexOf(':');
  if (at <= 0) throw new Error(`not a client:Command key: ${key}`);
  return { client: key.slice(0, at), command: key.slice(at + 1) };
}

/** The `client:Command` key of a command, as `FUNCTION_COMMANDS` stores it. */
export function commandKey(command: SdkCommand): string {
  return `${command.client}:${command.command}`;
}
