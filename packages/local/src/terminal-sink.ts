/**
 * Where the local service's alerts go: the terminal, written as the deployed service's subscribers would receive them:
 * the email (subject and body of the SNS `email` protocol) and the Slack message (the AWS Chatbot notification's
 * title, description and next steps, in Slack mrkdwn), plus one line for the findings bus event. The renderers are
 * the ones `publishTransitions` uses; every line is also stripped of terminal control characters.
 */
import { FINDING_DETAIL_TYPES, FINDING_EVENT_SOURCE, type TransitionSink } from '@podnet-guard/aws';
import {
  escapeTerminalLines,
  publicFinding,
  type RecordedTransition,
  renderChatbotNotification,
  renderEmail,
} from '@podnet-guard/core';

/**
 * A sink that writes each transition to `write` as one block of text.
 *
 * @example
 * ```ts
 * const targets = { sink: createTerminalSink((text) => process.stdout.write(text)) };
 * ```
 */
export function createTerminalSink(write: (text: string) => void): TransitionSink {
  return {
    async publish(transitions) {
      for (const item of transitions) write(renderAlert(item));
    },
  };
}

/**
 * One transition as the terminal shows it.
 *
 * @example renderAlert(recorded) // '━━ alert: opened nsw-… (version 1) ━━…\nemail  Subject: [HIGH] …'
 */
export function renderAlert(item: RecordedTransition): string {
  const finding = publicFinding(item.finding);
  const email = renderEmail(finding, { transition: item.transition });
  const chat = renderChatbotNotification(finding, { transition: item.transition });
  const heading = `━━ alert: ${item.transition} ${finding.id} (version ${item.version}) `;
  const lines = [
    heading.padEnd(100, '━'),
    `email  Subject: ${email.subject}`,
    ...indent(email.body),
    '',
    `slack  ${chat.content.title}`,
    ...indent(chat.content.description),
    ...chat.content.nextSteps.map((step) => `       • ${step}`),
    '',
    `bus    ${FINDING_DETAIL_TYPES[item.transition]} (source ${FINDING_EVENT_SOURCE}, dedupeKey ${item.dedupeKey})`,
    '',
  ];
  return `${lines.map((line) => escapeTerminalLines(line).replace(/\t/g, ' ')).join('\n')}\n`;
}

function indent(text: string): string[] {
  return text.split(/\r?\n/).map((line) => (line === '' ? '' : `       ${line}`));
}
