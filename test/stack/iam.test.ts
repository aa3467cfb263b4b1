/**
 * Each function's IAM policy against the SDK commands its bundled code can send: every file in `functions/` is
 * bundled here as SST bundles it, and the actions the stack attaches (`stackFunctionPermissions`, what sst.config.ts
 * calls) must equal the actions of the commands esbuild kept, no more and no fewer.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { requiredReads } from '@podnet-guard/core';
import {
  actionsForCommands,
  BUNDLED_NOT_SENT,
  COMMAND_ACTIONS,
  commandKey,
  commandsInBundle,
  EXTRA_ACTIONS,
  FUNCTION_COMMANDS,
  functionPermissions,
  STACK_FUNCTIONS,
  stackFunctionPermissions,
  UnmappedCommandError,
} from '@podnet-guard/stack-tools';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BundleReport, bundleFunction, functionEntries, ROOT } from '../../scripts/bundle.ts';

const RESOURCES = {
  findingsTable: 'arn:aws:dynamodb:eu-west-1:111122223333:table/findings',
  findingsTableIndexes: 'arn:aws:dynamodb:eu-west-1:111122223333:table/findings/index/*',
  alertsTopic: 'arn:aws:sns:eu-west-1:111122223333:alerts',
  findingsBus: 'arn:aws:events:eu-west-1:111122223333:event-bus/findings',
  failureQueue: 'arn:aws:sqs:eu-west-1:111122223333:failed',
  credentialSecret: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:slack-AbCdEf',
  slackPendingQueue: 'arn:aws:sqs:eu-west-1:111122223333:slack-pending',
  configParameters: 'arn:aws:ssm:eu-west-1:111122223333:parameter/podnet-guard/prod/*',
  configObject: 'arn:aws:s3:::acme-config/podnet-guard/config.json',
};

const entries = functionEntries();
const names = entries.map((entry) => entry.slice(entry.lastIndexOf('/') + 1, -'.ts'.length));
const bundles = new Map<string, BundleReport>();

beforeAll(async () => {
  for (const entry of entries) {
    const report = await bundleFunction(entry);
    bundles.set(report.name, report);
  }
}, 120_000);

function bundleOf(name: string): BundleReport {
  const report = bundles.get(name);
  if (!report) throw new Error(`${name} was not bundled`);
  return report;
}

function actionsOf(statements: { actions: string[] }[]): string[] {
  return [...new Set(statements.flatMap((statement) => statement.actions))].sort();
}

describe('the functions the stack deploys', () => {
  it('are every file in functions/, and only those', () => {
    expect(names.length).toBeGreaterThan(0);
    expect(STACK_FUNCTIONS.map((fn) => fn.name).sort()).toEqual([...names].sort());
  });

  it.each(STACK_FUNCTIONS.map((fn) => [fn.name, fn] as const))('%s: the handler file exists', (_name, fn) => {
    const [file, exported] = fn.handler.split('.') as [string, string];
    expect(existsSync(join(ROOT, `${file}.ts`))).toBe(true);
    expect(exported).toBe('handler');
  });

  it.each(names)('%s bundles with esbuild and exports handler', (name) => {
    const report = bundleOf(name);
    expect(report.bytes).toBeGreaterThan(0);
    const outputs = Object.values(report.metafile.outputs);
    expect(outputs.flatMap((output) => output.exports)).toContain('handler');
    // Prints what `npm run bundle` prints, so the test log shows each bundle's size.
    process.stderr.write(`${name}: ${(report.bytes / 1024).toFixed(1)} KiB, ${report.commands.length} SDK commands\n`);
  });
});

describe.each(names)('%s', (name) => {
  it('keeps the SDK clients as ES modules, so unused commands are dropped', () => {
    const inputs = Object.keys(bundleOf(name).metafile.inputs);
    expect(inputs.some((path) => /@aws-sdk\/client-[a-z0-9-]+\/dist-es\//.test(path))).toBe(true);
    expect(inputs.filter((path) => /@aws-sdk\/client-[a-z0-9-]+\/dist-cjs\//.test(path))).toEqual([]);
    // client-ec2 exports hundreds of commands; a bundle that kept them all would not be least privilege.
    expect(bundleOf(name).commands.length).toBeLessThan(60);
  });

  it('has a command list that matches its bundle (else run npm run gen:iam)', () => {
    expect(FUNCTION_COMMANDS[name]).toEqual(bundleOf(name).commands.map(commandKey));
  });

  it('gets exactly the actions of the commands its bundle can send, plus its listed extras', () => {
    const statements = stackFunctionPermissions(name, RESOURCES);
    const fn = STACK_FUNCTIONS.find((candidate) => candidate.name === name);
    const extras = (fn?.extras ?? []).flatMap((extra) => EXTRA_ACTIONS[extra].actions);
    const fromCode = actionsForCommands(bundleOf(name).commands);
    expect(fromCode.length).toBeGreaterThan(0);
    expect(actionsOf(statements)).toEqual([...new Set([...fromCode, ...extras])].sort());
  });

  it('has no wildcard action, and a * resource only for account-wide reads', () => {
    for (const statement of stackFunctionPermissions(name, RESOURCES)) {
      for (const action of statement.actions) expect(action).not.toContain('*');
      if (statement.resources.includes('*')) {
        expect(statement.resources).toEqual(['*']);
        for (const action of statement.actions) expect(action).toMatch(/^(ec2|eks|autoscaling):(Describe|List|Get)/);
      }
    }
  });
});

describe('the CloudTrail-event function', () => {
  const statements = () => stackFunctionPermissions('on-cloudtrail-event', RESOURCES);

  it('publishes with sns:Publish on the alerts topic only (PublishBatch has no action of its own)', () => {
    expect(FUNCTION_COMMANDS['on-cloudtrail-event']).toContain('@aws-sdk/client-sns:PublishBatchCommand');
    const publish = statements().filter((s) => s.actions.some((a) => a.startsWith('sns:')));
    expect(publish).toEqual([{ actions: ['sns:Publish'], resources: [RESOURCES.alertsTopic] }]);
    expect(actionsOf(statements())).not.toContain('sns:PublishBatch');
  });

  it('reads the inventory it loads: DescribeSecurityGroups, GetSubnetCidrReservations, EKS and Auto Scaling', () => {
    const actions = actionsOf(statements());
    expect(actions).toEqual(
      expect.arrayContaining([
        'ec2:DescribeSecurityGroups',
        'ec2:GetSubnetCidrReservations',
        'eks:DescribeCluster',
        'autoscaling:DescribeAutoScalingGroups',
      ]),
    );
    expect(
      actions.filter((action) => /^(ec2|eks|autoscaling):/.test(action) && !/:(Describe|List|Get)/.test(action)),
    ).toEqual([]);
  });

  it('acts on the table and its indexes, the bus and the failure queue by ARN', () => {
    const byAction = new Map(statements().flatMap((s) => s.actions.map((a) => [a, s.resources] as const)));
    expect(byAction.get('dynamodb:PutItem')).toEqual([RESOURCES.findingsTable]);
    expect(byAction.get('dynamodb:Query')).toEqual([RESOURCES.findingsTable, RESOURCES.findingsTableIndexes]);
    expect(byAction.get('events:PutEvents')).toEqual([RESOURCES.findingsBus]);
    expect(byAction.get('sqs:SendMessage')).toEqual([RESOURCES.failureQueue]);
  });
});

describe('the sweep function', () => {
  // Snapshot keys spell the CLI's operation names; one differs from its IAM action.
  const ACTION_OF_READ: Record<string, string> = { DescribeSubnetCidrReservations: 'ec2:GetSubnetCidrReservations' };
  const SERVICE_OF_READ: Record<string, string> = {
    DescribeCluster: 'eks',
    DescribeNodegroup: 'eks',
    DescribeAddon: 'eks',
    DescribeAutoScalingGroups: 'autoscaling',
  };

  it('may make every read the detectors declare (requiredReads)', () => {
    const actions = actionsOf(stackFunctionPermissions('sweep', RESOURCES));
    const wanted = requiredReads().map((read) => ACTION_OF_READ[read] ?? `${SERVICE_OF_READ[read] ?? 'ec2'}:${read}`);
    expect(wanted.length).toBeGreaterThan(0);
    expect(actions).toEqual(expect.arrayContaining(wanted));
  });
});

describe('commandsInBundle', () => {
  const input = (bytesInOutput: number) => ({ bytesInOutput });
  const metafile = (inputs: Record<string, { bytesInOutput: number }>) => ({ outputs: { 'out.js': { inputs } } });

  it('lists the command modules that contributed bytes, by client', () => {
    const commands = commandsInBundle(
      metafile({
        'node_modules/@aws-sdk/client-ec2/dist-es/commands/DescribeVpcsCommand.js': input(52),
        'node_modules/@aws-sdk/client-sns/dist-es/commands/PublishBatchCommand.js': input(55),
        'node_modules/@aws-sdk/client-ec2/dist-es/EC2Client.js': input(900),
        'packages/aws/src/commands/FakeCommand.js': input(10),
      }),
    );
    expect(commands).toEqual([
      { client: '@aws-sdk/client-ec2', command: 'DescribeVpcsCommand' },
      { client: '@aws-sdk/client-sns', command: 'PublishBatchCommand' },
    ]);
  });

  it('skips command modules that tree-shaking dropped (0 bytes in the output)', () => {
    const commands = commandsInBundle(
      metafile({ 'node_modules/@aws-sdk/client-ec2/dist-es/commands/TerminateInstancesCommand.js': input(0) }),
    );
    expect(commands).toEqual([]);
  });

  it('refuses a client bundled from its single CommonJS file, where commands cannot be told apart', () => {
    expect(() =>
      commandsInBundle(metafile({ 'node_modules/@aws-sdk/client-ec2/dist-cjs/index.js': input(10) })),
    ).toThrow(/dist-cjs/);
  });
});

describe('COMMAND_ACTIONS', () => {
  // The listed exceptions to "<service>:<command name without Command>".
  const EXCEPTIONS: Record<string, string[]> = { PublishBatchCommand: ['sns:Publish'] };

  it.each(Object.entries(COMMAND_ACTIONS))('%s: every entry is a real command export', async (client, commands) => {
    const module = (await import(client)) as Record<string, unknown>;
    for (const command of Object.keys(commands)) expect(typeof module[command], command).toBe('function');
  });

  it.each(Object.entries(COMMAND_ACTIONS))(
    '%s: actions follow the command names but for the listed exceptions',
    (_c, commands) => {
      for (const [command, grant] of Object.entries(commands)) {
        const expected = EXCEPTIONS[command] ?? [
          `${grant.actions[0]?.split(':')[0]}:${command.replace(/Command$/, '')}`,
        ];
        expect(grant.actions, command).toEqual(expected);
        expect(grant.actions.join(), command).not.toContain('*');
      }
    },
  );

  it('ignores only the commands a client bundles but never sends', () => {
    expect(actionsForCommands([{ client: '@aws-sdk/client-dynamodb', command: 'DescribeEndpointsCommand' }])).toEqual(
      [],
    );
    expect(BUNDLED_NOT_SENT['@aws-sdk/client-ec2']).toBeUndefined();
  });

  it('fails loudly, naming each command, when a bundle sends a command it does not map', () => {
    const call = () =>
      actionsForCommands([
        { client: '@aws-sdk/client-ec2', command: 'DescribeVpcsCommand' },
        { client: '@aws-sdk/client-ec2', command: 'RevokeSecurityGroupIngressCommand' },
        { client: '@aws-sdk/client-lambda', command: 'InvokeCommand' },
      ]);
    expect(call).toThrow(UnmappedCommandError);
    expect(call).toThrow(/RevokeSecurityGroupIngressCommand.*client-lambda InvokeCommand/);
  });
});

describe('functionPermissions', () => {
  it('refuses to grant on a resource it was not given, rather than on *', () => {
    expect(() =>
      functionPermissions([{ client: '@aws-sdk/client-eventbridge', command: 'PutEventsCommand' }], {
        alertsTopic: RESOURCES.alertsTopic,
      }),
    ).toThrow(/findingsBus/);
  });

  it('groups actions by the resources they act on', () => {
    const statements = functionPermissions(
      [
        { client: '@aws-sdk/client-dynamodb', command: 'GetItemCommand' },
        { client: '@aws-sdk/client-dynamodb', command: 'PutItemCommand' },
        { client: '@aws-sdk/client-ec2', command: 'DescribeVpcsCommand' },
        { client: '@aws-sdk/client-eks', command: 'ListClustersCommand' },
      ],
      RESOURCES,
    );
    expect(statements).toEqual([
      { actions: ['dynamodb:GetItem', 'dynamodb:PutItem'], resources: [RESOURCES.findingsTable] },
      { actions: ['ec2:DescribeVpcs', 'eks:ListClusters'], resources: ['*'] },
    ]);
  });

  it('adds an extra grant only when the function names it', () => {
    const commands = [{ client: '@aws-sdk/client-ec2', command: 'DescribeVpcsCommand' }];
    expect(actionsOf(functionPermissions(commands, RESOURCES))).toEqual(['ec2:DescribeVpcs']);
    expect(actionsOf(functionPermissions(commands, RESOURCES, ['failureQueue']))).toEqual([
      'ec2:DescribeVpcs',
      'sqs:SendMessage',
    ]);
  });
});

describe('the remediate function and the GitHub client', () => {
  const inputsOf = (name: string) =>
    Object.values(bundleOf(name).metafile.outputs).flatMap((output) =>
      Object.entries(output.inputs)
        .filter(([, input]) => input.bytesInOutput > 0)
        .map(([path]) => path),
    );

  it('is the only bundle that carries octokit: nothing new on the CloudTrail hot path', () => {
    expect(inputsOf('remediate').some((path) => path.includes('node_modules/@octokit/'))).toBe(true);
    for (const name of names.filter((candidate) => candidate !== 'remediate'))
      expect(inputsOf(name).filter((path) => /node_modules\/(?:@octokit|bottleneck)\//.test(path))).toEqual([]);
  });

  it('reads its GitHub secret and the parameters, updates the finding, and announces on the bus and topic', () => {
    const statements = stackFunctionPermissions('remediate', RESOURCES);
    const resourcesOf = (action: string) => statements.find((s) => s.actions.includes(action))?.resources;
    expect(resourcesOf('secretsmanager:GetSecretValue')).toEqual([RESOURCES.credentialSecret]);
    expect(resourcesOf('ssm:GetParameter')).toEqual([RESOURCES.configParameters]);
    expect(resourcesOf('dynamodb:UpdateItem')).toEqual([RESOURCES.findingsTable]);
    expect(resourcesOf('events:PutEvents')).toEqual([RESOURCES.findingsBus]);
    expect(resourcesOf('sns:Publish')).toEqual([RESOURCES.alertsTopic]);
    expect(actionsOf(statements).filter((action) => action.startsWith('ec2:'))).toEqual([]);
  });

  it('gets s3:GetObject only when a config object is given, never on *', () => {
    const { configObject: _omitted, ...withoutObject } = RESOURCES;
    expect(actionsOf(stackFunctionPermissions('on-cloudtrail-event', withoutObject))).not.toContain('s3:GetObject');
    const withObject = stackFunctionPermissions('on-cloudtrail-event', RESOURCES);
    expect(withObject.find((s) => s.actions.includes('s3:GetObject'))?.resources).toEqual([RESOURCES.configObject]);
  });
});
