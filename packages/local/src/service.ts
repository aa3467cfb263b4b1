/**
 * The whole service on one machine, against a snapshot file instead of an AWS account: the API on 127.0.0.1 (same
 * handler and routes as the deployed function), the findings table in dynalite, the sweep every few seconds, and alerts
 * printed where the deployed service would publish them. The parts are the deployed ones (`handleApiRequest`,
 * `evaluateLive`, `runSweep`, `createDynamoFindingStore`, the email and chat renderers); only the edges differ: the
 * account is read from the snapshot (`createSnapshotSource`), transitions go to the terminal (`createTerminalSink`).
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type ApiDeps,
  createDynamoEvaluationStore,
  createDynamoFindingStore,
  type EventLogger,
  evaluateLive,
  runSweep,
  type SweepOutcome,
} from '@podnet-guard/aws';
import {
  buildInventory,
  escapeTerminalLines,
  type GuardConfig,
  loadSnapshot,
  loadYamlParserFor,
  parseGuardConfig,
} from '@podnet-guard/core';
import { renderReport, reportContentSecurityPolicy } from '@podnet-guard/report';
import { createLocalApiHandler } from './http-server.ts';
import type { RenderIndex } from './index-page.ts';
import { type LocalTable, startLocalTable } from './local-table.ts';
import { createSnapshotSource, type SnapshotSource } from './snapshot-source.ts';
import { createTerminalSink } from './terminal-sink.ts';

/** The only address the service listens on. */
export const LOCAL_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8787;
export const DEFAULT_SWEEP_SECONDS = 30;
export const DEFAULT_SNAPSHOT = 'events/inventory/sample-account.json';

/** Options of `startLocalService`. */
export interface LocalServiceOptions {
  /** Port on 127.0.0.1 (0: any free port). Default `DEFAULT_PORT`. */
  port?: number;
  /** The snapshot file the account is read from. Default `DEFAULT_SNAPSHOT`. */
  snapshotPath?: string;
  /** Keep the findings table on disk under this directory; in memory when absent. */
  dataDir?: string | undefined;
  /** Seconds between sweeps (0: no timed sweep). Default `DEFAULT_SWEEP_SECONDS`. */
  sweepSeconds?: number;
  config?: GuardConfig;
  /** Alerts (one block per transition). */
  alerts: (text: string) => void;
  /** Log lines (requests, sweeps, failures). */
  log: (text: string) => void;
  renderIndex?: RenderIndex;
}

/** A running local service. */
export interface LocalService {
  url: string;
  port: number;
  /** Runs one sweep now (the timer runs them too). */
  sweep(): Promise<SweepOutcome>;
  /** Stops the timer, waits for a running sweep, closes the server and the table. */
  close(): Promise<void>;
}

/** The port is taken: a one-line reason for the terminal. */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
  constructor(readonly port: number) {
    super(`port ${port} on ${LOCAL_HOST} is already in use: stop what holds it, or pass --port <another port>`);
  }
}

/**
 * Starts the service; throws `PortInUseError`, `SnapshotFormatError` or a file system error before anything listens.
 *
 * @example
 * ```ts
 * const service = await startLocalService({ port: 0, alerts: console.log, log: console.error });
 * await fetch(`${service.url}/findings`);
 * await service.close();
 * ```
 */
export async function startLocalService(options: LocalServiceOptions): Promise<LocalService> {
  const snapshotPath = options.snapshotPath ?? DEFAULT_SNAPSHOT;
  const source = await createSnapshotSource(snapshotPath);
  const config = options.config ?? parseGuardConfig({});
  const logger = lineLogger(options.log);
  // The port first: a port in use is reported before anything else starts.
  let handle: RequestListener = (_request, response) => {
    response.writeHead(503, { 'content-type': 'application/json' });
    response.end('{"error":"starting"}');
  };
  const server = createServer((request, response) => handle(request, response));
  await listen(server, options.port ?? DEFAULT_PORT);
  let table: LocalTable;
  try {
    table = await startLocalTable({ dataDir: options.dataDir });
  } catch (error) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw error;
  }
  const store = createDynamoFindingStore({ client: table.client, tableName: table.tableName });
  const targets = { sink: createTerminalSink(options.alerts) };
  // Locally nothing lags: the snapshot is the state, so a scan that no longer shows a finding resolves it at once.
  const live = { inventorySource: source, regions: [source.region], config, store, targets, resolveGraceSeconds: 0 };
  const deps: ApiDeps = {
    store,
    evaluations: createDynamoEvaluationStore({ client: table.client, tableName: table.tableName }),
    evaluate: (request, now) =>
      evaluateLive({ ...live, clusters: request.clusters, detectors: request.detectors, now }),
    logger,
  };
  handle = createLocalApiHandler({
    deps,
    indexSource: snapshotPath,
    renderIndex: options.renderIndex ?? reportIndex(source, config),
  });
  const bound = (server.address() as AddressInfo).port;

  let sweepSeconds = options.sweepSeconds ?? DEFAULT_SWEEP_SECONDS;
  const leaseSeconds = Math.max(60, sweepSeconds * 2);
  let running: Promise<SweepOutcome> | undefined;
  const sweep = (): Promise<SweepOutcome> => {
    running ??= runSweep({
      ...live,
      now: new Date().toISOString(),
      // One owner across restarts: a lease left by a killed process on disk is this service's own.
      owner: 'local',
      leaseSeconds,
      logger,
    }).finally(() => {
      running = undefined;
    });
    return running;
  };
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    if (sweepSeconds <= 0) return;
    timer = setTimeout(() => {
      sweep()
        .catch((error: unknown) => logger.error('sweep failed', { message: (error as Error).message }))
        .finally(schedule);
    }, sweepSeconds * 1000);
  };
  schedule();

  return {
    url: `http://${LOCAL_HOST}:${bound}`,
    port: bound,
    sweep,
    async close() {
      clearTimeout(timer);
      sweepSeconds = 0;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await running?.catch(() => undefined);
      await table.close();
    },
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(port) : error);
    };
    server.once('error', onError);
    server.listen(port, LOCAL_HOST, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** A logger writing one line per entry: level, message and its fields as JSON, with control characters removed. */
function lineLogger(write: (text: string) => void): EventLogger {
  const line =
    (level: string) =>
    (message: string, ...extra: Record<string, unknown>[]) => {
      const fields = Object.assign({}, ...extra) as Record<string, unknown>;
      const rest = Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
      write(`${escapeTerminalLines(`${new Date().toISOString()} ${level} ${message}${rest}`)}\n`);
    };
  return { info: line('info'), warn: line('warn'), error: line('error') };
}

/**
 * The default page at `/`: the HTML report (`@podnet-guard/report`) of the stored findings over the snapshot as it is
 * now, served with the report's own Content-Security-Policy.
 */
function reportIndex(source: SnapshotSource, config: GuardConfig): RenderIndex {
  return async (input) => {
    const { snapshot } = await source.load(source.region, {});
    const data = loadSnapshot(snapshot);
    await loadYamlParserFor(data);
    const html = renderReport({
      findings: input.findings,
      inventory: buildInventory(data),
      config,
      generatedAt: input.generatedAt,
      title: `podnet-guard (local): ${source.path}`,
    });
    return { html, contentSecurityPolicy: reportContentSecurityPolicy() };
  };
}
