/**
 * The CloudTrail event pipeline the Lambda runs: parse, skip our own calls, recognise a redelivered event (one store
 * read: it delivers only what the event left pending), load only the inventory the event needs (none for routine
 * calls), evaluate, record transitions and deliver them. Malformed or unsupported events are acknowledged with one
 * structured log line (no retry storm); AWS failures throw so Lambda's asynchronous retries and the on-failure
 * destination keep the event.
 */
import {
  buildInventory,
  type CloudTrailEvent,
  evaluateEvent,
  type FindingStore,
  type GuardConfig,
  type Inventory,
  isOwnPrincipal,
  loadSnapshot,
  loadYamlParserFor,
  parseCloudTrailEvent,
  planEvent,
  UnsupportedEventError,
} from '@podnet-guard/core';
import { type DeliveryTargets, deliverTransitions, recordAndDeliver } from './deliver.ts';
import type { EventLogger, RecordMetric } from './observability.ts';

/**
 * Loads the slice of inventory an event needs (the event says which: see `event-inventory.ts`); throws
 * InventoryLoadError when AWS cannot be read.
 */
export type EventInventoryLoader = (event: CloudTrailEvent) => Promise<{ inventory: Inventory; calls: number }>;

export interface EventHandlerDeps {
  config: GuardConfig;
  loadInventory: EventInventoryLoader;
  store: FindingStore;
  targets: DeliveryTargets;
  logger: EventLogger;
  recordMetric: RecordMetric;
  now?: () => string;
}

export type EventOutcome =
  | { status: 'rejected'; reason: string }
  | { status: 'skipped'; reason: string }
  /** Seen before: not judged again; `published` counts what it had left pending. */
  | { status: 'redelivered'; published: number }
  | { status: 'evaluated'; findings: number; published: number; awsCalls: number };

// Names and reasons come from the event: a 256 KB event may put most of it in one string, which a log line must not.
const MAX_LOGGED_CHARS = 1_000;
function bounded<T extends string | undefined>(text: T): T {
  return (text !== undefined && text.length > MAX_LOGGED_CHARS ? `${text.slice(0, MAX_LOGGED_CHARS)}…` : text) as T;
}

export async function handleCloudTrailEvent(raw: unknown, deps: EventHandlerDeps): Promise<EventOutcome> {
  const { logger, recordMetric } = deps;
  const now = deps.now?.() ?? new Date().toISOString();
  // Every log line carries its own event's ids: none of the previous event's survive in a warm container.
  logger.resetKeys?.();
  recordMetric('EventsSeen', 1);
  const parsed = parseCloudTrailEvent(raw);
  if (!parsed.ok) {
    const { error } = parsed;
    logger.appendKeys?.(definedKeys({ eventId: error.eventId, eventName: error.eventName }));
    const rejection = {
      reason: bounded(error.message),
      errorType: error.name,
      eventName: bounded(error.eventName),
      eventId: bounded(error.eventId),
      ...('issues' in error ? { issues: error.issues.slice(0, 20) } : {}),
    };
    const unsupported = error instanceof UnsupportedEventError;
    recordMetric(unsupported ? 'EventsUnsupported' : 'EventsRejected', 1);
    logger.warn('event rejected', { rejection });
    return { status: unsupported ? 'skipped' : 'rejected', reason: rejection.reason };
  }
  const event = parsed.event;
  logger.appendKeys?.({ eventId: bounded(event.eventId), eventName: bounded(event.eventName) });
  if (isOwnPrincipal(event, deps.config)) {
    recordMetric('EventsOwnPrincipal', 1);
    logger.info('event skipped', { skip: { reason: 'own principal', actor: bounded(event.actor.arn) } });
    return { status: 'skipped', reason: 'own principal' };
  }
  const plan = planEvent(event);
  if (plan.detectors.length === 0) {
    recordMetric('EventsUnsupported', 1);
    const reason = bounded(`no detector subscribes to ${event.eventName}`);
    logger.info('event skipped', { skip: { reason } });
    return { status: 'skipped', reason };
  }
  // A retry or duplicate of an event already recorded: deliver what it left pending, never judge it again.
  const resumed = await deps.store.resumeEvent(event.eventId, now);
  if (resumed) {
    const published = await deliverTransitions(resumed, deps.store, deps.targets, now, event.eventId);
    recordMetric('EventsRedelivered', 1);
    recordMetric('TransitionsPublished', published);
    logger.info('event redelivered', {
      transitions: resumed.map((t) => ({ id: t.finding.id, transition: t.transition, dedupeKey: t.dedupeKey })),
    });
    return { status: 'redelivered', published };
  }
  let inventory: Inventory;
  let awsCalls = 0;
  if (plan.needsInventory) {
    const loaded = await deps.loadInventory(event);
    inventory = loaded.inventory;
    awsCalls = loaded.calls;
  } else {
    // Decided from the event alone: no describe call at all.
    inventory = buildInventory(loadSnapshot({ account: event.account, region: event.region }));
  }
  recordMetric('AwsCalls', awsCalls);
  // YAML (add-on configuration, user data) is read only by some events: its parser is loaded when first needed.
  await loadYamlParserFor(inventory);
  const result = evaluateEvent(event, inventory, { config: deps.config, now });
  for (const finding of result.findings) {
    recordMetric('Findings', 1, { detector: finding.detector, severity: finding.severity });
  }
  const delivery = await recordAndDeliver(result.findings, deps.store, deps.targets, { eventId: event.eventId, now });
  recordMetric('TransitionsPublished', delivery.published);
  logger.info('event evaluated', {
    findings: result.findings.map((f) => ({ id: f.id, rule: f.rule, severity: f.severity, status: f.status })),
    transitions: delivery.transitions.map((t) => ({ id: t.finding.id, transition: t.transition })),
    awsCalls,
    suppressed: result.suppressed,
    // Rules of the call that could not be judged (a CIDR that is none, port 70000), bounded like rejection issues.
    ...(result.notJudged.length ? { notJudged: result.notJudged.slice(0, 20) } : {}),
  });
  return { status: 'evaluated', findings: result.findings.length, published: delivery.published, awsCalls };
}

/** The keys whose value is known (a malformed event may lack its id or name). */
function definedKeys(keys: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(keys).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
