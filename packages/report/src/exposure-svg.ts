/**
 * Draws a cluster's exposure graph as SVG, in four columns: public sources → node SGs → node groups (and below them,
 * the SGs that admit a node SG) → nodes. Dangerous edges are red and thick, with their ports written on them.
 */
import type { ExposureGraph, GraphNode, GraphNodeKind } from './exposure-model.ts';
import { attr, n, shortText, svgDocument, text } from './svg.ts';

const BOX_WIDTH = 230;
const BOX_HEIGHT = 56;
const ROW_GAP = 14;
const COLUMN_GAP = 90;
const TOP = 34;
const LEFT = 8;

const COLUMN: Record<GraphNodeKind, number> = {
  source: 0,
  'node-sg': 1,
  nodegroup: 2,
  admitter: 2,
  node: 3,
  'more-nodes': 3,
};
const HEADERS = ['reaches the node SG', 'node security group', 'node groups · SGs that admit it', 'nodes (pod IPs)'];

interface Placed {
  node: GraphNode;
  x: number;
  y: number;
}

function layout(graph: ExposureGraph): { placed: Map<string, Placed>; height: number } {
  const columns: GraphNode[][] = [[], [], [], []];
  // Node groups first, then the SGs that admit: the two kinds of column 2 stay apart.
  const order = (node: GraphNode) => (node.kind === 'admitter' ? 1 : 0);
  for (const node of graph.nodes) columns[COLUMN[node.kind]]!.push(node);
  columns[2]!.sort((a, b) => order(a) - order(b));
  const placed = new Map<string, Placed>();
  let rows = 1;
  columns.forEach((column, index) => {
    let y = TOP;
    column.forEach((node, row) => {
      // A little extra room where the admitting SGs start.
      if (index === 2 && row > 0 && node.kind === 'admitter' && column[row - 1]!.kind !== 'admitter') y += ROW_GAP * 2;
      placed.set(node.key, { node, x: LEFT + index * (BOX_WIDTH + COLUMN_GAP), y });
      y += BOX_HEIGHT + ROW_GAP;
    });
    rows = Math.max(rows, (y - TOP) / (BOX_HEIGHT + ROW_GAP));
  });
  return { placed, height: TOP + rows * (BOX_HEIGHT + ROW_GAP) + 8 };
}

function box({ node, x, y }: Placed): string {
  const classes = ['gnode', `kind-${node.kind}`, ...(node.dangerous ? ['dangerous'] : [])].join(' ');
  return (
    `<g class="${classes}" data-kind="${attr(node.kind)}" data-key="${attr(node.key)}" data-dangerous="${node.dangerous}">` +
    `<title>${text(node.label)}${node.id ? ` (${text(node.id)})` : ''} — ${text(node.detail)}</title>` +
    `<rect x="${n(x)}" y="${n(y)}" width="${BOX_WIDTH}" height="${BOX_HEIGHT}" rx="6"/>` +
    `<text class="label" x="${n(x + 8)}" y="${n(y + 17)}">${shortText(node.label, 32)}</text>` +
    (node.id ? `<text class="id" x="${n(x + 8)}" y="${n(y + 32)}">${shortText(node.id, 38)}</text>` : '') +
    `<text class="detail" x="${n(x + 8)}" y="${n(y + (node.id ? 47 : 33))}">${shortText(node.detail, 38)}</text>` +
    '</g>'
  );
}

/** One cluster's exposure picture; `index` keeps marker ids unique in the page. */
export function renderExposureSvg(graph: ExposureGraph, cluster: string, index: number): string {
  if (graph.nodes.length === 0) return '<p class="empty">No node security group found for this cluster.</p>';
  const { placed, height } = layout(graph);
  const width = LEFT * 2 + 4 * BOX_WIDTH + 3 * COLUMN_GAP;
  const marker = `arrow-${index}`;
  const dangerMarker = `arrow-danger-${index}`;
  const headers = HEADERS.map(
    (header, column) =>
      `<text class="column-header" x="${n(LEFT + column * (BOX_WIDTH + COLUMN_GAP))}" y="18">${text(header)}</text>`,
  ).join('');
  const edges = graph.edges
    .map((edge) => {
      const from = placed.get(edge.from);
      const to = placed.get(edge.to);
      if (!from || !to) return '';
      const x1 = from.x + BOX_WIDTH;
      const y1 = from.y + BOX_HEIGHT / 2;
      const x2 = to.x - 2;
      const y2 = to.y + BOX_HEIGHT / 2;
      const mid = (x1 + x2) / 2;
      const classes = edge.dangerous ? 'edge dangerous' : 'edge';
      const label = edge.label
        ? `<text class="edge-label" x="${n(mid)}" y="${n((y1 + y2) / 2 - 4)}" text-anchor="middle">${shortText(edge.label, 18)}</text>`
        : '';
      return (
        `<g class="${classes}" data-from="${attr(edge.from)}" data-to="${attr(edge.to)}" data-dangerous="${edge.dangerous}">` +
        `<title>${text(edge.dangerous ? 'dangerous: ' : '')}${text(edge.label ?? '')}</title>` +
        `<path d="M${n(x1)} ${n(y1)} C${n(mid)} ${n(y1)} ${n(mid)} ${n(y2)} ${n(x2)} ${n(y2)}" marker-end="url(#${edge.dangerous ? dangerMarker : marker})"/>` +
        `${label}</g>`
      );
    })
    .join('');
  const defs =
    `<defs><marker id="${marker}" class="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto"><path d="M0 0 L10 5 L0 10 z"/></marker>` +
    `<marker id="${dangerMarker}" class="arrow dangerous" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto"><path d="M0 0 L10 5 L0 10 z"/></marker></defs>`;
  const boxes = [...placed.values()].map(box).join('');
  const noSource = graph.nodes.some((node) => node.kind === 'source')
    ? ''
    : `<text class="empty-column" x="${LEFT}" y="${TOP + 17}">no public CIDR or prefix list</text>`;
  return svgDocument(
    { width, height, title: `What the node security groups of cluster ${cluster} expose`, className: 'exposure' },
    `${defs}${headers}${noSource}${edges}${boxes}`,
  );
}
