/**
 * CloudTrail parsing: one typed parser per event name, `parseCloudTrailEvent` (an EventBridge event or a bare record
 * to a `CloudTrailEvent`, never throwing) and `extractCloudTrailRecords` (the records out of whatever a user has at
 * hand: an EventBridge event, a record, a CloudTrail log file or `aws cloudtrail lookup-events` output).
 */

import { EventParseError, type InputIssue, UnsupportedEventError } from '../errors.ts';
import { safeParseSchema } from '../safe-parse.ts';
import {
  CLOUDTRAIL_DETAIL_TYPE,
  CloudTrailRecordSchema,
  EventBridgeEnvelopeSchema,
  isEventBridgeEnvelope,
  isServiceSource,
  stripErrorPrefix,
  toActor,
} from './envelope.ts';
import { assignPrivateIpAddressesParser } from './events/assign-private-ip-addresses.ts';
import { attachNetworkInterfaceParser } from './events/attach-network-interface.ts';
import { authorizeSecurityGroupEgressParser } from './events/authorize-security-group-egress.ts';
import { authorizeSecurityGroupIngressParser } from './events/authorize-security-group-ingress.ts';
import { createFleetParser } from './events/create-fleet.ts';
import { createLaunchTemplateVersionParser } from './events/create-launch-template-version.ts';
import { createNetworkInterfaceParser } from './events/create-network-interface.ts';
import { createNodegroupParser } from './events/create-nodegroup.ts';
import { deleteSecurityGroupParser } from './events/delete-security-group.ts';
import { modifyInstanceAttributeParser } from './events/modify-instance-attribute.ts';
import { modifyNetworkInterfaceAttributeParser } from './events/modify-network-interface-attribute.ts';
import { modifySecurityGroupRulesParser } from './events/modify-security-group-rules.ts';
import { revokeSecurityGroupEgressParser } from './events/revoke-security-group-egress.ts';
import { revokeSecurityGroupIngressParser } from './events/revoke-security-group-ingress.ts';
import { runInstancesParser } from './events/run-instances.ts';
import { updateNodegroupConfigParser } from './events/update-nodegroup-config.ts';
import { updateNodegroupVersionParser } from './events/update-nodegroup-version.ts';
import type { EventParser } from './parser.ts';
import { joinPath, toIssues } from './shapes.ts';
import type { EventSource } from './sources.ts';
import type { CloudTrailEvent } from './types.ts';

export { CLOUDTRAIL_DETAIL_TYPE, isServiceSource, stripErrorPrefix } from './envelope.ts';
export type { EventParser } from './parser.ts';

const ALL_PARSERS: readonly EventParser[] = [
  authorizeSecurityGroupIngressParser,
  authorizeSecurityGroupEgressParser,
  revokeSecurityGroupIngressParser,
  revokeSecurityGroupEgressParser,
  modifySecurityGroupRulesParser,
  deleteSecurityGroupParser,
  modifyNetworkInterfaceAttributeParser,
  modifyInstanceAttributeParser,
  createNetworkInterfaceParser,
  attachNetworkInterfaceParser,
  assignPrivateIpAddressesParser,
  runInstancesParser,
  createFleetParser,
  createLaunchTemplateVersionParser,
  createNodegroupParser,
  updateNodegroupConfigParser,
  updateNodegroupVersionParser,
];

/** The parsers, keyed by `"<eventSource>:<eventName>"` (e.g. `ec2.amazonaws.com:AuthorizeSecurityGroupIngress`). */
export const PARSERS: ReadonlyMap<string, EventParser> = new Map(
  ALL_PARSERS.map((parser) => [`${parser.source}:${parser.eventName}`, parser]),
);

/**
 * The CloudTrail events podnet-guard can parse.
 *
 * @example
 * supportedEvents().some((e) => e.eventName === 'CreateNetworkInterface'); // true
 */
export function supportedEvents(): { source: EventSource; eventName: string }[] {
  return ALL_PARSERS.map((parser) => ({ source: parser.source, eventName: parser.eventName }));
}

/** The outcome of `parseCloudTrailEvent`, like zod's `safeParse`. */
export type ParseCloudTrailEventResult =
  | { ok: true; event: CloudTrailEvent }
  | { ok: false; error: EventParseError | UnsupportedEventError };

const MAX_ISSUES_IN_MESSAGE = 5;

function parseFailure(
  message: string,
  issues: InputIssue[],
  context: { eventName?: string | undefined; eventId?: string | undefined } = {},
  cause?: unknown,
): ParseCloudTrailEventResult {
  // The message is logged and printed: a record with thousands of wrong items names the first few and counts the rest.
  const shown = issues.slice(0, MAX_ISSUES_IN_MESSAGE).map((issue) => `${issue.path}: ${issue.message}`);
  if (issues.length > MAX_ISSUES_IN_MESSAGE) shown.push(`and ${issues.length - MAX_ISSUES_IN_MESSAGE} more`);
  const summary = shown.join('; ');
  return {
    ok: false,
    error: new EventParseError(
      `${message}${summary ? ` (${summary})` : ''}`,
      { ...context, issues },
      cause === undefined ? undefined : { cause },
    ),
  };
}

function describeError(cause: unknown): string {
  return cause instanceof Error ? cause.message : 'unreadable input';
}

function describeValue(raw: unknown): string {
  if (raw === null) return 'null';
  return Array.isArray(raw) ? 'an array' : typeof raw;
}

function parseUnsafe(raw: unknown): ParseCloudTrailEventResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return parseFailure('not a CloudTrail event', [
      { path: '(root)', message: `expected an object, got ${describeValue(raw)}` },
    ]);
  }
  let recordInput: unknown = raw;
  let prefix = '';
  let envelopeAccount: string | undefined;
  if (isEventBridgeEnvelope(raw)) {
    const envelope = safeParseSchema(EventBridgeEnvelopeSchema, raw);
    if (!envelope.success) return parseFailure('invalid EventBridge event', toIssues(envelope.error));
    if (envelope.data['detail-type'] !== CLOUDTRAIL_DETAIL_TYPE) {
      // Another kind of EventBridge event (e.g. an instance state change): well-formed, not ours.
      return {
        ok: false,
        error: new UnsupportedEventError({
          eventSource: envelope.data.source,
          eventName: envelope.data['detail-type'],
          eventId: envelope.data.id,
        }),
      };
    }
    recordInput = envelope.data.detail;
    prefix = 'detail';
    envelopeAccount = envelope.data.account;
  }

  const parsed = safeParseSchema(CloudTrailRecordSchema, recordInput);
  if (!parsed.success) {
    const partial = (typeof recordInput === 'object' && recordInput !== null ? recordInput : {}) as Record<
      string,
      unknown
    >;
    return parseFailure('invalid CloudTrail record', toIssues(parsed.error, prefix), {
      eventName: typeof partial.eventName === 'string' ? partial.eventName : undefined,
      eventId: typeof partial.eventID === 'string' ? partial.eventID : undefined,
    });
  }
  const record = parsed.data;
  const context = { eventName: record.eventName, eventId: record.eventID };
  const parser = PARSERS.get(`${record.eventSource}:${record.eventName}`);
  if (parser === undefined) {
    return {
      ok: false,
      error: new UnsupportedEventError({ eventSource: record.eventSource, ...context }),
    };
  }

  const account = record.recipientAccountId ?? envelopeAccount ?? record.userIdentity.accountId;
  if (account === undefined) {
    return parseFailure(
      `invalid ${record.eventName} record`,
      [{ path: joinPath(prefix, 'recipientAccountId'), message: 'the account is unknown' }],
      context,
    );
  }

  const failed = record.errorCode !== undefined;
  const normalised = parser.parse(record, failed);
  if (!normalised.ok) {
    if ('unsupported' in normalised) {
      return {
        ok: false,
        error: new UnsupportedEventError({ eventSource: record.eventSource, ...context, why: normalised.unsupported }),
      };
    }
    const issues = normalised.issues.map((issue) => ({ ...issue, path: joinPath(prefix, issue.path) }));
    return parseFailure(`invalid ${record.eventName} record ${record.eventID}`, issues, context);
  }

  const event: CloudTrailEvent = {
    eventId: record.eventID,
    eventName: record.eventName,
    eventSource: record.eventSource,
    eventTime: record.eventTime,
    region: record.awsRegion,
    account,
    actor: toActor(record.userIdentity),
    sourceIp: record.sourceIPAddress,
    sourceIsService: isServiceSource(record.sourceIPAddress),
    detail: normalised.detail,
  };
  if (record.userAgent !== undefined) event.userAgent = record.userAgent;
  if (record.errorCode !== undefined) {
    event.errorCode = stripErrorPrefix(record.errorCode);
    event.rawErrorCode = record.errorCode;
  }
  if (record.errorMessage !== undefined) event.errorMessage = record.errorMessage;
  if (normalised.createdRuleIds !== undefined) event.createdRuleIds = normalised.createdRuleIds;
  if (normalised.notJudged !== undefined) event.notJudged = normalised.notJudged;
  return { ok: true, event };
}

/**
 * Parses and validates one CloudTrail event: the EventBridge event Lambda receives (`detail-type: "AWS API Call via
 * CloudTrail"`) or a bare CloudTrail record. Never throws. A malformed event gives an `EventParseError` whose `issues`
 * say what is wrong and where (paths are relative to the input, e.g. `detail.requestParameters.groupId`); a
 * well-formed event podnet-guard does not read (another source or name, or an attribute change it ignores) gives an
 * `UnsupportedEventError`. Failed calls parse: the event keeps the request's detail and the `errorCode`.
 *
 * @example
 * const parsed = parseCloudTrailEvent(eventBridgeEvent);
 * if (parsed.ok && parsed.event.detail.kind === 'sg-rules-authorized') console.log(parsed.event.detail.rules);
 */
export function parseCloudTrailEvent(raw: unknown): ParseCloudTrailEventResult {
  try {
    return parseUnsafe(raw);
  } catch (cause) {
    // Nothing above should throw; a hostile input (a throwing getter, a proxy) still gets a typed answer.
    return parseFailure(
      'could not read the CloudTrail event',
      [{ path: '(root)', message: describeError(cause) }],
      {},
      cause,
    );
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function extractionError(issues: InputIssue[], cause?: unknown): { error: EventParseError } {
  const summary = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
  return {
    error: new EventParseError(
      `no CloudTrail records found (${summary})`,
      { issues },
      cause === undefined ? undefined : { cause },
    ),
  };
}

/** A lookup-events entry whose `CloudTrailEvent` cannot be read: that record is rejected, the others are kept. */
export interface UnreadableRecord {
  /** Where it is in the input, e.g. `Events.3.CloudTrailEvent`. */
  path: string;
  eventId?: string;
  eventName?: string;
  reason: string;
}

/** What `extractCloudTrailRecords` found: records to parse, and entries that could not even be read. */
export interface ExtractedRecords {
  records: unknown[];
  unreadable: UnreadableRecord[];
}

/** `CloudTrailEvent` of one lookup-events entry: the record as a JSON string. */
function lookupRecord(entry: Record<string, unknown>, path: string): { record: unknown } | UnreadableRecord {
  const text = entry.CloudTrailEvent;
  const where = joinPath(path, 'CloudTrailEvent');
  const named = {
    ...(typeof entry.EventId === 'string' ? { eventId: entry.EventId } : {}),
    ...(typeof entry.EventName === 'string' ? { eventName: entry.EventName } : {}),
  };
  if (typeof text !== 'string') return { path: where, ...named, reason: `${where}: expected a JSON string` };
  try {
    return { record: JSON.parse(text) as unknown };
  } catch {
    return { path: where, ...named, reason: `${where}: not valid JSON` };
  }
}

function extractOne(item: unknown, path: string): ExtractedRecords | { error: EventParseError } {
  if (!isObject(item)) {
    return extractionError([{ path: path || '(root)', message: `expected an object, got ${describeValue(item)}` }]);
  }
  if (isEventBridgeEnvelope(item) || 'eventName' in item || 'eventVersion' in item)
    return { records: [item], unreadable: [] };
  if ('CloudTrailEvent' in item) {
    const read = lookupRecord(item, path);
    return 'record' in read ? { records: [read.record], unreadable: [] } : { records: [], unreadable: [read] };
  }
  if (Array.isArray(item.Records)) return { records: item.Records, unreadable: [] };
  if (Array.isArray(item.Events)) {
    const found: ExtractedRecords = { records: [], unreadable: [] };
    for (const [index, entry] of item.Events.entries()) {
      const entryPath = joinPath(path, 'Events', String(index));
      const read = isObject(entry)
        ? lookupRecord(entry, entryPath)
        : { path: entryPath, reason: `${entryPath}: expected an object, got ${describeValue(entry)}` };
      if ('record' in read) found.records.push(read.record);
      else found.unreadable.push(read);
    }
    return found;
  }
  return extractionError([
    {
      path: path || '(root)',
      message:
        'expected an EventBridge event, a CloudTrail record, a log file ({"Records": [...]}) or lookup-events output ({"Events": [...]})',
    },
  ]);
}

/**
 * The CloudTrail records in what a user has at hand: an EventBridge event or a bare record (one record, returned as
 * is), a CloudTrail log file (`{"Records": [...]}`), `aws cloudtrail lookup-events` output (`{"Events":
 * [{"CloudTrailEvent": "<json>"}]}`, the strings decoded), or an array of any of these. Each record still goes
 * through `parseCloudTrailEvent`. A lookup-events entry whose string is not JSON is listed in `unreadable`; the other
 * records are still returned. Never throws.
 *
 * @example
 * const found = extractCloudTrailRecords(JSON.parse(lookupEventsOutput));
 * if ('records' in found) for (const record of found.records) parseCloudTrailEvent(record);
 */
export function extractCloudTrailRecords(raw: unknown): ExtractedRecords | { error: EventParseError } {
  try {
    if (!Array.isArray(raw)) return extractOne(raw, '');
    const all: ExtractedRecords = { records: [], unreadable: [] };
    for (const [index, item] of raw.entries()) {
      const found = extractOne(item, String(index));
      if ('error' in found) return found;
      all.records.push(...found.records);
      all.unreadable.push(...found.unreadable);
    }
    return all;
  } catch (cause) {
    return extractionError([{ path: '(root)', message: describeError(cause) }], cause);
  }
}
