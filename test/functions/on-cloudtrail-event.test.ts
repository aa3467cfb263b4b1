/**
 * The deployed handler file itself: environment as the stack sets it, the findings table on a real DynamoDB engine
 * (dynalite, reached through the standard `AWS_ENDPOINT_URL_DYNAMODB`), EC2/EKS answered from the sample account and
 * SNS/EventBridge pinned with aws-sdk-client-mock.
 */

import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EKSClient } from '@aws-sdk/client-eks';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Dynalite, startDynalite } from '../helpers/dynalite.ts';
import { loadEvent } from '../helpers/events.ts';
import { lambdaContext, stubFunctionEnv } from '../helpers/lambda.ts';
import { sampleAccountSnapshot, serveSnapshot } from '../helpers/sample-aws.ts';

const ec2 = mockClient(EC2Client);
const eks = mockClient(EKSClient);
const autoscaling = mockClient(AutoScalingClient);
const sns = mockClient(SNSClient);
const bus = mockClient(EventBridgeClient);

const context = lambdaContext('podnet-guard-OnCloudTrailEvent');

let db: Dynalite;
let handler: (event: unknown, context: Context) => Promise<unknown>;

beforeAll(async () => {
  db = await startDynalite();
  await db.createTable('podnet-guard-findings');
  stubFunctionEnv({
    endpoint: db.endpoint,
    table: 'podnet-guard-findings',
    topicArn: 'arn:aws:sns:eu-west-1:111122223333:podnet-guard-alerts',
    extra: {
      FINDINGS_BUS_NAME: 'podnet-guard-findings',
      OWN_PRINCIPALS: 'arn:aws:sts::111122223333:assumed-role/podnet-guard-*',
      // Logged for real, into `logLines` (see beforeEach), so the tests can read what each invocation wrote.
      POWERTOOLS_LOG_LEVEL: 'INFO',
    },
  });
  ({ handler } = await import('../../functions/on-cloudtrail-event.ts'));
});
afterEach(() => {
  vi.restoreAllMocks();
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await db.stop();
});

/** The JSON log lines Powertools wrote since the current test began (stdout and stderr, swallowed). */
let logLines: Record<string, unknown>[] = [];

beforeEach(() => {
  logLines = [];
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream);
    vi.spyOn(stream, 'write').mockImplementation((chunk: unknown, ...rest: unknown[]) => {
      const lines = String(chunk).split('\n').filter(Boolean);
      const parsed = lines.map((line) => {
        try {
          return JSON.parse(line) as Record<string, unknown>;
        } catch {
          return undefined;
        }
      });
      // Anything but Powertools' JSON lines goes through untouched.
      if (parsed.length === 0 || parsed.some((line) => line === undefined)) {
        return original(chunk as string, ...(rest as []));
      }
      logLines.push(...(parsed as Record<string, unknown>[]));
      return true;
    });
  }
  ec2.reset().onAnyCommand().rejects(new Error('unexpected EC2 call'));
  eks.reset().onAnyCommand().rejects(new Error('unexpected EKS call'));
  autoscaling.reset().onAnyCommand().rejects(new Error('unexpected Auto Scaling call'));
  sns.reset().onAnyCommand().rejects(new Error('unexpected SNS call'));
  bus.reset().onAnyCommand().rejects(new Error('unexpected EventBridge call'));
  serveSnapshot(sampleAccountSnapshot(), ec2, eks);
  sns.on(PublishBatchCommand).callsFake((input: { PublishBatchRequestEntries: { Id: string }[] }) => ({
    Successful: input.PublishBatchRequestEntries.map((entry) => ({ Id: entry.Id, MessageId: `m-${entry.Id}` })),
    Failed: [],
  }));
  bus.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({
    FailedEntryCount: 0,
    Entries: input.Entries.map((_, index) => ({ EventId: `e-${index}` })),
  }));
});

describe('functions/on-cloudtrail-event', () => {
  it('alerts once when the RDS SG admits the node SG, with the scoped call budget', async () => {
    const outcome = await handler(loadEvent('AuthorizeSecurityGroupIngress', 'source-group'), context);
    expect(outcome).toEqual({ status: 'evaluated', findings: 1, published: 1, awsCalls: 6 });
    expect(ec2.calls().length + eks.calls().length).toBe(6);
    const entry = sns.commandCalls(PublishBatchCommand)[0]!.args[0].input.PublishBatchRequestEntries![0]!;
    expect(entry.MessageStructure).toBe('json');
    expect(Object.keys(JSON.parse(entry.Message!)).sort()).toEqual(['default', 'email', 'email-json', 'lambda', 'sqs']);
    expect(entry.MessageAttributes?.severity?.StringValue).toBe('high');
    expect(bus.commandCalls(PutEventsCommand)).toHaveLength(1);
  });

  it("alerts once when an SGP pod SG is opened to the world, reading the pods' branch ENIs in the scoped budget", async () => {
    const outcome = await handler(loadEvent('AuthorizeSecurityGroupIngress', 'pod-sg-world-open-ssh'), context);
    expect(outcome).toEqual({ status: 'evaluated', findings: 1, published: 1, awsCalls: 7 });
    expect(ec2.calls().length + eks.calls().length).toBe(7);
    const entry = sns.commandCalls(PublishBatchCommand)[0]!.args[0].input.PublishBatchRequestEntries![0]!;
    expect(entry.MessageAttributes?.rule?.StringValue).toBe('pod-sg-world-open-ingress');
    expect(entry.MessageAttributes?.severity?.StringValue).toBe('critical');
  });

  it('makes no AWS call for a routine successful CNI call', async () => {
    const outcome = await handler(loadEvent('CreateNetworkInterface', 'cni-routine'), context);
    expect(outcome).toMatchObject({ status: expect.stringMatching(/evaluated|skipped/) });
    expect(ec2.calls()).toHaveLength(0);
    expect(sns.calls()).toHaveLength(0);
  });

  it('acknowledges malformed input without throwing', async () => {
    await expect(handler({ hello: 'world' }, context)).resolves.toMatchObject({ status: 'rejected' });
    await expect(handler('not even an object', context)).resolves.toMatchObject({ status: 'rejected' });
  });

  it('throws when EC2 keeps throttling, so Lambda retries and the on-failure destination keeps the event', async () => {
    ec2
      .reset()
      .onAnyCommand()
      .rejects(
        Object.assign(new Error('Request limit exceeded.'), {
          name: 'RequestLimitExceeded',
          $metadata: { httpStatusCode: 503 },
        }),
      );
    await expect(handler(loadEvent('AuthorizeSecurityGroupIngress', 'world-open-ssh'), context)).rejects.toMatchObject({
      name: 'InventoryLoadError',
      kind: 'throttled',
    });
  });

  it('spends no EC2 or EKS call on a redelivered event (one store read recognises it)', async () => {
    const event = withEventId(loadEvent('AuthorizeSecurityGroupIngress', 'source-group'), 'redelivered-0001');
    expect(await handler(event, context)).toMatchObject({ status: 'evaluated', awsCalls: 6 });
    ec2.resetHistory();
    eks.resetHistory();
    expect(await handler(event, context)).toEqual({ status: 'redelivered', published: 0 });
    expect(ec2.calls().length + eks.calls().length).toBe(0);
  });

  it("writes each invocation's own event ids on its log lines, never the previous event's", async () => {
    const valid = withEventId(loadEvent('AuthorizeSecurityGroupIngress', 'world-open-ssh'), 'valid-event-0001');
    await handler(valid, lambdaContext('podnet-guard-OnCloudTrailEvent', 'request-1'));
    const malformed = { 'detail-type': 'AWS API Call via CloudTrail', detail: { eventID: 'bad-0002', eventName: 7 } };
    await handler(malformed, lambdaContext('podnet-guard-OnCloudTrailEvent', 'request-2'));
    await handler({ hello: 'world' }, lambdaContext('podnet-guard-OnCloudTrailEvent', 'request-3'));

    const byRequest = (id: string) => logLines.filter((line) => line.function_request_id === id);
    expect(byRequest('request-1').length).toBeGreaterThan(0);
    for (const line of byRequest('request-1')) expect(line).toMatchObject({ eventId: 'valid-event-0001' });
    const [rejected] = byRequest('request-2');
    expect(rejected).toMatchObject({ message: 'event rejected', eventId: 'bad-0002' });
    const [anonymous] = byRequest('request-3');
    expect(anonymous).toMatchObject({ message: 'event rejected' });
    expect(anonymous).not.toHaveProperty('eventId');
    expect(anonymous).not.toHaveProperty('eventName');
  });
});

function withEventId(event: unknown, eventId: string): unknown {
  const copy = structuredClone(event) as { detail: { eventID: string } };
  copy.detail.eventID = eventId;
  return copy;
}
