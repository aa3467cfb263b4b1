/** What the commands share: reading input files, the config file, output formats and `--fail-on`. */
import { readFile } from 'node:fs/promises';
import {
  assertSnapshotFile,
  buildInventory,
  DETECTOR_IDS,
  type DetectorId,
  type EvaluateOptions,
  type EvaluationResult,
  escapePlainText,
  type Finding,
  type GuardConfig,
  type Inventory,
  loadGuardConfig,
  loadSnapshot,
  loadYamlParserFor,
  renderReportText,
  SEVERITIES,
  SEVERITY_RANK,
  type Severity,
} from '@podnet-guard/core';
import { parse as parseYaml } from 'yaml';
import { EXIT, type ExitCode, ExitError } from './exit-codes.ts';
import type { CommandIO } from './io.ts';
import { type OutputFormat, parseFormat } from './options.ts';

export { type OutputFormat, parseFormat } from './options.ts';

export function parseFailOn(value: string | undefined): Severity | undefined {
  if (value === undefined) return undefined;
  if ((SEVERITIES as readonly string[]).includes(value)) return value as Severity;
  throw new ExitError(EXIT.usage, `--fail-on must be one of ${SEVERITIES.join(', ')}, not ${JSON.stringify(value)}`);
}

/** `--detector` values, each a known detector id. */
export function parseDetectors(values: string[] | undefined): DetectorId[] | undefined {
  if (!values) return undefined;
  for (const value of values) {
    if (!(DETECTOR_IDS as readonly string[]).includes(value))
      throw new ExitError(EXIT.usage, `unknown detector ${JSON.stringify(value)} (known: ${DETECTOR_IDS.join(', ')})`);
  }
  return values as DetectorId[];
}

/** How the judging commands (scan, evaluate-event, report) write what they found. */
export interface OutputOptions {
  format: OutputFormat;
  failOn: Severity | undefined;
  verbose: boolean | undefined;
}

/** `--format`, `--fail-on` and `--verbose`, checked (a command without `--format` writes text). */
export function parseOutputOptions(values: {
  format?: string | undefined;
  'fail-on'?: string | undefined;
  verbose?: boolean | undefined;
}): OutputOptions {
  return { format: parseFormat(values.format), failOn: parseFailOn(values['fail-on']), verbose: values.verbose };
}

/** What a judging command evaluates with: the `--config` file loaded, and its `--detector` and `--cluster` filters. */
export async function loadEvaluateOptions(
  values: { config?: string | undefined; cluster?: string[] | undefined },
  detectors: DetectorId[] | undefined,
  io: CommandIO,
): Promise<EvaluateOptions> {
  const config = await loadConfigFile(values.config, io);
  return {
    config,
    ...(detectors ? { detectors } : {}),
    ...(values.cluster ? { clusters: values.cluster } : {}),
  };
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
    // V8's message quotes the input: escaped, so the file's bytes cannot drive the terminal or forge a line.
    throw new ExitError(EXIT.usage, `${what} is not valid JSON: ${escapePlainText((cause as Error).message)}`, {
      cause,
    });
  }
}

/** Loads a snapshot file (AWS API response shapes, see docs/architecture.md) into the inventory. */
export async function loadSnapshotFile(path: string, io: CommandIO): Promise<Inventory> {
  const raw = parseJson(await readInput(path, io), `snapshot ${path}`);
  // `{}` or an event file would otherwise scan as an empty account and pass CI on nothing.
  assertSnapshotFile(raw, { path });
  const data = loadSnapshot(raw, { path });
  await loadYamlParserFor(data);
  return buildInventory(data);
}

/** Reads the config file (JSON or YAML); defaults when none is given. */
export async function loadConfigFile(path: string | undefined, io: CommandIO): Promise<GuardConfig> {
  if (path === undefined) return loadGuardConfig({});
  const text = await readInput(path, io);
  let document: unknown;
  try {
    document = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (cause) {
    // YAML's message ends with a frame of the file's lines: the first line says what and where.
    const reason = escapePlainText((cause as Error).message.split('\n')[0] ?? '');
    throw new ExitError(EXIT.usage, `config ${path} cannot be parsed: ${reason}`, { cause });
  }
  return loadGuardConfig(document ?? {});
}

/**
 * Writes findings as `{"findings": [...]}` JSON (exact) or text (summary first, sorted compact blocks, `verbose` adds
 * evidence and links), and returns the exit code `--fail-on` asks for.
 */
export function writeResult(
  result: EvaluationResult & { extra?: Record<string, unknown> },
  options: { format: OutputFormat; failOn: Severity | undefined; verbose?: boolean | undefined },
  io: CommandIO,
): ExitCode {
  const { findings } = result;
  if (options.format === 'json') {
    io.stdout(
      `${JSON.stringify(
        {
          findings,
          summary: summarize(findings, result),
          ...(result.notJudged.length ? { notJudged: result.notJudged } : {}),
          ...(result.extra ?? {}),
        },
        null,
        2,
      )}\n`,
    );
  } else {
    io.stdout(
      renderReportText(
        {
          findings,
          notJudged: result.notJudged,
          ...(result.disabledRules?.length ? { disabledRules: result.disabledRules } : {}),
        },
        { verbose: options.verbose === true },
      ),
    );
  }
  return failOnExit(findings, options.failOn, io);
}

/**
 * The exit code `--fail-on` asks for; when it fails, says why on stderr in one line, e.g.
 * `--fail-on high: 3 open findings reached high or above (1 critical, 2 high)`.
 */
export function failOnExit(findings: readonly Finding[], failOn: Severity | undefined, io: CommandIO): ExitCode {
  if (!failOn || !reachesFailOn(findings, failOn)) return EXIT.ok;
  const reached = findings.filter((f) => f.status === 'open' && SEVERITY_RANK[f.severity] >= SEVERITY_RANK[failOn]);
  const bySeverity = SEVERITIES.map((severity) => [severity, reached.filter((f) => f.severity === severity).length])
    .filter(([, count]) => count)
    .map(([severity, count]) => `${count} ${severity}`);
  const noun = reached.length === 1 ? 'open finding' : 'open findings';
  const verb = failOn === 'info' ? `reached ${failOn}` : `reached ${failOn} or above`;
  io.stderr(`--fail-on ${failOn}: ${reached.length} ${noun} ${verb} (${bySeverity.join(', ')})\n`);
  return EXIT.failOn;
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
export function reachesFailOn(findings: readonly Finding[], failOn: Severity | undefined): boolean {
  if (!failOn) return false;
  return findings.some((f) => f.status === 'open' && SEVERITY_RANK[f.severity] >= SEVERITY_RANK[failOn]);
}
