/** The stack's settings from the environment: alert emails and their severity filters, regions, schedule, limits. */
import { SEVERITIES } from '@podnet-guard/core';
import {
  deployedFunctions,
  parseAlertEmails,
  StackSettingsError,
  severityFilterPolicy,
  stackSettings,
} from '@podnet-guard/stack-tools';
import { describe, expect, it } from 'vitest';

describe('parseAlertEmails', () => {
  it('reads address=severity|severity entries, in SEVERITIES order', () => {
    expect(parseAlertEmails('ops@example.com=high|critical, Dev@Example.com=critical')).toEqual([
      { email: 'ops@example.com', severities: ['critical', 'high'] },
      { email: 'dev@example.com', severities: ['critical'] },
    ]);
  });

  it('gives an address without "=" every severity', () => {
    expect(parseAlertEmails('sec@example.com')).toEqual([{ email: 'sec@example.com', severities: [...SEVERITIES] }]);
  });

  it('is empty when unset or blank', () => {
    expect(parseAlertEmails(undefined)).toEqual([]);
    expect(parseAlertEmails(' , ')).toEqual([]);
  });

  it.each([
    ['not-an-address=critical', /not an email address/],
    ['ops@example.com=urgent', /not urgent/],
    ['ops@example.com=', /severities must be among/],
    ['ops@example.com=critical=high', /more than one "="/],
    ['ops@example.com,OPS@example.com=high', /listed twice/],
  ])('refuses %s', (value, message) => {
    expect(() => parseAlertEmails(value)).toThrow(StackSettingsError);
    expect(() => parseAlertEmails(value)).toThrow(message);
  });
});

describe('severityFilterPolicy', () => {
  it('filters on the severity message attribute when only some severities are wanted', () => {
    expect(severityFilterPolicy(['critical', 'high'])).toEqual({ severity: ['critical', 'high'] });
  });

  it('sets no filter for a subscriber that takes every severity', () => {
    expect(severityFilterPolicy([...SEVERITIES])).toBeUndefined();
  });
});

describe('stackSettings', () => {
  it('has defaults: home region only, hourly sweep, 60 s cache, 5 reserved, no emails', () => {
    expect(stackSettings({}, 'eu-west-1')).toEqual({
      alertEmails: [],
      operationsEmails: [],
      watchedRegions: ['eu-west-1'],
      ownPrincipals: [],
      sweepSchedule: 'rate(1 hour)',
      inventoryCacheSeconds: 60,
      reservedConcurrency: 5,
      guardConfig: undefined,
      slackDelivery: false,
      slackInteractivity: false,
      guardConfigParameter: undefined,
      guardConfigS3Uri: undefined,
      remediation: false,
    });
  });

  it('reads the config document from SSM or S3 when named, and deploys remediation only with REMEDIATION=on', () => {
    const names = (env: Record<string, string>) =>
      deployedFunctions(stackSettings(env, 'eu-west-1')).map((fn) => fn.name);
    expect(names({})).not.toContain('remediate');
    expect(names({ REMEDIATION: 'on' })).toContain('remediate');
    expect(stackSettings({ GUARD_CONFIG_PARAMETER: '/podnet-guard/prod/config' }, 'eu-west-1')).toMatchObject({
      guardConfigParameter: '/podnet-guard/prod/config',
    });
    expect(() => stackSettings({ GUARD_CONFIG_PARAMETER: 'config' }, 'eu-west-1')).toThrow(/not a parameter path/);
    // The slack section is then checked at the Slack function's cold start, not at deploy.
    expect(names({ SLACK_DELIVERY: 'on', GUARD_CONFIG_PARAMETER: '/podnet-guard/prod/config' })).toContain(
      'deliver-slack',
    );
    expect(() => stackSettings({ GUARD_CONFIG_S3_URI: 'https://x/y' }, 'eu-west-1')).toThrow(/not s3:\/\/bucket\/key/);
  });

  it('deploys the slack-interactions function only with SLACK_INTERACTIVITY=on, which needs Slack delivery', () => {
    const slack = JSON.stringify({ slack: { defaultChannel: '#eks-alerts', actions: { userGroup: 'S0ONCALL01' } } });
    const names = (env: Record<string, string>) =>
      deployedFunctions(stackSettings(env, 'eu-west-1')).map((fn) => fn.name);
    expect(names({ SLACK_DELIVERY: 'on', GUARD_CONFIG: slack })).not.toContain('slack-interactions');
    expect(names({ SLACK_DELIVERY: 'on', SLACK_INTERACTIVITY: 'on', GUARD_CONFIG: slack })).toEqual(
      expect.arrayContaining(['deliver-slack', 'slack-interactions']),
    );
    expect(() => stackSettings({ SLACK_INTERACTIVITY: 'on', GUARD_CONFIG: slack }, 'eu-west-1')).toThrow(
      /SLACK_INTERACTIVITY: is on, but SLACK_DELIVERY is off/,
    );
    expect(() =>
      stackSettings({ SLACK_DELIVERY: 'on', SLACK_INTERACTIVITY: 'true', GUARD_CONFIG: slack }, 'eu-west-1'),
    ).toThrow(/SLACK_INTERACTIVITY: "true" is not on or off/);
    expect(() =>
      stackSettings(
        { SLACK_DELIVERY: 'on', GUARD_CONFIG: JSON.stringify({ slack: { actions: { userGroup: '#oncall' } } }) },
        'eu-west-1',
      ),
    ).toThrow(/GUARD_CONFIG/);
  });

  it('turns Slack delivery on only with a slack section in GUARD_CONFIG, and refuses other values', () => {
    const slack = JSON.stringify({ slack: { defaultChannel: '#eks-alerts' } });
    expect(stackSettings({ SLACK_DELIVERY: 'on', GUARD_CONFIG: slack }, 'eu-west-1').slackDelivery).toBe(true);
    expect(() => stackSettings({ SLACK_DELIVERY: 'on' }, 'eu-west-1')).toThrow(
      /SLACK_DELIVERY: is on, but GUARD_CONFIG has no slack section/,
    );
    expect(() => stackSettings({ SLACK_DELIVERY: 'yes', GUARD_CONFIG: slack }, 'eu-west-1')).toThrow(
      /SLACK_DELIVERY: "yes" is not on or off/,
    );
    expect(deployedFunctions(stackSettings({}, 'eu-west-1')).map((fn) => fn.name)).not.toContain('deliver-slack');
    expect(
      deployedFunctions(stackSettings({ SLACK_DELIVERY: 'on', GUARD_CONFIG: slack }, 'eu-west-1')).map((fn) => fn.name),
    ).toContain('deliver-slack');
  });

  it('puts the home region first and drops duplicates', () => {
    const settings = stackSettings({ WATCHED_REGIONS: 'us-east-1, eu-west-1,us-east-1' }, 'eu-west-1');
    expect(settings.watchedRegions).toEqual(['eu-west-1', 'us-east-1']);
  });

  it('reads every setting', () => {
    const settings = stackSettings(
      {
        ALERT_EMAILS: 'ops@example.com=critical',
        OPERATIONS_EMAILS: 'oncall@example.com',
        OWN_PRINCIPALS: 'arn:aws:iam::111122223333:role/deployer',
        SWEEP_SCHEDULE: 'cron(0 */6 * * ? *)',
        INVENTORY_CACHE_SECONDS: '120',
        RESERVED_CONCURRENCY: '3',
        GUARD_CONFIG: '{"subnetHeadroomPercent": 20}',
      },
      'us-west-2',
    );
    expect(settings).toMatchObject({
      operationsEmails: ['oncall@example.com'],
      ownPrincipals: ['arn:aws:iam::111122223333:role/deployer'],
      sweepSchedule: 'cron(0 */6 * * ? *)',
      inventoryCacheSeconds: 120,
      reservedConcurrency: 3,
      guardConfig: '{"subnetHeadroomPercent": 20}',
    });
  });

  it('sends alarms to the alert addresses when OPERATIONS_EMAILS is not set', () => {
    const settings = stackSettings({ ALERT_EMAILS: 'a@example.com=critical,b@example.com' }, 'eu-west-1');
    expect(settings.operationsEmails).toEqual(['a@example.com', 'b@example.com']);
  });

  it.each([
    [{ WATCHED_REGIONS: 'eu-west-1,europe' }, 'WATCHED_REGIONS'],
    [{ SWEEP_SCHEDULE: 'every hour' }, 'SWEEP_SCHEDULE'],
    [{ INVENTORY_CACHE_SECONDS: '3601' }, 'INVENTORY_CACHE_SECONDS'],
    [{ RESERVED_CONCURRENCY: '0' }, 'RESERVED_CONCURRENCY'],
    [{ RESERVED_CONCURRENCY: '2.5' }, 'RESERVED_CONCURRENCY'],
    [{ GUARD_CONFIG: '{"subnetHeadroomPercent": 200}' }, 'GUARD_CONFIG'],
    [{ GUARD_CONFIG: 'not json' }, 'GUARD_CONFIG'],
    [{ GUARD_CONFIG: '{"allow": [{"reason": "all fine"}]}' }, 'GUARD_CONFIG'],
    [{ GUARD_CONFIG: '{"allow": [{"reason": "x", "descriptionPattern": "(?=a)"}]}' }, 'GUARD_CONFIG'],
    [{ OPERATIONS_EMAILS: 'oncall' }, 'OPERATIONS_EMAILS'],
  ])('refuses %j, naming %s', (env, variable) => {
    expect(() => stackSettings(env, 'eu-west-1')).toThrow(expect.objectContaining({ variable }));
  });

  it('refuses a home region that is not a region name', () => {
    expect(() => stackSettings({}, '')).toThrow(expect.objectContaining({ variable: 'AWS_REGION' }));
  });
});
