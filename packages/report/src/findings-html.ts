/**
 * The findings table (sortable columns, filters by severity, cluster, detector and status) and one `<dialog>` per
 * finding with its detail. Rows carry their filter values as JSON in data attributes; the page script reads them.
 */
import {
  escapeHtml,
  type Finding,
  isSafeUrl,
  SEVERITIES,
  SEVERITY_RANK,
  sgpPodsExposed,
  sgpPodsText,
} from '@podnet-guard/core';
import { attr, text } from './svg.ts';

type Column = {
  label: string;
  sort: 'number' | 'text';
  cell: (finding: Finding) => { value: string | number; html: string };
};

const COLUMNS: Column[] = [
  {
    label: 'Severity',
    sort: 'number',
    cell: (f) => ({
      value: SEVERITY_RANK[f.severity],
      html: `<span class="sev sev-${f.severity}">${text(f.severity)}</span>`,
    }),
  },
  { label: 'Status', sort: 'text', cell: (f) => ({ value: f.status, html: text(f.status) }) },
  {
    label: 'Detector / rule',
    sort: 'text',
    cell: (f) => ({ value: `${f.detector}/${f.rule}`, html: `${text(f.detector)}<br><small>${text(f.rule)}</small>` }),
  },
  { label: 'Title', sort: 'text', cell: (f) => ({ value: f.title, html: text(f.title) }) },
  {
    label: 'Clusters',
    sort: 'text',
    cell: (f) => ({ value: f.clusters.join(', '), html: text(f.clusters.join(', ')) }),
  },
  {
    label: 'Nodes',
    sort: 'number',
    cell: (f) => ({ value: f.blastRadius?.nodes ?? 0, html: text(f.blastRadius?.nodes ?? '') }),
  },
  {
    label: 'Pod IPs',
    sort: 'number',
    cell: (f) => ({ value: f.blastRadius?.podIps ?? 0, html: text(f.blastRadius?.podIps ?? '') }),
  },
  { label: 'Last seen', sort: 'text', cell: (f) => ({ value: f.lastSeen, html: text(f.lastSeen) }) },
];

function options(name: string, label: string, values: readonly string[]): string {
  const items = values.map((value) => `<option value="${attr(value)}">${text(value)}</option>`).join('');
  return `<label>${text(label)} <select data-filter="${name}" id="filter-${name}"><option value="">all</option>${items}</select></label>`;
}

function json(values: readonly string[]): string {
  return attr(JSON.stringify(values));
}

function row(finding: Finding, index: number): string {
  const cells = COLUMNS.map((column, position) => {
    const { value, html } = column.cell(finding);
    // The title cell holds the button that opens the detail, so the row works from the keyboard too.
    const content =
      position === 3 ? `<button type="button" class="open" data-open="detail-${index}">${html}</button>` : html;
    return `<td data-value="${attr(value)}">${content}</td>`;
  }).join('');
  return (
    `<tr data-open="detail-${index}" data-index="${index}" data-id="${attr(finding.id)}" ` +
    `data-severity="${json([finding.severity])}" data-cluster="${json(finding.clusters)}" ` +
    `data-detector="${json([finding.detector])}" data-status="${json([finding.status])}">${cells}</tr>`
  );
}

function definition(term: string, value: string | undefined): string {
  return value ? `<dt>${text(term)}</dt><dd>${value}</dd>` : '';
}

function pre(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  // escapeHtml keeps line breaks, which a <pre> needs.
  return `<pre>${escapeHtml(JSON.stringify(value, null, 2))}</pre>`;
}

function detail(finding: Finding, index: number): string {
  const blast = finding.blastRadius;
  const links = finding.recommendation.links
    .filter((link) => isSafeUrl(link.url))
    .map(
      (link) =>
        `<li><a href="${attr(link.url)}" rel="noopener noreferrer" target="_blank">${text(link.title)}</a></li>`,
    )
    .join('');
  const evidence = { ...finding.evidence };
  const blastText = blast
    ? `${blast.nodes} node(s), up to ${blast.podIps} pod IPs${blast.nodeGroups.length ? ` in node groups ${blast.nodeGroups.join(', ')}` : ''}${blast.sgpPods ? `; ${sgpPodsText(blast.sgpPods, sgpPodsExposed(finding))}` : ''}`
    : undefined;
  return (
    `<dialog id="detail-${index}" class="detail" aria-labelledby="detail-${index}-title">` +
    `<header><h3 id="detail-${index}-title"><span class="sev sev-${finding.severity}">${text(finding.severity)}</span> ${text(finding.title)}</h3>` +
    '<button type="button" class="close" data-close aria-label="Close">×</button></header>' +
    `<p class="summary">${text(finding.summary)}</p><dl>` +
    definition('id', text(finding.id)) +
    definition('rule', text(`${finding.detector}/${finding.rule}`)) +
    definition('status', text(finding.status)) +
    definition(
      'where',
      text(`${finding.account} · ${finding.region} · ${finding.clusters.join(', ') || 'no cluster'}`),
    ) +
    definition('blast radius', blastText ? text(blastText) : undefined) +
    definition('nodes', blast?.nodeIds?.length ? text(blast.nodeIds.join(', ')) : undefined) +
    definition('resources', text(finding.resources.map((r) => `${r.type} ${r.id}`).join(', '))) +
    definition('expected because', finding.expectedBecause ? text(finding.expectedBecause) : undefined) +
    definition('suppressed by', finding.suppressedBy?.length ? text(finding.suppressedBy.join('; ')) : undefined) +
    definition('what to do', text(finding.recommendation.text) + (links ? `<ul>${links}</ul>` : '')) +
    definition('remediation', pre(finding.remediation)) +
    definition('evidence', pre(evidence)) +
    definition('seen', text(`${finding.firstSeen} – ${finding.lastSeen}`)) +
    '</dl></dialog>'
  );
}

/** The findings section: filters, the table (most severe first) and the detail dialogs. */
export function renderFindingsSection(findings: readonly Finding[]): string {
  const sorted = findings
    .map((finding, index) => ({ finding, index }))
    .sort((a, b) => SEVERITY_RANK[b.finding.severity] - SEVERITY_RANK[a.finding.severity] || a.index - b.index)
    .map(({ finding }) => finding);
  const distinct = (pick: (finding: Finding) => string[]) => [...new Set(sorted.flatMap(pick))].sort();
  const severities = SEVERITIES.filter((severity) => sorted.some((finding) => finding.severity === severity));
  const filters =
    '<div class="filters">' +
    options('severity', 'Severity', severities) +
    options(
      'cluster',
      'Cluster',
      distinct((f) => f.clusters),
    ) +
    options(
      'detector',
      'Detector',
      distinct((f) => [f.detector]),
    ) +
    options(
      'status',
      'Status',
      distinct((f) => [f.status]),
    ) +
    `<span id="findings-count" aria-live="polite">${sorted.length} of ${sorted.length} findings shown</span></div>`;
  const head = COLUMNS.map(
    (column) =>
      `<th scope="col" data-sort="${column.sort}"><button type="button" class="sort">${text(column.label)}</button></th>`,
  ).join('');
  const body = sorted.map(row).join('');
  const empty = sorted.length === 0 ? '<p class="empty">No findings: nothing to report.</p>' : '';
  return (
    `${filters}<table id="findings"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>${empty}` +
    sorted.map(detail).join('')
  );
}
