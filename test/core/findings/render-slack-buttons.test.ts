/** The buttons on a finding's Slack parent message: which show, and what they carry. */
import {
  renderSlackParent,
  SLACK_ACTION_IDS,
  SLACK_ACTIONS_BLOCK_ID,
  SLACK_LIMITS,
  type SlackBlock,
} from '@podnet-guard/core';
import { describe, expect, it } from 'vitest';
import { dataStoreFinding, hostileFinding } from './finding-fixture.ts';

type Actions = Extract<SlackBlock, { type: 'actions' }>;
const actionsOf = (blocks: SlackBlock[]) => blocks.filter((block): block is Actions => block.type === 'actions');

describe('renderSlackParent buttons', () => {
  it('shows none without the option (a webhook, or interactivity off)', () => {
    expect(actionsOf(renderSlackParent(dataStoreFinding()).blocks)).toEqual([]);
  });

  it('puts Open fix PR, Re-evaluate now and Suppress 7 days last, each carrying the finding id', () => {
    const finding = dataStoreFinding();
    expect(finding.remediation).toBeDefined();
    const blocks = renderSlackParent(finding, { buttons: { fixPullRequest: true } }).blocks;
    expect(blocks.at(-1)).toEqual({
      type: 'actions',
      block_id: SLACK_ACTIONS_BLOCK_ID,
      elements: [
        expect.objectContaining({ action_id: SLACK_ACTION_IDS.fixPullRequest, value: finding.id, style: 'primary' }),
        expect.objectContaining({ action_id: SLACK_ACTION_IDS.reevaluate, value: finding.id }),
        expect.objectContaining({ action_id: SLACK_ACTION_IDS.suppress, value: finding.id }),
      ],
    });
    expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
  });

  it('offers Open fix PR only where remediation is configured and the finding carries one', () => {
    const labels = (finding: ReturnType<typeof dataStoreFinding>, fixPullRequest: boolean) =>
      actionsOf(renderSlackParent(finding, { buttons: { fixPullRequest } }).blocks)[0]?.elements.map(
        (b) => b.text.text,
      );
    expect(labels(dataStoreFinding(), false)).toEqual(['Re-evaluate now', 'Suppress 7 days']);
    const { remediation: _none, ...withoutFix } = dataStoreFinding();
    expect(labels(withoutFix, true)).toEqual(['Re-evaluate now', 'Suppress 7 days']);
  });

  it('leaves Suppress out while the finding is suppressed, and every button out once it is resolved', () => {
    const suppressed = renderSlackParent(dataStoreFinding(), { buttons: { fixPullRequest: false, suppress: false } });
    expect(actionsOf(suppressed.blocks)[0]?.elements.map((b) => b.text.text)).toEqual(['Re-evaluate now']);
    const resolved = renderSlackParent(dataStoreFinding({ status: 'resolved' }), { buttons: { fixPullRequest: true } });
    expect(actionsOf(resolved.blocks)).toEqual([]);
  });

  it('never puts account text into a button: labels are ours, the value is the finding id', () => {
    const finding = hostileFinding();
    const [row] = actionsOf(renderSlackParent(finding, { buttons: { fixPullRequest: true } }).blocks);
    for (const button of row?.elements ?? []) {
      expect(['Open fix PR', 'Re-evaluate now', 'Suppress 7 days']).toContain(button.text.text);
      expect(button.value).toBe(finding.id);
    }
  });
});
