/**
 * A finding as an AWS Chatbot (Amazon Q Developer in chat applications) custom notification: the JSON that SNS
 * delivers to Chatbot, which renders it in Slack, Microsoft Teams or Amazon Chime.
 *
 * Format: https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html ("Event schema" and "Parameter
 * details"): `version` must be "1.0", `source` must be "custom", `textType` only "client-markdown" (rendered in the
 * chat platform's markdown, Slack mrkdwn for Slack); `description` is required, up to 8,000 characters; `title` up to
 * 250 characters; each `nextSteps` item up to 350 characters (a bulleted list); each `keywords` item up to 75
 * characters (inline tags); `threadId` groups notifications with the same id in one thread; `summary` is shown on the
 * top-level message of a thread; `additionalContext` is a string-to-string map.
 * Every piece of account text goes through `escapeSlack` (escape.ts): one line, no mentions, no links, no markup; only
 * our own links (links.ts) are linked.
 */
import type { Finding, Severity } from '../types/finding.ts';
import { type RenderOptions, transitionOf, undoSteps } from './email.ts';
import { escapeSlack, isSafeUrl, truncateText } from './escape.ts';
import { blastRadiusText, sgpPodsExposed } from './wording.ts';

/** Documented limits of the custom notification fields (characters), plus list lengths we keep for readability. */
export const CHATBOT_LIMITS = {
  title: 250,
  description: 8000,
  nextStep: 350,
  keyword: 75,
  nextSteps: 8,
  keywords: 8,
  relatedResources: 20,
  summary: 250,
} as const;

/** The AWS Chatbot custom notification, as its documentation gives it. */
export interface ChatbotNotification {
  version: '1.0';
  source: 'custom';
  id: string;
  content: {
    textType: 'client-markdown';
    title: string;
    description: string;
    nextSteps: string[];
    keywords: string[];
  };
  metadata: {
    threadId: string;
    summary: string;
    eventType: string;
    relatedResources: string[];
    additionalContext: Record<string, string>;
  };
}

const SEVERITY_EMOJI: Record<Severity, string> = {
  critical: ':rotating_light:',
  high: ':red_circle:',
  medium: ':large_orange_circle:',
  low: ':large_yellow_circle:',
  info: ':information_source:',
};

const COMMAND_LIMIT = CHATBOT_LIMITS.nextStep - 20;

/**
 * Renders the Chatbot custom notification of one finding; `threadId` is the finding id, so its updates and its
 * resolution land in the same thread.
 *
 * @example
 * ```ts
 * const notification = renderChatbotNotification(finding);
 * JSON.stringify(notification); // the `default` message SNS delivers to Chatbot
 * ```
 */
export function renderChatbotNotification(finding: Finding, options: RenderOptions = {}): ChatbotNotification {
  const transition = transitionOf(finding, options);
  const resolved = transition === 'resolved';
  const severity = finding.severity.toUpperCase();
  const emoji = resolved ? ':white_check_mark:' : SEVERITY_EMOJI[finding.severity];
  const tag = resolved ? 'RESOLVED' : transition === 'worsened' ? `${severity}, worse` : severity;
  const title = `${emoji} *[${tag}]* ${text(finding.title.replace(/^Resolved:\s*/i, ''))}`;

  return {
    version: '1.0',
    source: 'custom',
    id: finding.id,
    content: {
      textType: 'client-markdown',
      title: truncateText(title, CHATBOT_LIMITS.title),
      description: truncateText(description(finding, resolved).join('\n'), CHATBOT_LIMITS.description),
      nextSteps: resolved ? [] : nextSteps(finding),
      keywords: keywords(finding, transition),
    },
    metadata: {
      threadId: finding.id,
      summary: truncateText(`[${tag}] ${text(finding.title)}`, CHATBOT_LIMITS.summary),
      eventType: `podnet-guard.${finding.detector}.${finding.rule.replace(/[^a-z0-9-]/gi, '').slice(0, 100)}`,
      relatedResources: relatedResources(finding),
      additionalContext: {
        findingId: context(finding.id),
        detector: finding.detector,
        rule: context(finding.rule),
        severity: finding.severity,
        status: finding.status,
        transition,
        account: context(finding.account),
        region: context(finding.region),
        clusters: truncateText(finding.clusters.map(text).join(', '), 1000),
        firstSeen: context(finding.firstSeen),
        lastSeen: context(finding.lastSeen),
      },
    },
  };
}

function description(finding: Finding, resolved: boolean): string[] {
  const lines = [truncateText(text(finding.summary), 3000)];
  const evidence = finding.evidence;
  if (evidence.eventName) {
    const failed = evidence.errorCode ? ` failed with ${text(evidence.errorCode)}` : '';
    const who = evidence.actor ? ` by ${text(evidence.actor)}` : '';
    const from = evidence.sourceIp ? ` from ${text(evidence.sourceIp)}` : '';
    const at = evidence.time ? ` at ${text(evidence.time)}` : '';
    lines.push(`*${resolved ? 'Resolved by' : 'Who'}:* ${text(evidence.eventName)}${failed}${who}${from}${at}`);
  } else if (evidence.state) {
    lines.push(`*Seen in:* ${text(evidence.state)}`);
  }
  const radius = finding.blastRadius;
  const exposes = blastRadiusText(radius, shortList, sgpPodsExposed(finding));
  if (radius && exposes && !resolved) {
    const groups = radius.nodeGroups.length ? `; node groups ${shortList(radius.nodeGroups)}` : '';
    lines.push(`*Exposes:* ${exposes}${groups}`);
  }
  if (finding.expectedBecause) lines.push(`*Expected:* ${truncateText(text(finding.expectedBecause), 1000)}`);
  if (finding.suppressedBy?.length) lines.push(`*Suppressed by:* ${shortList(finding.suppressedBy)}`);
  const clusters = finding.clusters.length ? `, cluster ${shortList(finding.clusters)}` : '';
  lines.push(`*Where:* account ${text(finding.account)}, ${text(finding.region)}${clusters}`);
  lines.push(`*Finding:* ${text(finding.id)} (${finding.detector}/${text(finding.rule)})`);
  return lines;
}

function nextSteps(finding: Finding): string[] {
  const steps: string[] = [];
  // Commands hold only ids checked against AWS formats (see undoSteps), so a code span is safe and copyable.
  const command = undoSteps(finding).find((line) => line.startsWith('aws ') && line.length <= COMMAND_LIMIT);
  if (command) steps.push(`Undo: \`${command}\``);
  else if (finding.remediation)
    steps.push(truncateText(`Undo: ${text(finding.remediation.reason)}`, CHATBOT_LIMITS.nextStep));
  steps.push(truncateText(text(finding.recommendation.text), CHATBOT_LIMITS.nextStep));
  for (const link of finding.recommendation.links) {
    const url = link.url;
    // Links go into `<url|text>`: a URL with spaces, `<`, `>` or `|` could end the link early and start another.
    if (!isSafeUrl(url) || url.length > CHATBOT_LIMITS.nextStep - 10) continue;
    const title = truncateText(text(link.title), CHATBOT_LIMITS.nextStep - url.length - 3);
    steps.push(`<${url}|${title}>`);
  }
  return steps.slice(0, CHATBOT_LIMITS.nextSteps);
}

function keywords(finding: Finding, transition: string): string[] {
  const words = [finding.severity, transition, finding.detector, finding.rule, ...finding.clusters];
  return [...new Set(words.map((word) => truncateText(text(word), CHATBOT_LIMITS.keyword)).filter(Boolean))].slice(
    0,
    CHATBOT_LIMITS.keywords,
  );
}

function relatedResources(finding: Finding): string[] {
  const max = CHATBOT_LIMITS.relatedResources;
  const ids = finding.resources.slice(0, max).map((resource) => truncateText(text(resource.id), 256));
  const more = finding.resources.length - ids.length;
  return more > 0 ? [...ids.slice(0, max - 1), `and ${more + 1} more`] : ids;
}

/** Untrusted text, one line, escaped for Slack mrkdwn (and Teams markdown). */
function text(value: string): string {
  return escapeSlack(value);
}

/** An `additionalContext` value: escaped and short (custom actions read these as variables). */
function context(value: string): string {
  return truncateText(text(value), 256);
}

function shortList(values: string[]): string {
  const shown = values.slice(0, 10).map(text);
  const more = values.length - shown.length;
  return truncateText(`${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`, 1000);
}
