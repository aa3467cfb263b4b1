/**
 * The page's one stylesheet and one script, inlined. The Content-Security-Policy admits exactly these by their
 * SHA-256 hashes, so no other inline script or style (an injected one included) can run.
 */

export const STYLE = `
:root { --fg: #1d2430; --muted: #5d6878; --line: #d5dae1; --bg: #ffffff; --panel: #f5f7fa; --danger: #c62828;
  --critical: #7b1fa2; --high: #c62828; --medium: #ef6c00; --low: #1565c0; --info: #607d8b; --ok: #2e7d32; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header.page { padding: 16px 24px; border-bottom: 1px solid var(--line); background: var(--panel); }
header.page h1 { margin: 0 0 4px; font-size: 20px; }
header.page p { margin: 2px 0; color: var(--muted); }
nav a { margin-right: 12px; }
main { padding: 8px 24px 40px; }
section { margin-top: 24px; }
h2 { font-size: 18px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
.counts span { margin-right: 8px; }
.sev { display: inline-block; min-width: 64px; padding: 1px 6px; border-radius: 10px; color: #fff; font-size: 12px; text-align: center; }
.sev-critical { background: var(--critical); } .sev-high { background: var(--high); } .sev-medium { background: var(--medium); }
.sev-low { background: var(--low); } .sev-info { background: var(--info); }
.filters { display: flex; flex-wrap: wrap; gap: 16px; align-items: center; margin: 8px 0; }
#findings-count { color: var(--muted); }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; }
th button.sort { font: inherit; font-weight: 600; background: none; border: 0; padding: 0; cursor: pointer; color: var(--fg); }
th[aria-sort="ascending"] button.sort::after { content: " ▲"; } th[aria-sort="descending"] button.sort::after { content: " ▼"; }
tbody tr { cursor: pointer; } tbody tr:hover { background: var(--panel); }
button.open { font: inherit; text-align: left; background: none; border: 0; padding: 0; color: #0b57d0; cursor: pointer; }
dialog.detail { max-width: 900px; width: 90vw; border: 1px solid var(--line); border-radius: 8px; padding: 0 20px 16px; }
dialog.detail header { display: flex; justify-content: space-between; align-items: start; gap: 12px; }
dialog.detail button.close { font-size: 22px; background: none; border: 0; cursor: pointer; margin-top: 12px; }
dialog.detail dt { font-weight: 600; margin-top: 8px; } dialog.detail dd { margin: 2px 0 0 0; }
pre { background: var(--panel); padding: 8px; overflow: auto; max-height: 280px; font-size: 12px; }
.picture { overflow-x: auto; border: 1px solid var(--line); border-radius: 6px; padding: 8px; background: #fff; }
.empty { color: var(--muted); }
.legend span { margin-right: 14px; color: var(--muted); }
.legend i { display: inline-block; width: 12px; height: 12px; margin-right: 4px; vertical-align: -1px; border-radius: 2px; }
.legend .l-used { background: #5b6b7f; } .legend .l-reserved { background: #b0b7c3; } .legend .l-free { background: #43a047; }
.legend .l-needed { background: #fb8c00; } .legend .l-short { background: var(--danger); } .legend .l-danger { background: var(--danger); }
.legend .l-maxpods { background: #1e88e5; } .legend .l-capacity { background: #90a4ae; } .legend .l-capacity-sgp { background: #8e24aa; }
svg text { font: 12px system-ui, sans-serif; fill: var(--fg); }
svg .column-header { font-weight: 600; fill: var(--muted); }
svg .gnode rect { fill: #eef3fb; stroke: #7a8ca5; }
svg .kind-node-sg rect { fill: #e3ecfa; stroke: #1e5bb8; stroke-width: 1.5; }
svg .kind-admitter rect { fill: #fff6e5; stroke: #b26a00; }
svg .kind-source rect { fill: #fdecea; stroke: #c62828; }
svg .kind-node rect, svg .kind-more-nodes rect { fill: #f4f6f8; stroke: #9aa5b1; }
svg .gnode.dangerous rect { stroke: var(--danger); stroke-width: 2.5; }
svg .gnode .label { font-weight: 600; } svg .gnode .id { font-size: 11px; }
svg .empty-column { fill: var(--muted); font-style: italic; } svg .gnode .detail { fill: var(--muted); font-size: 11px; }
svg .edge path { fill: none; stroke: #8a96a8; stroke-width: 1.4; }
svg .edge.dangerous path { stroke: var(--danger); stroke-width: 3; stroke-dasharray: 7 4; }
svg .edge-label { font-size: 11px; fill: var(--muted); paint-order: stroke; stroke: #fff; stroke-width: 3px; } svg .edge.dangerous .edge-label { fill: var(--danger); font-weight: 600; }
svg marker.arrow path { fill: #8a96a8; } svg marker.arrow.dangerous path { fill: var(--danger); }
svg .track { fill: #eceff1; }
svg .part-used { fill: #5b6b7f; } svg .part-reserved { fill: #b0b7c3; } svg .part-free { fill: #43a047; }
svg .part-needed { fill: #fb8c00; } svg .part-needed-short { fill: var(--danger); }
svg .caption { font-weight: 600; } svg .caption.sub { font-weight: 400; fill: var(--muted); } svg .caption.short { fill: var(--danger); }
svg .part-max-pods { fill: #1e88e5; } svg .part-max-pods.over { fill: var(--danger); }
svg .part-capacity { fill: #90a4ae; } svg .part-capacity-sgp { fill: #8e24aa; }
svg .bar-label, svg .bar-value { fill: var(--muted); font-size: 11px; }
`;

export const SCRIPT = `
(() => {
  'use strict';
  const table = document.getElementById('findings');
  if (table) {
    const body = table.tBodies[0];
    const rows = Array.from(body.rows);
    const filters = Array.from(document.querySelectorAll('select[data-filter]'));
    const count = document.getElementById('findings-count');
    const apply = () => {
      let shown = 0;
      for (const row of rows) {
        const keep = filters.every((select) => {
          if (!select.value) return true;
          return JSON.parse(row.getAttribute('data-' + select.dataset.filter) || '[]').includes(select.value);
        });
        row.hidden = !keep;
        if (keep) shown += 1;
      }
      count.textContent = shown + ' of ' + rows.length + ' findings shown';
    };
    for (const select of filters) select.addEventListener('change', apply);
    const headers = Array.from(table.tHead.rows[0].cells);
    for (const th of headers) {
      th.querySelector('button').addEventListener('click', () => {
        const column = th.cellIndex;
        const numeric = th.dataset.sort === 'number';
        const direction = th.getAttribute('aria-sort') === 'ascending' ? 'descending' : 'ascending';
        for (const other of headers) other.removeAttribute('aria-sort');
        th.setAttribute('aria-sort', direction);
        const key = (row) => row.cells[column].dataset.value;
        const sorted = rows.slice().sort((a, b) => {
          const x = key(a);
          const y = key(b);
          const order = numeric ? Number(x) - Number(y) : x.localeCompare(y);
          return (direction === 'ascending' ? order : -order) || Number(a.dataset.index) - Number(b.dataset.index);
        });
        body.append(...sorted);
      });
    }
    apply();
  }
  document.addEventListener('click', (event) => {
    const target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    const close = target.closest('[data-close]');
    if (close) {
      close.closest('dialog').close();
      return;
    }
    if (target.closest('a, select, th, dialog')) return;
    const opener = target.closest('[data-open]');
    const dialog = opener ? document.getElementById(opener.dataset.open) : null;
    if (dialog && !dialog.open) dialog.showModal();
  });
})();
`;
