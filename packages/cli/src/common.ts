/** What the commands share: reading input files, the config file, output formats and `--fail-on`. */
import { readFile } from 'node:fs/promises';
import {
  buildInventory,
  type EvaluationResult,
  type Finding,
  type GuardConfig,
  type Inventory,
  loadGuardConfig,
  loadSnapshot,
  renderFindingText,
  SEVERITIES,
  SEVERITY_RANK,
  type Severity,
} from '@podnet-guard/core';
import { parse as parseYaml } from 'yaml';
import { EXIT, type ExitCode, ExitError } from './exit-codes.ts';
import type { CommandIO } from './io.ts';

export type OutputFormat = 'json' | 'text';

export function parseFormat(value: string | undefined): OutputFormat {
  if (value === undefined || value === 'text' || value === 'json') return value ?? 'text';
  throw new ExitError(EXIT.usage, `--format must be json or text, not ${JSON.stringify(value)}`);
}

export function parseFailOn(value: string | undefined): Severity | undefined {
  if (value === undefined) return undefined;
  if ((SEVERITIES as readonly string[]).includes(value)) return value as Severity;
  throw new ExitError(EXIT.usage, `--fail-on must be one of ${SEVERITIES.join(', ')}, not ${JSON.stringify(value)}`);
}

/** Reads a file, or standard input for `-`. */
export async function readInput(path: string, io: CommandIO): Promise<string> {
  if (path === '-') return io.readStdin();
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    throw new ExitError(EXIT.usage, `cannot read ${path}: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}`, {
      cause,
    });
  }
}

export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new ExitError(EXIT.usage, `${what} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
}

/** Loads a snapshot file (AWS API response shapes, see DESIGN.md) into the inventory. */
export async function loadSnapshotFile(path: string, io: CommandIO): Promise<Inventory> {
  const raw = parseJson(await readInput(path, io), `snapshot ${path}`);
  return buildInventory(loadSnapshot(raw, { path }));
}

/** Reads the config file (JSON or YAML); defaults when none is given. */
export async function loadConfigFile(path: string | undefined, io: CommandIO): Promise<GuardConfig> {
  if (path === undefined) return loadGuardConfig({});
  const text = await readInput(path, io);
  let document: unknown;
  try {
    document = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (cause) {
    throw new ExitError(EXIT.usage, `config ${path} cannot be parsed: ${(cause as Error).message}`, { cause });
  }
  return loadGuardConfig(document ?? {});
}

/** Writes findings as `{"findings": [...]}` JSON or text, and returns the exit code `--fail-on` asks for. */
export function writeResult(
  result: EvaluationResult & { extra?: Record<string, unknown> },
  options: { format: OutputFormat; failOn: Severity | undefined },
  io: CommandIO,
): ExitCode {
  const { findings } = result;
  if (options.format === 'json') {
    io.stdout(
      `${JSON.stringify(
        {
          findings,
          summary: summarize(findings, result),
          ...(result.skipped ? { skipped: result.skipped } : {}),
          ...(result.notJudged.length ? { notJudged: result.notJudged } : {}),
          ...(result.extra ?? {}),
        },
        null,
        2,
      )}\n`,
    );
  } else {
    const blocks = findings.map(renderFindingText);
    if (result.skipped) blocks.push(`skipped: ${result.skipped}`);
    const counts = summarize(findings, result);
    const bySeverity = SEVERITIES.filter((s) => counts.bySeverity[s]).map((s) => `${counts.bySeverity[s]} ${s}`);
    blocks.push(
      `${findings.length} finding(s)${bySeverity.length ? ` (${bySeverity.join(', ')})` : ''}; ${result.suppressed} suppressed by the allow-list`,
    );
    for (const entry of result.notJudged) {
      blocks.push(`not judged by ${entry.detector}: missing ${entry.missing.join(', ')} (unknown, not "none")`);
    }
    if (result.disabledRules?.length) blocks.push(`switched off by disabledRules: ${result.disabledRules.join(', ')}`);
    io.stdout(`${blocks.join('\n\n')}\n`);
  }
  return reachesFailOn(findings, options.failOn) ? EXIT.failOn : EXIT.ok;
}

function summarize(findings: Finding[], result: EvaluationResult) {
  const bySeverity: Partial<Record<Severity, number>> = {};
  for (const finding of findings) {
    if (finding.status !== 'open') continue;
    bySeverity[finding.severity] = (bySeverity[finding.severity] ?? 0) + 1;
  }
  return {
    total: findings.length,
    open: findings.filter((f) => f.status === 'open').length,
    resolved: findings.filter((f) => f.status === 'resolved').length,
    suppressed: result.suppressed,
    bySeverity,
    ...(result.disabledRules?.length ? { disabledRules: result.disabledRules } : {}),
  };
}

/** Only open findings count: suppressed and resolved ones never fail a build. */
export function reachesFailOn(findings: Finding[], failOn: Severity | undefined): boolean {
  if (!failOn) return false;
  return findings.some((f) => f.status === 'open' && SEVERITY_RANK[f.severity] >= SEVERITY_RANK[failOn]);
}
