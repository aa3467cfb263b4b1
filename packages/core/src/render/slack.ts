/**
 * A finding as Slack Block Kit: the parent message (the finding's current state, updated in place), a thread reply
 * per later event, and the hourly digest of low and info findings.
 *
 * Limits from Slack's Block Kit reference: at most 50 blocks per message, a section's text at most 3,000 characters,
 * a header's plain text at most 150, at most 10 fields of at most 2,000 characters each, a context block at most 10
 * elements. A `text` fallback is always given (notifications and screen readers use it).
 * Account text goes into `plain_text` objects, or into `mrkdwn` objects marked `verbatim: true` after `escapeSlack`,
 * so it can neither mention, nor link, nor format. Only links we build (documentation, the console) are links.
 */
import type { Finding, Severity } from '../types/finding.ts';
import { escapeSlack, isSafeUrl, singleLine, truncateText } from './escape.ts';
import { sgpPodsExposed, sgpPodsText } from './wording.ts';

export const SLACK_LIMITS = {
  blocks: 50,
  sectionText: 3000,
  headerText: 150,
  fields: 10,
  fieldText: 2000,
  contextElements: 10,
  fallbackText: 3000,
} as const;

export interface PlainText {
  type: 'plain_text';
  text: string;
  emoji?: boolean;
}
export interface MrkdwnText {
  type: 'mrkdwn';
  text: string;
  verbatim: true;
}
/** A Block Kit button; `value` is ours (a finding id), `action_id` says which button (`SLACK_ACTION_IDS`). */
export interface SlackButton {
  type: 'button';
  action_id: string;
  text: PlainText;
  value: string;
  style?: 'primary' | 'danger';
}
export type SlackBlock =
  | { type: 'header'; text: PlainText }
  | { type: 'section'; text: MrkdwnText | PlainText; fields?: (MrkdwnText | PlainText)[] }
  | { type: 'context'; elements: (MrkdwnText | PlainText)[] }
  | { type: 'actions'; block_id: string; elements: SlackButton[] }
  | { type: 'divider' };

/** What `chat.postMessage`, `chat.update` and an incoming webhook take. */
export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

/** What happened to a finding, as a thread reply says it. */
export type SlackEventKind = 'opened' | 'worsened' | 'resolved' | 'suppressed' | 'unsuppressed';

export interface SlackEvent {
  kind: SlackEventKind;
  /** ISO time of the event. */
  at: string;
  /** The severity before a `worsened` event. */
  previousSeverity?: Severity;
  /** Who acted (suppressions): an IAM ARN or `slack:T…/U…`. Untrusted text. */
  by?: string;
  /** Why (suppressions). Untrusted text. */
  reason?: string;
  /** Until when (suppressions). */
  until?: string;
}

const SEVERITY_EMOJI: Record<Severity, string> = {
  critical: ':rotating_light:',
  high: ':red_circle:',
  medium: ':large_orange_circle:',
  low: ':large_yellow_circle:',
  info: ':information_source:',
};

const STATUS_LABEL: Record<Finding['status'], string> = {
  open: 'Open',
  resolved: 'Resolved',
  suppressed: 'Suppressed',
};

/** Untrusted text on one line, escaped for mrkdwn. */
function esc(value: string): string {
  return escapeSlack(singleLine(value));
}

function mrkdwn(text: string, max: number = SLACK_LIMITS.sectionText): MrkdwnText {
  // Slack refuses an empty text object (`invalid_blocks`).
  return { type: 'mrkdwn', text: truncateText(text, max) || '(empty)', verbatim: true };
}

function plain(text: string, max: number): PlainText {
  return { type: 'plain_text', text: truncateText(singleLine(text), max) || '(empty)', emoji: true };
}

function list(values: readonly string[], max = 10): string {
  const shown = values.slice(0, max).map(esc);
  const more = values.length - shown.length;
  return `${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

function blastRadiusText(finding: Finding): string | undefined {
  const radius = finding.blastRadius;
  if (!radius) return undefined;
  const parts: string[] = [];
  if (radius.nodes > 0) parts.push(`${radius.nodes} ${radius.nodes === 1 ? 'node' : 'nodes'}`);
  if (radius.podIps > 0) parts.push(`up to ${radius.podIps} pod IPs`);
  if (radius.nodeGroups.length > 0) parts.push(`node groups ${list(radius.nodeGroups)}`);
  if (radius.sgpPods > 0) parts.push(sgpPodsText(radius.sgpPods, sgpPodsExposed(finding)));
  if (radius.targetServices?.length) parts.push(`protects ${list(radius.targetServices)}`);
  return parts.length > 0 ? parts.join(', ') : undefined;
}

function linksText(finding: Finding): string | undefined {
  const links = finding.recommendation.links
    .map((link) => ({ url: singleLine(link.url), title: esc(link.title) }))
    .filter((link) => isSafeUrl(link.url))
    .slice(0, 5)
    .map((link) => `<${link.url}|${link.title}>`);
  return links.length > 0 ? links.join(' · ') : undefined;
}

// ---- buttons (Slack interactivity): what the slack-interactions function answers ----

/** The `action_id` of each button on a finding's parent message, and the `block_id` of their row. */
export const SLACK_ACTION_IDS = {
  suppress: 'podnet-guard.suppress-7-days',
  reevaluate: 'podnet-guard.reevaluate',
  fixPullRequest: 'podnet-guard.open-fix-pr',
} as const;
export const SLACK_ACTIONS_BLOCK_ID = 'podnet-guard.finding-actions';
export type SlackActionName = keyof typeof SLACK_ACTION_IDS;

/** How a parent message is drawn; without `buttons` it has none (a webhook, or interactivity off). */
export interface SlackParentOptions {
  buttons?: {
    /** "Open fix PR" on findings that carry a `remediation` (pull-request remediation configured). */
    fixPullRequest: boolean;
    /** False hides "Suppress 7 days" (the finding is suppressed already). Default true. */
    suppress?: boolean;
  };
}

/** The row of buttons for a finding that is still open; none for a resolved or allow-listed one. */
function actionsBlock(finding: Finding, buttons: NonNullable<SlackParentOptions['buttons']>): SlackBlock | undefined {
  if (finding.status !== 'open') return undefined;
  const button = (name: SlackActionName, text: string, style?: 'primary'): SlackButton => ({
    type: 'button',
    action_id: SLACK_ACTION_IDS[name],
    text: { type: 'plain_text', text, emoji: true },
    value: finding.id,
    ...(style ? { style } : {}),
  });
  const elements: SlackButton[] = [];
  if (buttons.fixPullRequest && finding.remediation) elements.push(button('fixPullRequest', 'Open fix PR', 'primary'));
  elements.push(button('reevaluate', 'Re-evaluate now'));
  if (buttons.suppress !== false) elements.push(button('suppress', 'Suppress 7 days'));
  return { type: 'actions', block_id: SLACK_ACTIONS_BLOCK_ID, elements };
}

// The fallback `text` is shown in notifications and parsed as mrkdwn: it is escaped like the mrkdwn objects.

/**
 * The parent message of a finding: its current state. Posted once, then updated in place by `chat.update`.
 *
 * @example
 * renderSlackParent(finding).blocks[0]; // { type: 'header', text: { type: 'plain_text', text: ':red_circle: [HIGH] …' } }
 * renderSlackParent(finding, { buttons: { fixPullRequest: true } }).blocks.at(-1); // { type: 'actions', … }
 */
export function renderSlackParent(finding: Finding, options: SlackParentOptions = {}): SlackMessage {
  const resolved = finding.status === 'resolved';
  const emoji = resolved ? ':white_check_mark:' : SEVERITY_EMOJI[finding.severity];
  const tag = resolved ? 'RESOLVED' : finding.status === 'suppressed' ? 'SUPPRESSED' : finding.severity.toUpperCase();
  const title = finding.title.replace(/^Resolved:\s*/i, '');
  const blocks: SlackBlock[] = [
    { type: 'header', text: plain(`${emoji} [${tag}] ${title}`, SLACK_LIMITS.headerText) },
    { type: 'section', text: mrkdwn(esc(finding.summary) || '(no summary)') },
  ];
  const where = finding.clusters.length > 0 ? `cluster ${list(finding.clusters)}, ` : '';
  const fields = [
    mrkdwn(`*Severity*\n${finding.severity}`, SLACK_LIMITS.fieldText),
    mrkdwn(`*Status*\n${STATUS_LABEL[finding.status]}`, SLACK_LIMITS.fieldText),
    mrkdwn(`*Where*\n${where}${esc(finding.region)}, account ${esc(finding.account)}`, SLACK_LIMITS.fieldText),
  ];
  const radius = blastRadiusText(finding);
  if (radius) fields.push(mrkdwn(`*Exposes*\n${radius}`, SLACK_LIMITS.fieldText));
  blocks.push({ type: 'section', text: mrkdwn(`*${esc(finding.detector)}* / ${esc(finding.rule)}`), fields });
  if (!resolved) {
    blocks.push({ type: 'section', text: mrkdwn(`*What to do*\n${esc(finding.recommendation.text)}`) });
    const links = linksText(finding);
    if (links) blocks.push({ type: 'context', elements: [mrkdwn(links)] });
  }
  blocks.push({
    type: 'context',
    elements: [
      mrkdwn(`Finding ${esc(finding.id)} · first seen ${esc(finding.firstSeen)} · last seen ${esc(finding.lastSeen)}`),
    ],
  });
  const actions = options.buttons ? actionsBlock(finding, options.buttons) : undefined;
  if (actions) blocks.push(actions);
  return { text: truncateText(`[${tag}] ${esc(title)}`, SLACK_LIMITS.fallbackText), blocks };
}

function eventLine(finding: Finding, event: SlackEvent): string {
  switch (event.kind) {
    case 'opened':
      return `*Opened* (${finding.severity})`;
    case 'worsened':
      return `*Worsened*: ${event.previousSeverity ?? 'was lower'} → ${finding.severity}`;
    case 'resolved':
      return '*Resolved*: the cause is gone';
    case 'suppressed': {
      const by = event.by ? ` by ${esc(event.by)}` : '';
      const until = event.until ? ` until ${esc(event.until)}` : '';
      const reason = event.reason ? `: ${esc(event.reason)}` : '';
      return `*Suppressed*${by}${until}${reason}`;
    }
    case 'unsuppressed':
      return `*Suppression lifted*${event.by ? ` by ${esc(event.by)}` : ''}`;
  }
}

/**
 * A reply in the finding's thread: what happened, when, and for a worsening the new summary.
 *
 * @example
 * renderSlackReply(finding, { kind: 'resolved', at: '2026-12-02T10:00:00Z' }).text; // 'Resolved: …'
 */
export function renderSlackReply(finding: Finding, event: SlackEvent): SlackMessage {
  const line = eventLine(finding, event);
  const blocks: SlackBlock[] = [{ type: 'section', text: mrkdwn(`${line} · ${esc(event.at)}`) }];
  if (event.kind === 'worsened' || event.kind === 'opened') {
    blocks.push({ type: 'section', text: mrkdwn(esc(finding.summary)) });
  }
  const plainLine = line.replace(/\*/g, '');
  return { text: truncateText(`${plainLine}: ${esc(finding.title)}`, SLACK_LIMITS.fallbackText), blocks };
}

/**
 * One message listing low and info findings of the past period, within Block Kit's limits: findings that do not
 * fit are counted in a last line, never dropped silently.
 *
 * @example
 * renderSlackDigest(findings, { since: '2026-12-02T09:00:00Z', until: '2026-12-02T10:00:00Z' });
 */
export function renderSlackDigest(
  findings: readonly Finding[],
  period: { since: string; until: string },
): SlackMessage {
  const header: SlackBlock = {
    type: 'header',
    text: plain(`podnet-guard digest: ${findings.length} low and info findings`, SLACK_LIMITS.headerText),
  };
  const blocks: SlackBlock[] = [
    header,
    { type: 'context', elements: [mrkdwn(`From ${esc(period.since)} to ${esc(period.until)}`)] },
  ];
  // Keep two blocks for the header and context, one for the "more" line.
  const room = SLACK_LIMITS.blocks - blocks.length - 1;
  let shown = 0;
  let section: string[] = [];
  const flush = () => {
    if (section.length > 0) blocks.push({ type: 'section', text: mrkdwn(section.join('\n')) });
    section = [];
  };
  for (const finding of findings) {
    const where = finding.clusters.length > 0 ? ` (${list(finding.clusters, 3)})` : '';
    const line = truncateText(`• [${finding.severity}] ${esc(finding.title)}${where}`, 500);
    if ([...section, line].join('\n').length > SLACK_LIMITS.sectionText) flush();
    if (blocks.length >= room && section.length === 0) break;
    section.push(line);
    shown += 1;
  }
  flush();
  const more = findings.length - shown;
  if (more > 0) blocks.push({ type: 'context', elements: [mrkdwn(`and ${more} more`)] });
  return { text: `podnet-guard digest: ${findings.length} low and info findings`, blocks };
}
