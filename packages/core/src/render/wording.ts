/** Small wording helpers shared by the detectors' summaries and the renderers: counts and durations people read. */
import type { BlastRadius, Finding } from '../types/finding.ts';

/**
 * A count with its noun, singular or plural.
 *
 * @example plural(1, 'node') // '1 node'
 * @example plural(3, 'pod IP') // '3 pod IPs'
 */
export function plural(count: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : pluralNoun}`;
}

/**
 * A duration in the largest unit that reads well: minutes under two hours, hours under two days, days beyond.
 *
 * @example humanDuration(45) // '45 minutes'
 * @example humanDuration(797 * 60) // '33 days'
 */
export function humanDuration(minutes: number): string {
  if (minutes < 120) return plural(Math.floor(minutes), 'minute');
  const hours = minutes / 60;
  if (hours < 48) return plural(Math.floor(hours), 'hour');
  return plural(Math.floor(hours / 24), 'day');
}

/**
 * Whether a finding's `sgpPods` are pods it exposes rather than SGP pods on the affected nodes that the change does
 * not reach: the finding says so in `details.sgpPodsExposed` (pod SG findings, and SGs branch ENIs carry too).
 */
export function sgpPodsExposed(finding: Pick<Finding, 'evidence'>): boolean {
  return Number(finding.evidence.details?.sgpPodsExposed ?? 0) > 0;
}

/**
 * The SGP pods of a blast radius, said as what they are for this finding.
 *
 * @example sgpPodsText(2, false) // '2 pods with their own security groups, not reached (counted apart)'
 * @example sgpPodsText(1, true) // '1 pod with its own security groups, exposed'
 */
export function sgpPodsText(count: number, exposed: boolean): string {
  const whose = count === 1 ? 'its' : 'their';
  return `${plural(count, 'pod')} with ${whose} own security groups, ${exposed ? 'exposed' : 'not reached (counted apart)'}`;
}

/**
 * A blast radius said plainly, for every renderer: "1 node", no "up to 0 pod IPs", "no nodes yet" for node groups
 * without nodes; `names` escapes and shortens the target services for the sink. Undefined when there is nothing to say.
 *
 * @example blastRadiusText({ nodes: 3, podIps: 27, sgpPods: 2, nodeGroups: ['a'], podIpsIsUpperBound: true }, (v) => v.join(', '))
 * // '3 nodes, up to 27 pod IPs (an upper bound); 2 pods with their own security groups, not reached (counted apart)'
 */
export function blastRadiusText(
  radius: BlastRadius | undefined,
  names: (values: string[]) => string,
  sgpExposed = false,
): string | undefined {
  if (!radius) return undefined;
  const parts: string[] = [];
  if (radius.nodes === 0) {
    if (radius.nodeGroups.length) parts.push('no nodes yet');
  } else {
    const ips = radius.podIps > 0 ? `, up to ${plural(radius.podIps, 'pod IP')} (an upper bound)` : '';
    parts.push(`${plural(radius.nodes, 'node')}${ips}`);
  }
  if (radius.sgpPods > 0) parts.push(sgpPodsText(radius.sgpPods, sgpExposed));
  if (radius.targetServices?.length) parts.push(`protects ${names(radius.targetServices)}`);
  return parts.length ? parts.join('; ') : undefined;
}
