/**
 * `podnet-guard scan`: judges existing state (open rules on node SGs, grants to data stores, trunk and IP capacity) in
 * a snapshot file, in the live account (every `--region`), or through the deployed API (`--api`).
 */
import { parseArgs } from 'node:util';
import {
  buildInventory,
  DETECTOR_IDS,
  type DetectorId,
  type EvaluationResult,
  loadSnapshot,
  scanInventory,
} from '@podnet-guard/core';
import { scanViaApi } from '../api-client.ts';
import type { Command } from '../cli.ts';
import { loadConfigFile, loadSnapshotFile, parseFailOn, parseFormat, writeResult } from '../common.ts';
import { EXIT, ExitError } from '../exit-codes.ts';
import { type LiveDeps, parseRegions, readRegion, resolveLiveDeps, resolveRegions } from '../live.ts';

const USAGE = `usage: podnet-guard scan [--snapshot <file|-> | --region <region>... | --api <url>] [options]

Without --snapshot or --api the live account is read (read-only calls) through the standard AWS chain
(AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL*).

options:
  --snapshot <file|->    inventory snapshot (AWS API response shapes; see README)
  --region <region>      live scan of this region (repeatable; default: AWS_REGION or the profile's region)
  --api <url>            ask the deployed service instead (SigV4-signed with your AWS credentials)
  --config <file>        config file (JSON or YAML): allow-list, thresholds
  --cluster <name>       only findings for this cluster (repeatable)
  --detector <id>        only this detector (repeatable): ${DETECTOR_IDS.join(', ')}
  --format json|text     output format (default text)
  --fail-on <severity>   exit 1 when an open finding reaches this severity

exit codes: 0 ran, 1 --fail-on reached, 2 bad usage or input, 3 AWS could not be read`;

/** Builds the `scan` command; tests pass fake live dependencies (AWS clients, loader). */
export function createScanCommand(overrides: Partial<LiveDeps> = {}): Command {
  return {
    summary: 'Scan an account inventory for exposures that exist now.',
    usage: USAGE,
    async run(argv, io) {
      const { values } = parseArgs({
        args: argv,
        strict: true,
        allowPositionals: false,
        options: {
          snapshot: { type: 'string' },
          config: { type: 'string' },
          cluster: { type: 'string', multiple: true },
          detector: { type: 'string', multiple: true },
          format: { type: 'string' },
          'fail-on': { type: 'string' },
          region: { type: 'string', multiple: true },
          api: { type: 'string' },
        },
      });
      const format = parseFormat(values.format);
      const failOn = parseFailOn(values['fail-on']);
      const detectors = parseDetectors(values.detector);
      if (values.api) return scanViaApi(values.api, { clusters: values.cluster, detectors, format, failOn }, io);
      if (values.snapshot && values.region) throw new ExitError(EXIT.usage, 'give --snapshot or --region, not both');
      const config = await loadConfigFile(values.config, io);
      const options = {
        config,
        ...(detectors ? { detectors } : {}),
        ...(values.cluster ? { clusters: values.cluster } : {}),
      };
      if (values.snapshot)
        return writeResult(scanInventory(await loadSnapshotFile(values.snapshot, io), options), { format, failOn }, io);

      // Live: each region read once, judged alone, and the findings put together.
      const explicit = parseRegions(values.region);
      const deps = await resolveLiveDeps(overrides);
      const combined: EvaluationResult = { findings: [], suppressed: 0, notJudged: [] };
      if (config.disabledRules.length) combined.disabledRules = config.disabledRules;
      for (const region of await resolveRegions(explicit, deps, io)) {
        const loaded = await readRegion(deps, region, { clusters: values.cluster }, io);
        const result = scanInventory(buildInventory(loadSnapshot(loaded.snapshot)), options);
        combined.findings.push(...result.findings);
        combined.suppressed += result.suppressed;
        for (const entry of result.notJudged)
          if (!combined.notJudged.some((known) => known.detector === entry.detector)) combined.notJudged.push(entry);
      }
      return writeResult(combined, { format, failOn }, io);
    },
  };
}

/** The registered `scan` command, over the real AWS clients. */
export const scanCommand: Command = createScanCommand();

export function parseDetectors(values: string[] | undefined): DetectorId[] | undefined {
  if (!values) return undefined;
  for (const value of values) {
    if (!(DETECTOR_IDS as readonly string[]).includes(value))
      throw new ExitError(EXIT.usage, `unknown detector ${JSON.stringify(value)} (known: ${DETECTOR_IDS.join(', ')})`);
  }
  return values as DetectorId[];
}
