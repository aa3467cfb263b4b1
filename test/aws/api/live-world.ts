/**
 * The live account the API and sweep tests evaluate: the SDK answers of `test/aws/inventory/aws-world.ts` (reused,
 * not copied), optionally with an SSH rule open to the world on the prod node SG, plus SNS and EventBridge answers.
 */
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { DescribeSecurityGroupRulesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { EKSClient } from '@aws-sdk/client-eks';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { ACCOUNT, answerWorld, REGION, securityGroupRules } from '../inventory/aws-world.ts';

export { ACCOUNT, REGION };
export const TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:podnet-guard-alerts`;
export const NODE_SG = 'sg-0node000000000001';

/** SSH from anywhere on the node SG, as DescribeSecurityGroupRules lists it. */
export const WORLD_SSH_RULE = {
  SecurityGroupRuleId: 'sgr-0open000000000001',
  GroupId: NODE_SG,
  GroupOwnerId: ACCOUNT,
  IsEgress: false,
  IpProtocol: 'tcp',
  FromPort: 22,
  ToPort: 22,
  CidrIpv4: '0.0.0.0/0',
  Description: 'debug ssh',
  SecurityGroupRuleArn: `arn:aws:ec2:${REGION}:${ACCOUNT}:security-group-rule/sgr-0open000000000001`,
  Tags: [],
};

/** The mocks, created once per test file. */
export function createWorldMocks() {
  return {
    ec2: mockClient(EC2Client),
    eks: mockClient(EKSClient),
    autoscaling: mockClient(AutoScalingClient),
    sns: mockClient(SNSClient),
    events: mockClient(EventBridgeClient),
  };
}
export type WorldMocks = ReturnType<typeof createWorldMocks>;

/**
 * Resets every mock (catch-all rejections first) and answers the account's reads; `worldOpenSsh` adds
 * `WORLD_SSH_RULE`. Call again before each evaluation: the paged answers are used up by one load.
 */
export function answerAccount(mocks: WorldMocks, options: { worldOpenSsh: boolean }): void {
  mocks.ec2.reset().onAnyCommand().rejects(new Error('unexpected EC2 call'));
  mocks.eks.reset().onAnyCommand().rejects(new Error('unexpected EKS call'));
  mocks.autoscaling.reset().onAnyCommand().rejects(new Error('unexpected Auto Scaling call'));
  answerWorld(mocks);
  if (options.worldOpenSsh) {
    mocks.ec2.on(DescribeSecurityGroupRulesCommand).resolves({
      ...securityGroupRules,
      SecurityGroupRules: [...(securityGroupRules.SecurityGroupRules ?? []), WORLD_SSH_RULE],
    });
  }
}

/** Resets SNS and EventBridge to accept every publish (catch-all rejection first). */
export function answerDelivery(mocks: WorldMocks): void {
  mocks.sns.reset().onAnyCommand().rejects(new Error('unexpected SNS call'));
  mocks.sns.on(PublishBatchCommand).callsFake((input: { PublishBatchRequestEntries: { Id: string }[] }) => ({
    Successful: input.PublishBatchRequestEntries.map((entry) => ({ Id: entry.Id, MessageId: `m-${entry.Id}` })),
    Failed: [],
  }));
  mocks.events.reset().onAnyCommand().rejects(new Error('unexpected EventBridge call'));
  mocks.events.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({
    FailedEntryCount: 0,
    Entries: input.Entries.map((_, index) => ({ EventId: `e-${index}` })),
  }));
}

/** The transitions published to SNS so far, as `<rule>:<transition>`. */
export function publishedTransitions(mocks: WorldMocks): string[] {
  return mocks.sns
    .commandCalls(PublishBatchCommand)
    .flatMap((call) => call.args[0].input.PublishBatchRequestEntries ?? [])
    .map(
      (entry) => `${entry.MessageAttributes?.rule?.StringValue}:${entry.MessageAttributes?.transition?.StringValue}`,
    );
}
