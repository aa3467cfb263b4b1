/**
 * The EventBridge shell around a CloudTrail record and the fields every CloudTrail record shares. Event-specific
 * `requestParameters`/`responseElements` are left as `unknown` here; `cloudtrail/events/` validates them.
 */
import * as z from 'zod/mini';
import type { Actor } from './types.ts';

/** The `detail-type` EventBridge gives CloudTrail management events. */
export const CLOUDTRAIL_DETAIL_TYPE = 'AWS API Call via CloudTrail';

/** The EventBridge event Lambda receives; only what podnet-guard reads is checked. */
export const EventBridgeEnvelopeSchema = z.object({
  version: z.optional(z.string()),
  id: z.optional(z.string()),
  'detail-type': z.string(),
  source: z.optional(z.string()),
  account: z.optional(z.string()),
  time: z.optional(z.string()),
  region: z.optional(z.string()),
  detail: z.unknown(),
});
export type EventBridgeEnvelope = z.output<typeof EventBridgeEnvelopeSchema>;

/** True when `raw` looks like an EventBridge event rather than a bare CloudTrail record. */
export function isEventBridgeEnvelope(raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw) && 'detail-type' in raw;
}

const UserIdentitySchema = z.object({
  type: z.string(),
  arn: z.optional(z.string()),
  principalId: z.optional(z.string()),
  accountId: z.optional(z.string()),
  invokedBy: z.optional(z.string()),
  sessionContext: z.optional(
    z.object({
      sessionIssuer: z.optional(z.object({ arn: z.optional(z.string()) })),
    }),
  ),
});

const nonEmpty = z.string().check(z.minLength(1));

// CloudTrail writes `2026-11-26T10:26:02Z`; events are ordered and evidence is dated by it, so it must be a real time.
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const eventTime = z.string().check(
  z.refine((text) => ISO_TIME.test(text) && Number.isFinite(Date.parse(text)), {
    message: 'expected an ISO 8601 time such as 2026-11-26T10:26:02Z',
  }),
);

/** Fields every CloudTrail management record has (those podnet-guard reads). */
export const CloudTrailRecordSchema = z.object({
  eventID: nonEmpty,
  eventName: nonEmpty,
  eventSource: nonEmpty,
  eventTime,
  awsRegion: nonEmpty,
  recipientAccountId: z.optional(z.string()),
  userIdentity: UserIdentitySchema,
  sourceIPAddress: z.string(),
  userAgent: z.optional(z.string()),
  errorCode: z.optional(z.string()),
  errorMessage: z.optional(z.string()),
  requestParameters: z.unknown(),
  responseElements: z.unknown(),
});
export type CloudTrailRecord = z.output<typeof CloudTrailRecordSchema>;

/**
 * The error code without the `Client.`/`Server.` prefix EC2 writes (`Client.InvalidPermission.Duplicate` →
 * `InvalidPermission.Duplicate`); other services' codes are returned as they are.
 *
 * @example
 * stripErrorPrefix('Server.InsufficientFreeAddressesInSubnet'); // 'InsufficientFreeAddressesInSubnet'
 */
export function stripErrorPrefix(code: string): string {
  return code.replace(/^(Client|Server)\./, '');
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const IPV6 = /^[0-9a-f:.]+$/i;

/**
 * True when `sourceIPAddress` names an AWS service (`eks.amazonaws.com`, `AWS Internal`) rather than an address.
 *
 * @example
 * isServiceSource('eks.amazonaws.com'); // true
 * isServiceSource('203.0.113.7'); // false
 */
export function isServiceSource(sourceIp: string): boolean {
  return !(IPV4.test(sourceIp) || (sourceIp.includes(':') && IPV6.test(sourceIp)));
}

/**
 * The caller, from `userIdentity`. For an assumed role the session name is the last segment of the session ARN
 * (`arn:aws:sts::111122223333:assumed-role/eks-node/i-0a1b2c3d4e5f00001` → `i-0a1b2c3d4e5f00001`).
 */
export function toActor(identity: CloudTrailRecord['userIdentity']): Actor {
  const actor: Actor = { type: identity.type };
  if (identity.arn !== undefined) actor.arn = identity.arn;
  const issuerArn = identity.sessionContext?.sessionIssuer?.arn;
  if (issuerArn !== undefined) actor.issuerArn = issuerArn;
  if (identity.principalId !== undefined) actor.principalId = identity.principalId;
  if (identity.accountId !== undefined) actor.accountId = identity.accountId;
  if (identity.invokedBy !== undefined) actor.invokedBy = identity.invokedBy;
  const sessionName = identity.arn?.match(/:assumed-role\/[^/]+\/(.+)$/)?.[1];
  if (sessionName !== undefined) actor.sessionName = sessionName;
  return actor;
}
