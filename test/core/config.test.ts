import {
  ConfigError,
  defaultGuardConfig,
  evaluateEvent,
  loadGuardConfig,
  parseCloudTrailEvent,
  parseGuardConfig,
} from '@podnet-guard/core';
import { describe, expect, it } from 'vitest';
import { loadEvent } from '../helpers/events.ts';
import { authorize, NODE_SG, sampleAccount } from './detectors/node-sg-widening/fixtures.ts';

describe('parseGuardConfig', () => {
  it('fills defaults for an empty document', () => {
    const config = defaultGuardConfig();
    expect(config.publicWidePrefixLength).toBe(16);
    expect(config.sensitivePorts).toContain(22);
    expect(config.allow).toEqual([]);
    expect(config.disabledRules).toEqual([]);
    expect(config.kubernetesPrincipals).toEqual({});
  });

  it('names the wrong field', () => {
    expect(() => parseGuardConfig({ publicWidePrefixLength: 40 })).toThrow(/publicWidePrefixLength/);
    expect(() => parseGuardConfig({ allow: [{ securityGroups: ['sg-1'] }] })).toThrow(ConfigError);
  });
});

describe('allow entries must constrain something', () => {
  it('refuses an entry with only a reason, naming it: it would suppress every finding', () => {
    const attempt = () =>
      parseGuardConfig({ allow: [{ reason: 'ok', ports: [22] }, { reason: 'everything is fine' }] });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/allow\.1: the entry \(reason "everything is fine"\) constrains nothing/);
    expect(attempt).toThrow(/disabledRules/);
  });

  it('refuses an empty list, which constrains to nothing', () => {
    expect(() => parseGuardConfig({ allow: [{ reason: 'x', securityGroups: [] }] })).toThrow(
      /allow\.0\.securityGroups/,
    );
  });

  it('accepts an entry that constrains by any one field', () => {
    for (const field of [
      { securityGroups: [NODE_SG] },
      { ports: [443] },
      { cidrs: ['10.0.0.0/8'] },
      { principals: ['arn:aws:iam::111122223333:role/ci'] },
      { rules: ['world-open-ingress'] },
      { clusters: ['prod'] },
    ]) {
      expect(parseGuardConfig({ allow: [{ reason: 'x', ...field }] }).allow).toHaveLength(1);
    }
  });
});

describe('disabledRules', () => {
  const NOW = '2026-11-26T12:00:00.000Z';
  function evaluate(raw: unknown, config = defaultGuardConfig()) {
    const parsed = parseCloudTrailEvent(raw);
    if (!parsed.ok) throw new Error(parsed.error.message);
    return evaluateEvent(parsed.event, sampleAccount(), { config, now: NOW });
  }

  it('switches a rule off and says so; the other rules still report the cause', () => {
    const config = parseGuardConfig({ disabledRules: ['world-open-ingress'] });
    const result = evaluate(loadEvent('AuthorizeSecurityGroupIngress', 'world-open-ssh'), config);
    expect(result.disabledRules).toEqual(['world-open-ingress']);
    expect(result.findings.map((f) => f.rule)).toEqual(['sensitive-port-ingress']);
    expect(result.findings[0]?.severity).toBe('medium');
  });

  it('reports nothing of a rule that is off, and nothing about switching when none is', () => {
    const off = parseGuardConfig({ disabledRules: ['public-wide-ingress'] });
    const event = authorize(NODE_SG, [{ from: 8443, cidrs: ['52.0.0.0/12'] }]);
    expect(evaluate(event, off).findings).toEqual([]);
    const on = evaluate(event);
    expect(on.findings.map((f) => f.rule)).toEqual(['public-wide-ingress']);
    expect(on.disabledRules).toBeUndefined();
  });

  it('refuses a rule no detector has', () => {
    expect(() => parseGuardConfig({ disabledRules: ['world-open-ingres'] })).toThrow(
      /disabledRules\.0: no detector has a rule "world-open-ingres"/,
    );
  });
});

describe('descriptionPattern runs on RE2', () => {
  const entry = (descriptionPattern: string) => ({
    allow: [
      { reason: 'lb', principals: ['arn:aws:iam::111122223333:role/lbc'] },
      { reason: 'p', descriptionPattern },
    ],
  });

  it('refuses lookarounds, naming the entry', async () => {
    for (const pattern of ['^(?=elbv2)', '(?!x)y', '(?<=a)b', '(?<!a)b']) {
      await expect(loadGuardConfig(entry(pattern))).rejects.toThrow(
        /allow\.1\.descriptionPattern: lookarounds .* are not supported/,
      );
    }
  });

  it('refuses backreferences, naming the entry', async () => {
    for (const pattern of ['(a)\\1', '(?<n>a)\\k<n>']) {
      await expect(loadGuardConfig(entry(pattern))).rejects.toThrow(
        /allow\.1\.descriptionPattern: backreferences .* are not supported/,
      );
    }
  });

  it('refuses what is not a regular expression', async () => {
    await expect(loadGuardConfig(entry('('))).rejects.toThrow(
      /allow\.1\.descriptionPattern: not an RE2 regular expression/,
    );
  });

  it('matches as RegExp.test does: anywhere unless anchored', async () => {
    const config = await loadGuardConfig({ allow: [{ reason: 'debug rules', descriptionPattern: 'debug' }] });
    const result = evaluateEvent(
      parseEvent(authorize(NODE_SG, [{ from: 8080, cidrs: ['0.0.0.0/0'], description: 'temporary debug access' }])),
      sampleAccount(),
      { config },
    );
    expect(result.findings[0]?.status).toBe('suppressed');
  });

  // Before, JavaScript's backtracking RegExp took minutes on this (issue 9.5); RE2 is linear, so the test simply ends.
  it('finishes on a pattern that backtracks catastrophically', async () => {
    const config = await loadGuardConfig({ allow: [{ reason: 'a', descriptionPattern: '^(a+)+$' }] });
    const event = authorize(NODE_SG, [{ from: 8080, cidrs: ['0.0.0.0/0'], description: `${'a'.repeat(40)}!` }]);
    const result = evaluateEvent(parseEvent(event), sampleAccount(), { config });
    expect(result.findings[0]?.status).toBe('open');
  });
});

function parseEvent(raw: unknown) {
  const parsed = parseCloudTrailEvent(raw);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.event;
}
