/**
 * The plain-text email of one finding (SNS `email` protocol): a person should get it in five seconds: what changed,
 * who did it, what it exposes, how to undo it, what to do instead. Text from the account is untrusted: every value goes
 * through `escapePlainText` (escape.ts), so it cannot add lines, hide control characters or become a link, and long
 * text and lists are cut with a count.
 */

import type { PublishedTransition } from '../findings/transitions.ts';
import type { Finding, ResourceRef } from '../types/finding.ts';
import { defangUrls, escapePlainText, isSafeUrl, truncateText } from './escape.ts';
import { sgpPodsExposed } from './wording.ts';

/** Options shared by the renderers. */
export interface RenderOptions {
  /** Defaults to `resolved` for resolved findings and `opened` otherwise. */
  transition?: PublishedTransition;
}

/** An email as SNS sends it: `Subject` and the `email` body. */
export interface EmailMessage {
  subject: string;
  body: string;
}

/** SNS: subjects are ASCII, start with a letter, number or punctuation, hold no line breaks, and are under 100 characters. */
export const SNS_SUBJECT_MAX = 99;
/** Items of a list shown before "and N more". */
export const LIST_ITEMS_SHOWN = 10;
/** Characters of one untrusted text field shown before it is cut. */
export const TEXT_FIELD_MAX = 2000;

/**
 * The transition a finding is sent for when the caller does not say.
 *
 * @example transitionOf({ ...finding, status: 'resolved' }) // 'resolved'
 */
export function transitionOf(finding: Finding, options: RenderOptions = {}): PublishedTransition {
  return options.transition ?? (finding.status === 'resolved' ? 'resolved' : 'opened');
}

/**
 * Renders a finding as an email subject and plain-text body.
 *
 * @example
 * ```ts
 * const { subject, body } = renderEmail(finding);
 * subject; // '[HIGH] Data store admits a node security group: sg-0a1b2c3d4e5f60718 admits sg-0f… (prod)'
 * ```
 */
export function renderEmail(finding: Finding, options: RenderOptions = {}): EmailMessage {
  const transition = transitionOf(finding, options);
  return { subject: emailSubject(finding, options), body: emailBody(finding, transition) };
}

/**
 * The SNS email subject: `[SEVERITY] title (cluster)`, or `[RESOLVED] …`; printable ASCII only, at most 99 characters.
 *
 * @example emailSubject(finding) // '[HIGH] Data store admits a node security group: sg-… (prod)'
 */
export function emailSubject(finding: Finding, options: RenderOptions = {}): string {
  const transition = transitionOf(finding, options);
  const tag =
    transition === 'resolved'
      ? '[RESOLVED]'
      : `[${finding.severity.toUpperCase()}${transition === 'worsened' ? ', WORSE' : ''}]`;
  const title = toSubjectAscii(finding.title.replace(/^Resolved:\s*/i, ''));
  const clusters = finding.clusters.map(toSubjectAscii).filter(Boolean);
  const where =
    clusters.length === 0 ? '' : ` (${clusters[0]}${clusters.length > 1 ? ` +${clusters.length - 1}` : ''})`;
  const room = SNS_SUBJECT_MAX - tag.length - 1 - where.length;
  const shortTitle = title.length <= room ? title : `${title.slice(0, Math.max(0, room - 3)).trimEnd()}...`;
  // Cutting, and spelling "…" as "...", can make a web address again ("www" + "..."): defanged once more, and cut
  // to the room left (a cut after `[` cannot make one).
  return `${tag} ${defangUrls(shortTitle).slice(0, Math.max(0, room))}${where}`.slice(0, SNS_SUBJECT_MAX);
}

/** Printable ASCII on one line: SNS rejects other subjects. */
function toSubjectAscii(text: string): string {
  return escapePlainText(text)
    .normalize('NFKD')
    .replace(/[\u2026]/g, '...')
    .replace(/[^\x20-\x7e]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

function emailBody(finding: Finding, transition: PublishedTransition): string {
  const lines: string[] = [];
  const heading = transition === 'resolved' ? 'RESOLVED' : finding.severity.toUpperCase();
  const worse = transition === 'worsened' ? ' (worse than before)' : '';
  lines.push(`${heading}${worse}: ${field(finding.title.replace(/^Resolved:\s*/i, ''))}`);
  lines.push(`Account ${field(finding.account)}, region ${field(finding.region)}${clusterText(finding.clusters)}.`);
  lines.push('');

  if (transition === 'resolved') {
    lines.push('What resolved it', ...indent(paragraph(finding.summary)));
    const who = whoLine(finding);
    if (who) lines.push(...indent([who]));
    lines.push('');
    lines.push(footer(finding));
    return lines.join('\n');
  }

  lines.push('What changed', ...indent(paragraph(finding.summary)), '');
  const who = whoDidIt(finding);
  if (who.length > 0) lines.push(finding.evidence.eventName ? 'Who did it' : 'What showed it', ...indent(who), '');
  lines.push('What it exposes', ...indent(exposure(finding)), '');
  if (finding.expectedBecause) lines.push('Why this is expected', ...indent(paragraph(finding.expectedBecause)), '');
  if (finding.suppressedBy?.length) {
    lines.push('Suppressed by the allow-list', ...indent(list(finding.suppressedBy.map(field))), '');
  }
  const undo = undoSteps(finding);
  if (undo.length > 0) lines.push('How to undo it', ...indent(undo), '');
  lines.push('What to do instead', ...indent(paragraph(finding.recommendation.text)));
  const links = finding.recommendation.links.filter((link) => isSafeUrl(link.url));
  for (const link of links.slice(0, LIST_ITEMS_SHOWN)) lines.push(`  - ${field(link.title)}: ${link.url}`);
  lines.push('');
  lines.push(footer(finding));
  return lines.join('\n');
}

function whoLine(finding: Finding): string | undefined {
  const evidence = finding.evidence;
  if (!evidence.eventName) return evidence.state ? `Seen in: ${field(evidence.state)}` : undefined;
  const who = evidence.actor ? ` by ${field(evidence.actor)}` : '';
  const from = evidence.sourceIp ? ` from ${field(evidence.sourceIp)}` : '';
  const at = evidence.time ? ` at ${field(evidence.time)}` : '';
  return `${field(evidence.eventName)}${who}${from}${at}`;
}

function whoDidIt(finding: Finding): string[] {
  const evidence = finding.evidence;
  const lines: string[] = [];
  if (evidence.eventName) {
    const failed = evidence.errorCode ? ` (failed: ${field(evidence.errorCode)})` : '';
    lines.push(
      `Event: ${field(evidence.eventName)}${failed}${evidence.eventId ? `, id ${field(evidence.eventId)}` : ''}`,
    );
    if (evidence.errorMessage) lines.push(`Error: ${field(evidence.errorMessage)}`);
    lines.push(`Actor: ${evidence.actor ? field(evidence.actor) : 'unknown'}`);
    lines.push(`Source IP: ${evidence.sourceIp ? field(evidence.sourceIp) : 'unknown'}`);
    lines.push(`Time: ${evidence.time ? field(evidence.time) : 'unknown'}`);
  }
  if (evidence.state) lines.push(`Seen in: ${field(evidence.state)}`);
  return lines;
}

function exposure(finding: Finding): string[] {
  const lines: string[] = [];
  const radius = finding.blastRadius;
  if (finding.clusters.length > 0) lines.push(`Clusters: ${list(finding.clusters.map(field)).join(', ')}`);
  if (radius) {
    if (radius.nodeGroups.length > 0) lines.push(`Node groups: ${list(radius.nodeGroups.map(field)).join(', ')}`);
    const ids = radius.nodeIds?.length ? ` (${list(radius.nodeIds.map(field), radius.nodes).join(', ')})` : '';
    lines.push(`Nodes: ${radius.nodes}${ids}`);
    lines.push(`Pod IPs: up to ${radius.podIps} (an upper bound: the VPC CNI keeps warm IPs that hold no pod yet)`);
    if (radius.sgpPods > 0) {
      const what = sgpPodsExposed(finding) ? 'exposed' : 'not reached, counted apart';
      lines.push(`Pods with their own security groups (SGP), ${what}: ${radius.sgpPods}`);
    }
    if (radius.targetServices?.length)
      lines.push(`Target services: ${list(radius.targetServices.map(field)).join(', ')}`);
    if (radius.unknown?.length)
      lines.push(`Not known (missing from the inventory): ${radius.unknown.map(field).join(', ')}`);
  }
  lines.push(`Resources: ${list(finding.resources.map(resourceText)).join(', ')}`);
  return lines;
}

function resourceText(resource: ResourceRef): string {
  return `${field(resource.id)} (${field(resource.type)})`;
}

function footer(finding: Finding): string {
  return `Finding ${field(finding.id)} (${finding.detector}/${field(finding.rule)}), first seen ${field(finding.firstSeen)}, last seen ${field(finding.lastSeen)}.`;
}

// ---------------------------------------------------------------------------------------------------------------
// Undo

const SG_ID = /^sg-[0-9a-f]{8,17}$/;
const SG_RULE_ID = /^sgr-[0-9a-f]{8,17}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/**
 * How to undo what a finding reports, from `finding.remediation`: for a security group rule, the exact
 * `aws ec2 revoke-security-group-ingress` command when the rule ids are known (from `remediation.revoke[].ruleId` or
 * `evidence.details.rules[].ruleId`), otherwise the command that lists them. Ids are checked against the AWS id
 * formats before they go into a command, so account text can never become shell text. Empty when there is nothing to
 * undo (resolved findings, findings without remediation).
 *
 * @example undoSteps(finding) // ['aws ec2 revoke-security-group-ingress --region eu-west-1 --group-id sg-… --security-group-rule-ids sgr-…', …]
 */
export function undoSteps(finding: Finding): string[] {
  const remediation = finding.remediation;
  if (!remediation || finding.status === 'resolved') return [];
  const lines: string[] = [];
  // revoke-rules carries the direction on each rule; rules of one finding share it.
  const direction =
    remediation.action === 'revoke-rules'
      ? remediation.revoke?.[0]?.direction === 'egress'
        ? 'egress'
        : 'ingress'
      : undefined;
  const groupId = remediation.target.id;
  if (direction && remediation.target.type === 'security-group' && SG_ID.test(groupId)) {
    const region = REGION.test(finding.region) ? ` --region ${finding.region}` : '';
    const revoke = remediation.revoke ?? detailRules(finding);
    const ruleIds = [...new Set([...revoke, ...detailRules(finding)].map((rule) => rule.ruleId))].filter(
      (id): id is string => typeof id === 'string' && SG_RULE_ID.test(id),
    );
    const withoutId = revoke.filter((rule) => typeof rule.ruleId !== 'string' || !SG_RULE_ID.test(rule.ruleId));
    for (const rule of revoke.slice(0, LIST_ITEMS_SHOWN)) lines.push(`Rule: ${ruleText(rule)}`);
    if (revoke.length > LIST_ITEMS_SHOWN) lines.push(`... and ${revoke.length - LIST_ITEMS_SHOWN} more rule(s)`);
    if (ruleIds.length > 0) {
      lines.push(
        `aws ec2 revoke-security-group-${direction}${region} --group-id ${groupId} --security-group-rule-ids ${ruleIds.join(' ')}`,
      );
    }
    if (ruleIds.length === 0 || withoutId.length > 0) {
      lines.push(
        `Find the rule ids with: aws ec2 describe-security-group-rules${region} --filters Name=group-id,Values=${groupId}`,
        `then: aws ec2 revoke-security-group-${direction}${region} --group-id ${groupId} --security-group-rule-ids <sgr-...>`,
      );
    }
  } else {
    lines.push(
      `Change ${field(remediation.target.type)} ${field(remediation.target.id)} (${field(remediation.action)})`,
    );
    for (const [key, value] of Object.entries(remediation.set ?? {}).slice(0, LIST_ITEMS_SHOWN)) {
      lines.push(`Set ${field(key)} to ${field(JSON.stringify(value) ?? String(value))}`);
    }
  }
  lines.push(`Why: ${field(remediation.reason)}`);
  return lines;
}

/** A rule as the detectors describe it (`remediation.revoke[]`, `evidence.details.rules[]`). */
interface RuleLike {
  ruleId?: unknown;
  protocol?: unknown;
  fromPort?: unknown;
  toPort?: unknown;
  peer?: unknown;
  description?: unknown;
}

function detailRules(finding: Finding): RuleLike[] {
  const rules = finding.evidence.details?.rules;
  return Array.isArray(rules)
    ? rules.filter((rule): rule is RuleLike => typeof rule === 'object' && rule !== null)
    : [];
}

const PROTOCOL_NAMES: Record<string, string> = {
  '-1': 'all traffic',
  '6': 'tcp',
  '17': 'udp',
  '1': 'icmp',
  '58': 'icmpv6',
};

function ruleText(rule: RuleLike): string {
  const protocol = String(rule.protocol ?? '?');
  const name = PROTOCOL_NAMES[protocol] ?? protocol;
  const from = typeof rule.fromPort === 'number' ? rule.fromPort : undefined;
  const to = typeof rule.toPort === 'number' ? rule.toPort : from;
  const ports =
    name === 'all traffic' || from === undefined || from === -1
      ? ''
      : from === to
        ? ` port ${from}`
        : ` ports ${from}-${to}`;
  const id = typeof rule.ruleId === 'string' ? ` [${field(rule.ruleId)}]` : '';
  const peer = typeof rule.peer === 'string' ? ` from ${field(rule.peer)}` : '';
  const description = typeof rule.description === 'string' ? ` "${field(rule.description)}"` : '';
  return `${field(name)}${ports}${peer}${id}${description}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Text helpers

/** One untrusted value on one line, cut to a readable length. */
function field(text: string): string {
  return truncateText(escapePlainText(text), TEXT_FIELD_MAX);
}

/**
 * Untrusted prose (summary, recommendation) as one line, cut to a readable length: its line breaks shown as `\n`, it
 * cannot forge a section heading or an "undo" command of its own. Mail clients wrap long lines.
 */
function paragraph(text: string): string[] {
  return [field(text)];
}

function indent(lines: string[]): string[] {
  return lines.map((line) => `  ${line}`);
}

/** The first items of a list, then "and N more" (`total` when the list itself was already cut, as `nodeIds` is). */
function list(items: string[], total = items.length): string[] {
  const shown = items.slice(0, LIST_ITEMS_SHOWN);
  const more = Math.max(total, items.length) - shown.length;
  return more > 0 ? [...shown, `and ${more} more`] : shown;
}

function clusterText(clusters: string[]): string {
  if (clusters.length === 0) return '';
  return `, cluster${clusters.length > 1 ? 's' : ''} ${list(clusters.map(field)).join(', ')}`;
}
