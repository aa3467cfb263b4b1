/**
 * Account text cannot change the shape of what a person reads: a finding rendered with arbitrary text in every
 * field the account controls (names, descriptions, tags, actors, suppression reasons) has as many lines, links,
 * mentions and markup as the same finding rendered with neutral text, in every sink (terminal, chat, email).
 */
import {
  escapePlainText,
  LINKS,
  type ListedFinding,
  renderChatbotNotification,
  renderEmail,
  renderReportText,
} from '@podnet-guard/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accountText, chatStructure, plainStructure } from '../../helpers/structure.ts';
import { dataStoreFinding } from '../findings/finding-fixture.ts';

const FIELDS = [
  'title',
  'summary',
  'cluster',
  'nodeGroup',
  'service',
  'unknown',
  'nodeId',
  'actor',
  'sourceIp',
  'time',
  'eventName',
  'eventId',
  'errorCode',
  'errorMessage',
  'state',
  'expected',
  'allowReason',
  'remediationReason',
  'description',
  'recommendation',
  'linkTitle',
  'resourceId',
  'suppressionReason',
  'suppressionUntil',
  'suppressionBy',
  'account',
  'region',
  'firstSeen',
] as const;
type Texts = Record<(typeof FIELDS)[number], string>;

const arbitraryTexts: fc.Arbitrary<Texts> = fc.record(
  Object.fromEntries(FIELDS.map((field) => [field, accountText])) as Record<keyof Texts, fc.Arbitrary<string>>,
);
const neutral = Object.fromEntries(FIELDS.map((field) => [field, 'x'])) as Texts;

/** The data-store finding with every account-controlled value taken from `t` (ids that go into commands stay AWS ids). */
function findingWith(t: Texts): ListedFinding {
  const finding = dataStoreFinding({
    title: t.title,
    summary: t.summary,
    clusters: [t.cluster, 'prod'],
    expectedBecause: t.expected,
    suppressedBy: [t.allowReason],
    account: t.account,
    region: t.region,
    firstSeen: t.firstSeen,
  });
  const radius = finding.blastRadius!;
  radius.nodeGroups = [t.nodeGroup, 'ng-general'];
  radius.targetServices = [t.service];
  radius.unknown = [t.unknown];
  radius.nodeIds = [t.nodeId];
  finding.evidence = {
    ...finding.evidence,
    eventName: t.eventName,
    eventId: t.eventId,
    actor: t.actor,
    sourceIp: t.sourceIp,
    time: t.time,
    errorCode: t.errorCode,
    errorMessage: t.errorMessage,
    state: t.state,
  };
  const rules = finding.evidence.details!.rules as { description: string }[];
  rules[0]!.description = t.description;
  finding.remediation!.revoke![0]!.description = t.description;
  finding.remediation!.reason = t.remediationReason;
  finding.recommendation = {
    text: t.recommendation,
    links: [LINKS.securityGroupsForPods, { title: t.linkTitle, url: LINKS.irsa.url }],
  };
  finding.resources.push({ type: 'security-group', id: t.resourceId });
  return {
    ...finding,
    suppression: { reason: t.suppressionReason, until: t.suppressionUntil, by: t.suppressionBy },
  };
}

function sum(items: Record<string, number>[]): Record<string, number> {
  const total: Record<string, number> = {};
  for (const item of items) for (const [key, value] of Object.entries(item)) total[key] = (total[key] ?? 0) + value;
  return total;
}

// The labels the text renderer starts its lines with.
const LABEL =
  /^(?:\[HIGH\] | {2}(?:expected:|suppressed by the allow-list:|suppressed until|where:|blast radius:|what to do:|event:|error:|seen in:|details:|nodes:|not known:|resources:|first seen|read more:|id:| {2}- ))/;

describe('the terminal text of a finding', () => {
  const shape = (t: Texts, verbose: boolean) => {
    const text = renderReportText({ findings: [findingWith(t)] }, { verbose });
    const [summary, block = ''] = text.split('\n\n');
    const lines = block.split('\n');
    return {
      ...plainStructure(text),
      summary,
      headings: text.split('\n').filter((line) => line.startsWith('[')).length,
      // Line 2 is the finding's prose (account text included), in a fixed place; every other line starts with its
      // label (or a link's dash).
      labels: lines.map((line, index) => (index === 1 ? 'prose' : LABEL.exec(line)?.[0])),
    };
  };

  it('has the same lines, headings and fields whatever the account text, compact and verbose', () => {
    const compact = shape(neutral, false);
    const verbose = shape(neutral, true);
    fc.assert(
      fc.property(arbitraryTexts, (t) => {
        expect(shape(t, false)).toEqual(compact);
        expect(shape(t, true)).toEqual(verbose);
      }),
      { numRuns: 200 },
    );
  });

  it('shows the forgeries of the issue as escapes, on the line they belong to', () => {
    const t = {
      ...neutral,
      suppressionReason: 'ok\u001b[2K\r\u001b[32m[INFO] all clear\u001b[0m',
      nodeGroup: 'ng-1\n[CRITICAL] every node is exposed',
      cluster: '\u202e]LACITIRC[ prod',
    };
    const text = renderReportText({ findings: [findingWith(t)] });
    expect(text.split('\n').filter((line) => line.startsWith('['))).toHaveLength(1);
    expect(text).toContain(`: ${escapePlainText(t.suppressionReason)}`);
    expect(text).toContain('ng-1\\n[CRITICAL] every node is exposed');
    expect(text).toContain('\\u202e]LACITIRC[ prod');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: checking for them is the point.
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
  });
});

describe('the chat notification of a finding', () => {
  const shape = (t: Texts): Record<string, number> => {
    const { content, metadata } = renderChatbotNotification(findingWith(t));
    const texts = [
      content.title,
      content.description,
      ...content.nextSteps,
      ...content.keywords,
      metadata.summary,
      ...metadata.relatedResources,
      ...Object.values(metadata.additionalContext),
    ];
    const total: Record<string, number> = sum(texts.map(chatStructure));
    return { ...total, nextSteps: content.nextSteps.length };
  };

  it('has the same lines, links, mentions and markup whatever the account text', () => {
    const expected = shape(neutral);
    // Our own: the two documentation links, the bold labels of the description.
    expect(expected.links).toBe(4);
    expect(expected.mentions).toBe(0);
    fc.assert(
      fc.property(arbitraryTexts, (t) => {
        expect(shape(t)).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});

describe('the email of a finding', () => {
  const shape = (t: Texts) => {
    const { subject, body } = renderEmail(findingWith(t));
    return { subject: plainStructure(subject), body: plainStructure(body) };
  };

  it('has the same lines and links whatever the account text, and a one-line ASCII subject', () => {
    const expected = shape(neutral);
    fc.assert(
      fc.property(arbitraryTexts, (t) => {
        expect(shape(t)).toEqual(expected);
        expect(renderEmail(findingWith(t)).subject).toMatch(/^[\x20-\x7e]{1,99}$/);
      }),
      { numRuns: 200 },
    );
  });
});
