import { loadRuntimeConfig } from '@podnet-guard/aws';
import { ConfigError } from '@podnet-guard/core';
import { describe, expect, it } from 'vitest';

const ENV = {
  AWS_REGION: 'eu-west-1',
  FINDINGS_TABLE: 'findings',
  ALERTS_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111122223333:alerts',
};

describe('loadRuntimeConfig: GUARD_CONFIG at Lambda init', () => {
  it('refuses an allow entry that constrains nothing with a ConfigError naming it', async () => {
    const attempt = loadRuntimeConfig({ ...ENV, GUARD_CONFIG: JSON.stringify({ allow: [{ reason: 'all fine' }] }) });
    await expect(attempt).rejects.toThrow(ConfigError);
    await expect(attempt).rejects.toThrow(/allow\.0: the entry .* constrains nothing/);
  });

  it('refuses a lookaround in a descriptionPattern, naming the entry', async () => {
    const guard = {
      allow: [{ reason: 'lb', principals: ['arn:aws:iam::111122223333:role/lbc'], descriptionPattern: '(?!x)' }],
    };
    await expect(loadRuntimeConfig({ ...ENV, GUARD_CONFIG: JSON.stringify(guard) })).rejects.toThrow(
      /allow\.0\.descriptionPattern: lookarounds/,
    );
  });

  it('reads disabledRules, kubernetesPrincipals and a pattern that RE2 takes', async () => {
    const guard = {
      disabledRules: ['branch-capacity-low'],
      kubernetesPrincipals: { prod: ['arn:aws:iam::111122223333:role/lbc'] },
      allow: [
        { reason: 'lb', principals: ['arn:aws:iam::111122223333:role/lbc'], descriptionPattern: '^elbv2\\.k8s\\.aws/' },
      ],
    };
    const config = await loadRuntimeConfig({ ...ENV, GUARD_CONFIG: JSON.stringify(guard) });
    expect(config.guard).toMatchObject(guard);
  });
});
