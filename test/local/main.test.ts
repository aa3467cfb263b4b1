/**
 * `npm start` as a process (packages/local/bin/podnet-guard-local.js, what the root `start` script runs): it serves on
 * the port it reports, stops cleanly on SIGINT and SIGTERM (exit 0, port free again), and fails in one line.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../packages/local/bin/podnet-guard-local.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Run {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
}

function run(args: string[]): Run {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  child.stdout?.resume();
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stderr: () => stderr, exited };
}

async function urlOf(started: Run): Promise<string> {
  await expect.poll(() => started.stderr(), { timeout: 30_000, interval: 100 }).toMatch(/on http:\/\/127\.0\.0\.1:\d+/);
  return /on (http:\/\/127\.0\.0\.1:\d+)/.exec(started.stderr())![1]!;
}

function canListen(port: number): Promise<boolean> {
  const probe = createServer();
  return new Promise((resolve) => {
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

describe('npm start', () => {
  it('is the root start script', async () => {
    const manifest = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
    expect(manifest.scripts.start).toBe('node packages/local/bin/podnet-guard-local.js');
  });

  it.each(['SIGINT', 'SIGTERM'] as const)(
    'serves until %s, then exits 0 and frees the port',
    async (signal) => {
      const started = run(['--port', '0', '--sweep-seconds', '0']);
      try {
        const url = await urlOf(started);
        const response = await fetch(`${url}/findings`);
        expect(response.status).toBe(200);
        expect(await response.json()).toEqual({ items: [] });
        started.child.kill(signal);
        expect(await started.exited).toBe(0);
        expect(started.stderr()).toContain(`${signal}: stopping`);
        expect(await canListen(Number(new URL(url).port))).toBe(true);
      } finally {
        started.child.kill('SIGKILL');
      }
    },
    60_000,
  );

  it('says in one line that the port is in use, and exits 2', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as { port: number }).port;
    try {
      const started = run(['--port', String(port)]);
      expect(await started.exited).toBe(2);
      expect(started.stderr()).toBe(
        `podnet-guard local: port ${port} on 127.0.0.1 is already in use: stop what holds it, or pass --port <another port>\n`,
      );
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
    }
  }, 60_000);

  it.each([
    [['--port', 'http'], /--port must be an integer/],
    [['--snapshot', 'no/such/file.json'], /ENOENT/],
  ])(
    'exits 2 in one line for %j',
    async (args, message) => {
      const started = run(args);
      expect(await started.exited).toBe(2);
      expect(started.stderr()).toMatch(message);
      expect(started.stderr().trimEnd().split('\n')).toHaveLength(1);
    },
    60_000,
  );
});
