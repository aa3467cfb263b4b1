import { ConfigError, defaultGuardConfig, parseGuardConfig } from '@podnet-guard/core';
import { describe, expect, it } from 'vitest';

describe('parseGuardConfig', () => {
  it('fills defaults for an empty document', () => {
    const config = defaultGuardConfig();
    expect(config.publicWidePrefixLength).toBe(16);
    expect(config.sensitivePorts).toContain(22);
    expect(config.allow).toEqual([]);
  });

  it('names the wrong field', () => {
    expect(() => parseGuardConfig({ publicWidePrefixLength: 40 })).toThrow(/publicWidePrefixLength/);
    expect(() => parseGuardConfig({ allow: [{ securityGroups: ['sg-1'] }] })).toThrow(ConfigError);
  });

  it('rejects an allow-list description pattern that is not a regular expression', () => {
    expect(() => parseGuardConfig({ allow: [{ reason: 'x', descriptionPattern: '(' }] })).toThrow(/descriptionPattern/);
  });
});
