/**
 * `podnet-guard evaluate-event`: what one CloudTrail event (or every record of a file) exposes, judged against a
 * snapshot. Takes an EventBridge envelope, a bare record, a CloudTrail log file or `aws cloudtrail lookup-events` output.
 */
import {
  type CloudTrailEvent,
  EventParseError,
  type ExtractedRecords,
  escapePlainText,
  evaluateEvents,
  extractCloudTrailRecords,
  mergeNotJudged,
  type NotJudged,
  parseCloudTrailEvent,
} from '@podnet-guard/core';
import type { Command } from '../cli.ts';
import {
  loadEvaluateOptions,
  loadSnapshotFile,
  parseDetectors,
  parseJson,
  parseOutputOptions,
  readInput,
  writeResult,
} from '../common.ts';
import { EXIT, ExitError } from '../exit-codes.ts';
import { parseOptionsAndOperands } from '../options.ts';

const USAGE = `usage: podnet-guard evaluate-event <file|-> --snapshot <file> [options]

<file|-> holds an EventBridge event, a CloudTrail record, a CloudTrail log file ({"Records": [...]})
or the output of \`aws cloudtrail lookup-events\`. Records are evaluated in eventTime order and each finding is
printed once, in its final state; records that cannot be judged are listed as "not judged" with the reason.

options:
  --snapshot <file>      inventory snapshot the events are judged against (required)
  --config <file>        config file (JSON or YAML): allow-list, own principals, thresholds
  --detector <id>        only this detector (repeatable)
  --format json|text     output format (default text)
  --verbose              text output: add each finding's evidence (event, details, nodes, resources) and links
  --fail-on <severity>   exit 1 when an open finding reaches this severity`;

export const evaluateEventCommand: Command = {
  summary: 'Evaluate CloudTrail events against an inventory snapshot.',
  usage: USAGE,
  // Judged against a snapshot file: no AWS call, so never exit 3.
  exitCodes: [EXIT.ok, EXIT.failOn, EXIT.usage],
  async run(argv, io) {
    const { values, positionals } = parseOptionsAndOperands(argv, {
      snapshot: { type: 'string' },
      config: { type: 'string' },
      detector: { type: 'string', multiple: true },
      format: { type: 'string' },
      verbose: { type: 'boolean' },
      'fail-on': { type: 'string' },
    });
    const output = parseOutputOptions(values);
    const detectors = parseDetectors(values.detector);
    if (positionals.length !== 1)
      throw new ExitError(EXIT.usage, 'give exactly one event file (or - for standard input)');
    if (!values.snapshot) throw new ExitError(EXIT.usage, 'give --snapshot <file>');
    const [path] = positionals as [string];
    const options = await loadEvaluateOptions(values, detectors, io);
    const raw = parseJson(await readInput(path, io), `event file ${path}`);
    const extracted = extractCloudTrailRecords(raw);
    if ('error' in extracted)
      throw new ExitError(EXIT.usage, `event file ${path}: ${escapePlainText(extracted.error.message)}`);
    const inventory = await loadSnapshotFile(values.snapshot, io);

    const { events, notJudged, malformed } = parseRecords(extracted);
    // Nothing usable at all is bad input; in a log file, the other records are still evaluated.
    if (events.length === 0 && malformed === notJudged.length) {
      for (const entry of notJudged) io.stderr(`not evaluated: ${escapePlainText(entry.reason)}\n`);
      const none = extracted.records.length + extracted.unreadable.length === 0;
      throw new ExitError(
        EXIT.usage,
        `${none ? 'no CloudTrail record' : 'no record that could be evaluated'} in ${path}`,
      );
    }
    const result = evaluateEvents(events, inventory, options);
    const records = extracted.records.length + extracted.unreadable.length;
    // A record repeated in the file (the same eventId) is listed once, as its findings are.
    const all: NotJudged[] = [];
    mergeNotJudged(all, notJudged);
    mergeNotJudged(all, result.notJudged);
    return writeResult({ ...result, notJudged: all, extra: { records } }, output, io);
  },
};

/**
 * Parses every record: events to evaluate, and a not-judged entry with its reason for each record that is malformed
 * (counted in `malformed`) or that podnet-guard does not judge (an attribute change it ignores, another service).
 */
function parseRecords(extracted: ExtractedRecords): {
  events: CloudTrailEvent[];
  notJudged: NotJudged[];
  malformed: number;
} {
  const events: CloudTrailEvent[] = [];
  const notJudged: NotJudged[] = extracted.unreadable.map((entry) => ({
    ...(entry.eventId === undefined ? {} : { eventId: entry.eventId }),
    ...(entry.eventName === undefined ? {} : { eventName: entry.eventName }),
    reason: entry.reason,
  }));
  let malformed = notJudged.length;
  for (const [index, record] of extracted.records.entries()) {
    const parsed = parseCloudTrailEvent(record);
    if (parsed.ok) {
      events.push(parsed.event);
      continue;
    }
    const { error } = parsed;
    if (error instanceof EventParseError) malformed += 1;
    notJudged.push({
      ...(error.eventId === undefined ? {} : { eventId: error.eventId }),
      ...(error.eventName === undefined ? {} : { eventName: error.eventName }),
      reason: error.eventId === undefined ? `record ${index}: ${error.message}` : error.message,
    });
  }
  return { events, notJudged, malformed };
}
