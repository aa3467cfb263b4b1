/** Meta-tests of the detector registry: what the stack and the IAM policy are derived from must be complete. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DETECTOR_IDS, detectors, eventPatterns, PARSERS, requiredReads, SNAPSHOT_KEYS } from '@podnet-guard/core';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CORE = join(ROOT, 'packages/core/src');

describe('detector registry', () => {
  it('registers every detector id once, each in a folder named after it (docs/architecture.md)', () => {
    const ids = detectors.map((detector) => detector.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...DETECTOR_IDS].sort());
    for (const id of ids) expect(existsSync(join(CORE, 'detectors', id, 'index.ts')), id).toBe(true);
  });

  it('has a parser and a sample event for every subscribed event name', () => {
    for (const detector of detectors) {
      for (const sub of detector.subscribes) {
        expect(PARSERS.has(`${sub.source}:${sub.eventName}`), `${detector.id} ${sub.eventName} parser`).toBe(true);
        const samples = join(ROOT, 'events/cloudtrail', sub.eventName);
        expect(existsSync(samples) && readdirSync(samples).length > 0, `${sub.eventName} sample`).toBe(true);
      }
    }
  });

  it('puts every subscribed event name in a generated EventBridge pattern', () => {
    const routed = new Set(
      eventPatterns().flatMap((pattern) =>
        (pattern.detail.eventName as string[]).map((name) => `${pattern.detail.eventSource}:${name}`),
      ),
    );
    for (const detector of detectors) {
      for (const sub of detector.subscribes)
        expect(routed.has(`${sub.source}:${sub.eventName}`), sub.eventName).toBe(true);
    }
  });

  it('says which of its rules a scan judges, so a sweep resolves those and only those', () => {
    for (const detector of detectors) {
      const rules = detector.rules.map((rule) => rule.id);
      expect(detector.scanRules?.length, detector.id).toBeGreaterThan(0);
      for (const rule of detector.scanRules ?? []) expect(rules, detector.id).toContain(rule);
    }
  });

  it('declares only snapshot keys as reads, and each rule once', () => {
    for (const key of requiredReads()) expect(SNAPSHOT_KEYS).toContain(key);
    for (const detector of detectors) {
      const rules = detector.rules.map((rule) => rule.id);
      expect(new Set(rules).size, detector.id).toBe(rules.length);
      for (const rule of rules) expect(rule).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    }
  });
});

describe('packages/core stays free of AWS SDK and I/O', () => {
  it('imports no AWS SDK, Lambda library or filesystem module', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) walk(join(dir, entry.name));
        else if (entry.name.endsWith('.ts')) files.push(join(dir, entry.name));
      }
    };
    walk(CORE);
    expect(files.length).toBeGreaterThan(20);
    const forbidden = /from ['"](@aws-sdk\/|@smithy\/|@middy\/|@aws-lambda-powertools\/|node:fs|fs['"])/;
    for (const file of files) expect(forbidden.test(readFileSync(file, 'utf8')), file).toBe(false);
  });
});
