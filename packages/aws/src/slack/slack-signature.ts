/**
 * Slack's request signature (api.slack.com, "Verifying requests from Slack"): `X-Slack-Signature` is `v0=` and the
 * hex HMAC-SHA256, keyed with the app's signing secret, of `v0:{X-Slack-Request-Timestamp}:{raw body}`. A request
 * whose timestamp is more than five minutes from now (either way) is refused, so a captured request cannot be replayed
 * later. The comparison is constant-time over equal-length buffers. The signing secret never leaves this module.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far a request's timestamp may be from now: Slack's documented five minutes. */
export const SLACK_SIGNATURE_MAX_AGE_SECONDS = 5 * 60;

/** Why a request was refused; never carries the body, the signature or the secret. */
export type SlackSignatureRefusal =
  | 'missing-signature'
  | 'missing-timestamp'
  | 'malformed-timestamp'
  | 'stale-timestamp'
  | 'malformed-signature'
  | 'signature-mismatch';

export type SlackSignatureCheck = { ok: true } | { ok: false; reason: SlackSignatureRefusal };

/**
 * The signature Slack would send for this body and timestamp.
 *
 * @example
 * slackSignature(secret, '1531420618', 'token=xyzz0WbapA4vBCDEFasx0q6G&…'); // 'v0=a2114d57…'
 */
export function slackSignature(signingSecret: string, timestamp: string, rawBody: string | Buffer): string {
  const hmac = createHmac('sha256', signingSecret);
  hmac.update(`v0:${timestamp}:`);
  hmac.update(rawBody);
  return `v0=${hmac.digest('hex')}`;
}

const SIGNATURE = /^v0=[0-9a-f]{64}$/;

/** A header by its name in any case (Lambda Function URLs lower-case them; other front ends may not). */
export function headerValue(headers: Record<string, string | undefined> | null | undefined, name: string) {
  if (!headers) return undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

/**
 * Checks one request. `rawBody` is the body exactly as Slack sent it (a Function URL's base64 body decoded first).
 *
 * @example
 * verifySlackSignature({ signingSecret, headers: event.headers, rawBody, nowSeconds: Date.now() / 1000 }); // { ok: true }
 */
export function verifySlackSignature(request: {
  signingSecret: string;
  headers: Record<string, string | undefined> | null | undefined;
  rawBody: string | Buffer;
  nowSeconds: number;
}): SlackSignatureCheck {
  const signature = headerValue(request.headers, 'x-slack-signature');
  const timestamp = headerValue(request.headers, 'x-slack-request-timestamp');
  if (!signature) return { ok: false, reason: 'missing-signature' };
  if (!timestamp) return { ok: false, reason: 'missing-timestamp' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'malformed-timestamp' };
  if (Math.abs(request.nowSeconds - Number(timestamp)) > SLACK_SIGNATURE_MAX_AGE_SECONDS) {
    return { ok: false, reason: 'stale-timestamp' };
  }
  if (!SIGNATURE.test(signature)) return { ok: false, reason: 'malformed-signature' };
  const expected = Buffer.from(slackSignature(request.signingSecret, timestamp, request.rawBody), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  // Both are `v0=` and 64 hex digits here, so the lengths are equal, as timingSafeEqual requires.
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { ok: false, reason: 'signature-mismatch' };
  }
  return { ok: true };
}
