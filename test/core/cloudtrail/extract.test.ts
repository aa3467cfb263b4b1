import { EventParseError, extractCloudTrailRecords, parseCloudTrailEvent } from '@podnet-guard/core';
import { describe, expect, it } from 'vitest';
import { loadEvent } from '../../helpers/events.ts';

type Envelope = { detail: Record<string, unknown> };
const envelope = (eventName: string, caseName: string) => loadEvent(eventName, caseName) as Envelope;

function records(raw: unknown): unknown[] {
  const found = extractCloudTrailRecords(raw);
  if ('error' in found) throw found.error;
  return found.records;
}

function extractionError(raw: unknown): EventParseError {
  const found = extractCloudTrailRecords(raw);
  if (!('error' in found)) throw new Error('expected an error');
  expect(found.error).toBeInstanceOf(EventParseError);
  return found.error;
}

const ssh = () => envelope('AuthorizeSecurityGroupIngress', 'world-open-ssh');
const trunk = () => envelope('CreateNetworkInterface', 'trunk-failed-no-ips');

/** What `aws cloudtrail lookup-events` prints: the record is a JSON string. */
function lookupEntry(record: Record<string, unknown>) {
  return {
    EventId: record.eventID,
    EventName: record.eventName,
    ReadOnly: 'false',
    AccessKeyId: 'ASIAYEXAMPLEKEY00001',
    EventTime: '2026-11-26T11:01:07+01:00',
    EventSource: record.eventSource,
    Username: 'alice@example.com',
    Resources: [{ ResourceType: 'AWS::EC2::SecurityGroup', ResourceName: 'sg-0d0de000000000001' }],
    CloudTrailEvent: JSON.stringify(record),
  };
}

describe('extractCloudTrailRecords', () => {
  it('returns an EventBridge event as one record, which parses', () => {
    const raw = ssh();
    const found = records(raw);
    expect(found).toEqual([raw]);
    expect(parseCloudTrailEvent(found[0]).ok).toBe(true);
  });

  it('returns a bare record as one record', () => {
    const { detail } = ssh();
    expect(records(detail)).toEqual([detail]);
  });

  it('reads a CloudTrail log file ({"Records": [...]})', () => {
    const log = { Records: [ssh().detail, trunk().detail] };
    const found = records(log);
    expect(found).toHaveLength(2);
    expect(found.map((record) => parseCloudTrailEvent(record).ok)).toEqual([true, true]);
  });

  it('reads aws cloudtrail lookup-events output, decoding each CloudTrailEvent string', () => {
    const output = { Events: [lookupEntry(ssh().detail), lookupEntry(trunk().detail)], NextToken: 'eyJ0b2tlbiI6IDF9' };
    const found = records(output);
    expect(found).toEqual([ssh().detail, trunk().detail]);
    const parsed = found.map((record) => parseCloudTrailEvent(record));
    expect(parsed.map((result) => (result.ok ? result.event.errorCode : 'rejected'))).toEqual([
      undefined,
      'InsufficientFreeAddressesInSubnet',
    ]);
  });

  it('reads a single lookup-events entry and an array of mixed inputs', () => {
    expect(records(lookupEntry(ssh().detail))).toEqual([ssh().detail]);
    expect(records([ssh(), { Records: [trunk().detail] }, lookupEntry(trunk().detail)])).toEqual([
      ssh(),
      trunk().detail,
      trunk().detail,
    ]);
  });

  it('returns no records for an empty log file or empty lookup output', () => {
    expect(records({ Records: [] })).toEqual([]);
    expect(records({ Events: [] })).toEqual([]);
  });

  // One unreadable entry used to reject the whole file; now it rejects only itself.
  it('rejects only the lookup entry whose CloudTrailEvent is not JSON, naming it, and keeps the others', () => {
    const output = {
      Events: [
        lookupEntry(ssh().detail),
        { ...lookupEntry(trunk().detail), CloudTrailEvent: '{"eventVersion":' },
        lookupEntry(trunk().detail),
      ],
    };
    const found = extractCloudTrailRecords(output);
    if ('error' in found) throw found.error;
    expect(found.records).toEqual([ssh().detail, trunk().detail]);
    expect(found.unreadable).toEqual([
      {
        path: 'Events.1.CloudTrailEvent',
        eventId: trunk().detail.eventID,
        eventName: 'CreateNetworkInterface',
        reason: 'Events.1.CloudTrailEvent: not valid JSON',
      },
    ]);
  });

  it('rejects only the lookup entry whose CloudTrailEvent is not a string, or that is no object', () => {
    const output = { Events: [{ ...lookupEntry(ssh().detail), CloudTrailEvent: ssh().detail }, null] };
    const found = extractCloudTrailRecords(output);
    if ('error' in found) throw found.error;
    expect(found.records).toEqual([]);
    expect(found.unreadable.map((entry) => entry.reason)).toEqual([
      'Events.0.CloudTrailEvent: expected a JSON string',
      'Events.1: expected an object, got null',
    ]);
  });

  it.each([
    [null, '(root)'],
    ['{"Records": []}', '(root)'],
    [{ Items: [] }, '(root)'],
    [[ssh(), 7], '1'],
  ])('rejects %j', (raw, path) => {
    expect(extractionError(raw).issues[0]?.path).toBe(path);
  });
});
