/**
 * Bar charts as SVG: subnet headroom (used, reserved, free, and what node groups need at maximum size, drawn below
 * the bar and red past the free part) and maxPods against the pod IPs an instance type holds.
 */
import type { CapacityBar, SubnetBar } from './capacity-model.ts';
import { attr, n, svgDocument, text } from './svg.ts';

const BAR_WIDTH = 560;
/** Room past the bar's end for a need larger than the free space. */
const OVERFLOW = 120;
/** Wide enough for the captions above the bars. */
const WIDTH = 960;

function segment(part: string, x: number, y: number, width: number, height: number, title: string): string {
  if (width <= 0) return '';
  return `<rect class="part-${part}" data-part="${part}" x="${n(x)}" y="${n(y)}" width="${n(Math.max(width, 1))}" height="${height}"><title>${text(title)}</title></rect>`;
}

/** A bar of `total` units with used/reserved/free parts and a thinner "needed" bar starting where free space starts. */
function headroomRow(
  y: number,
  unit: string,
  parts: { used: number; reserved: number; free: number; needed: number; total: number },
): string {
  const scale = BAR_WIDTH / Math.max(1, parts.total);
  const x0 = 8;
  const usedW = parts.used * scale;
  const reservedW = parts.reserved * scale;
  const freeW = parts.free * scale;
  const freeX = x0 + usedW + reservedW;
  const neededW = Math.min(parts.needed * scale, freeW + OVERFLOW);
  const short = parts.needed > parts.free;
  return (
    `<rect class="track" x="${x0}" y="${n(y)}" width="${BAR_WIDTH}" height="16"/>` +
    segment('used', x0, y, usedW, 16, `${parts.used} ${unit} used`) +
    segment('reserved', x0 + usedW, y, reservedW, 16, `${parts.reserved} ${unit} in CIDR reservations`) +
    segment('free', freeX, y, freeW, 16, `${parts.free} ${unit} free`) +
    segment(
      short ? 'needed-short' : 'needed',
      freeX,
      y + 19,
      neededW,
      7,
      `${parts.needed} ${unit} needed at node group maximum size${short ? `: ${parts.needed - parts.free} more than free` : ''}`,
    )
  );
}

/** Subnet headroom of one cluster: one group of bars per subnet. */
export function renderHeadroomSvg(bars: readonly SubnetBar[], cluster: string): string {
  if (bars.length === 0) return '<p class="empty">No subnet of this cluster is known.</p>';
  let y = 4;
  const rows = bars.map((bar) => {
    const top = y;
    const shortBy = bar.neededIps - bar.freeIps;
    const caption =
      `${bar.cidr} · ${bar.subnetId}${bar.availabilityZone ? ` · ${bar.availabilityZone}` : ''}: ` +
      `${bar.used} used, ${bar.freeIps} free of ${bar.usable}, ${bar.neededIps} needed at max size` +
      (shortBy > 0 ? ` (short by ${shortBy})` : '');
    let body =
      `<text class="caption${bar.short ? ' short' : ''}" x="8" y="${n(top + 13)}">${text(caption)}</text>` +
      headroomRow(top + 20, 'IPs', {
        used: bar.used,
        reserved: bar.reserved,
        free: bar.freeIps,
        needed: bar.neededIps,
        total: bar.usable,
      });
    y = top + 52;
    if (bar.prefixDelegation) {
      const blockCaption = `prefix delegation: ${bar.freeBlocks} free aligned /28 blocks of ${bar.totalBlocks}, ${bar.neededBlocks} needed at max size`;
      body +=
        `<text class="caption sub" x="8" y="${n(y + 11)}">${text(blockCaption)}</text>` +
        `<g class="blocks" data-free-blocks="${bar.freeBlocks}" data-needed-blocks="${bar.neededBlocks}">` +
        headroomRow(y + 16, '/28 blocks', {
          used: bar.totalBlocks - bar.freeBlocks,
          reserved: 0,
          free: bar.freeBlocks,
          needed: bar.neededBlocks,
          total: bar.totalBlocks,
        }) +
        '</g>';
      y += 48;
    }
    y += 10;
    return (
      `<g class="subnet${bar.short ? ' short' : ''}" data-subnet="${attr(bar.subnetId)}" data-used="${bar.used}" ` +
      `data-free="${bar.freeIps}" data-needed="${bar.neededIps}" data-usable="${bar.usable}" data-short="${bar.short}">` +
      `${body}</g>`
    );
  });
  return svgDocument(
    { width: WIDTH, height: y, title: `Subnet headroom of cluster ${cluster}`, className: 'headroom' },
    rows.join(''),
  );
}

const CAPACITY_ROWS: { key: 'maxPods' | 'capacity' | 'capacitySgp'; part: string; label: string }[] = [
  { key: 'maxPods', part: 'max-pods', label: 'maxPods' },
  { key: 'capacity', part: 'capacity', label: 'pod IPs a node holds' },
  { key: 'capacitySgp', part: 'capacity-sgp', label: 'with the SGP trunk' },
];

/** maxPods against IP capacity, one group of three bars per node group and instance type. */
export function renderCapacitySvg(bars: readonly CapacityBar[], cluster: string): string {
  if (bars.length === 0) return '<p class="empty">No managed node group with a known instance type.</p>';
  const max = Math.max(1, ...bars.flatMap((bar) => [bar.maxPods, bar.capacity, bar.capacitySgp]));
  const labelWidth = 150;
  const scale = (BAR_WIDTH - labelWidth) / max;
  let y = 4;
  const groups = bars.map((bar) => {
    const top = y;
    const judged = bar.sgp === true ? 'with the SGP trunk' : 'without SGP';
    const trunk = bar.trunkingCompatible === false ? ' (cannot trunk)' : '';
    const caption = `${bar.nodeGroup} (${bar.instanceType}): maxPods ${bar.maxPods}, ${bar.capacity} pod IPs, ${bar.capacitySgp} with the SGP trunk${trunk}; SGP ${bar.sgp === 'unknown' ? 'unknown' : bar.sgp ? 'on' : 'off'}`;
    const rows = CAPACITY_ROWS.map((row, index) => {
      const value = bar[row.key];
      const rowY = top + 20 + index * 17;
      const over = row.key === 'maxPods' && bar.over;
      const title =
        row.key === 'maxPods'
          ? `maxPods ${value} from ${bar.maxPodsSource}${over ? `: above the pod IPs a node holds ${judged}` : ''}`
          : `${row.label}: ${row.key === 'capacity' ? bar.formula : bar.formulaSgp}`;
      return (
        `<text class="bar-label" x="8" y="${n(rowY + 11)}">${text(row.label)}</text>` +
        `<rect class="part-${row.part}${over ? ' over' : ''}" data-bar="${row.part}" data-value="${value}" x="${labelWidth}" y="${n(rowY)}" width="${n(Math.max(1, value * scale))}" height="13"><title>${text(title)}</title></rect>` +
        `<text class="bar-value" x="${n(labelWidth + value * scale + 6)}" y="${n(rowY + 11)}">${value}</text>`
      );
    }).join('');
    y = top + 20 + CAPACITY_ROWS.length * 17 + 12;
    return (
      `<g class="nodegroup-capacity${bar.over ? ' over' : ''}" data-nodegroup="${attr(bar.nodeGroup)}" data-instance-type="${attr(bar.instanceType)}" ` +
      `data-max-pods="${bar.maxPods}" data-capacity="${bar.capacity}" data-capacity-sgp="${bar.capacitySgp}" data-over="${bar.over}">` +
      `<text class="caption${bar.over ? ' short' : ''}" x="8" y="${n(top + 13)}">${text(caption)}</text>${rows}</g>`
    );
  });
  return svgDocument(
    { width: WIDTH, height: y, title: `maxPods against IP capacity in cluster ${cluster}`, className: 'capacity' },
    groups.join(''),
  );
}
