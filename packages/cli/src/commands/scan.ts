/** `podnet-guard scan`: judges existing state (open rules on node SGs, grants to data stores) in a snapshot. */
import { parseArgs } from 'node:util';
import { DETECTOR_IDS, type DetectorId, scanInventory } from '@podnet-guard/core';
import { scanViaApi } from '../api-client.ts';
import type { Command } from '../cli.ts';
import { loadConfigFile, loadSnapshotFile, parseFailOn, parseFormat, writeResult } from '../common.ts';
import { EXIT, ExitError } from '../exit-codes.ts';

const USAGE = `usage: podnet-guard scan --snapshot <file|-> [options]

options:
  --snapshot <file|->    inventory snapshot (AWS API response shapes; see README)
  --api <url>            ask the deployed service instead (SigV4-signed with your AWS credentials)
  --config <file>        config file (JSON or YAML): allow-list, thresholds
  --cluster <name>       only findings for this cluster (repeatable)
  --detector <id>        only this detector (repeatable): ${DETECTOR_IDS.join(', ')}
  --format json|text     output format (default text)
  --fail-on <severity>   exit 1 when an open finding reaches this severity`;

export const scanCommand: Command = {
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
    if (!values.snapshot)
      throw new ExitError(EXIT.usage, 'give --snapshot <file> (live scans: see `podnet-guard snapshot`)');
    const config = await loadConfigFile(values.config, io);
    const inventory = await loadSnapshotFile(values.snapshot, io);
    const result = scanInventory(inventory, {
      config,
      ...(detectors ? { detectors } : {}),
      ...(values.cluster ? { clusters: values.cluster } : {}),
    });
    return writeResult(result, { format, failOn }, io);
  },
};

export function parseDetectors(values: string[] | undefined): DetectorId[] | undefined {
  if (!values) return undefined;
  for (const value of values) {
    if (!(DETECTOR_IDS as readonly string[]).includes(value))
      throw new ExitError(EXIT.usage, `unknown detector ${JSON.stringify(value)} (known: ${DETECTOR_IDS.join(', ')})`);
  }
  return values as DetectorId[];
}
