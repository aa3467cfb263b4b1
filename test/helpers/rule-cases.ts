/**
 * The one case-table harness every rule's test uses: a row is an event (or a scan, when it has none) against an
 * inventory, and says whether the rule fires or stays quiet. `ruleCases` runs the rows through the real parser and
 * evaluation (the same path the handler takes) and checks that every rule it is given has both kinds of row.
 *
 * @example
 * ruleCases(egressWidened.rules, cases, { detector: 'node-sg-widening' });
 */
import {
  type DetectorId,
  defaultGuardConfig,
  evaluateEvent,
  type Finding,
  type GuardConfig,
  type Inventory,
  parseCloudTrailEvent,
  type RuleDefinition,
  type Severity,
  scanInventory,
} from '@podnet-guard/core';
import { describe, expect, it } from 'vitest';

export const CASE_NOW = '2026-11-26T12:00:00.000Z';

export interface RuleCase {
  name: string;
  rule: string;
  expect: 'fires' | 'quiet';
  /** A raw CloudTrail envelope (EventBridge shape); a row without one is a scan row. */
  event?: () => unknown;
  inventory: () => Inventory;
  config?: () => GuardConfig;
  now?: string;
  /** The resource a firing row's finding must name (a scan may report other resources too). */
  resource?: string;
  /** Open findings of the rule a firing row must produce (default 1). */
  count?: number;
  severity?: Severity;
}

/** Parses a raw envelope, failing the test with the parser's reason when it does not parse. */
export function parseCase(raw: unknown) {
  const parsed = parseCloudTrailEvent(raw);
  if (!parsed.ok) throw new Error(`sample did not parse: ${parsed.error.message}`);
  return parsed.event;
}

/** The findings a row produces, through the same evaluation the handler and the scan use. */
export function runCase(row: Omit<RuleCase, 'name' | 'rule' | 'expect'>, detector?: DetectorId): Finding[] {
  const options = {
    config: row.config?.() ?? defaultGuardConfig(),
    now: row.now ?? CASE_NOW,
    ...(detector ? { detectors: [detector] } : {}),
  };
  return row.event
    ? evaluateEvent(parseCase(row.event()), row.inventory(), options).findings
    : scanInventory(row.inventory(), options).findings;
}

/** Open findings of one rule, optionally about one resource. */
export function openFindings(findings: Finding[], rule: string, resource?: string): Finding[] {
  return findings.filter(
    (finding) =>
      finding.rule === rule &&
      finding.status === 'open' &&
      (resource === undefined || finding.resources.some((ref) => ref.id === resource)),
  );
}

/** Runs a case table: each row fires or stays quiet, and every given rule has a firing and a quiet row. */
export function ruleCases(
  rules: readonly Pick<RuleDefinition, 'id'>[],
  cases: readonly RuleCase[],
  options: { detector?: DetectorId } = {},
): void {
  const ids = rules.map((rule) => rule.id);
  describe(`case table: ${ids.join(', ')}`, () => {
    it.each(ids)('%s has a firing and a quiet row', (id) => {
      expect(cases.some((row) => row.rule === id && row.expect === 'fires')).toBe(true);
      expect(cases.some((row) => row.rule === id && row.expect === 'quiet')).toBe(true);
    });

    it.each(cases)('$rule $expect: $name', (row) => {
      const matching = openFindings(runCase(row, options.detector), row.rule, row.resource);
      if (row.expect === 'quiet') {
        expect(matching).toEqual([]);
        return;
      }
      expect(matching).toHaveLength(row.count ?? 1);
      if (row.severity) expect(matching[0]?.severity).toBe(row.severity);
    });
  });
}
