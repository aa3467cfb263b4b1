/**
 * Finding assembly shared by the detectors: one place decides ids, timestamps, account and region, and what the
 * evidence of an event holds.
 */
import type { CloudTrailEvent } from '../cloudtrail/types.ts';
import { unique } from '../collections.ts';
import type { DetectorContext } from '../detectors/define.ts';
import type {
  BlastRadius,
  DetectorId,
  Evidence,
  Finding,
  Link,
  Remediation,
  ResourceRef,
  Severity,
} from '../types/finding.ts';
import { findingId } from './fingerprint.ts';

/** The detectors import it from here; its one copy is in collections.ts. */

/** What a detector knows about one finding; `buildFinding` adds the rest of the contract. */
export interface FindingDraft<Rule extends string = string> {
  rule: Rule;
  /** The resource (or pair) the finding is about, canonical: one finding per detector, rule and subject. */
  subject: string;
  severity: Severity;
  title: string;
  summary: string;
  clusters: string[];
  resources: ResourceRef[];
  blastRadius?: BlastRadius;
  evidence: Evidence;
  recommendation: { text: string; links: Link[] };
  remediation?: Remediation;
  expectedBecause?: string | undefined;
  context: DetectorContext;
  event?: CloudTrailEvent;
}

/**
 * An open finding from a draft: event findings take the event's time, account and region; scan findings the
 * evaluation's time and the inventory's account and region.
 *
 * @example buildFinding('node-sg-widening', { rule: 'world-open-ingress', subject: 'sg-1', … })
 */
export function buildFinding(detector: DetectorId, draft: FindingDraft): Finding {
  const { inventory, now } = draft.context;
  const time = draft.event?.eventTime ?? now;
  // What a blast radius could not count, for every rule in one place: the reads it is counted from, then what the
  // rule itself could not judge.
  const missing = (['DescribeNetworkInterfaces', 'DescribeInstances'] as const).filter((key) => !inventory.knows(key));
  const unknown = unique<string>([...missing, ...(draft.blastRadius?.unknown ?? [])]);
  const blastRadius = draft.blastRadius && unknown.length > 0 ? { ...draft.blastRadius, unknown } : draft.blastRadius;
  return {
    id: findingId(detector, draft.rule, draft.subject),
    detector,
    rule: draft.rule,
    severity: draft.severity,
    status: 'open',
    title: draft.title,
    summary: draft.summary.trim(),
    account: draft.event?.account ?? inventory.account,
    region: draft.event?.region ?? inventory.region,
    clusters: unique(draft.clusters),
    resources: draft.resources,
    ...(blastRadius ? { blastRadius } : {}),
    evidence: draft.evidence,
    recommendation: draft.recommendation,
    ...(draft.remediation ? { remediation: draft.remediation } : {}),
    ...(draft.expectedBecause ? { expectedBecause: draft.expectedBecause } : {}),
    firstSeen: time,
    lastSeen: time,
  };
}

/** The finding an event resolves: same id as the open one (same detector, rule and subject), status `resolved`. */
export function buildResolvedFinding(
  detector: DetectorId,
  input: {
    rule: string;
    subject: string;
    title: string;
    summary: string;
    resources: ResourceRef[];
    event: CloudTrailEvent;
    context: DetectorContext;
  },
): Finding {
  return {
    ...buildFinding(detector, {
      ...input,
      severity: 'info',
      clusters: [],
      evidence: eventEvidence(input.event),
      recommendation: { text: 'Nothing to do.', links: [] },
    }),
    status: 'resolved',
  };
}

/** What a finding keeps of the CloudTrail event that caused it; `error` overrides the call's own error. */
export function eventEvidence(event: CloudTrailEvent, error?: { code?: string; message?: string }): Evidence {
  const errorCode = error?.code ?? event.errorCode;
  const errorMessage = error?.message ?? event.errorMessage;
  return {
    eventId: event.eventId,
    eventName: event.eventName,
    actor: event.actor.arn ?? event.actor.invokedBy ?? event.actor.type,
    sourceIp: event.sourceIp,
    time: event.eventTime,
    ...(errorCode ? { errorCode } : {}),
    ...(errorMessage ? { errorMessage } : {}),
  };
}
