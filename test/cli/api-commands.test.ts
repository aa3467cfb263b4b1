/**
 * `scan --api`, `findings` and `suppress` against a real HTTP server on 127.0.0.1 standing in for API Gateway: it
 * checks every request's SigV4 signature (recomputed here by hand from the dummy secret) and answers like the API.
 */
import { spawn } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isLoopbackHost, regionOfApiUrl } from '../../packages/cli/src/api-client.ts';
import { runCli } from '../../packages/cli/src/cli.ts';
import '../../packages/cli/src/commands/index.ts';
import { EXIT } from '../../packages/cli/src/exit-codes.ts';
import { memoryIO } from '../../packages/cli/src/io.ts';
import { dataStoreFinding } from '../core/findings/finding-fixture.ts';

const ACCESS_KEY = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const ENV = { AWS_ACCESS_KEY_ID: ACCESS_KEY, AWS_SECRET_ACCESS_KEY: SECRET, AWS_REGION: 'eu-west-1' };

interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  body: string;
  headers: IncomingMessage['headers'];
  signatureValid: boolean;
}
type Answer = { status: number; body: unknown };
type Responder = (request: Seen) => Answer;

let server: Server;
let url: string;
let seen: Seen[] = [];
let respond: Responder = () => ({ status: 404, body: { error: 'no route' } });

beforeAll(async () => {
  server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const parsed = new URL(req.url ?? '/', 'http://placeholder');
    const request: Seen = {
      method: req.method ?? '',
      path: parsed.pathname,
      query: parsed.searchParams,
      body,
      headers: req.headers,
      signatureValid: false,
    };
    request.signatureValid = verifySigV4(request);
    seen.push(request);
    // API Gateway refuses an unsigned or badly signed request on an AWS_IAM route.
    const answer = request.signatureValid ? respond(request) : { status: 403, body: { message: 'Forbidden' } };
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  seen = [];
  respond = () => ({ status: 404, body: { error: 'no route' } });
});

const sha256 = (data: string) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
const rfc3986 = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Recomputes the SigV4 signature of a request from the secret, as API Gateway does. */
function verifySigV4(request: Seen): boolean {
  const authorization = String(request.headers.authorization ?? '');
  const match =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([a-z0-9-]+)\/execute-api\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(
      authorization,
    );
  const amzDate = String(request.headers['x-amz-date'] ?? '');
  if (!match || !/^\d{8}T\d{6}Z$/.test(amzDate)) return false;
  const [, keyId, day, region, signedHeaders, signature] = match as unknown as string[];
  if (keyId !== ACCESS_KEY || !amzDate.startsWith(day!)) return false;
  const names = signedHeaders!.split(';');
  if (!names.includes('host') || !names.includes('x-amz-date')) return false;
  const query = [...request.query.entries()]
    .map(([k, v]) => [rfc3986(k), rfc3986(v)])
    .sort(([a], [b]) => (a! < b! ? -1 : a! > b! ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonical = [
    request.method,
    request.path,
    query,
    ...names.map((name) => `${name}:${String(request.headers[name] ?? '').trim()}`),
    '',
    signedHeaders,
    sha256(request.body),
  ].join('\n');
  const scope = `${day}/${region}/execute-api/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  let key = hmac(`AWS4${SECRET}`, day!);
  for (const part of [region!, 'execute-api', 'aws4_request']) key = hmac(key, part);
  return createHmac('sha256', key).update(toSign).digest('hex') === signature;
}

async function cli(argv: string[], env: Record<string, string | undefined> = ENV) {
  const { io, stdout, stderr } = memoryIO('', env);
  const code = await runCli(argv, io);
  return { code, stdout: stdout(), stderr: stderr() };
}

const finding = (n: number, overrides = {}) =>
  dataStoreFinding({ id: `nsw-${String(n).padStart(4, '0')}`, ...overrides });

describe('request signing', () => {
  it('signs with SigV4 for execute-api in the region of the environment', async () => {
    respond = () => ({ status: 200, body: { items: [] } });
    const result = await cli(['findings', '--api', url]);
    expect(result.code).toBe(EXIT.ok);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.signatureValid).toBe(true);
    expect(seen[0]!.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/\d{8}\/eu-west-1\/execute-api\/aws4_request, /,
    );
    expect(seen[0]!.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
  });

  it('takes the region from an execute-api host name', () => {
    expect(regionOfApiUrl(new URL('https://a1b2c3d4e5.execute-api.ap-southeast-2.amazonaws.com/'), {})).toBe(
      'ap-southeast-2',
    );
    expect(regionOfApiUrl(new URL('https://guard.example.com'), { AWS_REGION: 'us-east-2' })).toBe('us-east-2');
    expect(regionOfApiUrl(new URL('https://guard.example.com'), {})).toBeUndefined();
  });

  it('exits 3 when the API refuses the credentials (a wrong secret fails the signature)', async () => {
    const result = await cli(['findings', '--api', url], { ...ENV, AWS_SECRET_ACCESS_KEY: 'wrong-secret' });
    expect(seen[0]!.signatureValid).toBe(false);
    expect(result.code).toBe(EXIT.aws);
    expect(result.stderr).toContain('refused the credentials (403)');
    expect(result.stdout).toBe('');
  });

  it('exits 3 when the API cannot be reached', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await cli(['findings', '--api', `http://127.0.0.1:${port}`]);
    expect(result.code).toBe(EXIT.aws);
    expect(result.stderr).toContain('cannot reach the API');
  });

  it('exits 2 without an API URL, or with one that is not http(s), or without a region', async () => {
    expect((await cli(['findings'])).code).toBe(EXIT.usage);
    expect((await cli(['findings', '--api', 'ftp://example.com'])).code).toBe(EXIT.usage);
    const noRegion = await cli(['findings', '--api', url], { ...ENV, AWS_REGION: undefined });
    expect(noRegion.code).toBe(EXIT.usage);
    expect(noRegion.stderr).toContain('AWS_REGION');
    expect(seen).toHaveLength(0);
  });
});

describe('transport security', () => {
  it.each([
    'http://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com',
    'http://10.0.0.5:8787',
    'http://127.0.0.1.example.com',
  ])('refuses %s (signed requests never go out in cleartext), exit 2 before any request', async (api) => {
    const result = await cli(['findings', '--api', api]);
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toContain('https');
    expect(seen).toHaveLength(0);
  });

  it.each([
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['localhost', true],
    ['[::1]', true],
    ['[::ffff:127.0.0.1]', true],
    ['[::2]', false],
    ['10.0.0.1', false],
    ['localhost.example.com', false],
    ['127.0.0.1.nip.io', false],
  ])('tells %s loopback: %s', (host, loopback) => {
    expect(isLoopbackHost(new URL(`http://${host}:8787`).hostname)).toBe(loopback);
  });

  it('sends no signature to a loopback URL when no credentials are configured, and needs no region', async () => {
    respond = () => ({ status: 200, body: { items: [] } });
    const result = await cli(['findings', '--api', url], {});
    expect(seen).toHaveLength(1);
    expect(seen[0]!.headers.authorization).toBeUndefined();
    expect(seen[0]!.headers['x-amz-date']).toBeUndefined();
    // This stand-in for API Gateway refuses unsigned requests, as the deployed API does.
    expect(result.code).toBe(EXIT.aws);
  });

  it('does not follow a redirect with a signed request', async () => {
    respond = () => ({ status: 200, body: { items: [] } });
    const redirector = createServer((_req, res) => {
      res.writeHead(307, { location: `${url}/findings` });
      res.end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    try {
      const port = (redirector.address() as AddressInfo).port;
      const result = await cli(['findings', '--api', `http://127.0.0.1:${port}`]);
      expect(result.code).toBe(EXIT.aws);
      expect(seen).toHaveLength(0);
    } finally {
      await new Promise<void>((resolve) => redirector.close(() => resolve()));
    }
  });
});

describe('podnet-guard findings', () => {
  it('follows cursors to the last page, passing the filters on every page', async () => {
    const pages: Record<string, Answer> = {
      '': { status: 200, body: { items: [finding(1), finding(2)], cursor: 'eyJwayI6MX0' } },
      eyJwayI6MX0: { status: 200, body: { items: [finding(3)], cursor: 'eyJwayI6Mn0' } },
      eyJwayI6Mn0: { status: 200, body: { items: [finding(4)] } },
    };
    respond = (request) => pages[request.query.get('cursor') ?? ''] ?? { status: 400, body: { error: 'bad cursor' } };
    const result = await cli(['findings', '--api', url, '--status', 'open', '--cluster', 'prod', '--format', 'json']);
    expect(result.code).toBe(EXIT.ok);
    expect(JSON.parse(result.stdout).findings.map((f: { id: string }) => f.id)).toEqual([
      'nsw-0001',
      'nsw-0002',
      'nsw-0003',
      'nsw-0004',
    ]);
    expect(seen.map((r) => [r.path, r.query.get('status'), r.query.get('cluster'), r.query.get('cursor')])).toEqual([
      ['/findings', 'open', 'prod', null],
      ['/findings', 'open', 'prod', 'eyJwayI6MX0'],
      ['/findings', 'open', 'prod', 'eyJwayI6Mn0'],
    ]);
    expect(seen.every((r) => r.signatureValid)).toBe(true);
  });

  it('prints the counts, then one block per finding in text, most severe first, with its suppression', async () => {
    const suppression = { reason: 'migration', until: '2026-12-01T00:00:00.000Z', by: 'arn:aws:iam::1:user/a' };
    const medium = finding(2, { severity: 'medium', rule: 'node-sg-granted-to-sg' });
    respond = () => ({ status: 200, body: { items: [medium, { ...finding(1), suppression }] } });
    const result = await cli(['findings', '--api', url]);
    const blocks = result.stdout.trimEnd().split('\n\n');
    expect(blocks[0]).toBe('2 open findings: 1 high, 1 medium.');
    expect(blocks[1]).toMatch(/^\[HIGH\] /);
    expect(blocks[1]).toContain('suppressed until 2026-12-01T00:00:00.000Z by arn:aws:iam::1:user/a: migration');
    expect(blocks[1]).toContain('id: nsw-0001 (node-sg-widening/node-sg-granted-to-data-store)');
    expect(blocks[2]).toMatch(/^\[MEDIUM\] /);
    expect(result.stdout).not.toContain('https://docs.aws.amazon.com');
    const verbose = await cli(['findings', '--api', url, '--verbose']);
    expect(verbose.stdout).toContain('event: AuthorizeSecurityGroupIngress by arn:aws:sts::111122223333');
    expect(verbose.stdout).toContain('https://docs.aws.amazon.com');
  });

  it('cannot be forged by a suppression reason: ESC, carriage returns and line breaks are shown, not obeyed', async () => {
    // A reason that would clear the line, paint a fake all-clear in green and hide the finding's own lines.
    const reason = 'ok\u001b[2K\r\u001b[32m[INFO] all clear\u001b[0m\n\n0 open findings.';
    const suppression = { reason, until: '2026-12-01T00:00:00.000Z', by: 'arn:aws:iam::1:user/a\u202e' };
    respond = () => ({ status: 200, body: { items: [{ ...finding(1), suppression }] } });
    const result = await cli(['findings', '--api', url]);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: checking for them is the point.
    expect(result.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect(result.stdout).toContain('ok\\u001b[2K\\r\\u001b[32m[INFO] all clear\\u001b[0m\\n\\n0 open findings.');
    expect(result.stdout).toContain('arn:aws:iam::1:user/a\\u202e');
    const lines = result.stdout.split('\n');
    expect(lines.filter((line) => line.startsWith('['))).toHaveLength(1);
    expect(lines.filter((line) => /^\d+ open finding/.test(line))).toEqual(['1 open finding: 1 high.']);
  });

  it('exits 2 for a bad --status before any request, and for a 400 answer naming the field', async () => {
    expect((await cli(['findings', '--api', url, '--status', 'closed'])).code).toBe(EXIT.usage);
    expect(seen).toHaveLength(0);
    respond = () => ({
      status: 400,
      body: { error: 'invalid request: cluster', issues: [{ path: 'cluster', message: 'not an EKS cluster name' }] },
    });
    const result = await cli(['findings', '--api', url, '--cluster', 'x']);
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toContain('cluster: not an EKS cluster name');
  });
});

describe('standard error', () => {
  it("shows the API's error text with its control characters and line breaks escaped, on one line", async () => {
    respond = () => ({
      status: 400,
      body: {
        error: 'bad\u001b[2J',
        issues: [{ path: 'cluster', message: 'x\npodnet-guard findings: all clear\u202e' }],
      },
    });
    const result = await cli(['findings', '--api', url, '--cluster', 'x']);
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('cluster: x\\npodnet-guard findings: all clear\\u202e');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: checking for them is the point.
    expect(result.stderr.trimEnd()).not.toMatch(/[\u0000-\u001f\u202e]/);
  });
});

describe('podnet-guard suppress', () => {
  it('posts the reason and the end of the given day, signed with its body', async () => {
    respond = (request) => ({
      status: 200,
      body: { ...finding(1), suppression: { ...JSON.parse(request.body), by: 'arn:aws:iam::111122223333:user/alice' } },
    });
    const result = await cli(['suppress', 'nsw-0001', '--api', url, '--reason', 'migration', '--until', '2026-12-01']);
    expect(result.code).toBe(EXIT.ok);
    expect(seen[0]).toMatchObject({ method: 'POST', path: '/findings/nsw-0001/suppress', signatureValid: true });
    expect(JSON.parse(seen[0]!.body)).toEqual({ reason: 'migration', until: '2026-12-01T23:59:59Z', via: 'cli' });
    expect(result.stdout).toBe(
      'nsw-0001 suppressed until 2026-12-01T23:59:59Z by arn:aws:iam::111122223333:user/alice\n',
    );
  });

  it('lifts a suppression with --remove', async () => {
    respond = () => ({ status: 200, body: finding(1) });
    const result = await cli(['suppress', 'nsw-0001', '--api', url, '--remove']);
    expect(result.code).toBe(EXIT.ok);
    expect(seen[0]).toMatchObject({ method: 'DELETE', path: '/findings/nsw-0001/suppress', body: '' });
    expect(result.stdout).toBe('nsw-0001 no longer suppressed\n');
  });

  it.each([
    [['suppress', '--api', 'URL', '--reason', 'r', '--until', '2026-12-01']],
    [['suppress', 'nsw-1', '--api', 'URL', '--until', '2026-12-01']],
    [['suppress', 'nsw-1', '--api', 'URL', '--remove', '--reason', 'r']],
    [['suppress', '../etc', '--api', 'URL', '--reason', 'r', '--until', '2026-12-01']],
  ])('exits 2 for bad usage %j without a request', async (argv) => {
    const result = await cli(argv.map((a) => (a === 'URL' ? url : a)));
    expect(result.code).toBe(EXIT.usage);
    expect(seen).toHaveLength(0);
  });

  it('exits 2 on a 400 naming the field, and on an unknown finding', async () => {
    respond = () => ({
      status: 400,
      body: { error: 'invalid request: until', issues: [{ path: 'until', message: 'must be in the future' }] },
    });
    const past = await cli(['suppress', 'nsw-0001', '--api', url, '--reason', 'old', '--until', '2020-01-01']);
    expect(past.code).toBe(EXIT.usage);
    expect(past.stderr).toContain('until: must be in the future');
    respond = () => ({ status: 404, body: { error: 'no finding nsw-0009' } });
    expect((await cli(['suppress', 'nsw-0009', '--api', url, '--remove'])).code).toBe(EXIT.usage);
  });
});

describe('podnet-guard scan --api', () => {
  const done = {
    findings: [finding(1, { severity: 'critical', rule: 'world-open-ingress' })],
    suppressed: 0,
    notJudged: [],
    transitions: [{ id: 'nsw-0001', transition: 'opened', dedupeKey: 'nsw-0001#1' }],
    published: 1,
    figures: { awsCalls: 22, durationMs: 31_250, regions: ['eu-west-1'] },
    warnings: [],
  };

  it('polls a 202 evaluation until done, prints like scan and honours --fail-on', async () => {
    let polls = 0;
    respond = (request) => {
      if (request.method === 'POST' && request.path === '/evaluations')
        return { status: 202, body: { id: 'ev-1', status: 'running', location: '/evaluations/ev-1' } };
      if (request.method === 'GET' && request.path === '/evaluations/ev-1') {
        polls += 1;
        return polls < 2
          ? { status: 200, body: { id: 'ev-1', status: 'running' } }
          : { status: 200, body: { id: 'ev-1', status: 'done', result: done } };
      }
      return { status: 404, body: { error: 'no route' } };
    };
    const { io, stdout, stderr } = memoryIO('', ENV);
    const { scanViaApi } = await import('../../packages/cli/src/api-client.ts');
    const code = await scanViaApi(url, { clusters: ['prod'], format: 'json', failOn: 'high', pollIntervalMs: 5 }, io);
    expect(code).toBe(EXIT.failOn);
    expect(JSON.parse(seen[0]!.body)).toEqual({ clusters: ['prod'] });
    expect(seen.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /evaluations',
      'GET /evaluations/ev-1',
      'GET /evaluations/ev-1',
    ]);
    const output = JSON.parse(stdout());
    expect(output.findings.map((f: { id: string }) => f.id)).toEqual(['nsw-0001']);
    expect(output).toMatchObject({ evaluation: 'ev-1', figures: { awsCalls: 22 }, summary: { open: 1 } });
    expect(stderr()).toContain('evaluation ev-1 is running');
  });

  it('prints a 200 answer at once in text, exit 0 without --fail-on', async () => {
    respond = () => ({ status: 200, body: { id: 'ev-2', status: 'done', ...done } });
    const result = await cli(['scan', '--api', url, '--detector', 'node-sg-widening']);
    expect(result.code).toBe(EXIT.ok);
    expect(JSON.parse(seen[0]!.body)).toEqual({ detectors: ['node-sg-widening'] });
    expect(result.stdout.split('\n')[0]).toBe('1 open finding: 1 critical.');
    expect(result.stdout).not.toContain('disabledRules');
  });

  it('says which rules the deployed config switched off', async () => {
    respond = () => ({ status: 200, body: { id: 'ev-4', status: 'done', ...done, disabledRules: ['egress-widened'] } });
    const text = await cli(['scan', '--api', url]);
    expect(text.stdout).toContain('Switched off by disabledRules: egress-widened.');
    const json = await cli(['scan', '--api', url, '--format', 'json']);
    expect(JSON.parse(json.stdout).summary.disabledRules).toEqual(['egress-widened']);
  });

  it('exits 3 when the evaluation failed upstream', async () => {
    respond = () => ({
      status: 502,
      body: { id: 'ev-3', status: 'failed', error: { message: 'AWS could not be read (access-denied)' } },
    });
    const result = await cli(['scan', '--api', url]);
    expect(result.code).toBe(EXIT.aws);
    expect(result.stderr).toContain('502');
  });
});

describe('the real bin', () => {
  it('prints findings on stdout and exits 0; exits 3 with a reason on stderr when refused', async () => {
    respond = () => ({ status: 200, body: { items: [finding(1)] } });
    const bin = fileURLToPath(new URL('../../packages/cli/bin/podnet-guard.js', import.meta.url));
    const run = (env: Record<string, string>) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [bin, 'findings', '--api', url, '--format', 'json'], {
          env: { PATH: process.env.PATH ?? '', ...env },
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk) => {
          stdout += chunk;
        });
        child.stderr.on('data', (chunk) => {
          stderr += chunk;
        });
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
    const ok = await run(ENV);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).findings).toHaveLength(1);
    const refused = await run({ ...ENV, AWS_SECRET_ACCESS_KEY: 'wrong' });
    expect(refused.code).toBe(3);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain('403');
  });
});
