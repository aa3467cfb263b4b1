/**
 * Where `scan` and `report` get their findings: a snapshot file, or the live account read region by region (each
 * region judged alone, the findings put together). Returns the inventories too, which `report` draws.
 */
import {
  buildInventory,
  type EvaluateOptions,
  type EvaluationResult,
  type Inventory,
  loadSnapshot,
  scanInventory,
} from '@podnet-guard/core';
import { loadSnapshotFile } from './common.ts';
import { EXIT, ExitError } from './exit-codes.ts';
import type { CommandIO } from './io.ts';
import { type LiveDeps, parseRegions, readRegion, resolveLiveDeps, resolveRegions } from './live.ts';

export interface ScanSource {
  result: EvaluationResult;
  /** One per region read (one for a snapshot). */
  inventories: Inventory[];
}

/** Scans `--snapshot` or, without it, every `--region` of the live account (default: the standard chain's region). */
export async function scanFromSource(
  source: { snapshot?: string | undefined; region?: string[] | undefined; cluster?: string[] | undefined },
  options: EvaluateOptions,
  overrides: Partial<LiveDeps>,
  io: CommandIO,
): Promise<ScanSource> {
  if (source.snapshot && source.region) throw new ExitError(EXIT.usage, 'give --snapshot or --region, not both');
  if (source.snapshot) {
    const inventory = await loadSnapshotFile(source.snapshot, io);
    return { result: scanInventory(inventory, options), inventories: [inventory] };
  }
  const explicit = parseRegions(source.region);
  const deps = await resolveLiveDeps(overrides);
  const combined: EvaluationResult = { findings: [], suppressed: 0, notJudged: [] };
  const inventories: Inventory[] = [];
  for (const region of await resolveRegions(explicit, deps, io)) {
    const loaded = await readRegion(deps, region, { clusters: source.cluster }, io);
    const inventory = buildInventory(loadSnapshot(loaded.snapshot));
    inventories.push(inventory);
    const result = scanInventory(inventory, options);
    combined.findings.push(...result.findings);
    combined.suppressed += result.suppressed;
    for (const entry of result.notJudged)
      if (!combined.notJudged.some((known) => known.detector === entry.detector)) combined.notJudged.push(entry);
  }
  return { result: combined, inventories };
}
