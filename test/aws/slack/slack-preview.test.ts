/// <reference lib="dom" />
/**
 * What a person sees in Slack over a finding's whole life: the parent message in its final state and the thread's
 * replies, rendered from the real blocks in headless Chromium. The screenshot goes to `.artifacts/slack/` (the one in
 * docs/ is a copy of it).
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderSlackParent, renderSlackReply } from '@podnet-guard/core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataStoreFinding, hostileFinding } from '../../core/findings/finding-fixture.ts';
import { previewThread } from '../../helpers/block-kit-preview.ts';
import { browserTestsRun, launchChromium } from '../../helpers/chromium.ts';

const ARTIFACTS = fileURLToPath(new URL('../../../.artifacts/slack/', import.meta.url));
let browser: Browser;

describe.runIf(browserTestsRun())('a finding in Slack, as a person sees it', () => {
  beforeAll(async () => {
    browser = await launchChromium();
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  afterAll(() => browser?.close());

  it('shows one parent in its final state and the history in the thread', async () => {
    const finding = dataStoreFinding({ severity: 'critical' });
    const replies = [
      renderSlackReply(finding, { kind: 'worsened', at: '2026-11-02T09:50:00Z', previousSeverity: 'high' }),
      renderSlackReply(finding, {
        kind: 'suppressed',
        at: '2026-11-02T10:05:00Z',
        by: 'arn:aws:sts::111122223333:assumed-role/PlatformAdmin/alice',
        reason: 'migration window, ticket NET-42',
        until: '2026-11-09T00:00:00Z',
      }),
      renderSlackReply({ ...finding, status: 'resolved' }, { kind: 'resolved', at: '2026-11-02T11:00:00Z' }),
    ];
    const page = await browser.newPage({ viewport: { width: 760, height: 900 } });
    await page.setContent(previewThread(renderSlackParent({ ...finding, status: 'resolved' }), replies));
    const text = (await page.locator('body').textContent()) ?? '';
    expect(text).toContain('✔ [RESOLVED] Data store admits a node security group');
    expect(await page.locator('.thread .message').count()).toBe(3);
    expect(await page.locator('.thread').textContent()).toMatch(
      /Worsened: high → critical[\s\S]*Suppressed by[\s\S]*Resolved/,
    );
    await page.screenshot({ path: `${ARTIFACTS}thread.png`, fullPage: true });
    await page.close();
  });

  it('shows an open finding with its buttons (Slack interactivity on)', async () => {
    const finding = dataStoreFinding();
    const page = await browser.newPage({ viewport: { width: 760, height: 700 } });
    await page.setContent(previewThread(renderSlackParent(finding, { buttons: { fixPullRequest: true } }), []));
    expect(await page.locator('.actions .button').allTextContents()).toEqual([
      'Open fix PR',
      'Re-evaluate now',
      'Suppress 7 days',
    ]);
    await page.screenshot({ path: `${ARTIFACTS}buttons.png`, fullPage: true });
    await page.close();
  });

  it('shows hostile account text as text: no link but ours, no markup, no mention', async () => {
    const page = await browser.newPage();
    await page.setContent(previewThread(renderSlackParent(hostileFinding()), []));
    const hrefs = await page.locator('a').evaluateAll((links) => links.map((link) => (link as HTMLAnchorElement).href));
    for (const href of hrefs) expect(href).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
    const text = (await page.locator('body').textContent()) ?? '';
    expect(text).toContain('<!channel>');
    expect(text).not.toContain('@here');
    await page.screenshot({ path: `${ARTIFACTS}hostile.png`, fullPage: true });
    await page.close();
  });
});
