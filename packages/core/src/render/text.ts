/**
 * Plain-text rendering of findings for a terminal: the summary first (counts by severity, what could not be judged),
 * then one compact block per finding, most severe first. Account text (names, descriptions, tags, actors, suppression
 * reasons) goes through `escapePlainText`: it cannot add a line, colour the terminal or reorder what is shown.
 */
import type { NotJudged } from '../evaluate.ts';
import type { Finding, Severity } from '../types/finding.ts';
import { SEVERITIES, SEVERITY_RANK } from '../types/finding.ts';
import { escapePlainText, isSafeUrl, truncateText } from './escape.ts';
import { blastRadiusText, plural, sgpPodsExposed } from './wording.ts';

/** A finding as listed: the API adds who suppressed it, until when and why. */
export type ListedFinding = Finding & { suppression?: { reason: string; until: string; by?: string } };

/** What a text report shows: the findings, and what the evaluation says about them. */
export interface TextReport {
  findings: ListedFinding[];
  /**
   * What could not be judged, each with its reason: records and rules (with their event), and detectors that lacked
   * facts (snapshot keys not known), whose silence means "unknown", not "none".
   */
  notJudged?: readonly NotJudged[];
  /** Rules the config switched off (`disabledRules`). */
  disabledRules?: readonly string[];
}

export interface TextOptions {
  /** Adds the evidence (event or state, details), every node group and node, resources and links. */
  verbose?: boolean;
}

/** Names shown in a compact block before "and N more". */
const COMPACT_LIST = 5;
/** Characters of one account value shown before it is cut. */
const FIELD_MAX = 2000;

/**
 * Findings ordered as a person reads them: most severe first, then by cluster, then by title and id (stable).
 *
 * @example sortFindings(findings)[0].severity // 'critical'
 */
export function sortFindings<T extends Finding>(findings: readonly T[]): T[] {
  return [...findings].sort(
    (a, b) =>
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
      compare(a.clusters[0] ?? '\uffff', b.clusters[0] ?? '\uffff') ||
      compare(a.title, b.title) ||
      compare(a.id, b.id),
  );
}

/**
 * The whole text report: summary lines, then one block per finding (sorted), separated by blank lines.
 *
 * @example renderReportText({ findings }) // '2 findings: 1 high, 1 medium.\n\n[HIGH] …'
 */
export function renderReportText(report: TextReport, options: TextOptions = {}): string {
  const blocks = [summaryLines(report).join('\n')];
  for (const finding of sortFindings(report.findings)) blocks.push(renderFindingText(finding, options));
  return `${blocks.join('\n\n')}\n`;
}

/** The summary: how many findings of which severity, what was suppressed or resolved, what could not be judged. */
function summaryLines(report: TextReport): string[] {
  const { findings } = report;
  const bySeverity = new Map<Severity, number>();
  for (const finding of findings) {
    if (finding.status === 'open') bySeverity.set(finding.severity, (bySeverity.get(finding.severity) ?? 0) + 1);
  }
  const open = [...bySeverity.values()].reduce((sum, count) => sum + count, 0);
  const suppressed = findings.filter((finding) => finding.status === 'suppressed').length;
  const resolved = findings.filter((finding) => finding.status === 'resolved').length;
  const counts = SEVERITIES.filter((severity) => bySeverity.has(severity)).map(
    (severity) => `${bySeverity.get(severity)} ${severity}`,
  );
  const others = [...(suppressed ? [`${suppressed} suppressed`] : []), ...(resolved ? [`${resolved} resolved`] : [])];
  const lines = [
    findings.length === 0
      ? 'No findings.'
      : `${plural(open, 'open finding')}${counts.length ? `: ${counts.join(', ')}` : ''}${others.length ? `; ${others.join(', ')}` : ''}.`,
  ];
  for (const entry of report.notJudged ?? []) lines.push(notJudgedLine(entry));
  if (report.disabledRules?.length) {
    lines.push(`Switched off by disabledRules: ${report.disabledRules.map(escapePlainText).join(', ')}.`);
  }
  return lines;
}

function notJudgedLine(entry: NotJudged): string {
  if (entry.detector !== undefined && entry.eventId === undefined) {
    const missing = entry.missing?.length
      ? `${entry.missing.map(escapePlainText).join(', ')} missing from the inventory`
      : escapePlainText(entry.reason);
    return `Not judged by ${escapePlainText(entry.detector)}: ${missing} (unknown, not "none").`;
  }
  const what = [entry.eventName, entry.eventId]
    .filter((part) => part !== undefined)
    .map((part) => escapePlainText(part));
  return `Not judged: ${what.length ? `${what.join(' ')}: ` : ''}${escapePlainText(entry.reason)}.`;
}

/**
 * One finding as a compact block: title, summary, where, blast radius, what to do, id (about five lines); `verbose`
 * adds the evidence, every name, the resources and the links.
 */
export function renderFindingText(finding: ListedFinding, options: TextOptions = {}): string {
  const verbose = options.verbose === true;
  const lines: string[] = [];
  const status = finding.status === 'open' ? '' : ` (${finding.status})`;
  lines.push(`[${finding.severity.toUpperCase()}]${status} ${field(finding.title)}`);
  lines.push(`  ${field(finding.summary)}`);
  if (finding.expectedBecause) lines.push(`  expected: ${field(finding.expectedBecause)}`);
  if (finding.suppressedBy?.length) lines.push(`  suppressed by the allow-list: ${names(finding.suppressedBy, true)}`);
  if (finding.suppression) {
    const by = finding.suppression.by ? ` by ${field(finding.suppression.by)}` : '';
    lines.push(`  suppressed until ${field(finding.suppression.until)}${by}: ${field(finding.suppression.reason)}`);
  }
  lines.push(`  where: ${where(finding, verbose)}`);
  const radius = blastRadiusText(finding.blastRadius, (values) => names(values, verbose), sgpPodsExposed(finding));
  if (radius) lines.push(`  blast radius: ${radius}`);
  if (finding.status !== 'resolved') lines.push(`  what to do: ${field(finding.recommendation.text)}`);
  if (verbose) lines.push(...evidenceLines(finding));
  lines.push(`  id: ${field(finding.id)} (${finding.detector}/${field(finding.rule)})`);
  return lines.join('\n');
}

function where(finding: Finding, verbose: boolean): string {
  const parts: string[] = [];
  if (finding.clusters.length) {
    parts.push(`${finding.clusters.length === 1 ? 'cluster' : 'clusters'} ${names(finding.clusters, verbose)}`);
  }
  const groups = finding.blastRadius?.nodeGroups ?? [];
  if (groups.length) parts.push(`${groups.length === 1 ? 'node group' : 'node groups'} ${names(groups, verbose)}`);
  parts.push(verbose ? `${field(finding.region)}, account ${field(finding.account)}` : field(finding.region));
  // Semicolons between the parts: the names within a part are comma-separated.
  return parts.join('; ');
}

function evidenceLines(finding: Finding): string[] {
  const lines: string[] = [];
  const evidence = finding.evidence;
  if (evidence.eventName) {
    const failed = evidence.errorCode ? ` failed with ${field(evidence.errorCode)}` : '';
    const who = evidence.actor ? ` by ${field(evidence.actor)}` : '';
    const from = evidence.sourceIp ? ` from ${field(evidence.sourceIp)}` : '';
    const at = evidence.time ? ` at ${field(evidence.time)}` : '';
    const id = evidence.eventId ? ` (event ${field(evidence.eventId)})` : '';
    lines.push(`  event: ${field(evidence.eventName)}${failed}${who}${from}${at}${id}`);
    if (evidence.errorMessage) lines.push(`  error: ${field(evidence.errorMessage)}`);
  }
  if (evidence.state) lines.push(`  seen in: ${field(evidence.state)}`);
  if (evidence.details && Object.keys(evidence.details).length) {
    lines.push(`  details: ${truncateText(escapePlainText(JSON.stringify(evidence.details)), 2000)}`);
  }
  const radius = finding.blastRadius;
  if (radius?.nodeIds?.length) lines.push(`  nodes: ${names(radius.nodeIds, true, radius.nodes)}`);
  if (radius?.unknown?.length) lines.push(`  not known: ${names(radius.unknown, true)}`);
  if (finding.resources.length) {
    const resources = finding.resources.map((resource) => `${field(resource.id)} (${field(resource.type)})`);
    lines.push(`  resources: ${resources.join(', ')}`);
  }
  lines.push(`  first seen ${field(finding.firstSeen)}, last seen ${field(finding.lastSeen)}`);
  if (finding.status !== 'resolved') {
    // Only https URLs that cannot break out of the line are printed (ours, from links.ts).
    const links = finding.recommendation.links.filter((candidate) => isSafeUrl(candidate.url));
    if (links.length) lines.push('  read more:');
    for (const link of links) lines.push(`    - ${field(link.title)}: ${link.url}`);
  }
  return lines;
}

/** One account value on one line, escaped, cut to a readable length. */
function field(text: string): string {
  return truncateText(escapePlainText(text), FIELD_MAX);
}

/** Escaped names, the first few in compact output, then "and N more" (`total` when the list itself was cut). */
function names(values: string[], all: boolean, total = values.length): string {
  const shown = (all ? values : values.slice(0, COMPACT_LIST)).map(field);
  const more = Math.max(total, values.length) - shown.length;
  return `${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
