import { slackSinkFromSecret } from '@podnet-guard/aws/slack';
import { ConfigError } from '@podnet-guard/core';
import { describe, expect, it } from 'vitest';

describe('slackSinkFromSecret', () => {
  it('builds an app from a bot token and a webhook sink from a Slack webhook URL', () => {
    expect(slackSinkFromSecret('{"botToken":"xoxb-1-2-abc"}').kind).toBe('app');
    expect(slackSinkFromSecret('{"webhookUrl":"https://hooks.slack.com/services/T0/B0/abc"}').kind).toBe('webhook');
  });

  it.each([
    ['not JSON', 'xoxb-1-2-abc', 'not JSON'],
    ['a user token', '{"botToken":"xoxp-1-2-secret-value"}', 'not a bot token'],
    [
      'a webhook elsewhere',
      '{"webhookUrl":"https://evil.example/services/secret-value"}',
      'not a Slack incoming-webhook',
    ],
    [
      'a plain http webhook',
      '{"webhookUrl":"http://hooks.slack.com/services/secret-value"}',
      'not a Slack incoming-webhook',
    ],
    ['neither', '{"token":"secret-value"}', 'neither botToken nor webhookUrl'],
  ])('refuses %s, naming the problem but never the value', (_name, secret, message) => {
    let caught: unknown;
    try {
      slackSinkFromSecret(secret);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as Error).message).toContain(message);
    expect(JSON.stringify(caught, Object.getOwnPropertyNames(caught))).not.toContain('secret-value');
  });
});
