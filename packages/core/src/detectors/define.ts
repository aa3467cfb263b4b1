/**
 * What a rule and a detector are. A rule is one unit: its id, severity and title, the AWS reads it needs, the
 * CloudTrail events it judges and how, and what it finds in state alone. A detector is an id and its rules; its
 * subscriptions, reads, scan rules and dispatch are derived from them, and EventBridge patterns and IAM actions are
 * derived from the detectors. Rules that judge together (the three ingress rules judge one rule set at once) are one
 * unit with several rule definitions: a family.
 *
 * @example
 * export const egressWidened = defineRule({
 *   id: 'egress-widened',
 *   severity: 'medium',
 *   title: 'Node security group egress widened to everything',
 *   description: 'A node SG whose egress was restricted now allows all traffic to anywhere.',
 *   reads: ['DescribeSecurityGroups'],
 *   events: {
 *     on: [{ source: 'ec2.amazonaws.com', eventName: 'AuthorizeSecurityGroupEgress' }],
 *     kinds: ['sg-rules-authorized'],
 *     evaluate: (event, context) => judgeEgress(event, context),
 *   },
 * });
 */
import type { EventSource } from '../cloudtrail/sources.ts';
import type { CloudTrailEvent, EventDetail, EventKind } from '../cloudtrail/types.ts';
import { sortedUnique } from '../collections.ts';
import type { GuardConfig } from '../config.ts';
import type { DetectorId, Finding, Severity } from '../types/finding.ts';
import type { Inventory, SnapshotKey } from '../types/inventory.ts';

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
 * the calls a rule can act on, so the CNI's and Karpenter's routine calls never invoke a Lambda.
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

/** A parsed event whose detail is one of the kinds `K`: what a rule's `evaluate` receives. */
export type EventOfKind<K extends EventKind> = CloudTrailEvent & { detail: Extract<EventDetail, { kind: K }> };

/** How a rule judges CloudTrail events. */
export interface RuleEvents<K extends EventKind = EventKind> {
  /** The calls routed to this rule (EventBridge patterns are built from these). */
  on: readonly Subscription[];
  /** The parsed detail kinds it judges; a subscribed call parsed into another kind is not given to it. */
  kinds: readonly K[];
  /**
   * Whether live state is needed for this event. Decided from the event alone, so a routine successful call costs
   * no describe call. Absent: always.
   */
  needsInventory?: (event: EventOfKind<K>) => boolean;
  /** Findings the event causes (and `resolved` findings it clears). Pure; [] when all is well. */
  evaluate: (event: EventOfKind<K>, context: DetectorContext) => Finding[];
}

/** One rule, or a family of rules that judge together, with everything needed to run it. */
export interface RuleUnit {
  rules: readonly RuleDefinition[];
  /** AWS read operations the rule's evaluation and scan need (snapshot keys). */
  reads: readonly SnapshotKey[];
  // biome-ignore lint/suspicious/noExplicitAny: a unit holds one kind set, the detector calls it only with those kinds
  events?: RuleEvents<any>;
  /**
   * Findings visible in state alone (scan and sweep). Pure. For a rule with a scan, the scan is the whole truth, so a
   * sweep resolves an open finding it no longer reports; a rule without one (a failed call, a widening seen only as a
   * change) is never resolved by a sweep.
   */
  scan?: (context: DetectorContext) => Finding[];
}

type RuleSpec<K extends EventKind> = {
  reads: readonly SnapshotKey[];
  events?: RuleEvents<K>;
  scan?: (context: DetectorContext) => Finding[];
};

/** One rule as one unit. `rule` is its definition, for building its findings. */
export function defineRule<const R extends RuleDefinition, K extends EventKind = never>(
  spec: R & RuleSpec<K>,
): RuleUnit & { rule: R } {
  const { reads, events, scan, ...rule } = spec;
  const definition = rule as unknown as R;
  return { rule: definition, rules: [definition], reads, events, scan };
}

/** Rules that judge together (one pass over the same evidence decides all of them) as one unit. */
export function defineRuleFamily<const R extends readonly RuleDefinition[], K extends EventKind = never>(
  spec: { rules: R } & RuleSpec<K>,
): RuleUnit & { rules: R } {
  return { rules: spec.rules, reads: spec.reads, events: spec.events, scan: spec.scan };
}

/** What the rest of podnet-guard sees of a detector; everything but `id` and `units` is derived from the units. */
export interface Detector {
  id: DetectorId;
  units: readonly RuleUnit[];
  rules: readonly RuleDefinition[];
  subscribes: readonly Subscription[];
  /** AWS read operations any of this detector's rules may need (snapshot keys). */
  reads: readonly SnapshotKey[];
  /** The reads of the rules that judge this event: what a scoped load must cover. */
  readsFor(event: CloudTrailEvent): SnapshotKey[];
  /** True when any rule that judges this event needs live state for it. */
  needsInventory(event: CloudTrailEvent): boolean;
  /** Findings an event causes (and `resolved` findings it clears), from every rule that judges it. Pure. */
  evaluateEvent(event: CloudTrailEvent, context: DetectorContext): Finding[];
  /** Findings visible in state alone (scan and sweep), from every rule with a scan. Pure. */
  scan(context: DetectorContext): Finding[];
  /** Rules a scan can produce: a sweep resolves an open finding of these it no longer reports. */
  scanRules: readonly string[];
}

/** Builds a detector from its rules, deriving its subscriptions, reads, scan rules and dispatch. */
export function defineDetector(spec: { id: DetectorId; rules: readonly RuleUnit[] }): Detector {
  const units = spec.rules;
  const judging = (event: CloudTrailEvent) => units.filter((unit) => judges(unit, event));
  return {
    id: spec.id,
    units,
    rules: units.flatMap((unit) => unit.rules),
    subscribes: mergeSubscriptions(units.flatMap((unit) => unit.events?.on ?? [])),
    reads: sortedUnique(units.flatMap((unit) => unit.reads)),
    readsFor: (event) => sortedUnique(judging(event).flatMap((unit) => unit.reads)),
    needsInventory: (event) => judging(event).some((unit) => unit.events?.needsInventory?.(event) ?? true),
    evaluateEvent: (event, context) => judging(event).flatMap((unit) => unit.events?.evaluate(event, context) ?? []),
    scan: (context) => units.flatMap((unit) => unit.scan?.(context) ?? []),
    scanRules: units.filter((unit) => unit.scan).flatMap((unit) => unit.rules.map((rule) => rule.id)),
  };
}

/** True when the unit subscribes to the event's call and judges its parsed kind. */
function judges(unit: RuleUnit, event: CloudTrailEvent): boolean {
  const events = unit.events;
  if (!events?.kinds.includes(event.detail.kind)) return false;
  return events.on.some((sub) => sub.source === event.eventSource && sub.eventName === event.eventName);
}

/**
 * One subscription per call: filters of the rules that share a call are alternatives, and a rule that wants every
 * call of a name makes the others' filters moot.
 */
export function mergeSubscriptions(subscriptions: readonly Subscription[]): Subscription[] {
  const merged = new Map<string, Subscription>();
  for (const sub of subscriptions) {
    const key = `${sub.source}|${sub.eventName}`;
    const seen = merged.get(key);
    if (!seen) {
      merged.set(key, { ...sub, ...(sub.filters ? { filters: [...sub.filters] } : {}) });
      continue;
    }
    if (!seen.filters || !sub.filters) {
      delete seen.filters;
      continue;
    }
    const known = new Set(seen.filters.map((filter) => JSON.stringify(filter)));
    for (const filter of sub.filters) if (!known.has(JSON.stringify(filter))) seen.filters.push(filter);
  }
  return [...merged.values()];
}
