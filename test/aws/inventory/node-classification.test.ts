/**
 * One classification of EKS nodes: core's `clusterFromTags` decides, and the loaders (which read a node's Auto
 * Scaling group, launch template and subnet) ask the same question, for every tag shape EKS, eksctl, Karpenter and
 * self-managed nodes carry.
 */
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { EKSClient } from '@aws-sdk/client-eks';
import { createClientSet } from '@podnet-guard/aws';
import { loadFullSnapshot } from '@podnet-guard/aws/inventory';
import { clusterFromTagList, clusterFromTags, nodeIdentityFromTags, type Tags } from '@podnet-guard/core';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { NODE_TAG_SHAPES } from '../../helpers/node-tag-shapes.ts';
import { answerWorld, instances, REGION } from './aws-world.ts';

const tagList = (tags: Tags) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

describe('node classification', () => {
  it.each(NODE_TAG_SHAPES)(
    '$name: core classifies the tags and their AWS list form (what the loaders read) alike',
    ({ tags, cluster, kind }) => {
      expect(clusterFromTags(tags)).toBe(cluster);
      expect(nodeIdentityFromTags(tags)?.nodeGroupKind).toBe(kind);
      expect(clusterFromTagList(tagList(tags))).toBe(cluster);
    },
  );
});

describe('loadFullSnapshot reads what the nodes core counts need', () => {
  const ec2 = mockClient(EC2Client);
  const eks = mockClient(EKSClient);
  const autoscaling = mockClient(AutoScalingClient);
  const SELF_MANAGED_ASG = 'prod-self-managed-asg';

  beforeEach(() => {
    ec2.reset().onAnyCommand().rejects(new Error('unexpected EC2 call'));
    eks.reset().onAnyCommand().rejects(new Error('unexpected EKS call'));
    autoscaling.reset().onAnyCommand().rejects(new Error('unexpected Auto Scaling call'));
  });

  it.each(NODE_TAG_SHAPES)("$name: the instance's Auto Scaling group is read only for a node", async (shape) => {
    answerWorld({ ec2, eks, autoscaling });
    const world = structuredClone(instances);
    const node = world.Reservations?.[0]?.Instances?.[0];
    if (!node) throw new Error('the world has a node');
    node.Tags = [...tagList(shape.tags), { Key: 'aws:autoscaling:groupName', Value: SELF_MANAGED_ASG }];
    ec2.on(DescribeInstancesCommand).resolves(world);
    await loadFullSnapshot(createClientSet(REGION), { region: REGION });
    const asked = autoscaling
      .commandCalls(DescribeAutoScalingGroupsCommand)
      .flatMap((call) => call.args[0].input.AutoScalingGroupNames ?? []);
    expect(asked.includes(SELF_MANAGED_ASG)).toBe(shape.cluster !== undefined);
  });
});
