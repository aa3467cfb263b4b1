/**
 * The one AWS reader: how a read is made, whichever plan asks for it. Lists are split per 200 values, reads by id
 * send no `MaxResults`, every page and failed call is counted, "not found" reads as none, other failures become
 * `InventoryLoadError`.
 */
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import {
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  EC2ServiceException,
} from '@aws-sdk/client-ec2';
import { DescribeClusterCommand, EKSClient, ResourceNotFoundException } from '@aws-sdk/client-eks';
import { createClientSet } from '@podnet-guard/aws';
import { InventoryLoadError } from '@podnet-guard/aws/errors';
import { AwsReader, FILTER_VALUES_PER_CALL, totalCalls } from '@podnet-guard/aws/inventory';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';

const ec2 = mockClient(EC2Client);
const eks = mockClient(EKSClient);
const autoscaling = mockClient(AutoScalingClient);

beforeEach(() => {
  ec2.reset().onAnyCommand().rejects(new Error('unexpected EC2 call'));
  eks.reset().onAnyCommand().rejects(new Error('unexpected EKS call'));
  autoscaling.reset().onAnyCommand().rejects(new Error('unexpected Auto Scaling call'));
});

const reader = () => new AwsReader(createClientSet('eu-west-1'));
const ids = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(17, '0')}`);
const notFound = (name: string) =>
  new EC2ServiceException({ name, message: `${name}: gone`, $fault: 'client', $metadata: { httpStatusCode: 400 } });

describe('AwsReader', () => {
  it('splits a filter of 201 values into calls of 200 and 1, with the largest page size', async () => {
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] });
    const groupIds = ids('sg', FILTER_VALUES_PER_CALL + 1);
    const read = reader();
    await read.securityGroups({ filter: 'group-id', values: groupIds });
    const inputs = ec2.commandCalls(DescribeSecurityGroupsCommand).map((call) => call.args[0].input);
    expect(inputs).toEqual([
      { Filters: [{ Name: 'group-id', Values: groupIds.slice(0, 200) }], MaxResults: 1000 },
      { Filters: [{ Name: 'group-id', Values: groupIds.slice(200) }], MaxResults: 1000 },
    ]);
    expect(read.calls).toEqual({ DescribeSecurityGroups: 2 });
  });

  it('makes no call for an empty list', async () => {
    const read = reader();
    expect(await read.networkInterfaces({ ids: [] })).toEqual([]);
    expect(await read.securityGroups({ filter: 'group-id', values: [] })).toEqual([]);
    expect(read.totalCalls).toBe(0);
  });

  it('reads by id without MaxResults, an id deleted since as none, and counts the failed call', async () => {
    ec2.on(DescribeNetworkInterfacesCommand).rejects(notFound('InvalidNetworkInterfaceID.NotFound'));
    const read = reader();
    expect(await read.networkInterfaces({ ids: ['eni-0a1b2c3d4e5f60001'] })).toEqual([]);
    expect(ec2.commandCalls(DescribeNetworkInterfacesCommand)[0]?.args[0].input).toEqual({
      NetworkInterfaceIds: ['eni-0a1b2c3d4e5f60001'],
    });
    expect(read.calls).toEqual({ DescribeNetworkInterfaces: 1 });
  });

  it('follows NextToken and counts each page', async () => {
    ec2
      .on(DescribeInstancesCommand)
      .resolvesOnce({ Reservations: [{ Instances: [{ InstanceId: 'i-1' }] }], NextToken: 'page-2' })
      .resolvesOnce({ Reservations: [{ Instances: [{ InstanceId: 'i-2' }] }] });
    const read = reader();
    const reservations = await read.reservations({ all: true });
    expect(reservations.flatMap((r) => r.Instances?.map((i) => i.InstanceId))).toEqual(['i-1', 'i-2']);
    expect(totalCalls(read.calls)).toBe(2);
  });

  it('maps any other failure to InventoryLoadError with the operation', async () => {
    ec2.on(DescribeSecurityGroupsCommand).rejects(notFound('UnauthorizedOperation'));
    const error = await reader()
      .securityGroups({ all: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InventoryLoadError);
    expect(error).toMatchObject({ operation: 'DescribeSecurityGroups', kind: 'access-denied' });
  });

  it('reads a cluster once however often it is asked for, and a deleted one as none', async () => {
    eks
      .on(DescribeClusterCommand)
      .rejects(new ResourceNotFoundException({ message: 'No cluster found for name: gone.', $metadata: {} }));
    eks.on(DescribeClusterCommand, { name: 'prod' }).resolves({ cluster: { name: 'prod' } });
    const read = reader();
    const [a, b, gone] = await Promise.all([read.cluster('prod'), read.cluster('prod'), read.cluster('gone')]);
    expect(a?.name).toBe('prod');
    expect(b).toBe(a);
    expect(gone).toBeUndefined();
    expect(read.calls).toEqual({ DescribeCluster: 2 });
    expect((await read.clustersRead()).map((cluster) => cluster.name)).toEqual(['prod']);
  });
});
