/**
 * Delivers a finding's events to Slack: with an app, one parent message per finding (posted at its first routed
 * event, then updated to the current state) and one thread reply per later event; with a webhook, one message per
 * event. Slack's own delivery state is kept per finding (`SlackStateStore`), apart from SNS's, so a Slack outage
 * never hides behind a successful email and a redelivered event never posts twice.
 */
import {
  type Finding,
  renderSlackDigest,
  renderSlackParent,
  renderSlackReply,
  routeToSlack,
  type SlackConfig,
  type SlackEvent,
  type SlackMessage,
  type SlackParentOptions,
} from '@podnet-guard/core';
import type { SlackSink, SlackThreadRef } from './slack-sink.ts';

/** What Slack has seen of one finding. Versions are the finding store's transition versions. */
export interface SlackFindingState {
  /** The parent message (app only); fixed once posted, whatever the finding's severity routes to later. */
  thread?: SlackThreadRef;
  /** The last version whose event reached Slack (reply, webhook message, or the parent itself). */
  deliveredVersion: number;
  /** The last version the parent message shows. */
  parentVersion?: number;
  /** Channel of the digest this finding waits for, while it waits. */
  digestChannel?: string;
}

/** Storage of `SlackFindingState`, beside the finding (DynamoDB in the service, memory in tests and locally). */
export interface SlackStateStore {
  get(findingId: string): Promise<SlackFindingState | undefined>;
  put(findingId: string, state: SlackFindingState): Promise<void>;
  /** Findings waiting for a digest, with their current state. */
  digestPending(): Promise<{ finding: Finding; state: SlackFindingState }[]>;
  /** Remembers the finding itself for the digest (its current title and severity). */
  rememberForDigest(finding: Finding): Promise<void>;
}

/** One event of one finding, as the findings bus carries it. */
export interface SlackDelivery {
  finding: Finding;
  /** The finding store's version of this event: increases with every transition of the finding. */
  version: number;
  event: SlackEvent;
}

export type SlackOutcome = 'posted' | 'replied' | 'updated' | 'sent' | 'duplicate' | 'not-routed' | 'digest';

export interface SlackDeliveryDeps {
  sink: SlackSink;
  config: SlackConfig;
  state: SlackStateStore;
  /** Buttons on the parent message (Slack interactivity on, app only); absent: none. */
  buttons?: { fixPullRequest: boolean };
}

/** The parent's buttons after this event: "Suppress 7 days" is left out while the finding is suppressed. */
function parentOptions(deps: SlackDeliveryDeps, event: SlackEvent): SlackParentOptions {
  return deps.buttons ? { buttons: { ...deps.buttons, suppress: event.kind !== 'suppressed' } } : {};
}

/** The webhook's one message per event: the event line, then the finding's current state. */
function webhookMessage(delivery: SlackDelivery): SlackMessage {
  const reply = renderSlackReply(delivery.finding, delivery.event);
  const parent = renderSlackParent(delivery.finding);
  return { text: reply.text, blocks: [...reply.blocks.slice(0, 1), ...parent.blocks].slice(0, 50) };
}

/**
 * Delivers one event. Throws `SlackDeliveryError` when Slack did not take it; what was delivered before the failure
 * is recorded, so the retry (or the sweep) sends only what is missing.
 *
 * @example
 * await deliverToSlack({ finding, version: 1, event: { kind: 'opened', at: finding.firstSeen } }, deps); // 'posted'
 */
export async function deliverToSlack(delivery: SlackDelivery, deps: SlackDeliveryDeps): Promise<SlackOutcome> {
  const { finding, version, event } = delivery;
  const previous = await deps.state.get(finding.id);
  if (previous && previous.deliveredVersion >= version) {
    // The reply went out but the parent's update failed: finish that, and only that.
    if (deps.sink.kind === 'app' && previous.thread && (previous.parentVersion ?? 0) < version) {
      await deps.sink.updateParent(previous.thread, renderSlackParent(finding, parentOptions(deps, event)));
      await deps.state.put(finding.id, { ...previous, parentVersion: version });
      return 'updated';
    }
    return 'duplicate';
  }
  const state: SlackFindingState = previous ?? { deliveredVersion: 0 };

  if (deps.sink.kind === 'app' && state.thread) {
    await deps.sink.reply(state.thread, renderSlackReply(finding, event));
    state.deliveredVersion = version;
    await deps.state.put(finding.id, state);
    await deps.sink.updateParent(state.thread, renderSlackParent(finding, parentOptions(deps, event)));
    state.parentVersion = version;
    await deps.state.put(finding.id, state);
    return 'replied';
  }

  const route = routeToSlack(finding, deps.config);
  if (!route) return 'not-routed';
  if (route.digest && finding.status === 'open') {
    // Low and info wait for the hourly digest; a later worsening above the digest severities posts on its own.
    await deps.state.rememberForDigest(finding);
    await deps.state.put(finding.id, { ...state, deliveredVersion: version, digestChannel: route.channel });
    return 'digest';
  }
  if (route.digest) {
    // A digest finding that resolves or is suppressed before its digest leaves it quietly.
    const { digestChannel: _left, ...rest } = state;
    await deps.state.put(finding.id, { ...rest, deliveredVersion: version });
    return 'digest';
  }

  if (deps.sink.kind === 'webhook') {
    await deps.sink.send(webhookMessage(delivery));
    await deps.state.put(finding.id, { ...state, deliveredVersion: version });
    return 'sent';
  }

  const thread = await deps.sink.postParent(route.channel, renderSlackParent(finding, parentOptions(deps, event)));
  // Record the thread before anything else, so a retry replies instead of posting a second parent.
  const posted: SlackFindingState = { thread, deliveredVersion: version, parentVersion: version };
  await deps.state.put(finding.id, posted);
  if (event.kind !== 'opened') await deps.sink.reply(thread, renderSlackReply(finding, event));
  return 'posted';
}

/**
 * Posts the digest of every finding waiting for one, one message per channel, then clears their wait. Returns how
 * many findings each channel's digest listed.
 */
export async function deliverSlackDigest(
  deps: SlackDeliveryDeps,
  period: { since: string; until: string },
): Promise<Record<string, number>> {
  const pending = await deps.state.digestPending();
  const byChannel = new Map<string, typeof pending>();
  for (const entry of pending) {
    const channel = entry.state.digestChannel;
    if (!channel || entry.finding.status !== 'open') continue;
    byChannel.set(channel, [...(byChannel.get(channel) ?? []), entry]);
  }
  const counts: Record<string, number> = {};
  for (const [channel, entries] of byChannel) {
    const message = renderSlackDigest(
      entries.map((entry) => entry.finding),
      period,
    );
    if (deps.sink.kind === 'app') await deps.sink.postParent(channel, message);
    else await deps.sink.send(message);
    for (const entry of entries) {
      const { digestChannel: _sent, ...rest } = entry.state;
      await deps.state.put(entry.finding.id, rest);
    }
    counts[channel] = entries.length;
  }
  return counts;
}

/** `SlackStateStore` in memory: for tests and the local service. */
export class MemorySlackStateStore implements SlackStateStore {
  readonly states = new Map<string, SlackFindingState>();
  readonly findings = new Map<string, Finding>();
  async get(findingId: string) {
    const state = this.states.get(findingId);
    return state ? structuredClone(state) : undefined;
  }
  async put(findingId: string, state: SlackFindingState) {
    this.states.set(findingId, structuredClone(state));
  }
  async rememberForDigest(finding: Finding) {
    this.findings.set(finding.id, structuredClone(finding));
  }
  async digestPending() {
    return [...this.states]
      .filter(([id, state]) => state.digestChannel && this.findings.has(id))
      .map(([id, state]) => ({ finding: this.findings.get(id) as Finding, state: structuredClone(state) }));
  }
}
