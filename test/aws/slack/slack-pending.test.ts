/**
 * Events Slack refused wait in the Slack function's own failure queue (Lambda's on-failure destination record, with
 * the original event as `requestPayload`) and are delivered by its hourly run once Slack answers again.
 */
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createSlackAppSink, drainSlackPending, MemorySlackStateStore } from '@podnet-guard/aws/slack';
import { parseGuardConfig, type SlackConfig } from '@podnet-guard/core';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findingBusEvent } from '../../helpers/finding-bus-event.ts';
import { type SlackServer, startSlackServer } from '../../helpers/slack-server.ts';

const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/111122223333/podnet-guard-prod-SlackPending';
const config = parseGuardConfig({ slack: { defaultChannel: '#eks-alerts' } }).slack as SlackConfig;
const sqs = mockClient(SQSClient);
let server: SlackServer;

beforeEach(async () => {
  server = await startSlackServer();
  sqs.reset();
});
afterEach(async () => {
  await server.close();
});

const busEvent = findingBusEvent;

/** Lambda's on-failure destination record for an asynchronous invocation whose retries were used up. */
function failureRecord(requestPayload: unknown, n: number) {
  return {
    MessageId: `m-${n}`,
    ReceiptHandle: `receipt-${n}`,
    Body: JSON.stringify({
      version: '1.0',
      timestamp: '2026-12-02T10:03:12.345Z',
      requestContext: {
        requestId: `c6af9ac6-7b61-11e6-9a41-93e8deadbe0${n}`,
        functionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:podnet-guard-prod-DeliverSlack:$LATEST',
        condition: 'RetriesExhausted',
        approximateInvokeCount: 3,
      },
      requestPayload,
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: {
        errorType: 'SlackDeliveryError',
        errorMessage: 'Slack refused the message: token_revoked (auth)',
      },
    }),
  };
}

const logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('drainSlackPending', () => {
  it('leaves everything in the queue while Slack still refuses, then delivers and deletes each once it answers', async () => {
    const messages = [failureRecord(busEvent('opened', 1), 1), failureRecord(busEvent('resolved', 2), 2)];
    sqs.on(ReceiveMessageCommand).resolvesOnce({ Messages: messages }).resolves({ Messages: [] });
    sqs.on(DeleteMessageCommand).resolves({});
    const deps = {
      sink: createSlackAppSink({ token: 'xoxb-1-2-not-real', apiUrl: server.apiUrl }),
      config,
      state: new MemorySlackStateStore(),
      logger,
    };
    server.failNext({ method: 'chat.postMessage', error: 'token_revoked' });
    expect(await drainSlackPending(new SQSClient({ region: 'eu-west-1' }), QUEUE, deps)).toEqual({
      delivered: 0,
      stillPending: 2,
    });
    expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(0);

    // The next hour: the messages are visible again.
    sqs.reset();
    sqs.on(ReceiveMessageCommand).resolvesOnce({ Messages: messages }).resolves({ Messages: [] });
    sqs.on(DeleteMessageCommand).resolves({});
    expect(await drainSlackPending(new SQSClient({ region: 'eu-west-1' }), QUEUE, deps)).toEqual({
      delivered: 2,
      stillPending: 0,
    });
    expect(sqs.commandCalls(DeleteMessageCommand).map((call) => call.args[0].input)).toEqual([
      { QueueUrl: QUEUE, ReceiptHandle: 'receipt-1' },
      { QueueUrl: QUEUE, ReceiptHandle: 'receipt-2' },
    ]);
    expect(sqs.commandCalls(ReceiveMessageCommand)[0]?.args[0].input).toEqual({
      QueueUrl: QUEUE,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 0,
    });
    // One parent, its resolution in the thread: nothing lost, nothing twice.
    expect(server.messages.filter((m) => m.method === 'chat.postMessage' && !m.threadTs)).toHaveLength(1);
    expect(server.messages.filter((m) => m.threadTs).map((m) => m.text?.split(':')[0])).toEqual(['Resolved']);
  });

  it('drops a record that holds no event (it would never deliver) rather than blocking the queue', async () => {
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [{ MessageId: 'x', ReceiptHandle: 'r-x', Body: 'not json' }] })
      .resolves({ Messages: [] });
    sqs.on(DeleteMessageCommand).resolves({});
    const deps = {
      sink: createSlackAppSink({ token: 'xoxb-1-2-not-real', apiUrl: server.apiUrl }),
      config,
      state: new MemorySlackStateStore(),
      logger,
    };
    expect(await drainSlackPending(new SQSClient({ region: 'eu-west-1' }), QUEUE, deps)).toEqual({
      delivered: 1,
      stillPending: 0,
    });
    expect(server.messages).toHaveLength(0);
  });
});
