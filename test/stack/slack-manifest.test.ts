/** The Slack app manifest in docs/: the scopes and the interactivity the functions rely on. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from '../../scripts/bundle.ts';

const manifest = parse(readFileSync(join(ROOT, 'docs/slack-app-manifest.yaml'), 'utf8')) as {
  oauth_config: { scopes: { bot: string[] } };
  settings: { interactivity?: { is_enabled: boolean; request_url: string } };
};

describe('docs/slack-app-manifest.yaml', () => {
  it('asks for the scopes delivery and the buttons use, and no more', () => {
    expect(manifest.oauth_config.scopes.bot.sort()).toEqual(['chat:write', 'chat:write.public', 'usergroups:read']);
  });

  it('turns interactivity on with an https request URL to fill in from the stack output', () => {
    expect(manifest.settings.interactivity?.is_enabled).toBe(true);
    expect(manifest.settings.interactivity?.request_url).toMatch(/^https:\/\/.*slackInteractivityUrl/);
  });
});
