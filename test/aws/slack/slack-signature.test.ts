/**
 * Slack's request signature: the worked example from Slack's documentation ("Verifying requests from Slack"), then
 * what must be refused (a tampered body, an old or future timestamp, missing or malformed headers), and the
 * interactivity URL's answer to each: 401, with a log line that never holds the body.
 */
import { createHmac } from 'node:crypto';
import {
  handleSlackInteraction,
  SLACK_SIGNATURE_MAX_AGE_SECONDS,
  type SlackInteractionDeps,
  slackSignature,
  verifySlackSignature,
} from '@podnet-guard/aws/slack';
import { describe, expect, it, vi } from 'vitest';

// The worked example on api.slack.com/authentication/verifying-requests-from-slack.
const DOC_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const DOC_TIMESTAMP = '1531420618';
const DOC_BODY =
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
const DOC_SIGNATURE = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';
const DOC_NOW = Number(DOC_TIMESTAMP);

const headers = (signature?: string, timestamp?: string) => ({
  ...(signature !== undefined ? { 'x-slack-signature': signature } : {}),
  ...(timestamp !== undefined ? { 'x-slack-request-timestamp': timestamp } : {}),
});

describe('slackSignature and verifySlackSignature', () => {
  it("match Slack's worked example byte for byte", () => {
    expect(slackSignature(DOC_SECRET, DOC_TIMESTAMP, DOC_BODY)).toBe(DOC_SIGNATURE);
    // Independent of the module's own signer: the scheme is checked, not echoed.
    const direct = createHmac('sha256', DOC_SECRET).update(`v0:${DOC_TIMESTAMP}:${DOC_BODY}`).digest('hex');
    expect(DOC_SIGNATURE).toBe(`v0=${direct}`);
    const check = verifySlackSignature({
      signingSecret: DOC_SECRET,
      headers: headers(DOC_SIGNATURE, DOC_TIMESTAMP),
      rawBody: DOC_BODY,
      nowSeconds: DOC_NOW + 30,
    });
    expect(check).toEqual({ ok: true });
  });

  it('takes header names in any case', () => {
    const check = verifySlackSignature({
      signingSecret: DOC_SECRET,
      headers: { 'X-Slack-Signature': DOC_SIGNATURE, 'X-Slack-Request-Timestamp': DOC_TIMESTAMP },
      rawBody: Buffer.from(DOC_BODY),
      nowSeconds: DOC_NOW,
    });
    expect(check.ok).toBe(true);
  });

  it.each([
    ['a changed character in the body', DOC_BODY.replace('roadrunner', 'roadrunnes'), DOC_SIGNATURE, DOC_TIMESTAMP],
    ['a byte appended to the body', `${DOC_BODY}&`, DOC_SIGNATURE, DOC_TIMESTAMP],
    ['another secret', DOC_BODY, slackSignature('another-signing-secret', DOC_TIMESTAMP, DOC_BODY), DOC_TIMESTAMP],
    ['the timestamp changed under the same signature', DOC_BODY, DOC_SIGNATURE, String(DOC_NOW + 1)],
    ['a signature with one digit changed', DOC_BODY, DOC_SIGNATURE.replace(/3$/, '4'), DOC_TIMESTAMP],
  ])('refuses %s', (_case, body, signature, timestamp) => {
    const check = verifySlackSignature({
      signingSecret: DOC_SECRET,
      headers: headers(signature, timestamp),
      rawBody: body,
      nowSeconds: DOC_NOW,
    });
    expect(check).toEqual({ ok: false, reason: 'signature-mismatch' });
  });

  it('refuses a timestamp more than five minutes old or ahead, and takes one at the edge', () => {
    const at = (offset: number) =>
      verifySlackSignature({
        signingSecret: DOC_SECRET,
        headers: headers(DOC_SIGNATURE, DOC_TIMESTAMP),
        rawBody: DOC_BODY,
        nowSeconds: DOC_NOW + offset,
      });
    expect(at(SLACK_SIGNATURE_MAX_AGE_SECONDS).ok).toBe(true);
    expect(at(SLACK_SIGNATURE_MAX_AGE_SECONDS + 1)).toEqual({ ok: false, reason: 'stale-timestamp' });
    expect(at(-SLACK_SIGNATURE_MAX_AGE_SECONDS - 1)).toEqual({ ok: false, reason: 'stale-timestamp' });
    // A correctly signed request from a day ago is a replay.
    expect(at(24 * 3600)).toEqual({ ok: false, reason: 'stale-timestamp' });
  });

  it.each([
    ['no signature', headers(undefined, DOC_TIMESTAMP), 'missing-signature'],
    ['no timestamp', headers(DOC_SIGNATURE, undefined), 'missing-timestamp'],
    ['no headers at all', null, 'missing-signature'],
    ['a timestamp that is not a number', headers(DOC_SIGNATURE, '1531420618.5'), 'malformed-timestamp'],
    ['a v1 signature', headers(DOC_SIGNATURE.replace('v0=', 'v1='), DOC_TIMESTAMP), 'malformed-signature'],
    ['a short signature (not compared)', headers('v0=a2114d57', DOC_TIMESTAMP), 'malformed-signature'],
    ['an upper-case signature', headers(DOC_SIGNATURE.toUpperCase(), DOC_TIMESTAMP), 'malformed-signature'],
  ])('refuses %s', (_case, given, reason) => {
    const check = verifySlackSignature({
      signingSecret: DOC_SECRET,
      headers: given,
      rawBody: DOC_BODY,
      nowSeconds: DOC_NOW,
    });
    expect(check).toEqual({ ok: false, reason });
  });
});

describe('the interactivity URL refuses what is not signed by Slack', () => {
  function deps() {
    const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const api = { openView: vi.fn(), userGroupMembers: vi.fn(), respondEphemeral: vi.fn() };
    const enqueue = vi.fn();
    const value: SlackInteractionDeps = {
      signingSecret: DOC_SECRET,
      api,
      enqueue,
      logger,
      now: () => new Date(DOC_NOW * 1000),
    };
    return { value, logger, api, enqueue };
  }

  /** The Lambda Function URL event (payload format 2.0) Slack's POST becomes. */
  function urlEvent(body: string, given: Record<string, string>, base64 = false) {
    return {
      version: '2.0',
      routeKey: '$default',
      rawPath: '/',
      rawQueryString: '',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        host: 'abc.lambda-url.eu-west-1.on.aws',
        ...given,
      },
      requestContext: { requestId: 'req-1', http: { method: 'POST', path: '/' } },
      body: base64 ? Buffer.from(body).toString('base64') : body,
      isBase64Encoded: base64,
    };
  }

  it('accepts the worked example sent base64-encoded, as a Function URL may deliver it', async () => {
    const { value, logger } = deps();
    const answer = await handleSlackInteraction(urlEvent(DOC_BODY, headers(DOC_SIGNATURE, DOC_TIMESTAMP), true), value);
    // A slash command is not an interaction we act on: verified, then ignored with 200.
    expect(answer.statusCode).toBe(200);
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('refuses a base64 body whose decoded bytes were tampered with', async () => {
    const { value } = deps();
    const tampered = DOC_BODY.replace('U2CERLKJA', 'U2CERLKJB');
    const answer = await handleSlackInteraction(urlEvent(tampered, headers(DOC_SIGNATURE, DOC_TIMESTAMP), true), value);
    expect(answer.statusCode).toBe(401);
  });

  it('refuses a base64 body whose signature was made over the encoded text', async () => {
    const { value } = deps();
    const encoded = Buffer.from(DOC_BODY).toString('base64');
    const signature = slackSignature(DOC_SECRET, DOC_TIMESTAMP, encoded);
    const answer = await handleSlackInteraction(urlEvent(DOC_BODY, headers(signature, DOC_TIMESTAMP), true), value);
    expect(answer.statusCode).toBe(401);
  });

  it.each([
    ['tampered', urlEvent(`${DOC_BODY}x`, headers(DOC_SIGNATURE, DOC_TIMESTAMP)), 'signature-mismatch'],
    ['unsigned', urlEvent(DOC_BODY, {}), 'missing-signature'],
    ['without a timestamp', urlEvent(DOC_BODY, headers(DOC_SIGNATURE)), 'missing-timestamp'],
  ])('answers a %s request 401, acts on nothing, and logs the reason without the body', async (_c, event, reason) => {
    const { value, logger, api, enqueue } = deps();
    const answer = await handleSlackInteraction(event, value);
    expect(answer.statusCode).toBe(401);
    expect(logger.warn).toHaveBeenCalledWith('slack request refused: signature', { reason, requestId: 'req-1' });
    const logged = JSON.stringify([logger.warn.mock.calls, logger.info.mock.calls, logger.error.mock.calls]);
    expect(logged).not.toContain('roadrunner');
    expect(logged).not.toContain(DOC_SECRET);
    expect(api.openView).not.toHaveBeenCalled();
    expect(enqueue).not.toHaveBeenCalled();
  });

  it('answers 401 to a request signed five minutes and one second ago', async () => {
    const { value } = deps();
    value.now = () => new Date((DOC_NOW + SLACK_SIGNATURE_MAX_AGE_SECONDS + 1) * 1000);
    expect(
      (await handleSlackInteraction(urlEvent(DOC_BODY, headers(DOC_SIGNATURE, DOC_TIMESTAMP)), value)).statusCode,
    ).toBe(401);
  });

  it('answers 401, never throws, for events that are not HTTP requests at all', async () => {
    const { value } = deps();
    for (const junk of [undefined, null, 42, 'text', { body: 7, headers: 'x' }]) {
      expect((await handleSlackInteraction(junk, value)).statusCode).toBe(401);
    }
  });
});
