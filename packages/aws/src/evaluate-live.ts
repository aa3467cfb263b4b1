/**
 * A full evaluation of the live account, as the re-evaluation API and the sweep run it: load each region's full
 * inventory, scan it, resolve the open findings the scan no longer shows, record the transitions and deliver them.
 *
 * The scan is the whole truth only for the rules a scan can produce (`Detector.scanRules`): an event-only finding (a
 * failed trunk create, an egress widening) is never resolved because a scan lacks it. A finding seen within
 * `resolveGraceSeconds` is kept too: live state may lag the event that opened it by minutes.
 */
import {
  detectors as allDetectors,
  buildInventory,
  type Detector,
  type DetectorId,
  type EvaluationResult,
  type Finding,
  type FindingStatus,
  type FindingStore,
  type GuardConfig,
  loadSnapshot,
  loadYamlParserFor,
  publicFinding,
  type RecordedTransition,
  type StoredFinding,
  scanInventory,
} from '@podnet-guard/core';
import type { ClientSet } from './clients.ts';
import { type DeliveryTargets, recordAndDeliver } from './deliver.ts';
import { totalCalls } from './inventory/reader.ts';
import { type InventorySource, liveInventorySource } from './inventory-source.ts';

/** Open findings seen this recently are not resolved by a scan that lacks them (seconds). */
export const DEFAULT_RESOLVE_GRACE_SECONDS = 900;

/**
 * Options of `evaluateLive`. The account is read through `clientsFor` (the AWS API) or through another
 * `inventorySource` (the local service's snapshot file).
 */
export type LiveEvaluationOptions = LiveEvaluationBase &
  (
    | { clientsFor: (region: string) => ClientSet; inventorySource?: undefined }
    | { inventorySource: InventorySource; clientsFor?: undefined }
  );

/** What every evaluation takes, wherever it reads the account. */
export interface LiveEvaluationBase {
  regions: readonly string[];
  /** Only these EKS clusters (findings naming no cluster are kept). */
  clusters?: readonly string[] | undefined;
  detectors?: readonly DetectorId[] | undefined;
  config: GuardConfig;
  store: FindingStore;
  targets: DeliveryTargets;
  /** ISO time of the evaluation. */
  now: string;
  /** See `DEFAULT_RESOLVE_GRACE_SECONDS`. */
  resolveGraceSeconds?: number;
  /** The detector registry (tests pass their own). */
  detectorList?: readonly Detector[];
  /** Wall clock for `durationMs`. */
  clock?: () => number;
}

/** What a live evaluation did. */
export interface LiveEvaluation {
  /** The scan's findings (open or allow-listed) and the findings it resolved (status `resolved`). */
  findings: Finding[];
  /** Findings an allow-list entry matched. */
  suppressed: number;
  notJudged: EvaluationResult['notJudged'];
  /** Rules the config switched off (`disabledRules`), when any. */
  disabledRules?: string[];
  /** Published transitions (already delivered). */
  transitions: RecordedTransition[];
  published: number;
  figures: { awsCalls: number; durationMs: number; regions: string[] };
  /** Things the loader skipped (a named cluster absent, a deleted launch template); never secrets. */
  warnings: string[];
}

/** Statuses of findings still in force: open, or allow-listed (a resolution of those is recorded but not told). */
const ACTIVE_STATUSES: readonly FindingStatus[] = ['open', 'suppressed'];
const QUERY_PAGE = 100;

/**
 * Evaluates the live account now and delivers what changed.
 *
 * @example
 * ```ts
 * const result = await evaluateLive({ clientsFor, regions: ['eu-west-1'], config, store, targets, now });
 * result.figures; // { awsCalls: 23, durationMs: 2140, regions: ['eu-west-1'] }
 * ```
 */
export async function evaluateLive(options: LiveEvaluationOptions): Promise<LiveEvaluation> {
  const clock = options.clock ?? Date.now;
  const started = clock();
  const registry = options.detectorList ?? allDetectors;
  const chosen = registry.filter((detector) => !options.detectors || options.detectors.includes(detector.id));
  const findings: Finding[] = [];
  const notJudged: EvaluationResult['notJudged'] = [];
  const warnings: string[] = [];
  let suppressed = 0;
  let awsCalls = 0;

  const source = options.inventorySource ?? liveInventorySource(options.clientsFor);
  for (const region of options.regions) {
    const loaded = await source.load(region, options.clusters?.length ? { clusters: [...options.clusters] } : {});
    awsCalls += totalCalls(loaded.calls);
    warnings.push(...loaded.warnings);
    const data = loadSnapshot(loaded.snapshot);
    await loadYamlParserFor(data);
    const inventory = buildInventory(data);
    const scan = scanInventory(inventory, {
      config: options.config,
      now: options.now,
      detectors: chosen.map((detector) => detector.id),
      ...(options.clusters?.length ? { clusters: options.clusters } : {}),
    });
    findings.push(...scan.findings);
    suppressed += scan.suppressed;
    notJudged.push(...scan.notJudged);
    const unjudged = new Set(scan.notJudged.map((entry) => entry.detector));
    const judged = chosen.filter((detector) => !unjudged.has(detector.id) && (detector.scanRules?.length ?? 0) > 0);
    const resolved = await staleFindings(options, judged, {
      region,
      account: inventory.account,
      seen: new Set(scan.findings.map((finding) => finding.id)),
    });
    findings.push(...resolved);
  }

  const delivery = await recordAndDeliver(findings, options.store, options.targets, { now: options.now });
  return {
    findings,
    suppressed,
    notJudged,
    ...(options.config.disabledRules.length ? { disabledRules: [...options.config.disabledRules] } : {}),
    transitions: delivery.transitions,
    published: delivery.published,
    figures: { awsCalls, durationMs: Math.max(0, clock() - started), regions: [...options.regions] },
    warnings,
  };
}

/** Stored findings in force that this region's scan should have reported and did not: their `resolved` version. */
async function staleFindings(
  options: LiveEvaluationOptions,
  judged: readonly Detector[],
  scope: { region: string; account: string; seen: Set<string> },
): Promise<Finding[]> {
  const graceMs = (options.resolveGraceSeconds ?? DEFAULT_RESOLVE_GRACE_SECONDS) * 1000;
  const cutoff = Date.parse(options.now) - graceMs;
  const wantedClusters = options.clusters?.length ? new Set(options.clusters) : undefined;
  const out: Finding[] = [];
  for (const detector of judged) {
    // A rule switched off (disabledRules) is not judged: its stored findings are not resolved by its silence.
    const rules = new Set(detector.scanRules?.filter((rule) => !options.config.disabledRules.includes(rule)));
    for (const status of ACTIVE_STATUSES) {
      for await (const stored of queryAll(options.store, { status, detector: detector.id })) {
        if (stored.region !== scope.region || scope.seen.has(stored.id) || !rules.has(stored.rule)) continue;
        // An account-less inventory (no instance, no SG) cannot say whose findings these are.
        if (!scope.account || stored.account !== scope.account) continue;
        if (wantedClusters && stored.clusters.length > 0 && !stored.clusters.some((c) => wantedClusters.has(c)))
          continue;
        if (Date.parse(stored.lastSeen) > cutoff) continue;
        out.push(resolutionOf(stored, options.now));
      }
    }
  }
  return out;
}

async function* queryAll(
  store: FindingStore,
  query: { status: FindingStatus; detector: DetectorId },
): AsyncGenerator<StoredFinding> {
  let cursor: string | undefined;
  do {
    const page = await store.query({ ...query, limit: QUERY_PAGE, ...(cursor ? { cursor } : {}) });
    yield* page.items;
    cursor = page.cursor;
  } while (cursor);
}

function resolutionOf(stored: StoredFinding, now: string): Finding {
  return {
    ...publicFinding(stored),
    status: 'resolved',
    lastSeen: now,
    evidence: { state: `a full evaluation at ${now} no longer shows it` },
  };
}
