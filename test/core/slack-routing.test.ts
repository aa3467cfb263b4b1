import { ConfigError, parseGuardConfig, routeToSlack, type SlackConfig } from '@podnet-guard/core';
import { describe, expect, it } from 'vitest';

const config = (slack: unknown): SlackConfig => {
  const parsed = parseGuardConfig({ slack }).slack;
  if (!parsed) throw new Error('slack config expected');
  return parsed;
};

const finding = (severity: 'critical' | 'high' | 'medium' | 'low' | 'info', clusters = ['prod']) => ({
  severity,
  clusters,
  detector: 'node-sg-widening' as const,
});

describe('routeToSlack', () => {
  const routes = config({
    routes: [
      { channel: '#payments-oncall', clusters: ['payments'], severities: ['critical', 'high'] },
      { channel: '#network', detectors: ['ip-pool-exhaustion'] },
      { channel: '#security', severities: ['critical', 'high', 'medium'] },
    ],
    defaultChannel: '#eks-alerts',
  });

  it('takes the first route whose every field matches, in config order', () => {
    expect(routeToSlack(finding('high', ['payments']), routes)).toEqual({ channel: '#payments-oncall', digest: false });
    expect(routeToSlack(finding('medium', ['payments']), routes)).toEqual({ channel: '#security', digest: false });
    expect(routeToSlack({ severity: 'high', clusters: ['prod'], detector: 'ip-pool-exhaustion' }, routes)).toEqual({
      channel: '#network',
      digest: false,
    });
  });

  it('falls back to the default channel, and sends low and info to the digest', () => {
    expect(routeToSlack(finding('low'), routes)).toEqual({ channel: '#eks-alerts', digest: true });
    expect(routeToSlack(finding('info'), routes)).toEqual({ channel: '#eks-alerts', digest: true });
  });

  it('routes nothing without a match and without a default', () => {
    expect(routeToSlack(finding('low'), config({ routes: [{ channel: '#x', severities: ['critical'] }] }))).toBe(
      undefined,
    );
  });

  it('can post every severity (digest off) and send the digest to its own channel', () => {
    expect(routeToSlack(finding('info'), config({ defaultChannel: '#a', digest: { severities: [] } }))).toEqual({
      channel: '#a',
      digest: false,
    });
    expect(
      routeToSlack(
        finding('low'),
        config({ defaultChannel: '#a', digest: { severities: ['low'], channel: '#digest' } }),
      ),
    ).toEqual({ channel: '#digest', digest: true });
  });

  it('refuses a channel that is neither an id nor a #name, and unknown keys, naming the field', () => {
    expect(() => config({ defaultChannel: 'eks alerts' })).toThrow(ConfigError);
    expect(() => config({ defaultChannel: 'eks alerts' })).toThrow(/slack\.defaultChannel/);
    expect(() => config({ routes: [{ channel: '#a', webhook: 'https://hooks.slack.com/x' }] })).toThrow(
      /slack\.routes\.0/,
    );
    expect(config({ defaultChannel: 'C0123ABCD' }).defaultChannel).toBe('C0123ABCD');
  });
});
