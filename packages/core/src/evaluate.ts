/**
 * The evaluation service: routes a parsed event to the detectors that subscribe to it, or scans a whole inventory,
 * then applies the allow-list. Pure: the callers (CLI, Lambda, API) load the inventory.
 */
import { descriptionMatches } from './allow-patterns.ts';
import type { CloudTrailEvent } from './cloudtrail/types.ts';
import type { AllowEntry, GuardConfig } from './config.ts';
import type { Detector } from './detectors/define.ts';
import { detectors as allDetectors, detectorsFor } from './detectors/index.ts';
import { cidrContains, normalizeCidr } from './inventory/cidr.ts';
import { matchesArnPattern } from './principals.ts';
import type { DetectorId, Finding } from './types/finding.ts';
import type { Inventory, SnapshotKey } from './types/inventory.ts';
import { assertYamlParserFor } from './yaml-needs.ts';

/**
 * Something that could not be judged, and why: an event (or a rule of it) with `eventId`, or a detector whose rules
 * needed facts the inventory lacked (`detector`, `missing`).
 */
export interface NotJudged {
  reason: string;
  eventId?: string;
  eventName?: string;
  detector?: DetectorId;
  missing?: SnapshotKey[];
}

export { matchesArnPattern } from './principals.ts';

export interface EvaluationResult {
  findings: Finding[];
  /** Findings an allow-list entry matched (they are in `findings` with status `suppressed`). */
  suppressed: number;
  /** What could not be judged, each with its reason (own principal, no detector, a bad rule, missing facts). */
  notJudged: NotJudged[];
  /** Rules the config switched off (`disabledRules`): none of their findings are in `findings`. */
  disabledRules?: string[];
}

/** Appends entries not already listed (the same detector's missing facts are listed once however many events). */
export function mergeNotJudged(into: NotJudged[], entries: readonly NotJudged[]): void {
  const key = (entry: NotJudged) => `${entry.eventId ?? ''}|${entry.detector ?? ''}|${entry.reason}`;
  const known = new Set(into.map(key));
  for (const entry of entries) {
    if (known.has(key(entry))) continue;
    known.add(key(entry));
    into.push(entry);
  }
}

export interface EvaluateOptions {
  config: GuardConfig;
  /** ISO time; defaults to now. */
  now?: string;
  /** Limit to these detectors. */
  detectors?: readonly DetectorId[];
  /** Limit scan findings to these clusters (findings naming no cluster are kept). */
  clusters?: readonly string[];
}

/** True when the event was made by podnet-guard's own principal (its calls must never loop back into alerts). */
export function isOwnPrincipal(event: CloudTrailEvent, config: GuardConfig): boolean {
  const candidates = [event.actor.arn, event.actor.issuerArn].filter((value): value is string => Boolean(value));
  return config.ownPrincipals.some((pattern) => candidates.some((arn) => matchesArnPattern(arn, pattern)));
}

/** The detectors an event needs, and whether any of them needs live state (so a caller can skip loading it). */
export function planEvent(
  event: CloudTrailEvent,
  only?: readonly DetectorId[],
): { detectors: Detector[]; needsInventory: boolean } {
  const list = detectorsFor(event).filter((detector) => !only || only.includes(detector.id));
  return { detectors: list, needsInventory: list.some((detector) => detector.needsInventory(event)) };
}

/** Evaluates one CloudTrail event against the inventory slice loaded for it. */
export function evaluateEvent(
  event: CloudTrailEvent,
  inventory: Inventory,
  options: EvaluateOptions,
): EvaluationResult {
  const { config } = options;
  const notJudged = (reason: string): EvaluationResult => ({
    findings: [],
    suppressed: 0,
    notJudged: [{ eventId: event.eventId, eventName: event.eventName, reason }],
  });
  if (isOwnPrincipal(event, config)) return notJudged(`made by podnet-guard's own principal ${event.actor.arn}`);
  const elsewhere = otherPlace(event, inventory);
  if (elsewhere) return notJudged(elsewhere);
  const { detectors } = planEvent(event, options.detectors);
  if (detectors.length === 0) return notJudged(`no detector subscribes to ${event.eventName}`);
  assertYamlParserFor(inventory);
  const now = options.now ?? new Date().toISOString();
  const findings = detectors.flatMap((detector) => detector.evaluateEvent(event, { inventory, config, now }));
  const result = finish(dedupe(findings), detectors, inventory, config, event);
  const rules = (event.notJudged ?? []).map((reason) => ({
    eventId: event.eventId,
    eventName: event.eventName,
    reason,
  }));
  return { ...result, notJudged: [...rules, ...result.notJudged] };
}

/** Why an event cannot be judged against this inventory: it happened in another account or region. */
function otherPlace(event: CloudTrailEvent, inventory: Inventory): string | undefined {
  if (inventory.account !== '' && event.account !== inventory.account)
    return `account ${event.account} is not the inventory's account ${inventory.account}`;
  if (inventory.region !== '' && event.region !== inventory.region)
    return `region ${event.region} is not the inventory's region ${inventory.region}`;
  return undefined;
}

/** Evaluates state alone: every detector's scan over the whole inventory. */
export function scanInventory(inventory: Inventory, options: EvaluateOptions): EvaluationResult {
  assertYamlParserFor(inventory);
  const { config } = options;
  const now = options.now ?? new Date().toISOString();
  const detectors = allDetectors.filter((detector) => !options.detectors || options.detectors.includes(detector.id));
  let findings = detectors.flatMap((detector) => detector.scan({ inventory, config, now }));
  if (options.clusters?.length) {
    const wanted = new Set(options.clusters);
    findings = findings.filter(
      (finding) => finding.clusters.length === 0 || finding.clusters.some((c) => wanted.has(c)),
    );
  }
  return finish(dedupe(findings), detectors, inventory, config, undefined);
}

function finish(
  findings: Finding[],
  detectors: readonly Detector[],
  inventory: Inventory,
  config: GuardConfig,
  event: CloudTrailEvent | undefined,
): EvaluationResult {
  const off = new Set(config.disabledRules);
  const judged = applyAllowList(
    findings.filter((finding) => !off.has(finding.rule)),
    config.allow,
    event,
  );
  const notJudged: NotJudged[] = detectors
    .map((detector) => ({ detector: detector.id, missing: detector.reads.filter((key) => !inventory.knows(key)) }))
    .filter((entry) => entry.missing.length > 0)
    .map((entry) => ({ ...entry, reason: `missing ${entry.missing.join(', ')} (unknown, not "none")` }));
  return {
    findings: judged,
    suppressed: judged.filter((f) => f.status === 'suppressed').length,
    notJudged,
    ...(off.size > 0 ? { disabledRules: [...off] } : {}),
  };
}

/** One finding per id: repeated causes in one evaluation merge into the first. */
function dedupe(findings: Finding[]): Finding[] {
  const byId = new Map<string, Finding>();
  for (const finding of findings) {
    const existing = byId.get(finding.id);
    if (!existing) byId.set(finding.id, finding);
    else if (existing.status === 'resolved' && finding.status === 'open') byId.set(finding.id, finding);
  }
  return [...byId.values()];
}

/**
 * Marks findings an allow-list entry matches as `suppressed` (they stay in the output and are counted). Every field an
 * entry gives must match.
 */
export function applyAllowList(findings: Finding[], allow: readonly AllowEntry[], event?: CloudTrailEvent): Finding[] {
  if (allow.length === 0) return findings;
  return findings.map((finding) => {
    if (finding.status !== 'open') return finding;
    const reasons = allow.filter((entry) => allowEntryMatches(entry, finding, event)).map((entry) => entry.reason);
    return reasons.length ? { ...finding, status: 'suppressed', suppressedBy: reasons } : finding;
  });
}

interface RuleDetail {
  fromPort?: number;
  toPort?: number;
  protocol?: string;
  peer?: string;
  description?: string;
}

function allowEntryMatches(entry: AllowEntry, finding: Finding, event: CloudTrailEvent | undefined): boolean {
  const rules = ((finding.evidence.details?.rules as RuleDetail[] | undefined) ?? []).filter(Boolean);
  if (entry.rules && !entry.rules.includes(finding.rule)) return false;
  if (entry.clusters && !finding.clusters.some((cluster) => entry.clusters?.includes(cluster))) return false;
  if (entry.securityGroups) {
    const groups = finding.resources.filter((r) => r.type === 'security-group').map((r) => r.id);
    if (!groups.some((id) => entry.securityGroups?.includes(id))) return false;
  }
  if (entry.ports) {
    const ports = entry.ports;
    const covers = (rule: RuleDetail) =>
      rule.protocol === '-1'
        ? ports.includes(-1)
        : ports.some((port) => (rule.fromPort ?? 0) <= port && port <= (rule.toPort ?? rule.fromPort ?? 65535));
    if (rules.length === 0 || !rules.every(covers)) return false;
  }
  if (entry.cidrs) {
    const allowed = entry.cidrs.map((cidr) => normalizeCidr(cidr) ?? cidr);
    const inside = (rule: RuleDetail) => {
      const peer = rule.peer ? normalizeCidr(rule.peer) : undefined;
      return peer !== undefined && allowed.some((cidr) => cidrContains(cidr, peer));
    };
    if (rules.length === 0 || !rules.every(inside)) return false;
  }
  if (entry.principals) {
    const actor = event?.actor.arn ?? finding.evidence.actor;
    const issuer = event?.actor.issuerArn;
    const candidates = [actor, issuer].filter((value): value is string => Boolean(value));
    if (!entry.principals.some((pattern) => candidates.some((arn) => matchesArnPattern(arn, pattern)))) return false;
  }
  if (entry.descriptionPattern) {
    const pattern = entry.descriptionPattern;
    // RE2: linear in the description, whatever the pattern (allow-patterns.ts).
    const matches = (rule: RuleDetail) =>
      rule.description !== undefined && descriptionMatches(pattern, rule.description);
    if (rules.length === 0 || !rules.every(matches)) return false;
  }
  return true;
}
