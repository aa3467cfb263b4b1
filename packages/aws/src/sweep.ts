/**
 * The scheduled sweep: a full evaluation that resolves findings whose cause is gone and catches drift no event
 * announced (a subnet slowly running dry), then publishes again the transitions still pending (a publish that failed,
 * a Lambda that died between recording and delivering). One sweep at a time: a sweep that cannot take the lease does
 * nothing.
 */
import type { RecordedTransition } from '@podnet-guard/core';
import { deliverTransitions } from './deliver.ts';
import { evaluateLive, type LiveEvaluation, type LiveEvaluationOptions } from './evaluate-live.ts';
import type { EventLogger } from './observability.ts';

/** Pending transitions younger than this belong to the writer still delivering them (seconds). */
export const DEFAULT_PENDING_AGE_SECONDS = 120;
/** Pending transitions republished per sweep. */
export const DEFAULT_PENDING_LIMIT = 100;

/** Options of `runSweep`: a live evaluation plus the lease and the republishing of pending transitions. */
export type SweepOptions = LiveEvaluationOptions & {
  /** Who holds the lease (the Lambda request id). */
  owner: string;
  /** How long the lease lasts; longer than the function's timeout, so a crashed sweep's lease runs out on its own. */
  leaseSeconds: number;
  pendingAgeSeconds?: number;
  pendingLimit?: number;
  logger?: EventLogger;
};

export type SweepOutcome =
  | { status: 'skipped'; reason: string }
  | { status: 'swept'; evaluation: LiveEvaluation; republished: RecordedTransition[] };

/**
 * Runs one sweep under the sweep lease. If the evaluation fails (AWS unreadable), pending transitions are still
 * republished before the error is rethrown.
 *
 * @example
 * ```ts
 * const outcome = await runSweep({ ...liveOptions, owner: context.awsRequestId, leaseSeconds: 900 });
 * if (outcome.status === 'skipped') logger.info(outcome.reason);
 * ```
 */
export async function runSweep(options: SweepOptions): Promise<SweepOutcome> {
  const { store, now, owner } = options;
  if (!(await store.acquireSweepLease(owner, options.leaseSeconds, now))) {
    options.logger?.info('sweep skipped: another sweep holds the lease');
    return { status: 'skipped', reason: 'another sweep holds the lease' };
  }
  try {
    let evaluation: LiveEvaluation | undefined;
    let failure: unknown;
    try {
      evaluation = await evaluateLive(options);
    } catch (error) {
      failure = error;
    }
    const olderThan = new Date(
      Date.parse(now) - (options.pendingAgeSeconds ?? DEFAULT_PENDING_AGE_SECONDS) * 1000,
    ).toISOString();
    const pending = await store.listPending(options.pendingLimit ?? DEFAULT_PENDING_LIMIT, { olderThan });
    await deliverTransitions(pending, store, options.targets, now);
    if (failure !== undefined || !evaluation) throw failure;
    options.logger?.info('sweep done', {
      findings: evaluation.findings.length,
      published: evaluation.published,
      republished: pending.length,
      figures: evaluation.figures,
    });
    return { status: 'swept', evaluation, republished: pending };
  } finally {
    await store.releaseSweepLease(owner);
  }
}
