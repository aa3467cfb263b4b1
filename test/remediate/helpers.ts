/** Temporary repositories made of fixture files, and findings that target them. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Remediation } from '@podnet-guard/core';
import { openRepo, type RemediationReport, remediate } from '@podnet-guard/remediate';
import { afterEach } from 'vitest';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'remediate');

export function fixture(path: string): string {
  return readFileSync(join(FIXTURES, path), 'utf8');
}

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A temporary repository holding these files (repository path → text). */
export function makeRepo(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'pg-remediate-'));
  made.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

export function readRepoFile(root: string, path: string): string {
  return readFileSync(join(root, path), 'utf8');
}

/** A finding as `scan --format json` prints it, reduced to what `remediate` reads. */
export function finding(id: string, remediation: Remediation, status = 'open'): Record<string, unknown> {
  return { id, detector: 'node-sg-widening', rule: 'test', severity: 'high', status, remediation };
}

export function nodeGroupTarget(cluster: string, nodeGroup: string, extra: Partial<Remediation['target']> = {}) {
  return { type: 'nodegroup' as const, id: `${cluster}/${nodeGroup}`, cluster, nodeGroup, ...extra };
}

export async function run(root: string, findings: unknown[], ids?: string[]): Promise<RemediationReport> {
  return remediate({ findings }, await openRepo(root), ids ? { ids } : {});
}

/** Writes the report's files, as `--write` does. */
export async function write(root: string, report: RemediationReport): Promise<void> {
  const repo = await openRepo(root);
  for (const [path, text] of report.files) await repo.write(path, text);
}

/** `git apply --check` of a diff in a repository copy; throws with git's message when it does not apply. */
export function gitApplyCheck(root: string, diff: string): void {
  execFileSync('git', ['apply', '--check', '-'], { cwd: root, input: diff, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Compares with a golden diff in test/fixtures/remediate/golden; UPDATE_GOLDEN=1 rewrites it. */
export function golden(name: string, actual: string): string {
  const path = join(FIXTURES, 'golden', `${name}.diff`);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(path, actual);
  return readFileSync(path, 'utf8');
}
