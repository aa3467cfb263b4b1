/**
 * `podnet-guard evaluate-event`: what one CloudTrail event (or every record of a file) exposes, judged against a
 * snapshot. Takes an EventBridge envelope, a bare record, a CloudTrail log file or `aws cloudtrail lookup-events` output.
 */
import { parseArgs } from 'node:util';
import {
  type EvaluationResult,
  evaluateEvent,
  extractCloudTrailRecords,
  parseCloudTrailEvent,
} from '@podnet-guard/core';
import type { Command } from '../cli.ts';
import {
  loadConfigFile,
  loadSnapshotFile,
  parseFailOn,
  parseFormat,
  parseJson,
  readInput,
  writeResult,
} from '../common.ts';
import { EXIT, ExitError } from '../exit-codes.ts';
import { parseDetectors } from './scan.ts';

const USAGE = `usage: podnet-guard evaluate-event <file|-> --snapshot <file> [options]

<file|-> holds an EventBridge event, a CloudTrail record, a CloudTrail log file ({"Records": [...]})
or the output of \`aws cloudtrail lookup-events\`; every record in it is evaluated.

options:
  --snapshot <file>      inventory snapshot the events are judged against (required)
  --config <file>        config file (JSON or YAML): allow-list, own principals, thresholds
  --detector <id>        only this detector (repeatable)
  --format json|text     output format (default text)
  --fail-on <severity>   exit 1 when an open finding reaches this severity`;

export const evaluateEventCommand: Command = {
  summary: 'Evaluate CloudTrail events against an inventory snapshot.',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        snapshot: { type: 'string' },
        config: { type: 'string' },
        detector: { type: 'string', multiple: true },
        format: { type: 'string' },
        'fail-on': { type: 'string' },
      },
    });
    const format = parseFormat(values.format);
    const failOn = parseFailOn(values['fail-on']);
    const detectors = parseDetectors(values.detector);
    if (positionals.length !== 1)
      throw new ExitError(EXIT.usage, 'give exactly one event file (or - for standard input)');
    if (!values.snapshot) throw new ExitError(EXIT.usage, 'give --snapshot <file>');
    const [path] = positionals as [string];
    const config = await loadConfigFile(values.config, io);
    const raw = parseJson(await readInput(path, io), `event file ${path}`);
    const extracted = extractCloudTrailRecords(raw);
    if ('error' in extracted) throw new ExitError(EXIT.usage, `event file ${path}: ${extracted.error.message}`);
    const inventory = await loadSnapshotFile(values.snapshot, io);

    const combined: EvaluationResult = { findings: [], suppressed: 0, notJudged: [] };
    if (config.disabledRules.length) combined.disabledRules = config.disabledRules;
    const rejected: { index: number; eventName?: string; reason: string }[] = [];
    const skipped: string[] = [];
    for (const [index, record] of extracted.records.entries()) {
      const parsed = parseCloudTrailEvent(record);
      if (!parsed.ok) {
        rejected.push({
          index,
          ...(parsed.error.eventName ? { eventName: parsed.error.eventName } : {}),
          reason: parsed.error.message,
        });
        continue;
      }
      const result = evaluateEvent(parsed.event, inventory, { config, ...(detectors ? { detectors } : {}) });
      combined.findings.push(...result.findings);
      combined.suppressed += result.suppressed;
      if (result.skipped) skipped.push(`${parsed.event.eventName} ${parsed.event.eventId}: ${result.skipped}`);
      for (const entry of result.notJudged) {
        if (!combined.notJudged.some((known) => known.detector === entry.detector)) combined.notJudged.push(entry);
      }
    }
    for (const entry of rejected)
      io.stderr(
        `record ${entry.index}${entry.eventName ? ` (${entry.eventName})` : ''} not evaluated: ${entry.reason}\n`,
      );
    // A single event that is not usable is bad input; in a log file, other records may still be evaluated.
    if (extracted.records.length === rejected.length && rejected.length > 0) {
      throw new ExitError(EXIT.usage, `no record in ${path} could be evaluated`);
    }
    if (skipped.length) combined.skipped = skipped.join('; ');
    return writeResult({ ...combined, extra: { records: extracted.records.length, rejected } }, { format, failOn }, io);
  },
};
