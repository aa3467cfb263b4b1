/**
 * The deployed re-evaluation API, from the laptop: requests signed with SigV4 (service `execute-api`) from the user's
 * credentials (the standard chain: `AWS_PROFILE`, SSO, environment keys), sent with plain `fetch`. Only `https` URLs,
 * except loopback addresses (the local service of `npm start`), which may be `http` and are sent unsigned when no
 * credentials are configured. Exit codes: 3 when the API cannot be reached, refuses the credentials (403) or fails
 * upstream; 2 for bad usage and `400` answers.
 */
import { createHash, createHmac } from 'node:crypto';
import { isIP } from 'node:net';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { type DetectorId, escapePlainText, type Finding, type NotJudged, type Severity } from '@podnet-guard/core';
import { SignatureV4 } from '@smithy/signature-v4';
import { type OutputFormat, writeResult } from './common.ts';
import { EXIT, type ExitCode, ExitError } from './exit-codes.ts';
import type { CommandIO } from './io.ts';

/** Static credentials, or a provider of them (the SDK's shape). */
export interface ApiCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Options of `createApiClient`. */
export interface ApiClientOptions {
  /** The API's invoke URL, e.g. `https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com`. */
  baseUrl: string;
  env: Record<string, string | undefined>;
  /** Defaults to keys in `env`, else the SDK's default provider chain. */
  credentials?: () => Promise<ApiCredentials>;
}

/** An answer of the API: status and parsed JSON body. */
export interface ApiAnswer {
  status: number;
  body: unknown;
}

/** A signed JSON client of the API. */
export interface ApiClient {
  request(
    method: string,
    path: string,
    options?: { query?: Record<string, string>; body?: unknown },
  ): Promise<ApiAnswer>;
}

/**
 * The region of an API Gateway invoke URL (`<id>.execute-api.<region>.amazonaws.com`), else `AWS_REGION` /
 * `AWS_DEFAULT_REGION`.
 *
 * @example regionOfApiUrl('https://abc.execute-api.eu-west-1.amazonaws.com/', {}) // 'eu-west-1'
 */
export function regionOfApiUrl(url: URL, env: Record<string, string | undefined>): string | undefined {
  const match = /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(url.hostname);
  return match?.[1] ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
}

/** SHA-256 (and HMAC-SHA-256 with a secret) for the signer, from node:crypto. */
class NodeSha256 {
  private hash;
  constructor(private readonly secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = this.fresh();
  }
  private fresh() {
    if (this.secret === undefined) return createHash('sha256');
    const key = typeof this.secret === 'string' ? this.secret : toBuffer(this.secret);
    return createHmac('sha256', key);
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(typeof data === 'string' ? data : toBuffer(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

function toBuffer(data: ArrayBuffer | ArrayBufferView): Buffer {
  return ArrayBuffer.isView(data)
    ? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
    : Buffer.from(new Uint8Array(data));
}

/**
 * True for a host name that can only mean this machine: `localhost`, `127.0.0.0/8`, `::1` (and `::ffff:127.…`).
 *
 * @example isLoopbackHost('127.0.0.1') // true; isLoopbackHost('api.example.com') // false
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || /^::ffff:(127\.|7f[0-9a-f]{2}:)/.test(host);
  return false;
}

/** True when the environment names credentials (keys or a profile), so a loopback request is signed too. */
function credentialsConfigured(env: Record<string, string | undefined>): boolean {
  return Boolean((env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) || env.AWS_PROFILE);
}

/**
 * Builds the client; throws ExitError(2) for a URL that is not https (http only on a loopback host) or a region that
 * cannot be found. Requests are signed, except to a loopback host when no credentials are given or configured.
 *
 * @example
 * ```ts
 * const api = createApiClient({ baseUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com', env: process.env });
 * const { status, body } = await api.request('GET', '/findings', { query: { status: 'open' } });
 * ```
 */
export function createApiClient(options: ApiClientOptions): ApiClient {
  let base: URL;
  try {
    base = new URL(options.baseUrl);
  } catch {
    throw new ExitError(EXIT.usage, `--api must be a URL, not ${JSON.stringify(options.baseUrl)}`);
  }
  const loopback = isLoopbackHost(base.hostname);
  // Signed requests in cleartext would hand the signature (and the request) to anyone on the path.
  if (base.protocol !== 'https:' && !(base.protocol === 'http:' && loopback)) {
    throw new ExitError(
      EXIT.usage,
      `--api must be an https URL (http only on a loopback host such as 127.0.0.1), not ${JSON.stringify(options.baseUrl)}`,
    );
  }
  const unsigned = loopback && options.credentials === undefined && !credentialsConfigured(options.env);
  let signer: SignatureV4 | undefined;
  if (!unsigned) {
    const region = regionOfApiUrl(base, options.env);
    if (!region) throw new ExitError(EXIT.usage, 'cannot tell the API region from its URL: set AWS_REGION');
    const credentials = options.credentials ?? defaultCredentials(options.env);
    signer = new SignatureV4({ service: 'execute-api', region, credentials, sha256: NodeSha256 });
  }
  const prefix = base.pathname.replace(/\/+$/, '');

  return {
    async request(method, path, { query, body } = {}) {
      const text = body === undefined ? undefined : JSON.stringify(body);
      const headers: Record<string, string> = { host: base.host, accept: 'application/json' };
      if (text !== undefined) headers['content-type'] = 'application/json';
      let signed: { headers: Record<string, string> } = { headers };
      try {
        if (signer)
          signed = await signer.sign({
            method,
            protocol: base.protocol,
            hostname: base.hostname,
            ...(base.port ? { port: Number(base.port) } : {}),
            path: `${prefix}${path}`,
            query: query ?? {},
            headers,
            ...(text !== undefined ? { body: text } : {}),
          });
      } catch (cause) {
        throw new ExitError(EXIT.aws, `no AWS credentials to sign the request: ${(cause as Error).message}`, {
          cause,
        });
      }
      const url = new URL(`${prefix}${path}`, base);
      for (const [key, value] of Object.entries(query ?? {})) url.searchParams.set(key, value);
      // fetch sets Host itself, to the same value that was signed.
      const { host: _host, ...sent } = signed.headers;
      let response: Response;
      try {
        // No redirects: a signed request must not be replayed to another host or over http.
        response = await fetch(url, {
          method,
          headers: sent,
          redirect: 'error',
          ...(text !== undefined ? { body: text } : {}),
        });
      } catch (cause) {
        const reason = (cause as { cause?: { code?: string } }).cause?.code ?? (cause as Error).message;
        throw new ExitError(EXIT.aws, `cannot reach the API at ${base.origin}: ${reason}`, { cause });
      }
      const raw = await response.text();
      let parsed: unknown = raw;
      try {
        parsed = raw === '' ? undefined : JSON.parse(raw);
      } catch {
        // Not JSON (a gateway error page): keep the text for the message.
      }
      return { status: response.status, body: parsed };
    },
  };
}

function defaultCredentials(env: Record<string, string | undefined>): () => Promise<ApiCredentials> {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN } = env;
  if (accessKeyId && secretAccessKey) {
    return async () => ({
      accessKeyId,
      secretAccessKey,
      ...(AWS_SESSION_TOKEN ? { sessionToken: AWS_SESSION_TOKEN } : {}),
    });
  }
  return defaultProvider(env.AWS_PROFILE ? { profile: env.AWS_PROFILE } : {});
}

/**
 * Throws the ExitError an unsuccessful answer deserves: 400 → 2 with the fields named, 403 → 3 (credentials refused),
 * 404 → 2, anything else → 3.
 */
export function checkAnswer(answer: ApiAnswer, what: string): void {
  if (answer.status >= 200 && answer.status < 300) return;
  const body = (typeof answer.body === 'object' && answer.body !== null ? answer.body : {}) as {
    error?: unknown;
    issues?: { path: string; message: string }[];
  };
  // The API's words are remote text: escaped, so they cannot drive the terminal or add lines.
  const error = escapePlainText(
    typeof body.error === 'string' ? body.error : JSON.stringify(body.error ?? answer.body ?? ''),
  );
  if (answer.status === 400) {
    const issues = (Array.isArray(body.issues) ? body.issues : [])
      .map((issue) => escapePlainText(`${issue.path}: ${issue.message}`))
      .join('; ');
    throw new ExitError(EXIT.usage, `${what}: the API refused the request: ${issues || error}`);
  }
  if (answer.status === 403 || answer.status === 401) {
    throw new ExitError(EXIT.aws, `${what}: the API refused the credentials (${answer.status}): ${error}`);
  }
  if (answer.status === 404) throw new ExitError(EXIT.usage, `${what}: not found: ${error}`);
  throw new ExitError(EXIT.aws, `${what}: the API failed (${answer.status}): ${error}`);
}

/** Options of `scanViaApi`. */
export interface ApiScanOptions {
  clusters?: string[] | undefined;
  detectors?: DetectorId[] | undefined;
  format: OutputFormat;
  failOn: Severity | undefined;
  verbose?: boolean | undefined;
  /** Between polls of a `202` evaluation (default 2 s). */
  pollIntervalMs?: number;
  /** Gives up polling after this long (default 15 minutes). */
  waitMs?: number;
}

interface EvaluationAnswer {
  id: string;
  status: 'running' | 'done' | 'failed';
  findings?: Finding[];
  suppressed?: number;
  notJudged?: NotJudged[];
  disabledRules?: string[];
  figures?: unknown;
  transitions?: unknown;
  result?: Omit<EvaluationAnswer, 'id' | 'status' | 'result'>;
  error?: { message?: string; kind?: string; operation?: string };
}

/**
 * `podnet-guard scan --api <url>`: asks the deployed service to evaluate the live account (polling when it answers
 * `202`) and prints the result as `scan` does; honours `--fail-on`.
 */
export async function scanViaApi(url: string, options: ApiScanOptions, io: CommandIO): Promise<ExitCode> {
  const api = createApiClient({ baseUrl: url, env: io.env });
  const request = {
    ...(options.clusters?.length ? { clusters: options.clusters } : {}),
    ...(options.detectors?.length ? { detectors: options.detectors } : {}),
  };
  const started = await api.request('POST', '/evaluations', { body: request });
  checkAnswer(started, 'scan');
  let answer = started.body as EvaluationAnswer;
  const interval = options.pollIntervalMs ?? 2000;
  const until = Date.now() + (options.waitMs ?? 15 * 60 * 1000);
  if (answer.status === 'running') io.stderr(`evaluation ${escapePlainText(answer.id)} is running; waiting for it\n`);
  while (answer.status === 'running') {
    if (Date.now() > until) throw new ExitError(EXIT.aws, `evaluation ${answer.id} still running; try later`);
    await new Promise((resolve) => setTimeout(resolve, interval));
    const polled = await api.request('GET', `/evaluations/${encodeURIComponent(answer.id)}`);
    checkAnswer(polled, 'scan');
    answer = polled.body as EvaluationAnswer;
  }
  if (answer.status === 'failed') {
    const error = answer.error ?? {};
    throw new ExitError(
      EXIT.aws,
      escapePlainText(
        `evaluation ${answer.id} failed: ${error.message ?? 'unknown'}${error.operation ? ` (${error.operation})` : ''}`,
      ),
    );
  }
  const result = answer.result ?? answer;
  return writeResult(
    {
      findings: result.findings ?? [],
      suppressed: result.suppressed ?? 0,
      notJudged: result.notJudged ?? [],
      ...(result.disabledRules?.length ? { disabledRules: result.disabledRules } : {}),
      extra: { evaluation: answer.id, figures: result.figures, transitions: result.transitions },
    },
    { format: options.format, failOn: options.failOn, verbose: options.verbose },
    io,
  );
}

/** The API URL from `--api`, else `PODNET_GUARD_API_URL`; ExitError(2) when neither is given. */
export function apiUrlOf(flag: string | undefined, env: Record<string, string | undefined>): string {
  const url = flag ?? env.PODNET_GUARD_API_URL;
  if (!url) throw new ExitError(EXIT.usage, 'give --api <url> (or set PODNET_GUARD_API_URL)');
  return url;
}
