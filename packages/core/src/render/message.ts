/**
 * Size control for findings sent as messages (SNS caps a message at 256 KB, EventBridge at 256 KB): long lists and
 * long strings are cut, and the finding says what was cut and how much, so a reader never mistakes a cut list for
 * the whole. Pure; the publishers pick the limits.
 */
import type { Finding } from '../types/finding.ts';

/** What to keep of every list and string in a finding. */
export interface CompactionLimits {
  /** Items kept per array (and keys per open-ended object such as `evidence.details`). */
  maxItems: number;
  /** UTF-16 code units kept per string. */
  maxString: number;
}

/** One cut: where (a dotted path, `resources`, `evidence.details.rules`), how much was kept and how much left out. */
export interface Truncation {
  path: string;
  unit: 'items' | 'keys' | 'characters';
  kept: number;
  omitted: number;
}

/** A finding as published: the contract's fields, plus `truncated` when lists or strings were cut to fit. */
export type PublishedFinding = Finding & { truncated?: Truncation[] };

// Keys of the Finding contract and its nested records never count as "too many": only open-ended records
// (evidence.details, remediation.set, …) are cut by key count.
const MIN_KEYS = 32;
// Identifiers and timestamps are never cut: a cut id is a wrong id.
const UNCUT_KEYS = new Set([
  'id',
  'detector',
  'rule',
  'severity',
  'status',
  'account',
  'region',
  'firstSeen',
  'lastSeen',
]);

/**
 * Cuts every array longer than `maxItems`, every string longer than `maxString` and every object with more than
 * `max(maxItems, 32)` keys, recording each cut in `truncated`. Identifiers (`id`, `rule`, `account`, …) are kept whole.
 * Counts such as `blastRadius.nodes` stay exact: they describe the whole, not the kept part.
 *
 * @example
 * ```ts
 * const small = compactFinding(finding, { maxItems: 20, maxString: 2000 });
 * small.truncated; // [{ path: 'resources', unit: 'items', kept: 20, omitted: 49980 }]
 * ```
 */
export function compactFinding(finding: Finding, limits: CompactionLimits): PublishedFinding {
  const cuts: Truncation[] = [];
  const compacted = compactValue(finding, '', limits, cuts) as PublishedFinding;
  if (cuts.length > 0) compacted.truncated = cuts;
  return compacted;
}

function compactValue(value: unknown, path: string, limits: CompactionLimits, cuts: Truncation[]): unknown {
  if (typeof value === 'string') {
    if (value.length <= limits.maxString || UNCUT_KEYS.has(path)) return value;
    let kept = value.slice(0, limits.maxString);
    if (/[\ud800-\udbff]$/.test(kept)) kept = kept.slice(0, -1);
    cuts.push({ path, unit: 'characters', kept: kept.length, omitted: value.length - kept.length });
    return `${kept}…`;
  }
  if (Array.isArray(value)) {
    const kept = value.slice(0, limits.maxItems);
    if (kept.length < value.length) {
      cuts.push({ path, unit: 'items', kept: kept.length, omitted: value.length - kept.length });
    }
    return kept.map((item, index) => compactValue(item, `${path}[${index}]`, limits, cuts));
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value);
    const maxKeys = Math.max(limits.maxItems, MIN_KEYS);
    const kept = entries.slice(0, maxKeys);
    if (kept.length < entries.length) {
      cuts.push({ path, unit: 'keys', kept: kept.length, omitted: entries.length - kept.length });
    }
    return Object.fromEntries(
      kept.map(([key, item]) => [key, compactValue(item, path ? `${path}.${key}` : key, limits, cuts)]),
    );
  }
  return value;
}
