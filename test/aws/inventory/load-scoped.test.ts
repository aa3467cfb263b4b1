/**
 * Scoped loading: the exact calls each event kind makes (the README's call budget), and proof that the slice answers
 * like the whole account: every event is also evaluated against the full sample account, and the findings must agree.
 * The EC2/EKS mocks answer from `events/inventory/sample-account.json`, applying ids and server-side filters as AWS
 * does (unknown ids fail with `InvalidXxx.NotFound`, ids with `MaxResults` fail with `InvalidParameterCombination`).
 */
import { readFileSync } from 'node:fs';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import {
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
  GetManagedPrefixListEntriesCommand,
} from '@aws-sdk/client-ec2';
import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { createClientSet } from '@podnet-guard/aws';
import { InventoryLoadError } from '@podnet-guard/aws/errors';
import { loadScopedSnapshotForEvent, readsForEvent, totalCalls } from '@podnet-guard/aws/inventory';
import {
  buildInventory,
  type CloudTrailEvent,
  defaultGuardConfig,
  defineDetector,
  defineRule,
  detectors,
  evaluateEvent,
  type Finding,
  loadSnapshot,
  parseCloudTrailEvent,
  type Snapshot,
  type SnapshotKey,
} from '@podnet-guard/core';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadEvent } from '../../helpers/events.ts';
import { NODE_TAG_SHAPES } from '../../helpers/node-tag-shapes.ts';
import { awsError, type Item, type SampleAccount, serveSnapshot } from '../../helpers/sample-aws.ts';

const ec2 = mockClient(EC2Client);
const eks = mockClient(EKSClient);
const autoscaling = mockClient(AutoScalingClient);

const SAMPLE = JSON.parse(
  readFileSync(new URL('../../../events/inventory/sample-account.json', import.meta.url), 'utf8'),
) as SampleAccount;
const REGION = 'eu-west-1';
const NODE_SG = 'sg-0d0de000000000001';
const RDS_SG = 'sg-0db00000000000001';
const BASTION_SG = 'sg-0e0e0000000000001';
const POD_SG = 'sg-0b0d000000000001';
const OPEN_SG = 'sg-0f0f0000000000001';
const VPC = 'vpc-0a1b2c3d4e5f60718';
const NODES = ['i-0a1b2c3d4e5f00001', 'i-0a1b2c3d4e5f00002', 'i-0a1b2c3d4e5f00003'];
const TRUNK = 'eni-0a1b2c3d4e5f00302';
const NOW = '2026-11-01T12:00:00.000Z';

/** The sample account plus `launch-wizard-1`, an SG open to the world on SSH that no ENI carries. */
function sampleWorld(): SampleAccount {
  const world = structuredClone(SAMPLE);
  world.DescribeSecurityGroups.SecurityGroups.push({
    Description: 'launch-wizard-1 created 2026-10-31T17:02:11.000Z',
    GroupName: 'launch-wizard-1',
    GroupId: OPEN_SG,
    OwnerId: world.account,
    VpcId: VPC,
    IpPermissions: [
      { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }], UserIdGroupPairs: [] },
    ],
    IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], UserIdGroupPairs: [] }],
    Tags: [],
  });
  world.DescribeSecurityGroupRules.SecurityGroupRules.push(
    {
      SecurityGroupRuleId: 'sgr-0f0f00000000000a1',
      GroupId: OPEN_SG,
      GroupOwnerId: world.account,
      IsEgress: false,
      IpProtocol: 'tcp',
      FromPort: 22,
      ToPort: 22,
      CidrIpv4: '0.0.0.0/0',
      Tags: [],
    },
    {
      SecurityGroupRuleId: 'sgr-0f0f00000000000e1',
      GroupId: OPEN_SG,
      GroupOwnerId: world.account,
      IsEgress: true,
      IpProtocol: '-1',
      FromPort: -1,
      ToPort: -1,
      CidrIpv4: '0.0.0.0/0',
      Tags: [],
    },
  );
  return world;
}

/** The world after `ModifyInstanceAttribute` gave node i-…0002 the groups [node SG, launch-wizard-1]. */
function worldWithOpenSgOnNode(): SampleAccount {
  const world = sampleWorld();
  const groups = [
    { GroupId: NODE_SG, GroupName: 'prod-nodes' },
    { GroupId: OPEN_SG, GroupName: 'launch-wizard-1' },
  ];
  for (const reservation of world.DescribeInstances.Reservations) {
    for (const instance of reservation.Instances) {
      if (instance.InstanceId !== NODES[1]) continue;
      instance.SecurityGroups = groups;
      for (const eni of instance.NetworkInterfaces as Item[]) if (eni.Attachment) eni.Groups = groups;
    }
  }
  for (const eni of world.DescribeNetworkInterfaces.NetworkInterfaces) {
    if (eni.NetworkInterfaceId === 'eni-0a1b2c3d4e5f00201') eni.Groups = groups;
  }
  return world;
}

// ---------------------------------------------------------------------------------------------------------------

beforeEach(() => {
  // Catch-all first, so any call the plan does not expect fails the test.
  ec2.reset().onAnyCommand().rejects(new Error('unexpected EC2 call'));
  eks.reset().onAnyCommand().rejects(new Error('unexpected EKS call'));
  autoscaling.reset().onAnyCommand().rejects(new Error('unexpected Auto Scaling call'));
});

function parse(raw: unknown): CloudTrailEvent {
  const parsed = parseCloudTrailEvent(raw);
  if (!parsed.ok) throw parsed.error;
  return parsed.event;
}

/** A sample event's JSON, edited in place by a test (the deep paths are the sample's, checked by the parser). */
// biome-ignore lint/suspicious/noExplicitAny: sample JSON edited along known paths
type RawEvent = { detail: Record<string, any> };

function event(eventName: string, caseName: string, edit?: (raw: RawEvent) => void) {
  const raw = loadEvent(eventName, caseName) as RawEvent;
  edit?.(raw);
  return parse(raw);
}

/** What must agree between the scoped and the full evaluation. */
function verdicts(snapshot: Snapshot, cloudTrailEvent: CloudTrailEvent) {
  const result = evaluateEvent(cloudTrailEvent, buildInventory(loadSnapshot(snapshot)), {
    config: defaultGuardConfig(),
    now: NOW,
  });
  return result.findings
    .map((finding: Finding) => ({
      id: finding.id,
      rule: finding.rule,
      status: finding.status,
      severity: finding.severity,
      nodes: finding.blastRadius?.nodes,
      nodeIds: finding.blastRadius?.nodeIds,
      nodeGroups: finding.blastRadius?.nodeGroups,
    }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

/** Loads the slice, and checks it judges the event as the whole account does. */
async function loadAndCompare(world: SampleAccount, cloudTrailEvent: CloudTrailEvent) {
  serveSnapshot(world, ec2, eks);
  const result = await loadScopedSnapshotForEvent(cloudTrailEvent, createClientSet(REGION));
  if (!result) throw new Error('expected a scoped plan');
  const scoped = verdicts(result.snapshot, cloudTrailEvent);
  expect(scoped).toEqual(verdicts(world as Snapshot, cloudTrailEvent));
  // The budget reported is the budget spent.
  expect(totalCalls(result.calls)).toBe(ec2.calls().length + eks.calls().length);
  expect(autoscaling.calls()).toHaveLength(0);
  return { ...result, verdicts: scoped };
}

/** The inputs a mocked client received for one command, in order. */
// biome-ignore lint/suspicious/noExplicitAny: any mocked client and command
function inputsOf(mock: { commandCalls: (command: any) => { args: [{ input: unknown }] }[] }, command: unknown) {
  return mock.commandCalls(command).map((call) => call.args[0].input);
}

const groupFilter = (ids: string[]) => ({ Filters: [{ Name: 'group-id', Values: ids }], MaxResults: 1000 });

describe('loadScopedSnapshotForEvent: SG events', () => {
  it('stops after 3 calls when a world-open rule lands on an SG no ENI carries', async () => {
    const e = event('AuthorizeSecurityGroupIngress', 'world-open-ssh', (raw) => {
      raw.detail.requestParameters.groupId = OPEN_SG;
      raw.detail.responseElements.securityGroupRuleSet.items[0].groupId = OPEN_SG;
    });
    const result = await loadAndCompare(sampleWorld(), e);
    expect(result.verdicts).toEqual([]);
    expect(result.calls).toEqual({
      DescribeSecurityGroups: 1,
      DescribeSecurityGroupRules: 1,
      DescribeNetworkInterfaces: 1,
    });
    expect(totalCalls(result.calls)).toBe(3);
    expect(inputsOf(ec2, DescribeSecurityGroupsCommand)).toContainEqual(groupFilter([OPEN_SG]));
    expect(inputsOf(ec2, DescribeSecurityGroupRulesCommand)).toContainEqual(groupFilter([OPEN_SG]));
    expect(inputsOf(ec2, DescribeNetworkInterfacesCommand)).toContainEqual(groupFilter([OPEN_SG]));
    expect(Object.keys(result.snapshot)).toEqual([
      'account',
      'region',
      'DescribeSecurityGroups',
      'DescribeSecurityGroupRules',
      'DescribeNetworkInterfaces',
    ]);
  });

  it('reads the instance behind the SG, and stops there when it is not an EKS node (bastion): 4 calls', async () => {
    const e = event('AuthorizeSecurityGroupIngress', 'world-open-ssh', (raw) => {
      raw.detail.requestParameters.groupId = BASTION_SG;
      raw.detail.responseElements.securityGroupRuleSet.items[0].groupId = BASTION_SG;
    });
    const result = await loadAndCompare(sampleWorld(), e);
    expect(result.verdicts).toEqual([]);
    expect(result.calls).toEqual({
      DescribeSecurityGroups: 1,
      DescribeSecurityGroupRules: 1,
      DescribeNetworkInterfaces: 1,
      DescribeInstances: 1,
    });
    expect(inputsOf(ec2, DescribeInstancesCommand)).toContainEqual({ InstanceIds: ['i-0b0b0000000000001'] });
    expect(eks.calls()).toHaveLength(0);
  });

  it('runs the node plan when the node SG is opened to 0.0.0.0/0: 7 calls, same finding and blast radius', async () => {
    const e = event('AuthorizeSecurityGroupIngress', 'world-open-ssh');
    const result = await loadAndCompare(sampleWorld(), e);
    expect(result.verdicts).toMatchObject([{ rule: 'world-open-ingress', status: 'open', nodes: 3, nodeIds: NODES }]);
    expect(result.calls).toEqual({
      DescribeSecurityGroups: 1,
      DescribeSecurityGroupRules: 1,
      DescribeNetworkInterfaces: 2,
      DescribeInstances: 1,
      DescribeCluster: 1,
      DescribeVpcs: 1,
    });
    expect(totalCalls(result.calls)).toBe(7);
    // By id: no MaxResults. Filtered: server side, largest page.
    expect(ec2.commandCalls(DescribeInstancesCommand)[0]?.args[0].input).toEqual({ InstanceIds: NODES });
    expect(ec2.commandCalls(DescribeVpcsCommand)[0]?.args[0].input).toEqual({ VpcIds: [VPC] });
    expect(ec2.commandCalls(DescribeNetworkInterfacesCommand).map((call) => call.args[0].input)).toEqual([
      groupFilter([NODE_SG]),
      { Filters: [{ Name: 'tag:vpcresources.k8s.aws/trunk-eni-id', Values: [TRUNK] }], MaxResults: 1000 },
    ]);
    expect(inputsOf(eks, DescribeClusterCommand)).toContainEqual({ name: 'prod' });
    // SGP pods on the SGP node count apart: the branch ENI came from its trunk's tag.
    const full = evaluateEvent(e, buildInventory(loadSnapshot(sampleWorld() as Snapshot)), {
      config: defaultGuardConfig(),
      now: NOW,
    }).findings[0];
    const scoped = evaluateEvent(e, buildInventory(loadSnapshot(result.snapshot)), {
      config: defaultGuardConfig(),
      now: NOW,
    }).findings[0];
    expect(scoped?.blastRadius).toEqual(full?.blastRadius);
  });

  it('reads the pods behind a pod SG opened to 0.0.0.0/0 (their branch ENIs, trunk, node): 7 calls, pod-sg-world-open-ingress', async () => {
    const e = event('AuthorizeSecurityGroupIngress', 'pod-sg-world-open-ssh');
    const result = await loadAndCompare(sampleWorld(), e);
    expect(result.verdicts).toMatchObject([
      { rule: 'pod-sg-world-open-ingress', status: 'open', nodes: 1, nodeIds: [NODES[2]], nodeGroups: ['ng-sgp'] },
    ]);
    expect(result.calls).toEqual({
      DescribeSecurityGroups: 1,
      DescribeSecurityGroupRules: 1,
      DescribeNetworkInterfaces: 2,
      DescribeInstances: 1,
      DescribeCluster: 1,
      DescribeVpcs: 1,
    });
    expect(totalCalls(result.calls)).toBe(7);
    // The branch ENIs that carry the SG now (group-id filter), then the trunk they name, by id.
    expect(inputsOf(ec2, DescribeNetworkInterfacesCommand)).toEqual([
      groupFilter([POD_SG]),
      { NetworkInterfaceIds: [TRUNK] },
    ]);
    expect(inputsOf(ec2, DescribeInstancesCommand)).toEqual([{ InstanceIds: [NODES[2]] }]);
    expect(inputsOf(ec2, DescribeVpcsCommand)).toEqual([{ VpcIds: [VPC] }]);
    const judged = (snapshot: Snapshot) =>
      evaluateEvent(e, buildInventory(loadSnapshot(snapshot)), { config: defaultGuardConfig(), now: NOW }).findings[0];
    expect(judged(result.snapshot)?.blastRadius).toEqual(judged(sampleWorld() as Snapshot)?.blastRadius);
    expect(judged(result.snapshot)?.blastRadius).toMatchObject({ sgpPods: 2, podIps: 0 });
  });

  it('judges nothing as a pod SG when no branch ENI carries the SG now (the pods are gone): 3 calls', async () => {
    const world = sampleWorld();
    world.DescribeNetworkInterfaces.NetworkInterfaces = world.DescribeNetworkInterfaces.NetworkInterfaces.filter(
      (eni) => eni.InterfaceType !== 'branch',
    );
    const result = await loadAndCompare(world, event('AuthorizeSecurityGroupIngress', 'pod-sg-world-open-ssh'));
    expect(result.verdicts).toEqual([]);
    expect(totalCalls(result.calls)).toBe(3);
  });

  it('reads the peer node SG when the RDS SG admits it (source-group): 6 calls, node-sg-granted-to-data-store', async () => {
    const e = event('AuthorizeSecurityGroupIngress', 'source-group');
    const result = await loadAndCompare(sampleWorld(), e);
    expect(result.verdicts).toMatchObject([
      { rule: 'node-sg-granted-to-data-store', status: 'open', severity: 'high', nodes: 3, nodeIds: NODES },
    ]);
    expect(result.calls).toEqual({
      DescribeSecurityGroups: 1,
      DescribeSecurityGroupRules: 1,
      DescribeNetworkInterfaces: 2,
      DescribeInstances: 1,
      DescribeCluster: 1,
    });
    expect(inputsOf(ec2, DescribeSecurityGroupsCommand)).toContainEqual(groupFilter([NODE_SG, RDS_SG]));
    expect(inputsOf(ec2, DescribeNetworkInterfacesCommand)).toContainEqual(groupFilter([NODE_SG, RDS_SG]));
    // No CIDR was judged: no VPC, no prefix list.
    expect(ec2.commandCalls(DescribeVpcsCommand)).toHaveLength(0);
    expect(ec2.commandCalls(GetManagedPrefixListEntriesCommand)).toHaveLength(0);
  });

  it('reads the node subnets when a data-store SG admits a CIDR holding them: pod-cidr-granted-to-data-store', async () => {
    const e = event('AuthorizeSecurityGroupIngress', 'world-open-ssh', (raw) => {
      const permission = raw.detail.requestParameters.ipPermissions.items[0];
      raw.detail.requestParameters.groupId = RDS_SG;
      Object.assign(permission, { fromPort: 5432, toPort: 5432 });
      permission.ipRanges.items[0] = { cidrIp: '10.0.0.0/16' };
      Object.assign(raw.detail.responseElements.securityGroupRuleSet.items[0], {
        groupId: RDS_SG,
        fromPort: 5432,
        toPort: 5432,
        cidrIpv4: '10.0.0.0/16',
      });
    });
    const result = await loadAndCompare(sampleWorld(), e);
    expect(result.verdicts).toMatchObject([{ rule: 'pod-cidr-granted-to-data-store', status: 'open', nodes: 3 }]);
    expect(result.calls).toEqual({
      DescribeSecurityGroups: 1,
      DescribeSecurityGroupRules: 1,
      DescribeNetworkInterfaces: 3,
      DescribeInstances: 1,
      DescribeCluster: 1,
      DescribeSubnets: 1,
    });
    expect(inputsOf(ec2, DescribeInstancesCommand)).toContainEqual({
      Filters: [
        { Name: 'vpc-id', Values: [VPC] },
        { Name: 'instance-state-name', Values: ['pending', 'running'] },
        {
          Name: 'tag-key',
          Values: [
            'eks:cluster-name',
            'aws:eks:cluster-name',
            'eks:eks-cluster-name',
            'alpha.eksctl.io/cluster-name',
            'kubernetes.io/cluster/*',
          ],
        },
      ],
      MaxResults: 1000,
    });
    expect(inputsOf(ec2, DescribeNetworkInterfacesCommand)).toContainEqual({
      Filters: [{ Name: 'attachment.instance-id', Values: NODES }],
      MaxResults: 1000,
    });
    expect(ec2.commandCalls(DescribeSubnetsCommand)[0]?.args[0].input).toEqual({
      SubnetIds: ['subnet-0a00000000000000a', 'subnet-0b00000000000000b'],
    });
    // The data store's VPC CIDRs are not what decides this rule.
    expect(ec2.commandCalls(DescribeVpcsCommand)).toHaveLength(0);
  });

  it('skips the node subnets when the data store admits only an SG (no CIDR judged)', async () => {
    // Same event kind and target as above, but the peer is the bastion SG: nothing about subnets is read.
    const e = event('AuthorizeSecurityGroupIngress', 'source-group', (raw) => {
      raw.detail.requestParameters.ipPermissions.items[0].groups.items[0].groupId = BASTION_SG;
      raw.detail.responseElements.securityGroupRuleSet.items[0].referencedGroupInfo.groupId = BASTION_SG;
    });
    const result = await loadAndCompare(sampleWorld(), e);
    expect(result.verdicts).toEqual([]);
    expect(ec2.commandCalls(DescribeSubnetsCommand)).toHaveLength(0);
    expect(result.calls).toEqual({
      DescribeSecurityGroups: 1,
      DescribeSecurityGroupRules: 1,
      DescribeNetworkInterfaces: 1,
      DescribeInstances: 1,
    });
  });

  it('resolves a group known only by name with a group-name filter first', async () => {
    const e = event('AuthorizeSecurityGroupIngress', 'world-open-ssh');
    if (e.detail.kind !== 'sg-rules-authorized') throw new Error('unexpected kind');
    // A call by name: CloudTrail has no groupId for the group (the legacy default-VPC form).
    delete e.detail.groupId;
    e.detail.groupName = 'prod-nodes';
    const result = await loadAndCompare(sampleWorld(), e);
    expect(result.verdicts).toMatchObject([{ rule: 'world-open-ingress', nodes: 3 }]);
    expect(ec2.commandCalls(DescribeSecurityGroupsCommand)[0]?.args[0].input).toEqual({
      Filters: [{ Name: 'group-name', Values: ['prod-nodes'] }],
      MaxResults: 1000,
    });
    expect(result.calls.DescribeSecurityGroups).toBe(1);
    expect(totalCalls(result.calls)).toBe(7);
  });

  it('reads live rules first for a revoke by rule id, and resolves as the full account does', async () => {
    const e = event('RevokeSecurityGroupIngress', 'by-rule-ids');
    const result = await loadAndCompare(sampleWorld(), e);
    expect(result.verdicts.map((v) => [v.rule, v.status])).toEqual(
      expect.arrayContaining([['world-open-ingress', 'resolved']]),
    );
    expect(inputsOf(ec2, DescribeSecurityGroupRulesCommand)).toEqual([groupFilter([NODE_SG])]);
    // The rules came first: the revoked rule's peer is only in live state.
    expect(ec2.calls()[0]?.args[0]).toBeInstanceOf(DescribeSecurityGroupRulesCommand);
  });

  it('judges ModifySecurityGroupRules with a deleted prefix list as the full account does', async () => {
    const e = event('ModifySecurityGroupRules', 'list');
    const result = await loadAndCompare(sampleWorld(), e);
    expect(result.verdicts).toMatchObject([{ rule: 'node-sg-granted-to-data-store' }]);
    // The cluster SG is a peer: its cluster is read for the cluster-SG reason.
    expect(inputsOf(eks, DescribeClusterCommand)).toContainEqual({ name: 'prod' });
  });

  it('reads only the SG triple for a deleted group (gone from live state)', async () => {
    // launch-wizard-1 is not in the sample account: deleted. The response named its id.
    const e = event('DeleteSecurityGroup', 'by-name');
    const result = await loadAndCompare(structuredClone(SAMPLE), e);
    expect(inputsOf(ec2, DescribeSecurityGroupsCommand)).toEqual([groupFilter([OPEN_SG])]);
    expect(result.verdicts.every((v) => v.status === 'resolved')).toBe(true);
    expect(totalCalls(result.calls)).toBe(3);
  });
});

describe('loadScopedSnapshotForEvent: groups changed on an ENI or instance', () => {
  it('ModifyInstanceAttribute group-set (node SG + RDS SG on a node): quiet, 6 calls', async () => {
    const e = event('ModifyInstanceAttribute', 'group-set');
    const result = await loadAndCompare(sampleWorld(), e);
    expect(result.verdicts).toEqual([]);
    expect(result.calls).toEqual({
      DescribeSecurityGroups: 1,
      DescribeSecurityGroupRules: 1,
      DescribeNetworkInterfaces: 2,
      DescribeInstances: 1,
      DescribeCluster: 1,
    });
    // The event's instance and the instances behind the new groups: one call by id.
    expect(ec2.commandCalls(DescribeInstancesCommand)[0]?.args[0].input).toEqual({ InstanceIds: NODES });
    expect(inputsOf(ec2, DescribeSecurityGroupsCommand)).toContainEqual(groupFilter([NODE_SG, RDS_SG]));
  });

  it('ModifyInstanceAttribute attaching an open SG to a node: open-sg-attached-to-nodes, 7 calls', async () => {
    const e = event('ModifyInstanceAttribute', 'group-set', (raw) => {
      raw.detail.requestParameters.groupSet.items[1].groupId = OPEN_SG;
    });
    const result = await loadAndCompare(worldWithOpenSgOnNode(), e);
    expect(result.verdicts).toMatchObject([
      { rule: 'open-sg-attached-to-nodes', status: 'open', nodes: 1, nodeGroups: ['ng-general'] },
    ]);
    expect(result.calls).toEqual({
      DescribeSecurityGroups: 1,
      DescribeSecurityGroupRules: 1,
      DescribeNetworkInterfaces: 2,
      DescribeInstances: 1,
      DescribeCluster: 1,
      DescribeVpcs: 1,
    });
    expect(totalCalls(result.calls)).toBe(7);
  });

  it('ModifyNetworkInterfaceAttribute on an ENI that no longer exists: reads it as none, 7 calls', async () => {
    const e = event('ModifyNetworkInterfaceAttribute', 'group-set');
    const result = await loadAndCompare(sampleWorld(), e);
    expect(result.verdicts).toEqual([]);
    expect(ec2.commandCalls(DescribeNetworkInterfacesCommand)[0]?.args[0].input).toEqual({
      NetworkInterfaceIds: ['eni-0a1b2c3d4e5f60001'],
    });
    expect(result.calls).toEqual({
      DescribeSecurityGroups: 1,
      DescribeSecurityGroupRules: 1,
      DescribeNetworkInterfaces: 3,
      DescribeInstances: 1,
      DescribeCluster: 1,
    });
  });
});

describe('loadScopedSnapshotForEvent: no plan, pages, errors', () => {
  it.each([
    ['CreateNetworkInterface', 'cni-routine'],
    ['CreateNodegroup', 'general'],
    ['RunInstances', 'nodegroup-launch'],
  ])('returns undefined with no call for %s/%s', async (eventName, caseName) => {
    serveSnapshot(sampleWorld(), ec2, eks);
    const result = await loadScopedSnapshotForEvent(event(eventName, caseName), createClientSet(REGION));
    expect(result).toBeUndefined();
    expect(ec2.calls()).toHaveLength(0);
    expect(eks.calls()).toHaveLength(0);
  });

  it('counts every page of a filtered read', async () => {
    serveSnapshot(sampleWorld(), ec2, eks);
    const rules = SAMPLE.DescribeSecurityGroupRules.SecurityGroupRules.filter((rule) => rule.GroupId === OPEN_SG);
    ec2
      .on(DescribeSecurityGroupRulesCommand)
      .resolvesOnce({ SecurityGroupRules: rules, NextToken: 'page-2' })
      .resolvesOnce({ SecurityGroupRules: [] });
    const e = event('AuthorizeSecurityGroupIngress', 'world-open-ssh', (raw) => {
      raw.detail.requestParameters.groupId = OPEN_SG;
    });
    const result = await loadScopedSnapshotForEvent(e, createClientSet(REGION));
    expect(result?.calls.DescribeSecurityGroupRules).toBe(2);
    expect(totalCalls(result?.calls ?? {})).toBe(4);
    expect(ec2.commandCalls(DescribeSecurityGroupRulesCommand)[1]?.args[0].input).toEqual({
      ...groupFilter([OPEN_SG]),
      NextToken: 'page-2',
    });
  });

  it('maps an SDK error to InventoryLoadError with the operation', async () => {
    serveSnapshot(sampleWorld(), ec2, eks);
    ec2
      .on(DescribeNetworkInterfacesCommand)
      .rejects(awsError('UnauthorizedOperation', 'You are not authorized to perform this operation.'));
    const failure = await loadScopedSnapshotForEvent(
      event('AuthorizeSecurityGroupIngress', 'world-open-ssh'),
      createClientSet(REGION),
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(InventoryLoadError);
    expect(failure).toMatchObject({ operation: 'DescribeNetworkInterfaces', kind: 'access-denied', retryable: false });
  });
});

describe('loadScopedSnapshotForEvent: every node tag shape core knows', () => {
  const NODE_TAG_KEYS = new Set(['eks:cluster-name', 'eks:nodegroup-name', 'kubernetes.io/cluster/prod']);

  /** The sample world with the nodes' cluster tags replaced by one provisioner's shape. */
  function worldTaggedAs(tags: Record<string, string>): SampleAccount {
    const world = sampleWorld();
    for (const reservation of world.DescribeInstances.Reservations) {
      for (const instance of reservation.Instances) {
        if (!NODES.includes(instance.InstanceId as string)) continue;
        const kept = (instance.Tags as { Key: string; Value: string }[]).filter((tag) => !NODE_TAG_KEYS.has(tag.Key));
        instance.Tags = [...kept, ...Object.entries(tags).map(([Key, Value]) => ({ Key, Value }))];
      }
    }
    return world;
  }

  // Shapes that make no node are the bastion case above (the scoped plan stops at the instance).
  const nodeShapes = NODE_TAG_SHAPES.filter((shape) => shape.cluster !== undefined);

  it.each(nodeShapes)('$name: the slice judges the node SG as the whole account does', async (shape) => {
    const result = await loadAndCompare(
      worldTaggedAs(shape.tags),
      event('AuthorizeSecurityGroupIngress', 'world-open-ssh'),
    );
    const nodes = result.verdicts.find((verdict) => verdict.rule === 'world-open-ingress')?.nodes ?? 0;
    expect(nodes).toBe(3);
  });
});

describe('loadScopedSnapshotForEvent: the plan follows what the judging rules read', () => {
  /** A detector with one rule on authorized SG rules that reads `reads` and finds nothing. */
  function detectorReading(reads: SnapshotKey[]) {
    const rule = defineRule({
      id: 'reads-probe',
      severity: 'info',
      title: 'Reads probe',
      description: 'Judges authorized SG rules with the reads given.',
      reads,
      events: {
        on: [{ source: 'ec2.amazonaws.com', eventName: 'AuthorizeSecurityGroupIngress' }],
        kinds: ['sg-rules-authorized'],
        evaluate: () => [],
      },
    });
    return defineDetector({ id: 'node-sg-widening', rules: [rule] });
  }

  it("reads what the SG event's judging rules declare (the detectors' readsFor)", () => {
    const e = event('AuthorizeSecurityGroupIngress', 'world-open-ssh');
    const nodeSg = detectors.find((detector) => detector.id === 'node-sg-widening');
    expect(readsForEvent(e)).toEqual(nodeSg?.readsFor(e));
    expect(readsForEvent(e)).toContain('DescribeVpcs');
  });

  it('a new rule on SG events that reads what no scoped plan reads makes the event read the full inventory', async () => {
    serveSnapshot(sampleWorld(), ec2, eks);
    const newRule = detectorReading(['DescribeSecurityGroups', 'DescribeAutoScalingGroups']);
    const result = await loadScopedSnapshotForEvent(
      event('AuthorizeSecurityGroupIngress', 'world-open-ssh'),
      createClientSet(REGION),
      { detectors: [...detectors, newRule] },
    );
    // Undefined: the caller reads the full inventory, where the Auto Scaling groups are.
    expect(result).toBeUndefined();
    expect(ec2.calls()).toHaveLength(0);
  });

  it('skips the VPC read when no rule that judges the event reads VPCs', async () => {
    serveSnapshot(sampleWorld(), ec2, eks);
    const withoutVpcs = detectorReading([
      'DescribeSecurityGroups',
      'DescribeSecurityGroupRules',
      'DescribeNetworkInterfaces',
      'DescribeInstances',
      'DescribeCluster',
    ]);
    const result = await loadScopedSnapshotForEvent(
      event('AuthorizeSecurityGroupIngress', 'world-open-ssh'),
      createClientSet(REGION),
      { detectors: [withoutVpcs] },
    );
    // The 7-call node plan less its VPC read.
    expect(result?.calls).toEqual({
      DescribeSecurityGroups: 1,
      DescribeSecurityGroupRules: 1,
      DescribeNetworkInterfaces: 2,
      DescribeInstances: 1,
      DescribeCluster: 1,
    });
    expect(ec2.commandCalls(DescribeVpcsCommand)).toHaveLength(0);
  });
});
