import {
  EventParseError,
  isServiceSource,
  PARSERS,
  parseCloudTrailEvent,
  stripErrorPrefix,
  supportedEvents,
  UnsupportedEventError,
} from '@podnet-guard/core';
import { describe, expect, it } from 'vitest';
import { listEventSamples, loadEvent } from '../../helpers/events.ts';

type Envelope = Record<string, unknown> & { detail: Record<string, unknown> };
const sample = () => loadEvent('AuthorizeSecurityGroupIngress', 'world-open-ssh') as Envelope;

function parseError(raw: unknown): EventParseError {
  const parsed = parseCloudTrailEvent(raw);
  if (parsed.ok) throw new Error('expected a parse error');
  expect(parsed.error).toBeInstanceOf(EventParseError);
  return parsed.error as EventParseError;
}

function unsupported(raw: unknown): UnsupportedEventError {
  const parsed = parseCloudTrailEvent(raw);
  if (parsed.ok) throw new Error('expected an unsupported event');
  expect(parsed.error).toBeInstanceOf(UnsupportedEventError);
  return parsed.error as UnsupportedEventError;
}

describe('parseCloudTrailEvent: envelope and shared fields', () => {
  it('parses a bare CloudTrail record like its EventBridge envelope', () => {
    const envelope = sample();
    const fromEnvelope = parseCloudTrailEvent(envelope);
    const fromRecord = parseCloudTrailEvent(envelope.detail);
    expect(fromRecord.ok).toBe(true);
    expect(fromRecord).toEqual(fromEnvelope);
  });

  it('reads the actor of an assumed-role session, with the session name from the ARN', () => {
    const parsed = parseCloudTrailEvent(sample());
    if (!parsed.ok) throw parsed.error;
    expect(parsed.event.actor).toEqual({
      type: 'AssumedRole',
      arn: 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/alice@example.com',
      issuerArn:
        'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_AdministratorAccess_0123456789abcdef',
      principalId: 'AROAYEXAMPLESSO00001:alice@example.com',
      sessionName: 'alice@example.com',
      accountId: '111122223333',
    });
    expect(parsed.event.sourceIsService).toBe(false);
  });

  it('gives an IAM user no session name and no issuer', () => {
    const raw = sample();
    raw.detail.userIdentity = {
      type: 'IAMUser',
      principalId: 'AIDAYEXAMPLEUSER0001',
      arn: 'arn:aws:iam::111122223333:user/ci',
      accountId: '111122223333',
      accessKeyId: 'AKIAYEXAMPLEKEY00001',
      userName: 'ci',
    };
    const parsed = parseCloudTrailEvent(raw);
    if (!parsed.ok) throw parsed.error;
    expect(parsed.event.actor).toEqual({
      type: 'IAMUser',
      principalId: 'AIDAYEXAMPLEUSER0001',
      arn: 'arn:aws:iam::111122223333:user/ci',
      accountId: '111122223333',
    });
  });

  it.each([
    ['eks.amazonaws.com', true],
    ['AWS Internal', true],
    ['autoscaling.amazonaws.com', true],
    ['203.0.113.24', false],
    ['10.0.1.23', false],
    ['2001:db8::1', false],
    ['::1', false],
  ])('sourceIPAddress %s is a service: %s', (sourceIp, service) => {
    expect(isServiceSource(sourceIp)).toBe(service);
    const raw = sample();
    raw.detail.sourceIPAddress = sourceIp;
    const parsed = parseCloudTrailEvent(raw);
    if (!parsed.ok) throw parsed.error;
    expect(parsed.event).toMatchObject({ sourceIp, sourceIsService: service });
  });

  it.each([
    ['Client.InvalidPermission.Duplicate', 'InvalidPermission.Duplicate'],
    ['Client.UnauthorizedOperation', 'UnauthorizedOperation'],
    ['Server.InsufficientFreeAddressesInSubnet', 'InsufficientFreeAddressesInSubnet'],
    ['ResourceInUseException', 'ResourceInUseException'],
    ['InvalidGroup.NotFound', 'InvalidGroup.NotFound'],
  ])('strips the prefix of %s', (raw, stripped) => {
    expect(stripErrorPrefix(raw)).toBe(stripped);
  });

  it('takes the account from the envelope when the record has no recipientAccountId', () => {
    const raw = sample();
    delete raw.detail.recipientAccountId;
    raw.account = '444455556666';
    const parsed = parseCloudTrailEvent(raw);
    if (!parsed.ok) throw parsed.error;
    expect(parsed.event.account).toBe('444455556666');
  });

  it('falls back to the caller account for a bare record without recipientAccountId', () => {
    const { detail } = sample();
    delete detail.recipientAccountId;
    const parsed = parseCloudTrailEvent(detail);
    if (!parsed.ok) throw parsed.error;
    expect(parsed.event.account).toBe('111122223333');
  });

  it('rejects a record whose account is nowhere', () => {
    const { detail } = sample();
    delete detail.recipientAccountId;
    delete (detail.userIdentity as Record<string, unknown>).accountId;
    expect(parseError(detail).issues).toEqual([{ path: 'recipientAccountId', message: 'the account is unknown' }]);
  });

  it('keeps responseElements: null of a failed call and reports no created rules', () => {
    const parsed = parseCloudTrailEvent(loadEvent('AuthorizeSecurityGroupIngress', 'failed-duplicate'));
    if (!parsed.ok) throw parsed.error;
    expect(parsed.event.createdRuleIds).toBeUndefined();
    expect(parsed.event.detail.kind).toBe('sg-rules-authorized');
  });
});

describe('parseCloudTrailEvent: rejections', () => {
  it.each([
    [null, 'null'],
    ['a string', 'string'],
    [42, 'number'],
    [[], 'an array'],
    [undefined, 'undefined'],
  ])('rejects %j: not an object', (raw, what) => {
    expect(parseError(raw).issues).toEqual([{ path: '(root)', message: `expected an object, got ${what}` }]);
  });

  it('rejects a record without eventName, naming the field', () => {
    const raw = sample();
    delete raw.detail.eventName;
    const error = parseError(raw);
    expect(error.issues.map((issue) => issue.path)).toEqual(['detail.eventName']);
    expect(error.eventId).toBe(raw.detail.eventID);
    expect(error.eventName).toBeUndefined();
  });

  it('rejects wrong types in shared fields with a path for each', () => {
    const raw = sample();
    raw.detail.eventTime = 1764151200;
    raw.detail.userIdentity = { type: 7 };
    const error = parseError(raw);
    expect(error.issues.map((issue) => issue.path).sort()).toEqual(['detail.eventTime', 'detail.userIdentity.type']);
    expect(error.eventName).toBe('AuthorizeSecurityGroupIngress');
    expect(error.message).toContain('detail.eventTime');
  });

  it('rejects an envelope whose detail is not a record', () => {
    const raw = sample();
    raw.detail = 'nothing' as unknown as Record<string, unknown>;
    expect(parseError(raw).issues[0]?.path).toBe('detail');
  });

  it('rejects a supported event whose request is malformed, with the path inside requestParameters', () => {
    const raw = sample();
    const request = raw.detail.requestParameters as { ipPermissions: { items: { fromPort: unknown }[] } };
    request.ipPermissions.items[0]!.fromPort = 'twenty-two';
    const error = parseError(raw);
    expect(error.issues).toEqual([
      { path: 'detail.requestParameters.ipPermissions.items.0.fromPort', message: expect.any(String) },
    ]);
    expect(error.eventId).toBe(raw.detail.eventID);
    expect(error.eventName).toBe('AuthorizeSecurityGroupIngress');
  });

  it('rejects a supported event without requestParameters', () => {
    const raw = sample();
    raw.detail.requestParameters = null;
    expect(parseError(raw).issues.map((issue) => issue.path)).toEqual(['detail.requestParameters']);
  });
});

describe('parseCloudTrailEvent: unsupported events', () => {
  it('answers UnsupportedEventError for a well-formed event of another name', () => {
    const raw = sample();
    raw.detail.eventName = 'DescribeInstances';
    const error = unsupported(raw);
    expect(error).toMatchObject({
      eventSource: 'ec2.amazonaws.com',
      eventName: 'DescribeInstances',
      eventId: raw.detail.eventID,
    });
  });

  it('answers UnsupportedEventError for a known name from another source', () => {
    const raw = sample();
    raw.detail.eventSource = 'rds.amazonaws.com';
    expect(unsupported(raw).eventSource).toBe('rds.amazonaws.com');
  });

  it('answers UnsupportedEventError for another kind of EventBridge event', () => {
    const stateChange = {
      version: '0',
      id: '7bf73129-1428-4cd3-a780-95db273d1602',
      'detail-type': 'EC2 Instance State-change Notification',
      source: 'aws.ec2',
      account: '111122223333',
      time: '2026-11-26T10:00:00Z',
      region: 'eu-west-1',
      resources: ['arn:aws:ec2:eu-west-1:111122223333:instance/i-0a1b2c3d4e5f00001'],
      detail: { 'instance-id': 'i-0a1b2c3d4e5f00001', state: 'running' },
    };
    expect(unsupported(stateChange)).toMatchObject({
      eventSource: 'aws.ec2',
      eventName: 'EC2 Instance State-change Notification',
      eventId: '7bf73129-1428-4cd3-a780-95db273d1602',
    });
  });

  it('still rejects a malformed record of an unknown name as a parse error', () => {
    const raw = sample();
    raw.detail.eventName = 'DescribeInstances';
    delete raw.detail.eventID;
    expect(parseError(raw).issues.map((issue) => issue.path)).toEqual(['detail.eventID']);
  });
});

describe('the parser registry', () => {
  it('keys every parser by "<eventSource>:<eventName>" and lists it in supportedEvents()', () => {
    const listed = supportedEvents().map((event) => `${event.source}:${event.eventName}`);
    expect([...PARSERS.keys()]).toEqual(listed);
    expect(new Set(listed).size).toBe(listed.length);
    expect(listed).toContain('ec2.amazonaws.com:ModifySecurityGroupRules');
    expect(listed).toContain('eks.amazonaws.com:UpdateNodegroupVersion');
  });

  it('has a sample for every supported event, and a parser for every sample folder', () => {
    const sampled = new Set(listEventSamples().map((sampleFile) => sampleFile.eventName));
    const supported = new Set(supportedEvents().map((event) => event.eventName));
    expect([...supported].sort()).toEqual([...sampled].sort());
  });
});
