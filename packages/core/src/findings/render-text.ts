/**
 * Plain-text rendering of findings for terminals and email. Text from the account (names, descriptions, tags) is
 * untrusted: control characters are removed so it cannot move the cursor, clear a screen or forge lines.
 */
import type { Finding } from '../types/finding.ts';

// C0/C1 control characters (ESC included) except tab and newline.
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g;

/** Removes control characters from untrusted text, for terminals and plain-text email. */
export function plainText(text: string): string {
  return text.replace(CONTROL, '');
}

/** One finding as a few readable lines. */
export function renderFindingText(finding: Finding): string {
  const lines: string[] = [];
  const status = finding.status === 'open' ? '' : ` (${finding.status})`;
  lines.push(`[${finding.severity.toUpperCase()}]${status} ${plainText(finding.title)}`);
  lines.push(`  ${plainText(finding.summary)}`);
  const radius = finding.blastRadius;
  if (radius) {
    const groups = radius.nodeGroups.length ? ` in node groups ${radius.nodeGroups.map(plainText).join(', ')}` : '';
    const sgp = radius.sgpPods ? `; ${radius.sgpPods} pod(s) with their own security groups counted apart` : '';
    const services = radius.targetServices?.length ? `; target: ${radius.targetServices.join(', ')}` : '';
    lines.push(`  blast radius: ${radius.nodes} node(s), up to ${radius.podIps} pod IPs${groups}${sgp}${services}`);
  }
  if (finding.clusters.length) lines.push(`  clusters: ${finding.clusters.map(plainText).join(', ')}`);
  const evidence = finding.evidence;
  if (evidence.eventName) {
    const who = evidence.actor ? ` by ${plainText(evidence.actor)}` : '';
    const from = evidence.sourceIp ? ` from ${plainText(evidence.sourceIp)}` : '';
    const code = evidence.errorCode ? ` failed with ${plainText(evidence.errorCode)}` : '';
    lines.push(
      `  event: ${evidence.eventName}${code}${who}${from} at ${evidence.time ?? '?'} (${evidence.eventId ?? '?'})`,
    );
  }
  if (evidence.state) lines.push(`  state: ${plainText(evidence.state)}`);
  if (finding.expectedBecause) lines.push(`  expected: ${plainText(finding.expectedBecause)}`);
  if (finding.suppressedBy?.length)
    lines.push(`  suppressed by allow-list: ${finding.suppressedBy.map(plainText).join('; ')}`);
  if (finding.status !== 'resolved') {
    lines.push(`  what to do: ${plainText(finding.recommendation.text)}`);
    for (const link of finding.recommendation.links) lines.push(`    - ${link.title}: ${link.url}`);
  }
  lines.push(`  id: ${finding.id}  rule: ${finding.detector}/${finding.rule}`);
  return lines.join('\n');
}
