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
  mergeNotJudged,
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
      if (values.snapshot) {
        const inventory = await loadSnapshotFile(values.snapshot, io);
        if (inventory.knows('DescribeCluster'))
          checkClusters(
            values.cluster,
            inventory.clusters.map((cluster) => cluster.name),
            `snapshot ${values.snapshot}`,
          );
        return writeResult(scanInventory(inventory, options), { format, failOn }, io);
      }

      // Live: each region read once, judged alone, and the findings put together.
      const explicit = parseRegions(values.region);
      const deps = await resolveLiveDeps(overrides);
      const combined: EvaluationResult = { findings: [], suppressed: 0, notJudged: [] };
      const regions = await resolveRegions(explicit, deps, io);
      const clusters: string[] = [];
      for (const region of regions) {
        const loaded = await readRegion(deps, region, { clusters: values.cluster }, io);
        const inventory = buildInventory(loadSnapshot(loaded.snapshot));
        clusters.push(...inventory.clusters.map((cluster) => cluster.name));
        const result = scanInventory(inventory, options);
        combined.findings.push(...result.findings);
        combined.suppressed += result.suppressed;
        mergeNotJudged(combined.notJudged, result.notJudged);
      }
      checkClusters(values.cluster, clusters, `region ${regions.join(', ')}`);
      return writeResult(combined, { format, failOn }, io);
    },
  };
}

/** The registered `scan` command, over the real AWS clients. */
export const scanCommand: Command = createScanCommand();

/** A `--cluster` naming no cluster would scan nothing and pass: exit 2 naming the clusters there are. */
function checkClusters(wanted: string[] | undefined, known: string[], where: string): void {
  const unknown = (wanted ?? []).filter((name) => !known.includes(name));
  if (unknown.length === 0) return;
  throw new ExitError(
    EXIT.usage,
    `--cluster ${unknown.map((name) => JSON.stringify(name)).join(', ')}: no such cluster in ${where} (clusters: ${known.length ? known.join(', ') : 'none'})`,
  );
}

export function parseDetectors(values: string[] | undefined): DetectorId[] | undefined {
  if (!values) return undefined;
  for (const value of values) {
    if (!(DETECTOR_IDS as readonly string[]).includes(value))
      throw new ExitError(EXIT.usage, `unknown detector ${JSON.stringify(value)} (known: ${DETECTOR_IDS.join(', ')})`);
  }
  return values as DetectorId[];
}
