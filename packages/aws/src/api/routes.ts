/**
 * What each route does, given a request already routed and authenticated: read or suppress findings, start or read
 * evaluations. Answers are built with http.ts; the evaluations themselves run in evaluation-runner.ts.
 */
import { type FindingStore, publicFinding, type StoredFinding, safeParseSchema } from '@podnet-guard/core';
import { InvalidFindingCursorError } from '../finding-store-errors.ts';
import { type EvaluationRunnerDeps, startEvaluation } from './evaluation-runner.ts';
import type { EvaluationRequest } from './evaluations.ts';
import { type ApiResponse, badRequest, type HttpEvent, json, parseBody } from './http.ts';
import {
  EvaluationRequestSchema,
  FindingsQuerySchema,
  fieldIssues,
  MAX_SUPPRESS_DAYS,
  suppressionSchema,
} from './requests.ts';

/** What the API handler needs; the function entry file builds it once per container. */
export interface ApiDeps extends EvaluationRunnerDeps {
  store: FindingStore;
  maxSuppressDays?: number;
  /**
   * Announces a person's suppression or its lifting as an event (the findings bus: `Finding Suppressed|Unsuppressed`),
   * so Slack and other consumers show it in the finding's history. Absent: not announced.
   */
  announceSuppression?: (announcement: SuppressionAnnouncement) => Promise<void>;
}

/** A suppression made or lifted through the API (or a Slack button), as announced. */
export interface SuppressionAnnouncement {
  kind: 'suppressed' | 'unsuppressed';
  finding: StoredFinding;
  /** Who acted: the caller's IAM ARN (or `slack:<team>/<user>` from the Slack buttons). */
  by: string;
  at: string;
}

/** One authenticated request: the event, and the caller's IAM ARN. */
export interface ApiRequest {
  event: HttpEvent;
  caller: string;
}

/** `POST /evaluations`: `200` with the result, `202` when it outlives the deadline, `500`/`502` when it failed. */
export async function postEvaluation({ event, caller }: ApiRequest, deps: ApiDeps): Promise<ApiResponse> {
  const body = parseBody(event, true);
  if (!body.ok) return badRequest(body.issues);
  const parsed = safeParseSchema(EvaluationRequestSchema, body.value);
  if (!parsed.success) return badRequest(fieldIssues(parsed.error));
  const started = await startEvaluation(parsed.data as EvaluationRequest, caller, deps);
  const { id } = started;
  if (started.status === 'deferred') return json(202, { id, status: 'running', location: `/evaluations/${id}` });
  if (started.status === 'failed') {
    // Ours (internal) or an AWS service's that we called (bad gateway).
    const status = started.error.kind === 'internal' ? 500 : 502;
    return json(status, { id, status: 'failed', error: started.error });
  }
  return json(200, { id, status: 'done', ...started.result });
}

/** `GET /evaluations/{id}`. */
export async function getEvaluation(id: string, deps: ApiDeps): Promise<ApiResponse> {
  const record = await deps.evaluations.get(id);
  return record ? json(200, record) : json(404, { error: `no evaluation ${id}` });
}

/** `GET /findings`: one page, with the next `cursor`. */
export async function listFindings({ event }: ApiRequest, deps: ApiDeps): Promise<ApiResponse> {
  const parsed = safeParseSchema(FindingsQuerySchema, { ...(event.queryStringParameters ?? {}) });
  if (!parsed.success) return badRequest(fieldIssues(parsed.error));
  try {
    const page = await deps.store.query(parsed.data);
    return json(200, { items: page.items.map(apiFinding), ...(page.cursor ? { cursor: page.cursor } : {}) });
  } catch (error) {
    if (error instanceof InvalidFindingCursorError) {
      return badRequest([{ path: 'cursor', message: 'pass the cursor of the previous page unchanged' }]);
    }
    throw error;
  }
}

/** `GET /findings/{id}`. */
export async function getFinding(id: string, deps: ApiDeps): Promise<ApiResponse> {
  const stored = await deps.store.get(id);
  return stored ? json(200, apiFinding(stored)) : json(404, { error: `no finding ${id}` });
}

/** `POST /findings/{id}/suppress` `{ reason, until, via? }`. */
export async function suppress({ event, caller }: ApiRequest, id: string, deps: ApiDeps): Promise<ApiResponse> {
  const body = parseBody(event, false);
  if (!body.ok) return badRequest(body.issues);
  const schema = suppressionSchema(deps.now?.() ?? new Date(), deps.maxSuppressDays ?? MAX_SUPPRESS_DAYS);
  const parsed = safeParseSchema(schema, body.value);
  if (!parsed.success) return badRequest(fieldIssues(parsed.error));
  const until = new Date(parsed.data.until).toISOString();
  const via = parsed.data.via ?? 'api';
  const stored = await deps.store.suppress(id, {
    reason: parsed.data.reason,
    until,
    by: caller,
    via,
    at: nowIso(deps),
  });
  if (!stored) return json(404, { error: `no finding ${id}` });
  deps.logger.info('finding suppressed', { id, caller, until });
  // Stored first: a failed announcement answers 500, and the caller's retry suppresses (and announces) again.
  await deps.announceSuppression?.({ kind: 'suppressed', finding: stored, by: caller, at: nowIso(deps) });
  return json(200, apiFinding(stored));
}

/** `DELETE /findings/{id}/suppress`. */
export async function unsuppress({ caller }: ApiRequest, id: string, deps: ApiDeps): Promise<ApiResponse> {
  const stored = await deps.store.unsuppress(id);
  if (!stored) return json(404, { error: `no finding ${id}` });
  deps.logger.info('suppression lifted', { id, caller });
  await deps.announceSuppression?.({ kind: 'unsuppressed', finding: stored, by: caller, at: nowIso(deps) });
  return json(200, apiFinding(stored));
}

const nowIso = (deps: ApiDeps) => (deps.now?.() ?? new Date()).toISOString();

/** A finding as the API shows it: the Finding contract plus its suppression and resolution, no store bookkeeping. */
function apiFinding(stored: StoredFinding) {
  return {
    ...publicFinding(stored),
    ...(stored.suppression ? { suppression: stored.suppression } : {}),
    ...(stored.resolution ? { resolution: stored.resolution } : {}),
    ...(stored.lastNotified ? { lastNotified: stored.lastNotified } : {}),
  };
}
