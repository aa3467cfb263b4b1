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
  loadYamlParserFor,
  mergeNotJudged,
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
    if (inventory.knows('DescribeCluster'))
      checkClusters(
        source.cluster,
        inventory.clusters.map((cluster) => cluster.name),
        `snapshot ${source.snapshot}`,
      );
    return { result: scanInventory(inventory, options), inventories: [inventory] };
  }
  const explicit = parseRegions(source.region);
  const deps = await resolveLiveDeps(overrides);
  const combined: EvaluationResult = { findings: [], suppressed: 0, notJudged: [] };
  if (options.config?.disabledRules.length) combined.disabledRules = options.config.disabledRules;
  const inventories: Inventory[] = [];
  const regions = await resolveRegions(explicit, deps, io);
  for (const region of regions) {
    const loaded = await readRegion(deps, region, { clusters: source.cluster }, io);
    const data = loadSnapshot(loaded.snapshot);
    await loadYamlParserFor(data);
    const inventory = buildInventory(data);
    inventories.push(inventory);
    const result = scanInventory(inventory, options);
    combined.findings.push(...result.findings);
    combined.suppressed += result.suppressed;
    mergeNotJudged(combined.notJudged, result.notJudged);
  }
  checkClusters(
    source.cluster,
    inventories.flatMap((inventory) => inventory.clusters.map((cluster) => cluster.name)),
    `region ${regions.join(', ')}`,
  );
  return { result: combined, inventories };
}

/** A `--cluster` naming no cluster would scan nothing and pass: exit 2 naming the clusters there are. */
function checkClusters(wanted: string[] | undefined, known: string[], where: string): void {
  const unknown = (wanted ?? []).filter((name) => !known.includes(name));
  if (unknown.length === 0) return;
  throw new ExitError(
    EXIT.usage,
    `--cluster ${unknown.map((name) => JSON.stringify(name)).join(', ')}: no such cluster in ${where} (clusters: ${known.length ? known.join(', ') : 'none'})`,
  );
}
