/**
 * Publishes finding transitions to the SNS topic: one message per finding, with a body per protocol
 * (`MessageStructure: 'json'`): the AWS Chatbot custom notification as `default` (Chatbot subscribes over HTTPS and
 * must receive `default`, so there is deliberately no `https` key), the plain-text email as `email`, and the finding
 * JSON for `email-json`, `sqs` and `lambda`. Message attributes let subscriptions filter (severity, cluster, …).
 *
 * Limits (SNS PublishBatch API reference): at most 10 entries per batch, each `Id` unique in its batch (up to 80
 * characters: letters, digits, `-`, `_`); one message, and the sum of a batch's messages, at most 262,144 bytes,
 * attributes included. Failed entries are retried once when SNS says the fault was its own; then `PublishError`
 * names what was not published, so the Lambda's retries and DLQ take over.
 */
import {
  type MessageAttributeValue,
  PublishBatchCommand,
  type PublishBatchCommandOutput,
  type PublishBatchRequestEntry,
  type SNSClient,
} from '@aws-sdk/client-sns';
import {
  compactFinding,
  emailSubject,
  type Finding,
  type PublishedFinding,
  type PublishedTransition,
  publicFinding,
  type RecordedTransition,
  renderChatbotNotification,
  renderEmail,
  singleLine,
  transitionOf,
} from '@podnet-guard/core';
import { PublishError, type PublishFailure } from './delivery-errors.ts';

export { PublishError, type PublishFailure } from './delivery-errors.ts';

/** SNS's cap on one message and on one batch, in bytes (body, subject and attributes). */
export const SNS_MAX_MESSAGE_BYTES = 262_144;
/** What we allow one message: the cap less headroom for SNS's own accounting of attributes. */
export const MESSAGE_BUDGET_BYTES = 250_000;
/** SNS PublishBatch takes at most 10 entries. */
export const SNS_MAX_BATCH_ENTRIES = 10;

/** Options of `publishFindings`. */
export interface PublishOptions {
  /** Why these findings are sent; by default `resolved` for resolved findings, else `opened`. */
  transition?: PublishedTransition | ((finding: Finding) => PublishedTransition);
  /** The `dedupeKey` attribute subscribers use to drop repeats; by default `<finding id>:<lastSeen>`. */
  dedupeKey?: (finding: Finding) => string;
}

/** What `publishFindings` sent. */
export interface PublishResult {
  published: number;
  /** SNS message ids, in the order of the findings. */
  messageIds: string[];
}

/**
 * Publishes findings to an SNS topic in batches of up to 10 (fewer when large messages would pass SNS's 256 KB batch
 * cap).
 *
 * @example
 * ```ts
 * const sns = new SNSClient(clientConfig());
 * const { published } = await publishFindings(sns, config.topicArn, opened, { transition: 'opened' });
 * ```
 */
export async function publishFindings(
  sns: SNSClient,
  topicArn: string,
  findings: Finding[],
  options: PublishOptions = {},
): Promise<PublishResult> {
  const entries = findings.map((finding, index) => buildPublishEntry(finding, index, options));
  const messageIds = new Map<string, string>();
  const retry: PendingEntry[] = [];
  const failed: PublishFailure[] = [];

  const send = async (pending: PendingEntry[], last: boolean): Promise<void> => {
    for (const batch of toBatches(pending)) {
      let response: PublishBatchCommandOutput;
      try {
        response = await sns.send(
          new PublishBatchCommand({ TopicArn: topicArn, PublishBatchRequestEntries: batch.map((e) => e.entry) }),
        );
      } catch (error) {
        // The whole call failed (after the SDK's own retries): nothing in this batch or after it went out, nor what
        // was waiting for its retry.
        const unsent = [...pending.slice(pending.indexOf(batch[0]!)), ...(last ? [] : retry)];
        const code = errorName(error);
        failed.push(...unsent.map((p) => failureOf(p, code, errorMessage(error), false)));
        throw new PublishError(
          { topicArn, failed, published: messageIds.size, messageIds: orderedIds(entries, messageIds) },
          { cause: error },
        );
      }
      for (const ok of response.Successful ?? []) {
        if (ok.Id && ok.MessageId) messageIds.set(ok.Id, ok.MessageId);
      }
      for (const bad of response.Failed ?? []) {
        const pendingEntry = batch.find((p) => p.entry.Id === bad.Id);
        if (!pendingEntry) continue;
        const senderFault = bad.SenderFault !== false;
        if (!senderFault && !last) retry.push(pendingEntry);
        else failed.push(failureOf(pendingEntry, bad.Code ?? 'Unknown', bad.Message, senderFault));
      }
      // An entry SNS neither accepted nor rejected is not published either.
      for (const pendingEntry of batch) {
        const id = pendingEntry.entry.Id!;
        const answered = messageIds.has(id) || (response.Failed ?? []).some((bad) => bad.Id === id);
        if (!answered) failed.push(failureOf(pendingEntry, 'NoResult', 'no result for this entry', false));
      }
    }
  };

  await send(entries, false);
  if (retry.length > 0) await send(retry, true);
  if (failed.length > 0) {
    throw new PublishError({
      topicArn,
      failed,
      published: messageIds.size,
      messageIds: orderedIds(entries, messageIds),
    });
  }
  return { published: messageIds.size, messageIds: orderedIds(entries, messageIds) };
}

/**
 * Publishes what a finding store recorded (`FindingStore.record`): each finding with its own transition and the
 * store's dedupe key (`<finding id>#<version>`). The store's bookkeeping (version, pending, seen, …) is not published.
 *
 * @example
 * ```ts
 * const recorded = await store.record(findings, { eventId, now });
 * await publishTransitions(sns, topicArn, recorded);
 * for (const item of recorded) await store.markDelivered(item.finding.id, item.version);
 * ```
 */
export async function publishTransitions(
  sns: SNSClient,
  topicArn: string,
  recorded: readonly RecordedTransition[],
): Promise<PublishResult> {
  const byFinding = new Map<Finding, RecordedTransition>();
  const findings = recorded.map((item) => {
    const finding = publicFinding(item.finding);
    byFinding.set(finding, item);
    return finding;
  });
  return publishFindings(sns, topicArn, findings, {
    transition: (finding) => byFinding.get(finding)!.transition,
    dedupeKey: (finding) => byFinding.get(finding)!.dedupeKey,
  });
}

/** One finding's batch entry and its size in bytes. */
export interface PendingEntry {
  finding: Finding;
  entry: PublishBatchRequestEntry;
  bytes: number;
}

// Cuts tried in turn until the message fits; the last keeps only a handful of items and short strings.
const COMPACTION_STEPS = [
  { maxItems: 500, maxString: 20_000 },
  { maxItems: 100, maxString: 4_000 },
  { maxItems: 20, maxString: 1_000 },
  { maxItems: 5, maxString: 300 },
  { maxItems: 0, maxString: 100 },
];

/**
 * The PublishBatch entry of one finding: per-protocol bodies, subject, attributes; lists and strings of the finding
 * JSON cut (with a `truncated` record) until the whole entry fits `MESSAGE_BUDGET_BYTES`.
 *
 * @example buildPublishEntry(finding, 0).entry.MessageStructure // 'json'
 */
export function buildPublishEntry(finding: Finding, index: number, options: PublishOptions = {}): PendingEntry {
  const given = options.transition;
  const transition =
    typeof given === 'function' ? given(finding) : transitionOf(finding, given ? { transition: given } : {});
  const chat = JSON.stringify(renderChatbotNotification(finding, { transition }));
  const email = renderEmail(finding, { transition });
  const attributes = messageAttributes(
    finding,
    transition,
    options.dedupeKey?.(finding) ?? `${finding.id}:${finding.lastSeen}`,
  );
  const attributeBytes = Object.entries(attributes).reduce(
    (sum, [name, value]) =>
      sum + byteLength(name) + byteLength(value.DataType ?? '') + byteLength(value.StringValue ?? ''),
    0,
  );
  const fixedBytes = attributeBytes + byteLength(email.subject);

  let entry: PublishBatchRequestEntry | undefined;
  let bytes = 0;
  for (const limits of [undefined, ...COMPACTION_STEPS]) {
    const body: PublishedFinding = limits ? compactFinding(finding, limits) : finding;
    const json = JSON.stringify(body);
    const message = JSON.stringify({ default: chat, email: email.body, 'email-json': json, sqs: json, lambda: json });
    bytes = byteLength(message) + fixedBytes;
    entry = {
      Id: entryId(finding, index),
      Message: message,
      MessageStructure: 'json',
      Subject: emailSubject(finding, { transition }),
      MessageAttributes: attributes,
    };
    if (bytes <= MESSAGE_BUDGET_BYTES) break;
  }
  return { finding, entry: entry!, bytes };
}

/** Splits entries into PublishBatch calls: at most 10 entries and 262,144 bytes each. */
export function toBatches(entries: PendingEntry[]): PendingEntry[][] {
  const batches: PendingEntry[][] = [];
  let current: PendingEntry[] = [];
  let size = 0;
  for (const pending of entries) {
    if (
      current.length > 0 &&
      (current.length === SNS_MAX_BATCH_ENTRIES || size + pending.bytes > SNS_MAX_MESSAGE_BYTES)
    ) {
      batches.push(current);
      current = [];
      size = 0;
    }
    current.push(pending);
    size += pending.bytes;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

function messageAttributes(
  finding: Finding,
  transition: PublishedTransition,
  dedupeKey: string,
): Record<string, MessageAttributeValue> {
  const string = (value: string): MessageAttributeValue => ({ DataType: 'String', StringValue: attributeText(value) });
  // SNS delivers at most 10 attributes to SQS subscribers; these are 9.
  const attributes: Record<string, MessageAttributeValue> = {
    severity: string(finding.severity),
    detector: string(finding.detector),
    rule: string(finding.rule),
    cluster: string(finding.clusters[0] ?? 'none'),
    account: string(finding.account),
    region: string(finding.region),
    transition: string(transition),
    dedupeKey: string(dedupeKey),
  };
  // An empty String.Array is not a useful filter value; `cluster` already says `none`.
  if (finding.clusters.length > 0) {
    attributes.clusters = {
      DataType: 'String.Array',
      StringValue: JSON.stringify(finding.clusters.slice(0, 50).map(attributeText)),
    };
  }
  return attributes;
}

/** SNS rejects empty attribute values; account text is cut and freed of control characters. */
function attributeText(value: string): string {
  const text = singleLine(value).slice(0, 256);
  return text === '' ? 'unknown' : text;
}

function entryId(finding: Finding, index: number): string {
  return `${index}-${finding.id.replace(/[^A-Za-z0-9_-]/g, '_')}`.slice(0, 80);
}

function failureOf(
  pending: PendingEntry,
  code: string,
  message: string | undefined,
  senderFault: boolean,
): PublishFailure {
  return {
    findingId: pending.finding.id,
    entryId: pending.entry.Id!,
    code,
    ...(message !== undefined ? { message } : {}),
    senderFault,
  };
}

function orderedIds(entries: PendingEntry[], messageIds: Map<string, string>): string[] {
  return entries.flatMap((pending) => {
    const id = messageIds.get(pending.entry.Id!);
    return id ? [id] : [];
  });
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

function errorName(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'name' in error && typeof error.name === 'string')
    return error.name;
  return 'Error';
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
