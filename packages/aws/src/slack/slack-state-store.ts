/**
 * Slack's delivery state in the findings table, beside the finding and apart from its SNS state:
 * - `SLACK#<findingId>`: `thread` (channel and `ts` of the parent), `deliveredVersion`, `parentVersion`, and while
 *   the finding waits for a digest, `digestChannel` with the finding's JSON in `finding`.
 * A waiting finding is also filed under the `byStatus` index as `gsi1pk = SLACK_DIGEST` (the finding queries use
 * `STATUS#…` partitions, so the two never meet), which is how the hourly digest finds them without a scan.
 * Writes never move `deliveredVersion` backwards (a late retry cannot undo a newer delivery).
 */
import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  paginateQuery,
} from '@aws-sdk/client-dynamodb';
import type { Finding } from '@podnet-guard/core';
import { hasErrorCode } from '../errors.ts';
import type { SlackFindingState, SlackStateStore } from './deliver-slack.ts';

const DIGEST_PARTITION = 'SLACK_DIGEST';
/** Slack state outlives a resolved finding (30 days) by a week, so a late event still finds its thread. */
const STATE_TTL_SECONDS = 37 * 24 * 3600;

const keyOf = (findingId: string) => ({ pk: { S: `SLACK#${findingId}` } });

function stateOf(item: Record<string, AttributeValue>): SlackFindingState {
  const state: SlackFindingState = { deliveredVersion: Number(item.deliveredVersion?.N ?? 0) };
  if (item.threadChannel?.S && item.threadTs?.S) state.thread = { channel: item.threadChannel.S, ts: item.threadTs.S };
  if (item.parentVersion?.N) state.parentVersion = Number(item.parentVersion.N);
  if (item.digestChannel?.S) state.digestChannel = item.digestChannel.S;
  return state;
}

export interface DynamoSlackStateStoreOptions {
  client: DynamoDBClient;
  tableName: string;
  clock?: () => Date;
}

export function createDynamoSlackStateStore(options: DynamoSlackStateStoreOptions): SlackStateStore {
  const { client, tableName } = options;
  const clock = options.clock ?? (() => new Date());
  // The finding a digest will list, remembered between `rememberForDigest` and the `put` that files it.
  const remembered = new Map<string, Finding>();

  const get = async (findingId: string) => {
    const { Item } = await client.send(
      new GetItemCommand({ TableName: tableName, Key: keyOf(findingId), ConsistentRead: true }),
    );
    return Item ? { state: stateOf(Item), finding: Item.finding?.S } : undefined;
  };

  return {
    async get(findingId) {
      return (await get(findingId))?.state;
    },
    async rememberForDigest(finding) {
      remembered.set(finding.id, finding);
    },
    async put(findingId, state) {
      const item: Record<string, AttributeValue> = {
        ...keyOf(findingId),
        deliveredVersion: { N: String(state.deliveredVersion) },
        expiresAt: { N: String(Math.floor(clock().getTime() / 1000) + STATE_TTL_SECONDS) },
      };
      if (state.thread) {
        item.threadChannel = { S: state.thread.channel };
        item.threadTs = { S: state.thread.ts };
      }
      if (state.parentVersion !== undefined) item.parentVersion = { N: String(state.parentVersion) };
      if (state.digestChannel) {
        const finding = remembered.get(findingId) ?? (await get(findingId))?.finding;
        item.digestChannel = { S: state.digestChannel };
        item.gsi1pk = { S: DIGEST_PARTITION };
        item.gsi1sk = { S: findingId };
        if (finding) item.finding = { S: typeof finding === 'string' ? finding : JSON.stringify(finding) };
      }
      try {
        await client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: item,
            ConditionExpression: 'attribute_not_exists(deliveredVersion) OR deliveredVersion <= :v',
            ExpressionAttributeValues: { ':v': { N: String(state.deliveredVersion) } },
          }),
        );
      } catch (error) {
        // A newer delivery was recorded meanwhile: this one's state is already behind, keep the newer.
        if (!hasErrorCode(error, 'ConditionalCheckFailedException')) throw error;
      }
      remembered.delete(findingId);
    },
    async digestPending() {
      const pending: { finding: Finding; state: SlackFindingState }[] = [];
      const pages = paginateQuery(
        { client, pageSize: 100 },
        {
          TableName: tableName,
          IndexName: 'byStatus',
          KeyConditionExpression: 'gsi1pk = :p',
          ExpressionAttributeValues: { ':p': { S: DIGEST_PARTITION } },
        },
      );
      for await (const page of pages) {
        for (const item of page.Items ?? []) {
          if (!item.finding?.S) continue;
          pending.push({ finding: JSON.parse(item.finding.S) as Finding, state: stateOf(item) });
        }
      }
      return pending;
    },
  };
}
