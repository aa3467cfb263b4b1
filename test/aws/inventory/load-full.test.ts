import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import {
  DescribeInstancesCommand,
  DescribeInstanceTypesCommand,
  DescribeLaunchTemplateVersionsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
  EC2ServiceException,
  GetManagedPrefixListEntriesCommand,
  GetSubnetCidrReservationsCommand,
} from '@aws-sdk/client-ec2';
import {
  AccessDeniedException,
  DescribeAddonCommand,
  DescribeClusterCommand,
  DescribeNodegroupCommand,
  EKSClient,
  ListClustersCommand,
  ListNodegroupsCommand,
} from '@aws-sdk/client-eks';
import { createClientSet } from '@podnet-guard/aws';
import { InventoryLoadError } from '@podnet-guard/aws/errors';
import { loadFullSnapshot, USER_DATA_MARKER } from '@podnet-guard/aws/inventory';
import { SNAPSHOT_KEYS } from '@podnet-guard/core';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  ACCOUNT,
  answerWorld,
  instances,
  REGION,
  SECRET,
  securityGroupsPage1,
  securityGroupsPage2,
} from './aws-world.ts';

const ec2 = mockClient(EC2Client);
const eks = mockClient(EKSClient);
const autoscaling = mockClient(AutoScalingClient);

beforeEach(() => {
  // Catch-all first, so any call not answered below fails the test.
  ec2.reset().onAnyCommand().rejects(new Error('unexpected EC2 call'));
  eks.reset().onAnyCommand().rejects(new Error('unexpected EKS call'));
  autoscaling.reset().onAnyCommand().rejects(new Error('unexpected Auto Scaling call'));
});

const clients = () => createClientSet(REGION);

function allKeys(value: unknown, keys = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) allKeys(item, keys);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, member] of Object.entries(value)) {
      keys.add(key);
      allKeys(member, keys);
    }
  }
  return keys;
}

describe('loadFullSnapshot, progress', () => {
  it('reports every page after the first of a multi-page read, and a summary per operation', async () => {
    answerWorld({ ec2, eks, autoscaling });
    const pages = [securityGroupsPage1, securityGroupsPage2];
    ec2.on(DescribeSecurityGroupsCommand).callsFake(() => pages.shift());
    const lines: string[] = [];
    await loadFullSnapshot(clients(), { region: REGION, onProgress: (line) => lines.push(line) });
    const pageLines = lines.filter((line) => / page \d/.test(line));
    // Only DescribeSecurityGroups has two pages here: one-page reads get their summary line alone.
    expect(pageLines).toEqual(['DescribeSecurityGroups: page 2, 2 item(s) so far']);
    expect(lines).toContain('DescribeSecurityGroups: 2 item(s) in 2 call(s)');
    expect(lines).toContain('DescribeVpcs: 1 item(s) in 1 call(s)');
  });
});

describe('loadFullSnapshot', () => {
  it('assembles every snapshot key from the exact calls, with the largest page sizes', async () => {
    answerWorld({ ec2, eks, autoscaling });
    // The SDK paginator reuses one input object across pages: copy each input as it is sent.
    const sgInputs: unknown[] = [];
    const sgPages = [securityGroupsPage1, securityGroupsPage2];
    ec2.on(DescribeSecurityGroupsCommand).callsFake((input: object) => {
      sgInputs.push({ ...input });
      return sgPages.shift() ?? Promise.reject(new Error('DescribeSecurityGroups called a third time'));
    });
    const { snapshot, calls, warnings } = await loadFullSnapshot(clients(), { region: REGION });

    // Every key of the snapshot contract, in its order.
    expect(Object.keys(snapshot)).toEqual(['account', 'region', ...SNAPSHOT_KEYS]);
    expect(snapshot.account).toBe(ACCOUNT);
    expect(snapshot.region).toBe(REGION);
    expect(warnings).toEqual([]);

    // The call budget: one call per page or per thing, nothing twice.
    expect(calls).toEqual({
      DescribeVpcs: 1,
      DescribeSubnets: 1,
      DescribeSecurityGroups: 2,
      DescribeSecurityGroupRules: 1,
      DescribeNetworkInterfaces: 1,
      DescribeInstances: 1,
      ListClusters: 1,
      DescribeCluster: 2,
      ListNodegroups: 2,
      DescribeNodegroup: 1,
      DescribeAddon: 2,
      DescribeAutoScalingGroups: 1,
      GetManagedPrefixListEntries: 1,
      GetSubnetCidrReservations: 2,
      DescribeLaunchTemplateVersions: 2,
      DescribeInstanceTypes: 1,
    });
    expect(ec2.calls()).toHaveLength(13);
    expect(eks.calls()).toHaveLength(8);
    expect(autoscaling.calls()).toHaveLength(1);

    // Region-wide reads ask for the documented maximum page size.
    for (const command of [
      DescribeVpcsCommand,
      DescribeSubnetsCommand,
      DescribeSecurityGroupRulesCommand,
      DescribeNetworkInterfacesCommand,
      DescribeInstancesCommand,
    ]) {
      expect(ec2.commandCalls(command).map((call) => call.args[0].input)).toEqual([{ MaxResults: 1000 }]);
    }
    expect(ec2.commandCalls(DescribeSecurityGroupsCommand)).toHaveLength(2);
    expect(sgInputs).toEqual([
      { MaxResults: 1000 },
      { MaxResults: 1000, NextToken: 'eyJ2IjoiMiIsImMiOiJzZy1wYWdlMiJ9' },
    ]);
    expect(eks.commandCalls(ListClustersCommand)[0]!.args[0].input).toEqual({ maxResults: 100 });
    expect(eks.commandCalls(ListNodegroupsCommand).map((call) => call.args[0].input)).toEqual(
      expect.arrayContaining([
        { clusterName: 'prod', maxResults: 100 },
        { clusterName: 'dev', maxResults: 100 },
      ]),
    );
    expect(eks.commandCalls(DescribeNodegroupCommand)[0]!.args[0].input).toEqual({
      clusterName: 'prod',
      nodegroupName: 'ng-a',
    });
    expect(autoscaling.commandCalls(DescribeAutoScalingGroupsCommand)[0]!.args[0].input).toEqual({
      AutoScalingGroupNames: ['eks-ng-a-42c5a1b2-0000-1111-2222-333344445555'],
      MaxRecords: 100,
    });
    expect(ec2.commandCalls(GetManagedPrefixListEntriesCommand)[0]!.args[0].input).toEqual({
      PrefixListId: 'pl-0office00000000001',
      MaxResults: 100,
    });
    expect(ec2.commandCalls(GetSubnetCidrReservationsCommand).map((call) => call.args[0].input)).toEqual(
      expect.arrayContaining([
        { SubnetId: 'subnet-0aaa1111aaaa1111a', MaxResults: 1000 },
        { SubnetId: 'subnet-0bbb2222bbbb2222b', MaxResults: 1000 },
      ]),
    );
    // Launch templates: the versions in use plus $Latest and $Default, per template, by id.
    expect(ec2.commandCalls(DescribeLaunchTemplateVersionsCommand).map((call) => call.args[0].input)).toEqual(
      expect.arrayContaining([
        { LaunchTemplateId: 'lt-0custom000000001', Versions: ['$Latest', '$Default', '3'], MaxResults: 200 },
        { LaunchTemplateId: 'lt-0eksmanaged000001', Versions: ['$Latest', '$Default', '1'], MaxResults: 200 },
      ]),
    );
    // Instance types: only those in use (instances, node groups, templates), in one call of at most 100.
    expect(ec2.commandCalls(DescribeInstanceTypesCommand)[0]!.args[0].input).toEqual({
      InstanceTypes: ['m5.large', 'm5.xlarge', 't3.micro'],
      MaxResults: 100,
    });
  });

  it('merges pages and keeps the AWS response shapes', async () => {
    answerWorld({ ec2, eks, autoscaling });
    const { snapshot } = await loadFullSnapshot(clients(), { region: REGION });
    const groups = (snapshot.DescribeSecurityGroups as { SecurityGroups: { GroupId: string }[] }).SecurityGroups;
    expect(groups.map((group) => group.GroupId)).toEqual(['sg-0node000000000001', 'sg-0cluster00000000001']);
    expect(snapshot.DescribeSecurityGroups).not.toHaveProperty('NextToken');
    expect(snapshot.DescribeCluster).toEqual([
      { cluster: expect.objectContaining({ name: 'dev' }) },
      expect.anything(),
    ]);
    expect((snapshot.DescribeNodegroup as { nodegroup: { nodegroupName: string } }[])[0]!.nodegroup.nodegroupName).toBe(
      'ng-a',
    );
    // dev has no vpc-cni add-on (ResourceNotFoundException): no entry, not an error.
    expect(snapshot.DescribeAddon).toEqual([
      { addon: expect.objectContaining({ clusterName: 'prod', addonName: 'vpc-cni' }) },
    ]);
    expect(snapshot.GetManagedPrefixListEntries).toEqual([
      { PrefixListId: 'pl-0office00000000001', Entries: [{ Cidr: '203.0.113.0/24', Description: 'office' }] },
    ]);
    expect(snapshot.DescribeSubnetCidrReservations).toEqual({
      SubnetIpv4CidrReservations: [expect.objectContaining({ Cidr: '10.0.16.0/20', ReservationType: 'prefix' })],
      SubnetIpv6CidrReservations: [],
    });
    const versions = (snapshot.DescribeLaunchTemplateVersions as { LaunchTemplateVersions: unknown[] })
      .LaunchTemplateVersions;
    expect(versions).toHaveLength(3);
  });

  it('strips $metadata everywhere and writes dates as ISO strings', async () => {
    answerWorld({ ec2, eks, autoscaling });
    const { snapshot } = await loadFullSnapshot(clients(), { region: REGION });
    expect(allKeys(snapshot).has('$metadata')).toBe(false);
    const text = JSON.stringify(snapshot);
    expect(text).not.toContain('$metadata');
    const reservation = (snapshot.DescribeInstances as typeof instances).Reservations![0]!;
    expect(reservation.Instances![0]!.LaunchTime).toBe('2026-11-01T08:00:00.000Z');
    expect((snapshot.DescribeCluster as { cluster: { createdAt: unknown } }[])[1]!.cluster.createdAt).toBe(
      '2025-01-15T10:00:00.000Z',
    );
    // Sanity check on the fixture: the SDK shapes did carry $metadata and Dates.
    expect(instances.$metadata.httpStatusCode).toBe(200);
    expect(instances.Reservations![0]!.Instances![0]!.LaunchTime).toBeInstanceOf(Date);
  });

  it('keeps only the max-pods settings of launch template user data', async () => {
    answerWorld({ ec2, eks, autoscaling });
    const { snapshot } = await loadFullSnapshot(clients(), { region: REGION });
    const versions = (
      snapshot.DescribeLaunchTemplateVersions as {
        LaunchTemplateVersions: { LaunchTemplateId: string; LaunchTemplateData: { UserData?: string } }[];
      }
    ).LaunchTemplateVersions;
    const custom = versions.filter((version) => version.LaunchTemplateId === 'lt-0custom000000001');
    expect(custom).toHaveLength(2);
    for (const version of custom) {
      const decoded = Buffer.from(version.LaunchTemplateData.UserData!, 'base64').toString('utf8');
      expect(decoded).toBe(`${USER_DATA_MARKER}\n--use-max-pods false\n--max-pods=110\n`);
    }
    const text = JSON.stringify(snapshot);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(Buffer.from(SECRET).toString('base64').slice(0, 12));
    expect(text).not.toContain('LS0tLS1CRUdJTi');
    // A template without user data stays without it.
    const managed = versions.find((version) => version.LaunchTemplateId === 'lt-0eksmanaged000001')!;
    expect(managed.LaunchTemplateData).not.toHaveProperty('UserData');
  });

  it('narrows EKS reads to the named clusters and reports a name it cannot find', async () => {
    answerWorld({ ec2, eks, autoscaling });
    const { snapshot, calls, warnings } = await loadFullSnapshot(clients(), {
      region: REGION,
      clusters: ['prod', 'staging'],
    });
    expect(eks.commandCalls(DescribeClusterCommand).map((call) => call.args[0].input)).toEqual([{ name: 'prod' }]);
    expect(eks.commandCalls(DescribeAddonCommand)).toHaveLength(1);
    expect(calls.DescribeCluster).toBe(1);
    expect(calls.ListNodegroups).toBe(1);
    expect(snapshot.DescribeCluster).toEqual([{ cluster: expect.objectContaining({ name: 'prod' }) }]);
    expect(warnings).toEqual([`cluster staging not found in ${REGION}`]);
    // prod's own subnets cover both subnets of this VPC.
    expect(calls.GetSubnetCidrReservations).toBe(2);
  });

  it('makes no follow-up call in an account without EKS', async () => {
    ec2.on(DescribeVpcsCommand).resolves({ $metadata: {}, Vpcs: [] });
    ec2.on(DescribeSubnetsCommand).resolves({ $metadata: {}, Subnets: [] });
    ec2.on(DescribeSecurityGroupsCommand).resolves({ $metadata: {}, SecurityGroups: [] });
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({ $metadata: {}, SecurityGroupRules: [] });
    ec2.on(DescribeNetworkInterfacesCommand).resolves({ $metadata: {}, NetworkInterfaces: [] });
    ec2.on(DescribeInstancesCommand).resolves({ $metadata: {}, Reservations: [] });
    eks.on(ListClustersCommand).resolves({ $metadata: {}, clusters: [] });
    const { snapshot, calls } = await loadFullSnapshot(clients(), { region: REGION, account: '999988887777' });
    expect(calls).toEqual({
      DescribeVpcs: 1,
      DescribeSubnets: 1,
      DescribeSecurityGroups: 1,
      DescribeSecurityGroupRules: 1,
      DescribeNetworkInterfaces: 1,
      DescribeInstances: 1,
      ListClusters: 1,
    });
    expect(autoscaling.calls()).toHaveLength(0);
    expect(snapshot.account).toBe('999988887777');
    // Known and empty, not missing.
    expect(snapshot.DescribeCluster).toEqual([]);
    expect(snapshot.DescribeInstanceTypes).toEqual({ InstanceTypes: [] });
    expect(snapshot.DescribeAutoScalingGroups).toEqual({ AutoScalingGroups: [] });
  });

  it.each([1, 2, 4])('never runs more than %i calls at once, and uses that many', async (concurrency) => {
    let inFlight = 0;
    let peak = 0;
    const slow =
      <T>(output: T) =>
      async () => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 10));
        inFlight -= 1;
        return output;
      };
    ec2.on(DescribeVpcsCommand).callsFake(slow({ $metadata: {}, Vpcs: [] }));
    ec2.on(DescribeSubnetsCommand).callsFake(slow({ $metadata: {}, Subnets: [] }));
    ec2.on(DescribeSecurityGroupsCommand).callsFake(slow({ $metadata: {}, SecurityGroups: [] }));
    ec2.on(DescribeSecurityGroupRulesCommand).callsFake(slow({ $metadata: {}, SecurityGroupRules: [] }));
    ec2.on(DescribeNetworkInterfacesCommand).callsFake(slow({ $metadata: {}, NetworkInterfaces: [] }));
    ec2.on(DescribeInstancesCommand).callsFake(slow({ $metadata: {}, Reservations: [] }));
    eks.on(ListClustersCommand).callsFake(slow({ $metadata: {}, clusters: [] }));
    await loadFullSnapshot(clients(), { region: REGION, concurrency });
    expect(peak).toBe(concurrency);
    expect(ec2.calls().length + eks.calls().length).toBe(7);
  });

  it('skips a launch template that no longer exists, with a warning', async () => {
    answerWorld({ ec2, eks, autoscaling });
    ec2.on(DescribeLaunchTemplateVersionsCommand, { LaunchTemplateId: 'lt-0eksmanaged000001' }).rejects(
      new EC2ServiceException({
        name: 'InvalidLaunchTemplateId.NotFound',
        message: 'The specified launch template, with template ID lt-0eksmanaged000001, does not exist.',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const { snapshot, warnings } = await loadFullSnapshot(clients(), { region: REGION });
    expect(warnings).toEqual(['launch template lt-0eksmanaged000001 no longer exists']);
    const versions = (snapshot.DescribeLaunchTemplateVersions as { LaunchTemplateVersions: unknown[] })
      .LaunchTemplateVersions;
    expect(versions).toHaveLength(2);
  });

  it('leaves out a prefix list deleted while loading, with a warning, as the scoped loader does', async () => {
    answerWorld({ ec2, eks, autoscaling });
    ec2.on(GetManagedPrefixListEntriesCommand, { PrefixListId: 'pl-0office00000000001' }).rejects(
      new EC2ServiceException({
        name: 'InvalidPrefixListID.NotFound',
        message: "The prefix list ID 'pl-0office00000000001' does not exist",
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const { snapshot, calls, warnings } = await loadFullSnapshot(clients(), { region: REGION });
    expect(snapshot.GetManagedPrefixListEntries).toEqual([]);
    // The failed call counts, like every call made.
    expect(calls.GetManagedPrefixListEntries).toBe(1);
    expect(warnings).toEqual(['prefix list pl-0office00000000001 no longer exists']);
  });

  it('retries DescribeInstanceTypes without a type EC2 does not know', async () => {
    answerWorld({ ec2, eks, autoscaling });
    ec2.on(DescribeInstanceTypesCommand, { InstanceTypes: ['m5.large', 'm5.xlarge', 't3.micro'] }).rejects(
      new EC2ServiceException({
        name: 'InvalidInstanceType',
        message: 'The following supplied instance types do not exist: [m5.xlarge]',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const { calls, warnings } = await loadFullSnapshot(clients(), { region: REGION });
    expect(ec2.commandCalls(DescribeInstanceTypesCommand).map((call) => call.args[0].input.InstanceTypes)).toEqual([
      ['m5.large', 'm5.xlarge', 't3.micro'],
      ['m5.large', 't3.micro'],
    ]);
    expect(calls.DescribeInstanceTypes).toBe(2);
    expect(warnings).toEqual([`instance type(s) unknown in ${REGION}: m5.xlarge`]);
  });

  describe('errors', () => {
    it.each([
      ['UnauthorizedOperation', 403, 'access-denied', false],
      ['RequestLimitExceeded', 503, 'throttled', true],
      ['AuthFailure', 401, 'credentials', false],
      ['InternalError', 500, 'other', true],
    ] as const)('maps EC2 %s (HTTP %i) to an InventoryLoadError of kind %s', async (name, status, kind, retryable) => {
      answerWorld({ ec2, eks, autoscaling });
      ec2.on(DescribeNetworkInterfacesCommand).rejects(
        new EC2ServiceException({
          name,
          message: 'failure from EC2',
          $fault: status >= 500 ? 'server' : 'client',
          $metadata: { httpStatusCode: status, requestId: 'req-1', attempts: 5 },
        }),
      );
      const error = await loadFullSnapshot(clients(), { region: REGION }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InventoryLoadError);
      expect(error).toMatchObject({ operation: 'DescribeNetworkInterfaces', kind, retryable, code: name });
      expect((error as InventoryLoadError).cause).toBeInstanceOf(EC2ServiceException);
    });

    it('maps an EKS AccessDeniedException to access-denied', async () => {
      answerWorld({ ec2, eks, autoscaling });
      eks.on(ListClustersCommand).rejects(
        new AccessDeniedException({
          message: 'User: arn:aws:iam::111122223333:user/ci is not authorized to perform: eks:ListClusters',
          $metadata: { httpStatusCode: 403 },
        }),
      );
      await expect(loadFullSnapshot(clients(), { region: REGION })).rejects.toMatchObject({
        name: 'InventoryLoadError',
        operation: 'ListClusters',
        kind: 'access-denied',
        retryable: false,
      });
    });

    it('does not swallow a DescribeAddon failure other than ResourceNotFoundException', async () => {
      answerWorld({ ec2, eks, autoscaling });
      eks.on(DescribeAddonCommand, { clusterName: 'prod' }).rejects(
        new AccessDeniedException({
          message: 'not authorized: eks:DescribeAddon',
          $metadata: { httpStatusCode: 403 },
        }),
      );
      await expect(loadFullSnapshot(clients(), { region: REGION })).rejects.toMatchObject({
        operation: 'DescribeAddon',
        kind: 'access-denied',
      });
    });

    it('maps a missing-credentials failure to credentials', async () => {
      answerWorld({ ec2, eks, autoscaling });
      ec2.on(DescribeVpcsCommand).rejects(
        Object.assign(new Error('Could not load credentials from any providers'), {
          name: 'CredentialsProviderError',
        }),
      );
      await expect(loadFullSnapshot(clients(), { region: REGION })).rejects.toMatchObject({
        operation: 'DescribeVpcs',
        kind: 'credentials',
        retryable: false,
      });
    });
  });
});
