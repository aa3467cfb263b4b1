/**
 * The `cursor` of a findings page: the `byStatus` index's last evaluated key, as base64url JSON. A client passes it back
 * unchanged; a decoded cursor is checked before it reaches DynamoDB, which would refuse a forged key with an error the
 * API could only answer `500`.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { InvalidFindingCursorError } from './finding-store-errors.ts';

/** The cursor of a page that ended at `key`. */
export function encodeCursor(key: Record<string, AttributeValue>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/**
 * The start key a cursor of the `byStatus` index encodes: exactly `pk`, `gsi1pk` and `gsi1sk` as strings, in the
 * partition and sort-key range being queried. Anything else would reach DynamoDB and fail there (a 500 for a client's
 * mistake).
 */
export function decodeCursor(cursor: string, partition: string, sortPrefix: string): Record<string, AttributeValue> {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (typeof key !== 'object' || key === null || Array.isArray(key)) throw new TypeError('not an object');
    const entries = Object.entries(key as Record<string, unknown>);
    const names = entries.map(([name]) => name).sort();
    if (names.join(',') !== 'gsi1pk,gsi1sk,pk') throw new TypeError('not a key of the byStatus index');
    for (const [name, value] of entries) {
      const text = (value as { S?: unknown } | null)?.S;
      if (typeof text !== 'string' || text.length === 0 || Object.keys(value as object).length !== 1)
        throw new TypeError(`${name} is not a string attribute`);
    }
    const typed = key as Record<'pk' | 'gsi1pk' | 'gsi1sk', { S: string }>;
    if (typed.gsi1pk.S !== partition || !typed.gsi1sk.S.startsWith(sortPrefix) || !typed.pk.S.startsWith('FINDING#'))
      throw new TypeError('a cursor of another query');
    return typed;
  } catch (cause) {
    throw new InvalidFindingCursorError(cursor, { cause });
  }
}
