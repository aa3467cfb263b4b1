/**
 * `@podnet-guard/report`: findings and an inventory as one self-contained HTML page (inline SVG, one inline script and
 * stylesheet admitted by hash, no network). Pure: no AWS SDK, no file system; the CLI writes the string to a file and a
 * server can send it as is.
 */
import { createHash } from 'node:crypto';
import { type EvaluationResult, type Finding, type GuardConfig, type Inventory, SEVERITIES } from '@podnet-guard/core';
import { SCRIPT, STYLE } from './assets.ts';
import { renderCapacitySvg, renderHeadroomSvg } from './bars-svg.ts';
import { capacityBarsOf, subnetBarsOf } from './capacity-model.ts';
import { buildExposureGraph } from './exposure-model.ts';
import { renderExposureSvg } from './exposure-svg.ts';
import { renderFindingsSection } from './findings-html.ts';
import { attr, text } from './svg.ts';

export { type CapacityBar, capacityBarsOf, type SubnetBar, subnetBarsOf } from './capacity-model.ts';
export { buildExposureGraph, type ExposureGraph, type GraphEdge, type GraphNode } from './exposure-model.ts';

/** What {@link renderReport} draws. */
export interface ReportInput {
  /** The findings to list, as `scanInventory` returns them (every status). */
  findings: readonly Finding[];
  /** The inventory the findings were judged on; one per region for a multi-region scan. */
  inventory: Inventory | readonly Inventory[];
  /** The config the scan ran with (thresholds are shown next to the pictures). */
  config: GuardConfig;
  /** When the data was read: shown in the header, so a saved report says how old it is. */
  generatedAt: Date | string;
  /** Findings the allow-list suppressed and detectors that could not judge, from the scan result. */
  suppressed?: number;
  notJudged?: EvaluationResult['notJudged'];
  /** Only these clusters get a section (the CLI's `--cluster`); default: every cluster of the inventories. */
  clusters?: readonly string[];
  /** Page title; default `podnet-guard report`. */
  title?: string;
}

function sha256(content: string): string {
  return `'sha256-${createHash('sha256').update(content, 'utf8').digest('base64')}'`;
}

/**
 * The Content-Security-Policy of the report: nothing may load from anywhere, and only the report's own inline script
 * and stylesheet run (admitted by their SHA-256 hashes, not `'unsafe-inline'`). The page carries it in a `<meta>` tag; a
 * server that sends the report can also send it as a header (where `frame-ancestors` works too).
 *
 * @example
 * reportContentSecurityPolicy(); // "default-src 'none'; script-src 'sha256-…'; style-src 'sha256-…'; …"
 */
export function reportContentSecurityPolicy(): string {
  return [
    "default-src 'none'",
    `script-src ${sha256(SCRIPT)}`,
    `style-src ${sha256(STYLE)}`,
    "img-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

interface ClusterView {
  inventory: Inventory;
  name: string;
}

function clustersOf(inventories: readonly Inventory[]): ClusterView[] {
  return inventories.flatMap((inventory) => {
    const names = new Set([
      ...inventory.clusters.map((cluster) => cluster.name),
      ...inventory.nodeGroups.map((group) => group.clusterName),
      ...inventory.nodes().map((node) => node.cluster),
    ]);
    return [...names].sort().map((name) => ({ inventory, name }));
  });
}

const EXPOSURE_LEGEND =
  '<p class="legend"><span><i class="l-danger"></i>dangerous edge: an open finding of medium severity or worse</span>' +
  '<span>public sources on the left, nodes and their pod IPs on the right; SGs that admit a node SG sit under the node groups</span></p>';
const HEADROOM_LEGEND =
  '<p class="legend"><span><i class="l-used"></i>used</span><span><i class="l-reserved"></i>CIDR reservations</span>' +
  '<span><i class="l-free"></i>free</span><span><i class="l-needed"></i>needed at node group max size</span>' +
  '<span><i class="l-short"></i>needed beyond what is free</span></p>';
const CAPACITY_LEGEND =
  '<p class="legend"><span><i class="l-maxpods"></i>maxPods (red when above what a node holds)</span>' +
  '<span><i class="l-capacity"></i>pod IPs a node holds</span><span><i class="l-capacity-sgp"></i>with the SGP trunk taking one ENI slot</span></p>';

function clusterSection(view: ClusterView, index: number, findings: readonly Finding[], config: GuardConfig): string {
  const { inventory, name } = view;
  const own = findings.filter((finding) => finding.clusters.includes(name) && finding.region === inventory.region);
  const graph = buildExposureGraph(inventory, name, own);
  return (
    `<section class="cluster" id="cluster-${index}" data-cluster="${attr(name)}" data-region="${attr(inventory.region)}">` +
    `<h2>Cluster ${text(name)} <small>${text(inventory.region)} · account ${text(inventory.account)}</small></h2>` +
    `<h3>What each node security group exposes</h3>${EXPOSURE_LEGEND}<div class="picture">${renderExposureSvg(graph, name, index)}</div>` +
    `<h3>Subnet headroom</h3><p class="legend"><span>each bar is one subnet's usable addresses; below ${config.subnetHeadroomPercent} % free is reported</span></p>${HEADROOM_LEGEND}` +
    `<div class="picture">${renderHeadroomSvg(subnetBarsOf(inventory, name), name)}</div>` +
    `<h3>maxPods against IP capacity</h3>${CAPACITY_LEGEND}` +
    `<div class="picture">${renderCapacitySvg(capacityBarsOf(inventory, name), name)}</div></section>`
  );
}

/**
 * Renders the whole report as one HTML document: a header with counts, the findings table (sortable, filterable, each
 * row opening its detail), and per cluster the exposure picture, subnet headroom and maxPods against IP capacity.
 * Every piece of account text is escaped with core's `escapeHtml`; the page loads nothing from the network.
 *
 * @example
 * const result = scanInventory(inventory, { config });
 * const html = renderReport({ findings: result.findings, inventory, config, generatedAt: new Date() });
 * // writeFile('report.html', html) — or serve it with the header reportContentSecurityPolicy()
 */
export function renderReport(input: ReportInput): string {
  const inventories: readonly Inventory[] = Array.isArray(input.inventory)
    ? (input.inventory as readonly Inventory[])
    : [input.inventory as Inventory];
  const generatedAt = typeof input.generatedAt === 'string' ? input.generatedAt : input.generatedAt.toISOString();
  const title = input.title ?? 'podnet-guard report';
  const open = input.findings.filter((finding) => finding.status === 'open');
  const counts = SEVERITIES.map((severity) => ({ severity, count: open.filter((f) => f.severity === severity).length }))
    .filter(({ count }) => count > 0)
    .map(({ severity, count }) => `<span class="sev sev-${severity}">${count} ${severity}</span>`)
    .join('');
  const where = inventories.map((inventory) => `${inventory.account} · ${inventory.region}`).join(', ');
  const clusters = clustersOf(inventories).filter((view) => !input.clusters || input.clusters.includes(view.name));
  const nav = clusters.map((view, index) => `<a href="#cluster-${index}">${text(view.name)}</a>`).join('');
  const notJudged = (input.notJudged ?? [])
    .map((entry) =>
      entry.detector !== undefined && entry.missing?.length
        ? `<li>${text(entry.detector)}: missing ${text(entry.missing.join(', '))} (unknown, not "none")</li>`
        : `<li>${text([entry.eventName, entry.eventId].filter(Boolean).join(' ') || 'not judged')}: ${text(entry.reason)}</li>`,
    )
    .join('');
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${attr(reportContentSecurityPolicy())}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${text(title)}</title><style>${STYLE}</style></head><body>`,
    `<header class="page"><h1>${text(title)}</h1><p>${text(where || 'no inventory')} · generated ${text(generatedAt)}</p>`,
    `<p class="counts">${open.length} open finding(s) ${counts}${input.suppressed ? ` · ${input.suppressed} suppressed by the allow-list` : ''}</p>`,
    `<nav><a href="#findings-section">Findings</a>${nav}</nav></header><main>`,
    `<section id="findings-section"><h2>Findings</h2>${renderFindingsSection(input.findings)}`,
    notJudged ? `<p>Not judged:</p><ul class="not-judged">${notJudged}</ul>` : '',
    '</section>',
    ...clusters.map((view, index) => clusterSection(view, index, input.findings, input.config)),
    `</main><script>${SCRIPT}</script></body></html>`,
    '',
  ].join('\n');
}
