/**
 * What a detector is: one self-describing value (id, rules, the CloudTrail events it subscribes to, the AWS reads it
 * needs, and pure evaluate functions). EventBridge patterns and IAM actions are derived from these values.
 */
import type { CloudTrailEvent } from '../cloudtrail/types.ts';
import type { GuardConfig } from '../config.ts';
import type { DetectorId, Finding, Severity } from '../types/finding.ts';
import type { Inventory, SnapshotKey } from '../types/inventory.ts';

/** CloudTrail event sources podnet-guard reads, as EventBridge `source` maps them. */
export const EVENT_SOURCES = {
  'ec2.amazonaws.com': 'aws.ec2',
  'eks.amazonaws.com': 'aws.eks',
} as const;
export type EventSource = keyof typeof EVENT_SOURCES;

export interface RuleDefinition {
  id: string;
  /** The usual severity; a finding may raise or lower it with its reason. */
  severity: Severity;
  title: string;
  /** One sentence: what it catches and why it matters. */
  description: string;
}

/**
 * An EventBridge content filter on `detail` for one event name (see the EventBridge event-pattern docs): routes only
 * the calls a detector can act on, so the CNI's and Karpenter's routine calls never invoke a Lambda.
 * `undefined` means every call of that name.
 */
export type DetailFilter = Record<string, unknown>;

export interface Subscription {
  source: EventSource;
  eventName: string;
  /** Alternative filters (any may match); absent: all calls of this name. */
  filters?: DetailFilter[];
}

export interface DetectorContext {
  inventory: Inventory;
  config: GuardConfig;
  /** ISO time of the evaluation, used as firstSeen/lastSeen for scan findings. */
  now: string;
}

export interface Detector {
  id: DetectorId;
  rules: readonly RuleDefinition[];
  subscribes: readonly Subscription[];
  /** AWS read operations this detector's evaluation may need (snapshot keys). */
  reads: readonly SnapshotKey[];
  /**
   * Decides from the event alone whether live state is needed at all. A routine successful call returns false and
   * costs no describe call.
   */
  needsInventory(event: CloudTrailEvent): boolean;
  /** Findings an event causes (and `resolved` findings it clears). Pure; [] when all is well. */
  evaluateEvent(event: CloudTrailEvent, context: DetectorContext): Finding[];
  /** Findings visible in state alone (scan and sweep). Pure. */
  scan(context: DetectorContext): Finding[];
  /**
   * Rules `scan` can produce: for these the scan is the whole truth, so a sweep resolves an open finding it no longer
   * reports. Event-only rules (a failed call, a widening seen only as a change) are never resolved by a sweep. Absent:
   * no rule is state-judged, and a sweep resolves nothing of this detector.
   */
  scanRules?: readonly string[];
}

/** Identity function that checks a detector's shape at compile time. */
export function defineDetector<const D extends Detector>(detector: D): D {
  return detector;
}
