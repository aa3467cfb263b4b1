import {
  type Finding,
  renderSlackDigest,
  renderSlackParent,
  renderSlackReply,
  SLACK_LIMITS,
  type SlackBlock,
  type SlackMessage,
} from '@podnet-guard/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dataStoreFinding, HOSTILE, hostileFinding } from '../findings/finding-fixture.ts';

/** Every text object of a message, with its kind. */
function texts(message: SlackMessage): { type: string; text: string; verbatim?: boolean }[] {
  const out: { type: string; text: string; verbatim?: boolean }[] = [];
  for (const block of message.blocks as SlackBlock[]) {
    if (block.type === 'header') out.push(block.text);
    if (block.type === 'section') out.push(block.text, ...(block.fields ?? []));
    if (block.type === 'context') out.push(...block.elements);
  }
  return out;
}

/** The mrkdwn objects' text: what Slack parses for links and mentions (plain_text is shown as written). */
function mrkdwnOf(message: SlackMessage): string {
  return texts(message)
    .filter((t) => t.type === 'mrkdwn')
    .map((t) => t.text)
    .join('\n');
}

/** Links, mentions and broadcasts as Slack's mrkdwn parser sees them: `<…>` spans. */
const SPECIAL = /<[^>\n]*>/g;

function withinLimits(message: SlackMessage) {
  expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
  expect(message.text.length).toBeGreaterThan(0);
  for (const block of message.blocks) {
    if (block.type === 'header') expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
    if (block.type === 'section') {
      expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
      expect(block.fields?.length ?? 0).toBeLessThanOrEqual(SLACK_LIMITS.fields);
      for (const field of block.fields ?? []) expect(field.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fieldText);
    }
  }
}

describe('renderSlackParent', () => {
  it('shows severity, status, where, the blast radius and what to do', () => {
    const message = renderSlackParent(dataStoreFinding());
    expect(message.text).toMatch(/^\[HIGH\] Data store admits a node security group/);
    const all = texts(message)
      .map((t) => t.text)
      .join('\n');
    expect(all).toContain('*Status*\nOpen');
    expect(all).toContain('3 nodes');
    expect(all).toContain('cluster prod, eu-west-1, account 111122223333');
    expect(all).toContain('*What to do*');
    withinLimits(message);
  });

  it('says resolved on a resolved finding, with no "what to do"', () => {
    const message = renderSlackParent({ ...dataStoreFinding(), status: 'resolved' });
    expect(message.text).toMatch(/^\[RESOLVED\]/);
    expect(
      texts(message)
        .map((t) => t.text)
        .join('\n'),
    ).not.toContain('What to do');
  });

  it('marks every mrkdwn object verbatim, so Slack links and mentions nothing it finds in account text', () => {
    for (const text of texts(renderSlackParent(hostileFinding()))) {
      if (text.type === 'mrkdwn') expect(text.verbatim).toBe(true);
    }
  });

  it('makes hostile account text inert: no mention, no foreign link, no control character', () => {
    const message = renderSlackParent(hostileFinding());
    // The fallback text is parsed as mrkdwn for notifications: it is escaped like the mrkdwn objects.
    const all = `${mrkdwnOf(message)}\n${message.text}`;
    const everything = texts(message)
      .map((t) => t.text)
      .join('\n');
    expect(everything).not.toContain('\u001b');
    expect(everything).not.toContain('\u202e');
    expect(everything).not.toContain('\n  aws iam');
    expect(all).not.toContain('<!channel>');
    expect(all).not.toContain('<https://evil.example');
    expect(all).not.toContain('<@U024BE7LH>');
    expect(all).not.toMatch(/@here/);
    expect(all).not.toContain('\u001b');
    expect(all).not.toContain('\u202e');
    // The only links are the ones we built (documentation), never the hostile one.
    for (const span of all.match(SPECIAL) ?? []) expect(span).toMatch(/^<https:\/\/docs\.aws\.amazon\.com\//);
    expect(HOSTILE.mention).toContain('<!channel>');
  });

  it('stays within Block Kit limits whatever the account text, and account text adds no link or mention', () => {
    const baseline = renderSlackParent(dataStoreFinding()).blocks.length;
    const baselineLinks = mrkdwnOf(renderSlackParent(dataStoreFinding())).match(SPECIAL)?.length;
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 5000 }), fc.string({ maxLength: 400 }), (summary, name) => {
        const finding: Finding = dataStoreFinding({ summary, title: name, clusters: [name] });
        finding.blastRadius!.nodeGroups = [name, summary.slice(0, 50)];
        const message = renderSlackParent(finding);
        withinLimits(message);
        expect(message.blocks.length).toBe(baseline);
        expect(mrkdwnOf(message).match(SPECIAL)?.length).toBe(baselineLinks);
        // Slack refuses an empty section text (`invalid_blocks`).
        for (const block of message.blocks)
          if (block.type === 'section') expect(block.text.text.length).toBeGreaterThan(0);
      }),
      { seed: 20261202, numRuns: 300 },
    );
  });
});

describe('renderSlackReply', () => {
  it('says what happened, when', () => {
    const finding = dataStoreFinding({ severity: 'critical' });
    const worsened = renderSlackReply(finding, {
      kind: 'worsened',
      at: '2026-12-02T10:00:00Z',
      previousSeverity: 'high',
    });
    expect(texts(worsened)[0]?.text).toBe('*Worsened*: high → critical · 2026-12-02T10:00:00Z');
    const resolved = renderSlackReply(finding, { kind: 'resolved', at: '2026-12-02T11:00:00Z' });
    expect(resolved.text).toMatch(/^Resolved: the cause is gone: /);
  });

  it('escapes who suppressed and why', () => {
    const reply = renderSlackReply(dataStoreFinding(), {
      kind: 'suppressed',
      at: '2026-12-02T10:00:00Z',
      by: 'slack:T1/U1',
      reason: HOSTILE.mention,
      until: '2026-12-09',
    });
    const line = texts(reply)[0]?.text ?? '';
    expect(line).toContain('*Suppressed* by slack:T1/U1 until 2026-12-09: &lt;!channel&gt;');
    expect(line).not.toContain('<!channel>');
  });
});

describe('renderSlackDigest', () => {
  it('lists every finding that fits and counts the rest', () => {
    const findings = Array.from({ length: 2000 }, (_, index) =>
      dataStoreFinding({ id: `nsw-${index}`, severity: 'low', title: `Finding ${index} ${'x'.repeat(200)}` }),
    );
    const digest = renderSlackDigest(findings, { since: '2026-12-02T09:00:00Z', until: '2026-12-02T10:00:00Z' });
    withinLimits(digest);
    const listed = texts(digest)
      .map((t) => t.text)
      .join('\n')
      .split('\n')
      .filter((line) => line.startsWith('• ')).length;
    const more = Number(/and (\d+) more/.exec(JSON.stringify(digest.blocks))?.[1] ?? 0);
    expect(listed + more).toBe(2000);
    expect(more).toBeGreaterThan(0);
  });

  it('lists a few findings without a "more" line', () => {
    const digest = renderSlackDigest([dataStoreFinding({ severity: 'info' })], { since: 'a', until: 'b' });
    expect(JSON.stringify(digest.blocks)).not.toContain('more');
    expect(digest.text).toBe('podnet-guard digest: 1 low and info findings');
  });
});
