/**
 * The event pipeline the benches drive: `handleCloudTrailEvent`'s dependencies with EC2/EKS/Auto Scaling mocked by
 * aws-sdk-client-mock (the caller serves an account), SNS and EventBridge accepting everything, the inventory cache off
 * (every event pays its own loading, the worst case of a cold container) and a silent logger.
 */
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EKSClient } from '@aws-sdk/client-eks';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  createClientSet,
  createEventInventoryLoader,
  type EventHandlerDeps,
  loadScopedSnapshotForEvent,
} from '@podnet-guard/aws';
import type { FindingStore, GuardConfig } from '@podnet-guard/core';
import { mockClient } from 'aws-sdk-client-mock';

export function mockedEventPipeline() {
  const ec2 = mockClient(EC2Client);
  const eks = mockClient(EKSClient);
  const autoscaling = mockClient(AutoScalingClient);
  const sns = mockClient(SNSClient);
  const bus = mockClient(EventBridgeClient);
  sns.on(PublishBatchCommand).callsFake((input: { PublishBatchRequestEntries: { Id: string }[] }) => ({
    Successful: input.PublishBatchRequestEntries.map((entry) => ({ Id: entry.Id, MessageId: `m-${entry.Id}` })),
    Failed: [],
  }));
  bus.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({
    FailedEntryCount: 0,
    Entries: input.Entries.map(() => ({ EventId: 'e' })),
  }));
  const clients = createClientSet('eu-west-1');
  const loadInventory = createEventInventoryLoader({
    clientsFor: () => clients,
    cacheSeconds: 0,
    scoped: loadScopedSnapshotForEvent,
  });
  const logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const deps = (store: FindingStore, config: GuardConfig): EventHandlerDeps => ({
    config,
    loadInventory,
    store,
    targets: {
      sns: new SNSClient({}),
      topicArn: 'arn:aws:sns:eu-west-1:111122223333:alerts',
      bus: { client: new EventBridgeClient({}), name: 'findings' },
    },
    logger,
    recordMetric: () => undefined,
  });
  /** Gives the SDK clients back their real `send`. */
  const restore = () => {
    for (const mock of [ec2, eks, autoscaling, sns, bus]) mock.restore();
  };
  return { ec2, eks, autoscaling, deps, restore };
}
