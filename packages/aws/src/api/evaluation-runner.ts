/**
 * Runs the evaluations the API starts: each owns its record (evaluations.ts) and writes its outcome there; one that
 * outlives the deadline is handed to another invocation. What a failure was is decided here, by the error's class.
 */
import { randomUUID } from 'node:crypto';
import { safeParseSchema } from '@podnet-guard/core';
import { BusPublishError, PublishError } from '../delivery-errors.ts';
import { DEFAULT_DEADLINE_MS } from '../environment.ts';
import { InventoryLoadError } from '../errors.ts';
import type { LiveEvaluation } from '../evaluate-live.ts';
import { FindingStoreError } from '../finding-store-errors.ts';
import type { EventLogger, RecordMetric } from '../observability.ts';
import type {
  EvaluationJob,
  EvaluationOutcome,
  EvaluationRequest,
  EvaluationResultBody,
  EvaluationStore,
} from './evaluations.ts';
import { describeError } from './http.ts';
import { EvaluationRequestSchema } from './requests.ts';

/** What running evaluations needs (a part of `ApiDeps`). */
export interface EvaluationRunnerDeps {
  evaluations: EvaluationStore;
  /** Runs one live evaluation (`evaluateLive` bound to clients, regions, config, store and delivery targets). */
  evaluate: (request: EvaluationRequest, now: string) => Promise<LiveEvaluation>;
  /** How long `POST /evaluations` waits before answering `202`. */
  deadlineMs?: number;
  /**
   * Hands an evaluation that outlived the deadline to another invocation (a Lambda's work stops when its handler
   * returns). Absent: the run started here finishes in this process.
   */
  handoff?: (job: EvaluationJob) => Promise<void>;
  logger: EventLogger;
  recordMetric?: RecordMetric;
  now?: () => Date;
  newId?: () => string;
}

/** Why an evaluation failed, as its record and the API say it. */
export type EvaluationFailure = Extract<EvaluationOutcome, { status: 'failed' }>['error'];

/** A started evaluation: finished within the deadline, or still running (and handed off when it can be). */
export type StartedEvaluation = { id: string } & ({ status: 'deferred' } | EvaluationOutcome);

/**
 * Creates the record of a new evaluation and runs it; resolves with its outcome, or `deferred` once the deadline
 * passes (the run goes on, or is handed off).
 */
export async function startEvaluation(
  request: EvaluationRequest,
  caller: string,
  deps: EvaluationRunnerDeps,
): Promise<StartedEvaluation> {
  const id = deps.newId?.() ?? randomUUID();
  const owner = `api:${id}`;
  await deps.evaluations.create(
    { id, status: 'running', request, requestedBy: caller, createdAt: nowIso(deps) },
    owner,
  );
  const run = runEvaluation(id, owner, request, deps);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'deadline'>((resolve) => {
    timer = setTimeout(() => resolve('deadline'), deps.deadlineMs ?? DEFAULT_DEADLINE_MS);
  });
  const first = await Promise.race([run, deadline]);
  clearTimeout(timer);
  if (first !== 'deadline') return { id, ...first };
  // The run goes on here while the process lives; a Lambda freezes once this returns, so hand it on.
  if (deps.handoff) await deps.handoff({ id, request });
  deps.recordMetric?.('EvaluationsDeferred', 1);
  return { id, status: 'deferred' };
}

/**
 * Runs a handed-off evaluation to its end (the asynchronous invocation `handoff` started). Never throws for a failed
 * evaluation: the record says it failed.
 */
export async function handleEvaluationJob(
  job: EvaluationJob,
  deps: EvaluationRunnerDeps,
): Promise<EvaluationOutcome | undefined> {
  const owner = `job:${deps.newId?.() ?? randomUUID()}`;
  const parsed = safeParseSchema(EvaluationRequestSchema, job.request);
  if (!parsed.success || !(await deps.evaluations.takeOver(job.id, owner))) {
    deps.logger.warn('evaluation job skipped: invalid, unknown or already finished', { id: job.id });
    return undefined;
  }
  return runEvaluation(job.id, owner, parsed.data, deps);
}

/** Runs an evaluation and writes its outcome to the record it owns; never rejects. */
async function runEvaluation(
  id: string,
  owner: string,
  request: EvaluationRequest,
  deps: EvaluationRunnerDeps,
): Promise<EvaluationOutcome> {
  const now = nowIso(deps);
  let outcome: EvaluationOutcome;
  try {
    outcome = { status: 'done', result: resultBody(await deps.evaluate(request, now)) };
    deps.recordMetric?.('Evaluations', 1);
  } catch (error) {
    deps.logger.error('evaluation failed', { id, error: describeError(error) });
    outcome = { status: 'failed', error: failureOf(error) };
  }
  try {
    if (!(await deps.evaluations.complete(id, owner, outcome, nowIso(deps)))) {
      deps.logger.info('evaluation outcome not written: another run owns the record', { id });
    }
  } catch (error) {
    deps.logger.error('evaluation outcome not written', { id, error: describeError(error) });
  }
  return outcome;
}

function resultBody(evaluation: LiveEvaluation): EvaluationResultBody {
  return {
    findings: evaluation.findings,
    suppressed: evaluation.suppressed,
    notJudged: evaluation.notJudged,
    ...(evaluation.disabledRules ? { disabledRules: evaluation.disabledRules } : {}),
    transitions: evaluation.transitions.map((item) => ({
      id: item.finding.id,
      transition: item.transition,
      dedupeKey: item.dedupeKey,
    })),
    published: evaluation.published,
    figures: evaluation.figures,
    warnings: evaluation.warnings,
  };
}

/** What failed, by the error's class; never its message (it may name resources or carry a secret). */
export function failureOf(error: unknown): EvaluationFailure {
  if (error instanceof InventoryLoadError) {
    return { message: `AWS could not be read (${error.kind})`, kind: error.kind, operation: error.operation };
  }
  if (error instanceof FindingStoreError) {
    return { message: 'the finding store could not be written', kind: 'store', operation: error.operation };
  }
  if (error instanceof PublishError || error instanceof BusPublishError) {
    return { message: 'findings could not be published', kind: 'publish' };
  }
  return { message: 'internal error', kind: 'internal' };
}

const nowIso = (deps: { now?: () => Date }) => (deps.now?.() ?? new Date()).toISOString();
