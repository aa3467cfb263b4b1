/**
 * The re-evaluation API behind API Gateway (HTTP API, payload format 2.0, routes with AWS_IAM authorisation):
 *
 * - `POST /evaluations` `{ clusters?, detectors? }`: evaluates the live account now; `200` with the findings and
 *   figures, or `202` with an id when the evaluation outlives `deadlineMs` (API Gateway gives up at 30 s).
 * - `GET /evaluations/{id}`: a running, done or failed evaluation.
 * - `GET /findings?status=&cluster=&severity=&detector=&limit=&cursor=`: one page, with the next `cursor`.
 * - `GET /findings/{id}`, `POST /findings/{id}/suppress` `{ reason, until, via? }`, `DELETE /findings/{id}/suppress`.
 *
 * A request whose context carries no IAM identity is refused (`403`) before routing, so a route deployed without
 * IAM authorisation by mistake still serves nothing. The route is found from the method and path and must agree with
 * API Gateway's `routeKey`; anything else is `404`. Bad input is `400` with `{ error, issues: [{ path, message }] }`.
 */
import { randomUUID } from 'node:crypto';
import {
  type FindingStore,
  type PodnetGuardError,
  publicFinding,
  type StoredFinding,
  safeParseSchema,
} from '@podnet-guard/core';
import { InventoryLoadError } from '../errors.ts';
import type { LiveEvaluation } from '../evaluate-live.ts';
import { InvalidFindingCursorError } from '../finding-store-errors.ts';
import type { EventLogger, RecordMetric } from '../handle-cloudtrail-event.ts';
import type {
  EvaluationJob,
  EvaluationOutcome,
  EvaluationRequest,
  EvaluationResultBody,
  EvaluationStore,
} from './evaluations.ts';
import {
  EvaluationRequestSchema,
  type FieldIssue,
  FindingsQuerySchema,
  fieldIssues,
  ID_PATTERN,
  MAX_SUPPRESS_DAYS,
  suppressionSchema,
} from './requests.ts';

/** API Gateway's answer shape (payload format 2.0). */
export interface ApiResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** Default time an evaluation may take before the API answers `202` (API Gateway stops waiting at 30 s). */
export const DEFAULT_DEADLINE_MS = 25_000;

/**
 * The deadline from `API_DEADLINE_MS` (milliseconds, 0–28000), else `DEFAULT_DEADLINE_MS`.
 *
 * @example deadlineFromEnv({ API_DEADLINE_MS: '20000' }) // 20000
 */
export function deadlineFromEnv(env: Record<string, string | undefined>): number {
  const value = Number(env.API_DEADLINE_MS ?? '');
  return env.API_DEADLINE_MS !== undefined && Number.isInteger(value) && value >= 0 && value <= 28_000
    ? value
    : DEFAULT_DEADLINE_MS;
}

/** What the API handler needs; the function entry file builds it once per container. */
export interface ApiDeps {
  store: FindingStore;
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

type Route =
  | { name: 'start-evaluation' }
  | { name: 'get-evaluation'; id: string }
  | { name: 'list-findings' }
  | { name: 'get-finding'; id: string }
  | { name: 'suppress'; id: string }
  | { name: 'unsuppress'; id: string };

/** Method, path template and the route they make; `{id}` captures one path segment. */
const ROUTES: { method: string; template: string; make: (id: string) => Route }[] = [
  { method: 'POST', template: '/evaluations', make: () => ({ name: 'start-evaluation' }) },
  { method: 'GET', template: '/evaluations/{id}', make: (id) => ({ name: 'get-evaluation', id }) },
  { method: 'GET', template: '/findings', make: () => ({ name: 'list-findings' }) },
  { method: 'GET', template: '/findings/{id}', make: (id) => ({ name: 'get-finding', id }) },
  { method: 'POST', template: '/findings/{id}/suppress', make: (id) => ({ name: 'suppress', id }) },
  { method: 'DELETE', template: '/findings/{id}/suppress', make: (id) => ({ name: 'unsuppress', id }) },
];

interface HttpEvent {
  routeKey?: unknown;
  rawPath?: unknown;
  body?: unknown;
  isBase64Encoded?: unknown;
  queryStringParameters?: Record<string, string | undefined> | null;
  requestContext?: {
    stage?: unknown;
    requestId?: unknown;
    http?: { method?: unknown; path?: unknown };
    authorizer?: { iam?: { userArn?: unknown; accountId?: unknown } } | null;
  };
}

/**
 * Answers one API Gateway request. Never throws: unexpected failures are `500` with the request id, and logged.
 *
 * @example
 * ```ts
 * export const handler = middy((event) => handleApiRequest(event, deps));
 * ```
 */
export async function handleApiRequest(raw: unknown, deps: ApiDeps): Promise<ApiResponse> {
  const event = (typeof raw === 'object' && raw !== null ? raw : {}) as HttpEvent;
  const requestId = typeof event.requestContext?.requestId === 'string' ? event.requestContext.requestId : undefined;
  const caller = event.requestContext?.authorizer?.iam?.userArn;
  if (typeof caller !== 'string' || caller.length === 0) {
    deps.logger.warn('request refused: no IAM identity in the request context', { requestId });
    return json(403, { error: 'forbidden: this API takes only IAM-signed (SigV4) requests' });
  }
  const method = String(event.requestContext?.http?.method ?? '').toUpperCase();
  const path = stripStage(String(event.requestContext?.http?.path ?? event.rawPath ?? ''), event.requestContext?.stage);
  const matched = matchRoute(method, path, event.routeKey);
  if (!matched) return json(404, { error: `no route ${method} ${path}` });
  deps.logger.info('api request', { route: matched.template, caller, requestId });
  const route = matched.route;
  try {
    if ('id' in route && !ID_PATTERN.test(route.id)) {
      return badRequest([{ path: 'id', message: 'must match ^[A-Za-z0-9_-]+$' }]);
    }
    switch (route.name) {
      case 'start-evaluation':
        return await startEvaluation(event, caller, deps);
      case 'get-evaluation': {
        const record = await deps.evaluations.get(route.id);
        return record ? json(200, record) : json(404, { error: `no evaluation ${route.id}` });
      }
      case 'list-findings':
        return await listFindings(event, deps);
      case 'get-finding': {
        const stored = await deps.store.get(route.id);
        return stored ? json(200, apiFinding(stored)) : json(404, { error: `no finding ${route.id}` });
      }
      case 'suppress':
        return await suppress(event, route.id, caller, deps);
      case 'unsuppress': {
        const stored = await deps.store.unsuppress(route.id);
        if (!stored) return json(404, { error: `no finding ${route.id}` });
        deps.logger.info('suppression lifted', { id: route.id, caller });
        await deps.announceSuppression?.({ kind: 'unsuppressed', finding: stored, by: caller, at: nowIso(deps) });
        return json(200, apiFinding(stored));
      }
    }
  } catch (error) {
    deps.logger.error('api request failed', { error: describeError(error), requestId });
    return json(500, { error: 'internal error', ...(requestId ? { requestId } : {}) });
  }
}

/**
 * Runs a handed-off evaluation to its end (the asynchronous invocation `handoff` started). Never throws for a failed
 * evaluation: the record says it failed.
 */
export async function handleEvaluationJob(job: EvaluationJob, deps: ApiDeps): Promise<EvaluationOutcome | undefined> {
  const owner = `job:${deps.newId?.() ?? randomUUID()}`;
  const parsed = safeParseSchema(EvaluationRequestSchema, job.request);
  if (!parsed.success || !(await deps.evaluations.takeOver(job.id, owner))) {
    deps.logger.warn('evaluation job skipped: invalid, unknown or already finished', { id: job.id });
    return undefined;
  }
  return runEvaluation(job.id, owner, parsed.data, deps);
}

async function startEvaluation(event: HttpEvent, caller: string, deps: ApiDeps): Promise<ApiResponse> {
  const body = parseBody(event, true);
  if (!body.ok) return badRequest(body.issues);
  const parsed = safeParseSchema(EvaluationRequestSchema, body.value);
  if (!parsed.success) return badRequest(fieldIssues(parsed.error));
  const request = parsed.data as EvaluationRequest;
  const id = deps.newId?.() ?? randomUUID();
  const owner = `api:${id}`;
  const createdAt = (deps.now?.() ?? new Date()).toISOString();
  await deps.evaluations.create({ id, status: 'running', request, requestedBy: caller, createdAt }, owner);
  const run = runEvaluation(id, owner, request, deps);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'deadline'>((resolve) => {
    timer = setTimeout(() => resolve('deadline'), deps.deadlineMs ?? DEFAULT_DEADLINE_MS);
  });
  const first = await Promise.race([run, deadline]);
  clearTimeout(timer);
  if (first === 'deadline') {
    // The run goes on here while the process lives; a Lambda freezes once this returns, so hand it on.
    if (deps.handoff) await deps.handoff({ id, request });
    deps.recordMetric?.('EvaluationsDeferred', 1);
    return json(202, { id, status: 'running', location: `/evaluations/${id}` });
  }
  if (first.status === 'failed') {
    const status = first.error.kind === 'internal' ? 500 : 502;
    return json(status, { id, status: 'failed', error: first.error });
  }
  return json(200, { id, status: 'done', ...first.result });
}

/** Runs an evaluation and writes its outcome to the record it owns; never rejects. */
async function runEvaluation(
  id: string,
  owner: string,
  request: EvaluationRequest,
  deps: ApiDeps,
): Promise<EvaluationOutcome> {
  const now = (deps.now?.() ?? new Date()).toISOString();
  let outcome: EvaluationOutcome;
  try {
    outcome = { status: 'done', result: resultBody(await deps.evaluate(request, now)) };
    deps.recordMetric?.('Evaluations', 1);
  } catch (error) {
    deps.logger.error('evaluation failed', { id, error: describeError(error) });
    outcome = { status: 'failed', error: failureOf(error) };
  }
  try {
    const completedAt = (deps.now?.() ?? new Date()).toISOString();
    if (!(await deps.evaluations.complete(id, owner, outcome, completedAt))) {
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

async function listFindings(event: HttpEvent, deps: ApiDeps): Promise<ApiResponse> {
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

async function suppress(event: HttpEvent, id: string, caller: string, deps: ApiDeps): Promise<ApiResponse> {
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

function matchRoute(method: string, path: string, routeKey: unknown): { route: Route; template: string } | undefined {
  const segments = path.split('/').filter(Boolean);
  for (const candidate of ROUTES) {
    if (candidate.method !== method) continue;
    const parts = candidate.template.split('/').filter(Boolean);
    if (parts.length !== segments.length) continue;
    let id = '';
    const fits = parts.every((part, index) => {
      const segment = segments[index] ?? '';
      if (part === '{id}') {
        id = safeDecode(segment);
        return segment.length > 0;
      }
      return part === segment;
    });
    if (!fits) continue;
    // API Gateway named the route it matched: a different one means a misconfigured stage, not this route.
    const key = `${candidate.method} ${candidate.template}`;
    if (typeof routeKey === 'string' && routeKey !== '$default' && routeKey !== key) return undefined;
    return { route: candidate.make(id), template: key };
  }
  return undefined;
}

function stripStage(path: string, stage: unknown): string {
  if (typeof stage === 'string' && stage !== '$default' && path.startsWith(`/${stage}/`)) {
    return path.slice(stage.length + 1);
  }
  return path;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function parseBody(
  event: HttpEvent,
  emptyIsObject: boolean,
): { ok: true; value: unknown } | { ok: false; issues: FieldIssue[] } {
  let text = typeof event.body === 'string' ? event.body : '';
  if (event.isBase64Encoded === true) text = Buffer.from(text, 'base64').toString('utf8');
  if (text.trim() === '') {
    return emptyIsObject ? { ok: true, value: {} } : { ok: false, issues: [{ path: 'body', message: 'required' }] };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, issues: [{ path: 'body', message: 'not valid JSON' }] };
  }
}

function failureOf(error: unknown): NonNullable<Extract<EvaluationOutcome, { status: 'failed' }>['error']> {
  if (error instanceof InventoryLoadError) {
    return { message: `AWS could not be read (${error.kind})`, kind: error.kind, operation: error.operation };
  }
  const operation = (error as { operation?: unknown }).operation;
  if ((error as PodnetGuardError).name === 'FindingStoreError' && typeof operation === 'string') {
    return { message: 'the finding store could not be written', kind: 'store', operation };
  }
  if ((error as Error).name === 'PublishError') return { message: 'findings could not be published', kind: 'publish' };
  return { message: 'internal error', kind: 'internal' };
}

function describeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  return { name: error.name, message: error.message };
}

function badRequest(issues: FieldIssue[]): ApiResponse {
  return json(400, { error: `invalid request: ${issues.map((i) => i.path).join(', ')}`, issues });
}

function json(statusCode: number, body: unknown): ApiResponse {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
