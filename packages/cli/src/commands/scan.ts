/**
 * `podnet-guard scan`: judges existing state (open rules on node SGs, grants to data stores, trunk and IP capacity) in
 * a snapshot file, in the live account (every `--region`), or through the deployed API (`--api`).
 */
import { DETECTOR_IDS } from '@podnet-guard/core';
import { scanViaApi } from '../api-client.ts';
import type { Command } from '../cli.ts';
import { loadEvaluateOptions, parseDetectors, parseOutputOptions, writeResult } from '../common.ts';
import type { LiveDeps } from '../live.ts';
import { parseOptions } from '../options.ts';
import { scanFromSource } from '../scan-source.ts';

const USAGE = `usage: podnet-guard scan [--snapshot <file|-> | --region <region>... | --api <url>] [options]

Without --snapshot or --api the live account is read (read-only calls) through the standard AWS chain
(AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL*).

options:
  --snapshot <file|->    inventory snapshot (AWS API response shapes; see README)
  --region <region>      live scan of this region (repeatable; default: AWS_REGION or the profile's region)
  --api <url>            ask the deployed service instead (https, SigV4-signed with your AWS credentials; http
                         only on a loopback host such as npm start's, unsigned without credentials)
  --config <file>        config file (JSON or YAML): allow-list, thresholds
  --cluster <name>       only findings for this cluster (repeatable)
  --detector <id>        only this detector (repeatable): ${DETECTOR_IDS.join(', ')}
  --format json|text     output format (default text)
  --verbose              text output: add each finding's evidence (event or state, details, nodes, resources) and links
  --fail-on <severity>   exit 1 when an open finding reaches this severity`;

/** Builds the `scan` command; tests pass fake live dependencies (AWS clients, loader). */
export function createScanCommand(overrides: Partial<LiveDeps> = {}): Command {
  return {
    summary: 'Scan an account inventory for exposures that exist now.',
    usage: USAGE,
    // One source of state; the deployed API judges with its own config (GUARD_CONFIG).
    exclusive: [
      ['snapshot', 'region', 'api'],
      ['api', 'config'],
    ],
    async run(argv, io) {
      const values = parseOptions(argv, {
        snapshot: { type: 'string' },
        config: { type: 'string' },
        cluster: { type: 'string', multiple: true },
        detector: { type: 'string', multiple: true },
        format: { type: 'string' },
        verbose: { type: 'boolean' },
        'fail-on': { type: 'string' },
        region: { type: 'string', multiple: true },
        api: { type: 'string' },
      });
      const output = parseOutputOptions(values);
      const detectors = parseDetectors(values.detector);
      if (values.api) return scanViaApi(values.api, { clusters: values.cluster, detectors, ...output }, io);
      const options = await loadEvaluateOptions(values, detectors, io);
      const { result } = await scanFromSource(values, options, overrides, io);
      return writeResult(result, output, io);
    },
  };
}

/** The registered `scan` command, over the real AWS clients. */
export const scanCommand: Command = createScanCommand();
