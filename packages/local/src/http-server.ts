/**
 * The re-evaluation API on 127.0.0.1: each HTTP request becomes the API Gateway (HTTP API, payload 2.0) event the
 * deployed function receives, and goes through the same `handleApiRequest`, so routes, status codes and bodies are
 * the deployed ones.
 *
 * Identity: the deployed API refuses a request whose context carries no IAM identity. Here the server writes the
 * identity (`local`) into the event's `requestContext.authorizer` itself; nothing a client sends (headers, body, query)
 * is copied there, as API Gateway copies nothing either. The server listens on a loopback address only, refuses a
 * `Host` that is not a loopback name (DNS rebinding) and any request carrying a browser `Origin` other than its own,
 * so a web page cannot drive the API from the user's browser.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { type ApiDeps, type ApiResponse, handleApiRequest } from '@podnet-guard/aws';
import { type IndexInput, listAllFindings, type RenderIndex, renderFindingsList } from './index-page.ts';

/** The caller every local request is made as (suppressions record it as their author). */
export const LOCAL_IDENTITY = 'local';
/** API Gateway's payload limit is 10 MB; no request of this API needs more than a few KB. */
export const MAX_BODY_BYTES = 1_048_576;
/** The index page may style itself inline; it loads and runs nothing. */
export const INDEX_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/** Options of `createLocalApiServer`. */
export interface LocalApiServerOptions {
  deps: ApiDeps;
  /** The page at `/` (default `renderFindingsList`). */
  renderIndex?: RenderIndex;
  /** Extra fields of the index input (e.g. the snapshot path). */
  indexSource?: string;
}

/**
 * An HTTP server (not yet listening) that answers the API's routes through `handleApiRequest` and `/` with the index
 * page.
 *
 * @example
 * ```ts
 * const server = createLocalApiServer({ deps });
 * server.listen(8787, '127.0.0.1');
 * ```
 */
export function createLocalApiServer(options: LocalApiServerOptions): Server {
  return createServer(createLocalApiHandler(options));
}

/** The request listener of `createLocalApiServer`. Never throws to Node: failures become `500`. */
export function createLocalApiHandler(options: LocalApiServerOptions): RequestListener {
  return (request, response) => {
    serve(request, response, options).catch((error: unknown) => {
      options.deps.logger.error('local request failed', { message: (error as Error).message });
      if (!response.headersSent) send(response, json(500, { error: 'internal error' }));
      else response.destroy();
    });
  };
}

async function serve(request: IncomingMessage, response: ServerResponse, options: LocalApiServerOptions) {
  const refusal = refuseForeign(request);
  if (refusal) {
    request.resume();
    send(response, json(403, { error: `forbidden: ${refusal}` }));
    return;
  }
  const url = new URL(request.url ?? '/', 'http://localhost');
  const method = (request.method ?? 'GET').toUpperCase();
  if (method === 'GET' && (url.pathname === '/' || url.pathname === '/index.html')) {
    request.resume();
    const input: IndexInput = {
      findings: await listAllFindings(options.deps.store),
      generatedAt: (options.deps.now?.() ?? new Date()).toISOString(),
      ...(options.indexSource ? { source: options.indexSource } : {}),
    };
    const page = await (options.renderIndex ?? renderFindingsList)(input);
    const [html, policy] = typeof page === 'string' ? [page, INDEX_CSP] : [page.html, page.contentSecurityPolicy];
    send(response, {
      statusCode: 200,
      headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': policy },
      body: html,
    });
    return;
  }
  const body = await readBody(request);
  if (body === undefined) {
    send(response, json(413, { error: `request body larger than ${MAX_BODY_BYTES} bytes` }));
    return;
  }
  send(response, await handleApiRequest(toApiGatewayEvent(request, url, method, body), options.deps));
}

/** Why a request cannot be from this machine's user (a foreign Host or Origin), or undefined. */
function refuseForeign(request: IncomingMessage): string | undefined {
  const host = request.headers.host ?? '';
  if (!isLoopbackAuthority(host)) return `Host ${JSON.stringify(host)} is not a loopback address`;
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== `http://${host}`) return 'cross-origin requests are not served';
  return undefined;
}

function isLoopbackAuthority(authority: string): boolean {
  const host = authority.replace(/:\d+$/, '').toLowerCase();
  return host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** The request body as text, or undefined when it exceeds `MAX_BODY_BYTES`. */
async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      request.resume();
      return undefined;
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The API Gateway HTTP API event (payload format 2.0) of a local request, with the fixed local identity. The path
 * stays percent-encoded, as API Gateway passes it; repeated query parameters are joined with commas, as it does.
 */
export function toApiGatewayEvent(request: IncomingMessage, url: URL, method: string, body: string) {
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) query[key] = key in query ? `${query[key]},${value}` : value;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const now = new Date();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: LOCAL_IDENTITY,
      apiId: LOCAL_IDENTITY,
      // Written here, never taken from the request: see the file comment.
      authorizer: { iam: { userArn: LOCAL_IDENTITY, accountId: LOCAL_IDENTITY, callerId: LOCAL_IDENTITY } },
      domainName: headers.host ?? '127.0.0.1',
      http: {
        method,
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body === '' ? {} : { body, isBase64Encoded: false }),
  };
}

function json(statusCode: number, body: unknown): ApiResponse {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

function send(response: ServerResponse, answer: ApiResponse): void {
  response.writeHead(answer.statusCode, {
    ...answer.headers,
    'content-length': Buffer.byteLength(answer.body),
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
  });
  response.end(answer.body);
}
