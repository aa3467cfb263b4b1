/**
 * The local service's HTTP server on 127.0.0.1 (port 0): the same API contract as the Lambda wiring (api-contract.ts),
 * over real HTTP, then what only this wiring has: the fixed `local` identity no request can change, refusal of
 * foreign Host and Origin headers, the body limit, and the page at `/`.
 */
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApiDeps, ApiResponse } from '@podnet-guard/aws';
import { createLocalApiServer, LOCAL_IDENTITY, MAX_BODY_BYTES, type RenderIndex } from '@podnet-guard/local';
import { afterAll, describe, expect, it } from 'vitest';
import { type ApiWiring, bodyOf, describeApiContract, finding, seed, useApiWorld } from '../aws/api/api-contract.ts';

const servers = new Map<ApiDeps, Promise<string>>();
const running: Server[] = [];
afterAll(async () => {
  for (const server of running) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

/** The URL of a server on 127.0.0.1:0 for these deps (one per deps, started on first use). */
function serverFor(deps: ApiDeps, renderIndex?: RenderIndex): Promise<string> {
  let url = servers.get(deps);
  if (!url) {
    const server = createLocalApiServer({ deps, ...(renderIndex ? { renderIndex } : {}) });
    running.push(server);
    url = new Promise<string>((resolve) =>
      server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
    );
    servers.set(deps, url);
  }
  return url;
}

async function http(url: string, init: RequestInit = {}): Promise<ApiResponse> {
  const response = await fetch(url, init);
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return {
    statusCode: response.status,
    headers,
    body: await response.text(),
  };
}

/** A POST with headers fetch would not send as given (it sets Host itself). */
function rawPost(url: string, headers: Record<string, string>, body: string): Promise<ApiResponse> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: 'POST', headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          statusCode: response.statusCode ?? 0,
          headers: response.headers as Record<string, string>,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    request.on('error', reject);
    request.end(body);
  });
}

const localWiring: ApiWiring = {
  name: 'local HTTP server',
  caller: LOCAL_IDENTITY,
  async send(deps, method, path, options = {}) {
    const base = await serverFor(deps);
    const query = options.query ? `?${new URLSearchParams(options.query)}` : '';
    const body =
      options.body === undefined
        ? undefined
        : typeof options.body === 'string'
          ? options.body
          : JSON.stringify(options.body);
    return http(`${base}${path}${query}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body }),
    });
  },
};

const world = useApiWorld();
const { setup } = world;
describeApiContract(localWiring, world);

describe('identity', () => {
  it('is always `local`: headers a client sends cannot name another caller', async () => {
    const { deps, store } = await setup();
    await seed(store, [finding(1)]);
    const base = await serverFor(deps);
    const response = await http(`${base}/findings/nsw-0001/suppress`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-amzn-iam-userarn': 'arn:aws:iam::111122223333:user/mallory',
        'x-amzn-requestcontext': JSON.stringify({ authorizer: { iam: { userArn: 'mallory' } } }),
        authorization: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261126/eu-west-1/execute-api/aws4_request',
      },
      body: JSON.stringify({ reason: 'migration window', until: '2026-12-01T00:00:00Z' }),
    });
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response).suppression.by).toBe('local');
  });
});

describe('requests from elsewhere', () => {
  it.each([
    ['a Host that is not a loopback name (DNS rebinding)', { host: 'attacker.example' }],
    ['a browser Origin of another site', { origin: 'https://attacker.example' }],
    ['a browser Origin of another local port', { origin: 'http://127.0.0.1:1' }],
  ])('refuses %s with 403, before the handler', async (_label, headers) => {
    const { deps, store } = await setup();
    await seed(store, [finding(1)]);
    const base = await serverFor(deps);
    const response = await rawPost(
      `${base}/findings/nsw-0001/suppress`,
      { 'content-type': 'text/plain', ...headers },
      JSON.stringify({ reason: 'migration window', until: '2026-12-01T00:00:00Z' }),
    );
    expect(response.statusCode).toBe(403);
    expect(bodyOf(response).error).toMatch(/^forbidden/);
    expect((await store.get('nsw-0001'))?.suppression).toBeUndefined();
  });

  it('serves its own origin and localhost', async () => {
    const { deps } = await setup();
    const base = await serverFor(deps);
    const port = new URL(base).port;
    expect((await http(`${base}/findings`, { headers: { origin: base } })).statusCode).toBe(200);
    expect((await http(`http://localhost:${port}/findings`)).statusCode).toBe(200);
  });

  it('answers 413 to a body over the limit', async () => {
    const { deps } = await setup();
    const base = await serverFor(deps);
    const response = await http(`${base}/evaluations`, { method: 'POST', body: 'x'.repeat(MAX_BODY_BYTES + 1) });
    expect(response.statusCode).toBe(413);
  });
});

describe('the page at /', () => {
  it('lists the stored findings with account text escaped, under a policy that runs no script', async () => {
    const { deps, store } = await setup();
    await seed(store, [finding(1, { title: '<img src=x onerror=alert(1)> opened', summary: 'a & b' })]);
    const response = await http(`${await serverFor(deps)}/`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['content-security-policy']).toContain("default-src 'none'");
    expect(response.body).toContain('&lt;img src=x onerror=alert(1)&gt; opened');
    expect(response.body).not.toContain('<img');
    expect(response.body).toContain('a &amp; b');
    expect(response.body).toContain('nsw-0001');
  });

  it('renders through the renderIndex given, with every stored finding', async () => {
    const { deps, store } = await setup();
    await seed(store, [finding(1), finding(2, { status: 'resolved' })]);
    const base = await serverFor(
      deps,
      (input) => `<p>${input.findings.map((f) => `${f.id}:${f.status}`).join(' ')}</p>`,
    );
    const response = await http(`${base}/`);
    // nsw-0002 was never open, so recording it as resolved stores nothing.
    expect(response.body).toBe('<p>nsw-0001:open</p>');
  });
});
