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
 * Routing and decoding are in http.ts, what each route does in routes.ts, evaluations in evaluation-runner.ts.
 */
import { type ApiResponse, badRequest, describeError, httpEventOf, json, matchRoute, methodAndPath } from './http.ts';
import { ID_PATTERN } from './requests.ts';
import {
  type ApiDeps,
  type ApiRequest,
  getEvaluation,
  getFinding,
  listFindings,
  postEvaluation,
  suppress,
  unsuppress,
} from './routes.ts';

/**
 * Answers one API Gateway request. Never throws: unexpected failures are `500` with the request id, and logged.
 *
 * @example
 * ```ts
 * export const handler = middy((event) => handleApiRequest(event, deps));
 * ```
 */
export async function handleApiRequest(raw: unknown, deps: ApiDeps): Promise<ApiResponse> {
  const event = httpEventOf(raw);
  const requestId = typeof event.requestContext?.requestId === 'string' ? event.requestContext.requestId : undefined;
  const caller = event.requestContext?.authorizer?.iam?.userArn;
  if (typeof caller !== 'string' || caller.length === 0) {
    deps.logger.warn('request refused: no IAM identity in the request context', { requestId });
    return json(403, { error: 'forbidden: this API takes only IAM-signed (SigV4) requests' });
  }
  const { method, path } = methodAndPath(event);
  const matched = matchRoute(method, path, event.routeKey);
  if (!matched) return json(404, { error: `no route ${method} ${path}` });
  deps.logger.info('api request', { route: matched.template, caller, requestId });
  const { route } = matched;
  const request: ApiRequest = { event, caller };
  try {
    if ('id' in route && !ID_PATTERN.test(route.id)) {
      return badRequest([{ path: 'id', message: 'must match ^[A-Za-z0-9_-]+$' }]);
    }
    switch (route.name) {
      case 'start-evaluation':
        return await postEvaluation(request, deps);
      case 'get-evaluation':
        return await getEvaluation(route.id, deps);
      case 'list-findings':
        return await listFindings(request, deps);
      case 'get-finding':
        return await getFinding(route.id, deps);
      case 'suppress':
        return await suppress(request, route.id, deps);
      case 'unsuppress':
        return await unsuppress(request, route.id, deps);
    }
  } catch (error) {
    deps.logger.error('api request failed', { error: describeError(error), requestId });
    return json(500, { error: 'internal error', ...(requestId ? { requestId } : {}) });
  }
}
