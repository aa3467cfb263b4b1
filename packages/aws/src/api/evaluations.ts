/**
 * Evaluations the API started, kept in the findings table as `EVALUATION#<id>` items (no index keys, so finding
 * queries never see them; `expiresAt` lets DynamoDB's TTL delete them a day later). An evaluation that outlives API
 * Gateway's 30 seconds is answered `202` and finished elsewhere; `GET /evaluations/{id}` reads its record.
 *
 * Whoever runs an evaluation owns its record (`owner`); completing it is conditional on still owning it and on it
 * still running, so a run that was handed off and resumes later (a frozen Lambda container) cannot overwrite the
 * result of the run that took over.
 */
import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { type EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import {
  type DetectorId,
  epochSeconds,
  type Finding,
  type NotJudged,
  type RecordedTransition,
} from '@podnet-guard/core';
import { hasErrorCode } from '../errors.ts';
import { FindingStoreError } from '../finding-store-errors.ts';

/** What `POST /evaluations` asks for. */
export interface EvaluationRequest {
  clusters?: string[];
  detectors?: DetectorId[];
}

/** The answer of a finished evaluation (`POST /evaluations` 200, and `result` of `GET /evaluations/{id}`). */
export interface EvaluationResultBody {
  findings: Finding[];
  suppressed: number;
  /** Detectors whose rules needed facts the account could not give, with the reason. */
  notJudged: NotJudged[];
  /** Rules the deployed config switched off (`disabledRules`), when any. */
  disabledRules?: string[];
  transitions: { id: string; transition: RecordedTransition['transition']; dedupeKey: string }[];
  published: number;
  figures: { awsCalls: number; durationMs: number; regions: string[] };
  warnings: string[];
  /** True when the findings were left out to fit the record: read them with `GET /findings`. */
  truncated?: boolean;
}

export type EvaluationStatus = 'running' | 'done' | 'failed';

/** One evaluation as `GET /evaluations/{id}` reports it. */
export interface EvaluationRecord {
  id: string;
  status: EvaluationStatus;
  request: EvaluationRequest;
  /** The caller's ARN. */
  requestedBy: string;
  createdAt: string;
  completedAt?: string;
  result?: EvaluationResultBody;
  /** Why it failed (operation and kind; never a secret). */
  error?: { message: string; kind: string; operation?: string };
}

/** How a run ended. */
export type EvaluationOutcome =
  | { status: 'done'; result: EvaluationResultBody }
  | { status: 'failed'; error: NonNullable<EvaluationRecord['error']> };

/** Where evaluation records live. */
export interface EvaluationStore {
  /** Writes a new `running` record owned by `owner`; throws if the id exists. */
  create(record: EvaluationRecord, owner: string): Promise<void>;
  get(id: string): Promise<EvaluationRecord | undefined>;
  /** Makes `owner` the owner of a running evaluation; false when it is no longer running. */
  takeOver(id: string, owner: string): Promise<boolean>;
  /** Writes the outcome if `owner` still owns a running record; false otherwise. */
  complete(id: string, owner: string, outcome: EvaluationOutcome, now: string): Promise<boolean>;
}

/** Evaluation records are kept this long (seconds). */
export const EVALUATION_TTL_SECONDS = 24 * 3600;
/** A result larger than this (bytes of JSON) is stored without its findings; DynamoDB items stop at 400 KB. */
export const MAX_STORED_RESULT_BYTES = 300_000;

/**
 * The DynamoDB evaluation store, on the findings table.
 *
 * @example
 * ```ts
 * const evaluations = createDynamoEvaluationStore({ client, tableName: config.tableName });
 * await evaluations.create({ id, status: 'running', request, requestedBy, createdAt: now }, `api:${id}`);
 * ```
 */
export function createDynamoEvaluationStore(options: { client: DynamoDBClient; tableName: string }): EvaluationStore {
  const { client, tableName } = options;
  const key = (id: string) => ({ pk: { S: `EVALUATION#${id}` } });
  return {
    async create(record, owner) {
      const item: Record<string, AttributeValue> = {
        ...key(record.id),
        id: { S: record.id },
        status: { S: record.status },
        owner: { S: owner },
        request: { S: JSON.stringify(record.request) },
        requestedBy: { S: record.requestedBy },
        createdAt: { S: record.createdAt },
        expiresAt: { N: String(epochSeconds(record.createdAt) + EVALUATION_TTL_SECONDS) },
      };
      await send('PutItem', () =>
        client.send(
          new PutItemCommand({ TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
        ),
      );
    },

    async get(id) {
      const output = await send('GetItem', () =>
        client.send(new GetItemCommand({ TableName: tableName, Key: key(id), ConsistentRead: true })),
      );
      return output.Item ? fromItem(output.Item) : undefined;
    },

    async takeOver(id, owner) {
      return conditional('UpdateItem', () =>
        client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: key(id),
            UpdateExpression: 'SET #owner = :owner',
            ConditionExpression: '#status = :running',
            ExpressionAttributeNames: { '#owner': 'owner', '#status': 'status' },
            ExpressionAttributeValues: { ':owner': { S: owner }, ':running': { S: 'running' } },
          }),
        ),
      );
    },

    async complete(id, owner, outcome, now) {
      const values: Record<string, AttributeValue> = {
        ':owner': { S: owner },
        ':running': { S: 'running' },
        ':status': { S: outcome.status },
        ':at': { S: now },
      };
      let set = 'SET #status = :status, completedAt = :at';
      if (outcome.status === 'done') {
        set += ', #result = :result';
        values[':result'] = { S: storedResult(outcome.result) };
      } else {
        set += ', #error = :error';
        values[':error'] = { S: JSON.stringify(outcome.error) };
      }
      return conditional('UpdateItem', () =>
        client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: key(id),
            UpdateExpression: set,
            ConditionExpression: '#status = :running AND #owner = :owner',
            ExpressionAttributeNames: {
              '#owner': 'owner',
              '#status': 'status',
              ...(outcome.status === 'done' ? { '#result': 'result' } : { '#error': 'error' }),
            },
            ExpressionAttributeValues: values,
          }),
        ),
      );
    },
  };
}

/** The result JSON, without its findings when it would not fit an item. */
function storedResult(result: EvaluationResultBody): string {
  const json = JSON.stringify(result);
  if (Buffer.byteLength(json) <= MAX_STORED_RESULT_BYTES) return json;
  return JSON.stringify({ ...result, findings: [], truncated: true });
}

function fromItem(item: Record<string, AttributeValue>): EvaluationRecord {
  const record: EvaluationRecord = {
    id: item.id?.S ?? '',
    status: (item.status?.S ?? 'running') as EvaluationStatus,
    request: JSON.parse(item.request?.S ?? '{}') as EvaluationRequest,
    requestedBy: item.requestedBy?.S ?? '',
    createdAt: item.createdAt?.S ?? '',
  };
  if (item.completedAt?.S) record.completedAt = item.completedAt.S;
  if (item.result?.S) record.result = JSON.parse(item.result.S) as EvaluationResultBody;
  if (item.error?.S) record.error = JSON.parse(item.error.S) as NonNullable<EvaluationRecord['error']>;
  return record;
}

async function send<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const name = (error as { name?: unknown }).name;
    throw new FindingStoreError(
      operation,
      typeof name === 'string' ? name : undefined,
      `${operation} of an evaluation record failed: ${(error as Error).message ?? String(error)}`,
      { cause: error },
    );
  }
}

async function conditional(operation: string, call: () => Promise<unknown>): Promise<boolean> {
  try {
    await call();
    return true;
  } catch (error) {
    if (hasErrorCode(error, 'ConditionalCheckFailedException')) return false;
    return send(operation, () => Promise.reject(error));
  }
}

/** An evaluation handed to another invocation because it outlived the API's deadline. */
export interface EvaluationJob {
  id: string;
  request: EvaluationRequest;
}

/** EventBridge `source` and `detail-type` of a handed-off evaluation (a rule routes them to the API function). */
export const EVALUATION_JOB_SOURCE = 'podnet-guard.api';
export const EVALUATION_JOB_DETAIL_TYPE = 'Evaluation Requested';

/**
 * The PutEvents entry that hands an evaluation to an asynchronous invocation of the API function.
 *
 * @example
 * ```ts
 * await events.send(new PutEventsCommand({ Entries: [evaluationJobEntry(job, 'podnet-guard-findings')] }));
 * ```
 */
export function evaluationJobEntry(job: EvaluationJob, busName: string): PutEventsRequestEntry {
  return {
    Source: EVALUATION_JOB_SOURCE,
    DetailType: EVALUATION_JOB_DETAIL_TYPE,
    EventBusName: busName,
    Detail: JSON.stringify(job),
  };
}

/**
 * The job an EventBridge envelope carries, or undefined when the event is anything else (an HTTP request).
 *
 * @example evaluationJobOf({ source: 'podnet-guard.api', 'detail-type': 'Evaluation Requested', detail: job })
 */
export function evaluationJobOf(event: unknown): EvaluationJob | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const envelope = event as { source?: unknown; 'detail-type'?: unknown; detail?: unknown };
  if (envelope.source !== EVALUATION_JOB_SOURCE || envelope['detail-type'] !== EVALUATION_JOB_DETAIL_TYPE)
    return undefined;
  const detail = envelope.detail as { id?: unknown; request?: unknown } | undefined;
  if (typeof detail?.id !== 'string' || !/^[A-Za-z0-9_-]+$/.test(detail.id)) return undefined;
  const request = (typeof detail.request === 'object' && detail.request !== null ? detail.request : {}) as
    | EvaluationRequest
    | undefined;
  return { id: detail.id, request: request ?? {} };
}

/**
 * A `handoff` that puts the job on an EventBridge bus, where a rule (`source` `podnet-guard.api`, `detail-type`
 * `Evaluation Requested`) invokes the API function asynchronously; throws when the bus refused the entry.
 *
 * @example
 * ```ts
 * const handoff = createEventBridgeHandoff(new EventBridgeClient(clientConfig()), config.busName ?? 'default');
 * ```
 */
export function createEventBridgeHandoff(
  client: EventBridgeClient,
  busName: string,
): (job: EvaluationJob) => Promise<void> {
  return async (job) => {
    const output = await send('PutEvents', () =>
      client.send(new PutEventsCommand({ Entries: [evaluationJobEntry(job, busName)] })),
    );
    if ((output.FailedEntryCount ?? 0) > 0) {
      const entry = output.Entries?.[0];
      throw new FindingStoreError(
        'PutEvents',
        entry?.ErrorCode,
        `evaluation ${job.id} could not be handed off: ${entry?.ErrorCode ?? 'failed'}`,
      );
    }
  };
}
