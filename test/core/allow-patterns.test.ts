/**
 * The pattern engine (re2js) is large: it is loaded only for a config that has a descriptionPattern. This file runs
 * in its own module registry (vitest isolates files), so the engine starts unloaded here.
 */
import {
  descriptionMatches,
  loadGuardConfig,
  PatternEngineMissing,
  parseGuardConfig,
  patternEngineLoaded,
} from '@podnet-guard/core';
import { describe, expect, it } from 'vitest';

describe('loading the pattern engine', () => {
  it('is not loaded for a config without a pattern, and is loaded for one with a pattern', async () => {
    await loadGuardConfig({ allow: [{ reason: 'web', ports: [443] }] });
    expect(patternEngineLoaded()).toBe(false);
    // Parsing a pattern synchronously before the engine is there is a wiring mistake, said as such.
    expect(() => parseGuardConfig({ allow: [{ reason: 'x', descriptionPattern: 'x' }] })).toThrow(PatternEngineMissing);
    expect(() => descriptionMatches('x', 'x')).toThrow(PatternEngineMissing);
    await loadGuardConfig({ allow: [{ reason: 'x', descriptionPattern: '^elbv2\\.k8s\\.aws/' }] });
    expect(patternEngineLoaded()).toBe(true);
    expect(descriptionMatches('^elbv2\\.k8s\\.aws/', 'elbv2.k8s.aws/targetGroupBinding=shared')).toBe(true);
    expect(descriptionMatches('^elbv2\\.k8s\\.aws/', 'team elbv2.k8s.aws/')).toBe(false);
  });
});
