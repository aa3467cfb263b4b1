import { PublishBatchCommand, type PublishBatchCommandInput, SNSClient } from '@aws-sdk/client-sns';
import {
  buildPublishEntry,
  PublishError,
  publishFindings,
  publishTransitions,
  SNS_MAX_MESSAGE_BYTES,
} from '@podnet-guard/aws';
import { dedupeKeyOf, type Finding, type PublishedFinding, type RecordedTransition } from '@podnet-guard/core';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  ChatbotNotificationSchema,
  dataStoreFinding,
  HOSTILE,
  hostileFinding,
  resolvedDataStoreFinding,
  TARGET_SG,
} from '../core/findings/finding-fixture.ts';

const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:podnet-guard-findings';
const sns = mockClient(SNSClient);
const client = new SNSClient({ region: 'eu-west-1' });

/** SNS answers every entry as published, with a message id per entry. */
function acceptAll(): void {
  sns.on(PublishBatchCommand).callsFake((input: PublishBatchCommandInput) => ({
    Successful: (input.PublishBatchRequestEntries ?? []).map((entry) => ({
      Id: entry.Id,
      MessageId: `msg-${entry.Id}`,
      SequenceNumber: undefined,
    })),
    Failed: [],
  }));
}

function batches(): PublishBatchCommandInput[] {
  return sns.commandCalls(PublishBatchCommand).map((call) => call.args[0].input);
}

function findingsOf(count: number): Finding[] {
  return Array.from({ length: count }, (_, i) => dataStoreFinding({ id: `nsw-${i.toString(16).padStart(24, '0')}` }));
}

/** Bytes SNS counts for one entry: body, subject and every attribute's name, type and value. */
function entryBytes(entry: NonNullable<PublishBatchCommandInput['PublishBatchRequestEntries']>[number]): number {
  const attributes = Object.entries(entry.MessageAttributes ?? {}).reduce(
    (sum, [name, value]) =>
      sum +
      Buffer.byteLength(name) +
      Buffer.byteLength(value.DataType ?? '') +
      Buffer.byteLength(value.StringValue ?? ''),
    0,
  );
  return Buffer.byteLength(entry.Message ?? '') + Buffer.byteLength(entry.Subject ?? '') + attributes;
}

beforeEach(() => {
  sns.reset();
  sns.onAnyCommand().rejects(new Error('unexpected SNS call'));
});

describe('publishFindings', () => {
  it('sends up to 10 findings in exactly one PublishBatch', async () => {
    acceptAll();
    const result = await publishFindings(client, TOPIC, findingsOf(10));
    expect(sns.commandCalls(PublishBatchCommand)).toHaveLength(1);
    expect(sns.calls()).toHaveLength(1);
    expect(batches()[0]!.TopicArn).toBe(TOPIC);
    expect(batches()[0]!.PublishBatchRequestEntries).toHaveLength(10);
    expect(result.published).toBe(10);
    expect(result.messageIds).toHaveLength(10);
  });

  it.each([
    [11, [10, 1]],
    [20, [10, 10]],
  ])('sends %i findings in two PublishBatch calls', async (count, sizes) => {
    acceptAll();
    const result = await publishFindings(client, TOPIC, findingsOf(count));
    expect(sns.commandCalls(PublishBatchCommand)).toHaveLength(2);
    expect(batches().map((batch) => batch.PublishBatchRequestEntries?.length)).toEqual(sizes);
    expect(result.published).toBe(count);
  });

  it('sends nothing for no findings', async () => {
    const result = await publishFindings(client, TOPIC, []);
    expect(sns.calls()).toHaveLength(0);
    expect(result).toEqual({ published: 0, messageIds: [] });
  });

  it('gives each entry an Id unique in its batch, even for a repeated finding', async () => {
    acceptAll();
    const finding = dataStoreFinding();
    await publishFindings(client, TOPIC, [finding, finding]);
    const ids = batches()[0]!.PublishBatchRequestEntries!.map((entry) => entry.Id!);
    expect(new Set(ids).size).toBe(2);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
  });

  it('sends a JSON message per protocol: Chatbot as default, email text, finding JSON; no https key', async () => {
    acceptAll();
    const finding = dataStoreFinding();
    await publishFindings(client, TOPIC, [finding]);
    const entry = batches()[0]!.PublishBatchRequestEntries![0]!;
    expect(entry.MessageStructure).toBe('json');
    const message = JSON.parse(entry.Message!);
    expect(Object.keys(message).sort()).toEqual(['default', 'email', 'email-json', 'lambda', 'sqs']);
    for (const value of Object.values(message)) expect(typeof value).toBe('string');
    const chat = ChatbotNotificationSchema.parse(JSON.parse(message.default));
    expect(chat.metadata.threadId).toBe(finding.id);
    expect(message.email).toMatch(/^HIGH: Data store admits a node security group/);
    expect(JSON.parse(message.sqs)).toEqual(finding);
    expect(message.lambda).toBe(message.sqs);
    expect(message['email-json']).toBe(message.sqs);
    expect(entry.Subject).toBe(
      '[HIGH] Data store admits a node security group: sg-0a1b2c3d4e5f60718 admits sg-0f9e8d7c6b... (prod)',
    );
  });

  it('sets the filterable attributes', async () => {
    acceptAll();
    const finding = dataStoreFinding({ clusters: ['prod', 'prod-eu'] });
    await publishFindings(client, TOPIC, [finding]);
    expect(batches()[0]!.PublishBatchRequestEntries![0]!.MessageAttributes).toEqual({
      severity: { DataType: 'String', StringValue: 'high' },
      detector: { DataType: 'String', StringValue: 'node-sg-widening' },
      rule: { DataType: 'String', StringValue: 'node-sg-granted-to-data-store' },
      cluster: { DataType: 'String', StringValue: 'prod' },
      clusters: { DataType: 'String.Array', StringValue: '["prod","prod-eu"]' },
      account: { DataType: 'String', StringValue: '111122223333' },
      region: { DataType: 'String', StringValue: 'eu-west-1' },
      transition: { DataType: 'String', StringValue: 'opened' },
      dedupeKey: { DataType: 'String', StringValue: `${finding.id}:2026-11-02T09:41:07Z` },
    });
  });

  it('says cluster none and sends no empty clusters array for a finding without cluster', async () => {
    acceptAll();
    await publishFindings(client, TOPIC, [resolvedDataStoreFinding()]);
    const attributes = batches()[0]!.PublishBatchRequestEntries![0]!.MessageAttributes!;
    expect(attributes.cluster).toEqual({ DataType: 'String', StringValue: 'none' });
    expect(attributes.clusters).toBeUndefined();
    expect(attributes.transition).toEqual({ DataType: 'String', StringValue: 'resolved' });
  });

  it('takes the transition and dedupe key the caller gives', async () => {
    acceptAll();
    await publishFindings(client, TOPIC, [dataStoreFinding()], { transition: 'worsened', dedupeKey: () => 'nsw-1#7' });
    const entry = batches()[0]!.PublishBatchRequestEntries![0]!;
    expect(entry.MessageAttributes!.transition!.StringValue).toBe('worsened');
    expect(entry.MessageAttributes!.dedupeKey!.StringValue).toBe('nsw-1#7');
    expect(entry.Subject!.startsWith('[HIGH, WORSE] ')).toBe(true);
  });

  it('keeps every subject printable ASCII within 100 characters', async () => {
    acceptAll();
    await publishFindings(client, TOPIC, [
      dataStoreFinding({ title: 'x'.repeat(500) }),
      hostileFinding(),
      resolvedDataStoreFinding(),
    ]);
    for (const entry of batches()[0]!.PublishBatchRequestEntries!) {
      expect(entry.Subject!.length).toBeLessThanOrEqual(100);
      expect(entry.Subject).toMatch(/^[\x21-\x7e][\x20-\x7e]*$/);
    }
  });

  it('keeps a finding with 50,000 resources under 256 KB, saying what it cut', async () => {
    acceptAll();
    const finding = dataStoreFinding();
    finding.resources = Array.from({ length: 50_000 }, (_, i) => ({
      type: 'network-interface' as const,
      id: `eni-${i.toString(16).padStart(17, '0')}`,
    }));
    finding.blastRadius!.nodeIds = Array.from({ length: 5000 }, (_, i) => `i-${i.toString(16).padStart(17, '0')}`);
    finding.evidence.details = {
      ...finding.evidence.details,
      rules: Array.from({ length: 3000 }, (_, i) => ({
        ruleId: `sgr-${i}`,
        protocol: '6',
        description: 'd'.repeat(200),
      })),
    };
    await publishFindings(client, TOPIC, [finding]);
    const entry = batches()[0]!.PublishBatchRequestEntries![0]!;
    expect(entryBytes(entry)).toBeLessThan(SNS_MAX_MESSAGE_BYTES);
    const message = JSON.parse(entry.Message!);
    const published: PublishedFinding = JSON.parse(message.sqs);
    expect(published.id).toBe(finding.id);
    expect(published.resources.length).toBeLessThan(50_000);
    expect(published.truncated).toContainEqual({
      path: 'resources',
      unit: 'items',
      kept: published.resources.length,
      omitted: 50_000 - published.resources.length,
    });
    expect(published.truncated?.map((cut) => cut.path)).toEqual(
      expect.arrayContaining(['blastRadius.nodeIds', 'evidence.details.rules']),
    );
    // Counts describe the whole, not the kept part.
    expect(published.blastRadius?.nodes).toBe(3);
    ChatbotNotificationSchema.parse(JSON.parse(message.default));
  });

  it('does not cut a finding that fits', () => {
    const { entry, bytes } = buildPublishEntry(dataStoreFinding(), 0);
    expect(bytes).toBeLessThan(20_000);
    expect(JSON.parse(JSON.parse(entry.Message!).sqs).truncated).toBeUndefined();
  });

  it('splits large messages across batches so no batch passes 256 KB', async () => {
    acceptAll();
    // About 225 KB each: one fits a message uncut, two do not fit a batch.
    const big = findingsOf(3).map((finding) => ({ ...finding, summary: 's'.repeat(70_000) }));
    await publishFindings(client, TOPIC, big);
    expect(batches().map((batch) => batch.PublishBatchRequestEntries?.length)).toEqual([1, 1, 1]);
    expect(JSON.parse(JSON.parse(batches()[0]!.PublishBatchRequestEntries![0]!.Message!).sqs).summary).toHaveLength(
      70_000,
    );
    for (const batch of batches()) {
      const total = batch.PublishBatchRequestEntries!.reduce((sum, entry) => sum + entryBytes(entry), 0);
      expect(total).toBeLessThanOrEqual(SNS_MAX_MESSAGE_BYTES);
    }
  });
});

describe('publishFindings with hostile account text', () => {
  it('sends a valid JSON message whose default parses to the Chatbot schema, with every format inert', async () => {
    acceptAll();
    await publishFindings(client, TOPIC, [hostileFinding()]);
    const entry = batches()[0]!.PublishBatchRequestEntries![0]!;
    const message = JSON.parse(entry.Message!);
    expect(Object.keys(message).sort()).toEqual(['default', 'email', 'email-json', 'lambda', 'sqs']);
    const chat = ChatbotNotificationSchema.parse(JSON.parse(message.default));
    const chatText = JSON.stringify(chat.content) + JSON.stringify(chat.metadata);
    expect(chatText).not.toMatch(/<!|<@|<#/);
    expect(chatText).not.toMatch(/@(?!\u200b)/);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: checking for them is the point.
    expect(message.email).not.toMatch(/[\u001b\u202e]/);
    // The finding JSON keeps the raw text (consumers escape for their own medium), quotes and all.
    expect(JSON.parse(message.sqs).evidence.sourceIp).toBe(HOSTILE.json);
    for (const value of Object.values(entry.MessageAttributes!)) {
      // biome-ignore lint/suspicious/noControlCharactersInRegex: checking for them is the point.
      expect(value.StringValue).not.toMatch(/[\u0000-\u001f]/);
    }
  });
});

describe('publishFindings when SNS fails entries', () => {
  it('retries entries SNS failed on its side once, then succeeds', async () => {
    sns
      .on(PublishBatchCommand)
      .resolvesOnce({
        Successful: [{ Id: '0-nsw-000000000000000000000000', MessageId: 'm-0' }],
        Failed: [{ Id: '1-nsw-000000000000000000000001', Code: 'InternalError', SenderFault: false }],
      })
      .resolvesOnce({ Successful: [{ Id: '1-nsw-000000000000000000000001', MessageId: 'm-1' }], Failed: [] });
    const result = await publishFindings(client, TOPIC, findingsOf(2));
    expect(sns.commandCalls(PublishBatchCommand)).toHaveLength(2);
    expect(batches()[1]!.PublishBatchRequestEntries!.map((entry) => entry.Id)).toEqual([
      '1-nsw-000000000000000000000001',
    ]);
    expect(result).toEqual({ published: 2, messageIds: ['m-0', 'm-1'] });
  });

  it('throws PublishError naming the findings that failed twice', async () => {
    sns.on(PublishBatchCommand).resolves({
      Successful: [],
      Failed: [
        { Id: '0-nsw-000000000000000000000000', Code: 'InternalError', Message: 'try later', SenderFault: false },
      ],
    });
    const error = await publishFindings(client, TOPIC, findingsOf(1)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PublishError);
    expect((error as PublishError).failed).toEqual([
      {
        findingId: 'nsw-000000000000000000000000',
        entryId: '0-nsw-000000000000000000000000',
        code: 'InternalError',
        message: 'try later',
        senderFault: false,
      },
    ]);
    expect((error as PublishError).message).toContain('nsw-000000000000000000000000 (InternalError)');
    expect(sns.commandCalls(PublishBatchCommand)).toHaveLength(2);
  });

  it('does not retry entries SNS blames on the sender, and still publishes the rest', async () => {
    sns.on(PublishBatchCommand).resolvesOnce({
      Successful: [{ Id: '1-nsw-000000000000000000000001', MessageId: 'm-1' }],
      Failed: [
        {
          Id: '0-nsw-000000000000000000000000',
          Code: 'InvalidParameter',
          Message: 'Invalid parameter: Message too long',
          SenderFault: true,
        },
      ],
    });
    const error = (await publishFindings(client, TOPIC, findingsOf(2)).catch(
      (caught: unknown) => caught,
    )) as PublishError;
    expect(error).toBeInstanceOf(PublishError);
    expect(sns.commandCalls(PublishBatchCommand)).toHaveLength(1);
    expect(error.failed.map((failure) => [failure.findingId, failure.code, failure.senderFault])).toEqual([
      ['nsw-000000000000000000000000', 'InvalidParameter', true],
    ]);
    expect(error.published).toBe(1);
    expect(error.messageIds).toEqual(['m-1']);
  });

  it('counts an entry SNS did not answer for as failed', async () => {
    sns.on(PublishBatchCommand).resolves({ Successful: [], Failed: [] });
    const error = (await publishFindings(client, TOPIC, findingsOf(1)).catch(
      (caught: unknown) => caught,
    )) as PublishError;
    expect(error).toBeInstanceOf(PublishError);
    expect(error.failed[0]!.code).toBe('NoResult');
  });

  it('wraps a failed call in PublishError listing every finding not sent', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottledException' });
    // The first call resolves once; the second call falls through to the rejection.
    sns
      .on(PublishBatchCommand)
      .resolvesOnce({
        Successful: Array.from({ length: 10 }, (_, i) => ({
          Id: `${i}-nsw-${i.toString(16).padStart(24, '0')}`,
          MessageId: `m-${i}`,
        })),
        Failed: [],
      })
      .rejects(throttled);
    const error = (await publishFindings(client, TOPIC, findingsOf(12)).catch(
      (caught: unknown) => caught,
    )) as PublishError;
    expect(error).toBeInstanceOf(PublishError);
    expect(error.cause).toBe(throttled);
    expect(error.published).toBe(10);
    expect(error.failed.map((failure) => failure.findingId)).toEqual([
      'nsw-00000000000000000000000a',
      'nsw-00000000000000000000000b',
    ]);
    expect(error.failed.every((failure) => failure.code === 'ThrottledException')).toBe(true);
  });
});

describe('publishTransitions', () => {
  it('publishes each recorded finding with its own transition and the store dedupe key, without bookkeeping', async () => {
    acceptAll();
    const opened = dataStoreFinding();
    const resolved = resolvedDataStoreFinding();
    const recorded: RecordedTransition[] = [
      {
        transition: 'opened',
        version: 1,
        dedupeKey: dedupeKeyOf(opened.id, 1),
        finding: { ...opened, id: 'nsw-a', version: 1, pending: { transition: 'opened', version: 1, since: 'x' } },
      },
      {
        transition: 'resolved',
        version: 4,
        dedupeKey: dedupeKeyOf(resolved.id, 4),
        finding: { ...resolved, version: 4, expiresAt: 1_800_000_000 },
      },
    ];
    await publishTransitions(client, TOPIC, recorded);
    const entries = batches()[0]!.PublishBatchRequestEntries!;
    expect(entries.map((entry) => entry.MessageAttributes!.transition!.StringValue)).toEqual(['opened', 'resolved']);
    expect(entries.map((entry) => entry.MessageAttributes!.dedupeKey!.StringValue)).toEqual([
      `${opened.id}#1`,
      `${resolved.id}#4`,
    ]);
    const body = JSON.parse(JSON.parse(entries[0]!.Message!).sqs);
    expect(body.version).toBeUndefined();
    expect(body.pending).toBeUndefined();
    expect(entries[1]!.Subject).toBe(`[RESOLVED] Data store admits a node security group: ${TARGET_SG}`);
  });
});
