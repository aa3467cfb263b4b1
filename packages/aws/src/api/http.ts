/**
 * The HTTP side of the API (API Gateway HTTP API, payload format 2.0): which route a request names, its decoded body,
 * and the JSON answers, `400` with the wrong fields among them. Nothing here knows findings or evaluations.
 */
import type { FieldIssue } from './requests.ts';

/** API Gateway's answer shape (payload format 2.0). */
export interface ApiResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** The parts of an API Gateway event the API reads; anything may be missing or of another type. */
export interface HttpEvent {
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

/** What a request asks for; `id` is the decoded `{id}` path segment. */
export type Route =
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

/** Any value as an event whose fields are all optional (a non-object is an empty event). */
export function httpEventOf(raw: unknown): HttpEvent {
  return (typeof raw === 'object' && raw !== null ? raw : {}) as HttpEvent;
}

/** The request's method and path, the stage prefix taken off the path. */
export function methodAndPath(event: HttpEvent): { method: string; path: string } {
  const method = String(event.requestContext?.http?.method ?? '').toUpperCase();
  const path = stripStage(String(event.requestContext?.http?.path ?? event.rawPath ?? ''), event.requestContext?.stage);
  return { method, path };
}

/**
 * The route a method and path name, with its `METHOD /template` key; undefined when none does, or when API Gateway
 * matched another route (`routeKey`).
 */
export function matchRoute(
  method: string,
  path: string,
  routeKey: unknown,
): { route: Route; template: string } | undefined {
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

/** The JSON body (base64 decoded when API Gateway encoded it); an empty body is `{}` when `emptyIsObject`. */
export function parseBody(
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

/** A thrown value as a log field: its class and message, never its cause chain. */
export function describeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  return { name: error.name, message: error.message };
}

/** `400` naming each wrong field. */
export function badRequest(issues: FieldIssue[]): ApiResponse {
  return json(400, { error: `invalid request: ${issues.map((i) => i.path).join(', ')}`, issues });
}

export function json(statusCode: number, body: unknown): ApiResponse {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
