/**
 * The page the local service serves at `/`. Pluggable (`renderIndex`): the default is a plain list of the stored
 * findings, every piece of account text escaped for HTML.
 */
import { escapeHtml, type Finding, type FindingStatus, type FindingStore, publicFinding } from '@podnet-guard/core';

/** A finding as the API shows it: the Finding contract plus its suppression, if any. */
export type ListedFinding = Finding & { suppression?: { reason: string; until: string; by: string } };

/** What the page is rendered from. */
export interface IndexInput {
  /** Every stored finding: open, suppressed and resolved, most severe first within each status. */
  findings: ListedFinding[];
  /** ISO time the page was rendered. */
  generatedAt: string;
  /** Where the account was read (the snapshot file), for the heading. */
  source?: string;
}

/** The page at `/`: HTML, or HTML with the Content-Security-Policy it needs (the report's inline script hashes). */
export type IndexPage = string | { html: string; contentSecurityPolicy: string };

/** Renders the page at `/`. */
export type RenderIndex = (input: IndexInput) => IndexPage | Promise<IndexPage>;

const STATUS_ORDER: readonly FindingStatus[] = ['open', 'suppressed', 'resolved'];

/**
 * Every stored finding, in `STATUS_ORDER`, as `IndexInput.findings` holds them.
 *
 * @example const findings = await listAllFindings(store);
 */
export async function listAllFindings(store: FindingStore): Promise<ListedFinding[]> {
  const out: ListedFinding[] = [];
  for (const status of STATUS_ORDER) {
    let cursor: string | undefined;
    do {
      const page = await store.query({ status, limit: 100, ...(cursor ? { cursor } : {}) });
      for (const stored of page.items) {
        out.push({ ...publicFinding(stored), ...(stored.suppression ? { suppression: stored.suppression } : {}) });
      }
      cursor = page.cursor;
    } while (cursor);
  }
  return out;
}

/**
 * The default page: a heading, counts and one list item per finding.
 *
 * @example renderFindingsList({ findings, generatedAt: new Date().toISOString() })
 */
export function renderFindingsList(input: IndexInput): string {
  const items = input.findings.map((finding) => {
    const muted = finding.suppression
      ? ` <em>suppressed until ${escapeHtml(finding.suppression.until)}: ${escapeHtml(finding.suppression.reason)}</em>`
      : '';
    return (
      `<li class="${escapeHtml(finding.status)}"><strong>[${escapeHtml(finding.severity.toUpperCase())}]</strong> ` +
      `${escapeHtml(finding.title)} <small>(${escapeHtml(finding.status)}, <code>${escapeHtml(finding.id)}</code>)` +
      `</small>${muted}<br>${escapeHtml(finding.summary)}</li>`
    );
  });
  const open = input.findings.filter((finding) => finding.status === 'open').length;
  const source = input.source ? ` from <code>${escapeHtml(input.source)}</code>` : '';
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><title>podnet-guard (local)</title>',
    '<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}',
    'li{margin:.6rem 0}.resolved{color:#666}.suppressed{color:#555}</style></head><body>',
    '<h1>podnet-guard (local)</h1>',
    `<p>${input.findings.length} finding(s), ${open} open${source}; rendered ${escapeHtml(input.generatedAt)}.</p>`,
    `<ul>${items.join('')}</ul>`,
    '</body></html>',
    '',
  ].join('\n');
}
