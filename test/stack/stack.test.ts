/**
 * The stack's pure parts: cross-region forwarding, role names and own-principal patterns, the function environment
 * (as the functions' own loader reads it), and the API routes (as the API handler serves them).
 */
import {
  FINDING_DETAIL_TYPES,
  FINDING_EVENT_SOURCE,
  handleApiRequest,
  loadRuntimeConfig,
  SUPPRESSION_DETAIL_TYPES,
} from '@podnet-guard/aws';
import { SLACK_ACTION_DETAIL_TYPE, SLACK_ACTION_EVENT_SOURCE } from '@podnet-guard/aws/slack';
import { eventPatterns, matchesArnPattern } from '@podnet-guard/core';
import {
  API_ROUTES,
  cloudTrailRules,
  defaultBusArn,
  FINDING_TRANSITION_PATTERN,
  forwardingPlan,
  functionEnvironment,
  functionRoleName,
  ownPrincipalPatterns,
  SLACK_ACTION_PATTERN,
  STACK_FUNCTIONS,
  stackFunctionPermissions,
  stackSettings,
} from '@podnet-guard/stack-tools';
import { describe, expect, it } from 'vitest';
import { EVALUATION_JOB_DETAIL_TYPE } from '../../packages/aws/src/api/evaluations.ts';

const patterns = eventPatterns();

describe('cloudTrailRules', () => {
  it('makes one rule per generated pattern, with unique ids and descriptions EventBridge accepts', () => {
    const rules = cloudTrailRules(patterns);
    expect(rules).toHaveLength(patterns.length);
    expect(new Set(rules.map((rule) => rule.id)).size).toBe(rules.length);
    for (const rule of rules) expect(rule.description.length).toBeLessThanOrEqual(512);
    expect(rules.map((rule) => rule.pattern)).toEqual(patterns);
  });
});

describe('forwardingPlan', () => {
  it('gives every watched region but home the same rules as home', () => {
    const plan = forwardingPlan(patterns, ['eu-west-1', 'us-east-1', 'ap-southeast-2'], 'eu-west-1');
    expect(plan.map((region) => region.region)).toEqual(['ap-southeast-2', 'us-east-1']);
    for (const region of plan) expect(region.rules).toEqual(cloudTrailRules(patterns));
    expect(plan.map((region) => region.suffix)).toEqual(['ApSoutheast2', 'UsEast1']);
  });

  it('forwards nothing when only the home region is watched', () => {
    expect(forwardingPlan(patterns, ['eu-west-1'], 'eu-west-1')).toEqual([]);
  });

  it('forwards each region once, from settings that list regions twice', () => {
    const settings = stackSettings({ WATCHED_REGIONS: 'us-east-1,us-east-1,eu-west-1' }, 'eu-west-1');
    expect(forwardingPlan(patterns, settings.watchedRegions, 'eu-west-1').map((r) => r.region)).toEqual(['us-east-1']);
  });

  it('targets the home default bus', () => {
    expect(defaultBusArn('eu-west-1', '111122223333')).toBe('arn:aws:events:eu-west-1:111122223333:event-bus/default');
  });
});

describe('own principals', () => {
  it('names each function role within IAM limits', () => {
    expect(functionRoleName('podnet-guard', 'prod', 'on-cloudtrail-event', 'ap-southeast-2')).toBe(
      'podnet-guard-prod-on-cloudtrail-event-ap-southeast-2',
    );
    expect(() =>
      functionRoleName('podnet-guard', 'a-very-long-stage-name', 'on-cloudtrail-event', 'ap-southeast-2'),
    ).toThrow(/at most 64/);
  });

  it("matches the functions' own sessions and no other role", () => {
    const patternsForStack = ownPrincipalPatterns('podnet-guard', 'prod', 'eu-west-1');
    expect(patternsForStack).toHaveLength(STACK_FUNCTIONS.length);
    const own = 'arn:aws:sts::111122223333:assumed-role/podnet-guard-prod-sweep-eu-west-1/podnet-guard-prod-Sweep';
    const otherStage = 'arn:aws:sts::111122223333:assumed-role/podnet-guard-dev-sweep-eu-west-1/x';
    const person = 'arn:aws:sts::111122223333:assumed-role/Admin/alice';
    expect(patternsForStack.some((pattern) => matchesArnPattern(own, pattern))).toBe(true);
    expect(patternsForStack.some((pattern) => matchesArnPattern(otherStage, pattern))).toBe(false);
    expect(patternsForStack.some((pattern) => matchesArnPattern(person, pattern))).toBe(false);
  });
});

describe('functionEnvironment', () => {
  it('is what the functions read with loadRuntimeConfig', async () => {
    const settings = stackSettings(
      {
        WATCHED_REGIONS: 'us-east-1',
        OWN_PRINCIPALS: 'arn:aws:iam::111122223333:role/deployer',
        INVENTORY_CACHE_SECONDS: '30',
        GUARD_CONFIG: '{"subnetHeadroomPercent": 20}',
      },
      'eu-west-1',
    );
    const env = functionEnvironment(settings, {
      tableName: 'podnet-guard-prod-FindingsTable',
      topicArn: 'arn:aws:sns:eu-west-1:111122223333:alerts',
      busName: 'podnet-guard-prod-FindingsBus',
      ownPrincipals: ownPrincipalPatterns('podnet-guard', 'prod', 'eu-west-1'),
    });
    const config = await loadRuntimeConfig({ ...env, AWS_REGION: 'eu-west-1' });
    expect(config).toMatchObject({
      tableName: 'podnet-guard-prod-FindingsTable',
      topicArn: 'arn:aws:sns:eu-west-1:111122223333:alerts',
      busName: 'podnet-guard-prod-FindingsBus',
      regions: ['eu-west-1', 'us-east-1'],
      inventoryCacheSeconds: 30,
    });
    expect(config.guard.subnetHeadroomPercent).toBe(20);
    expect(config.guard.ownPrincipals).toEqual([
      ...ownPrincipalPatterns('podnet-guard', 'prod', 'eu-west-1'),
      'arn:aws:iam::111122223333:role/deployer',
    ]);
  });

  it('leaves GUARD_CONFIG out when not set', () => {
    const env = functionEnvironment(stackSettings({}, 'eu-west-1'), {
      tableName: 't',
      topicArn: 'arn:aws:sns:eu-west-1:111122223333:alerts',
      busName: 'b',
      ownPrincipals: [],
    });
    expect(env).not.toHaveProperty('GUARD_CONFIG');
  });
});

describe('API_ROUTES', () => {
  const unusable = () => {
    throw new Error('reached the route');
  };
  const deps = {
    store: new Proxy({}, { get: () => unusable }),
    evaluations: new Proxy({}, { get: () => unusable }),
    evaluate: unusable,
    deadlineMs: 1000,
    handoff: unusable,
    logger: { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} },
    recordMetric: () => {},
  } as unknown as Parameters<typeof handleApiRequest>[1];

  function request(routeKey: string) {
    const [method, template] = routeKey.split(' ') as [string, string];
    const path = template.replace('{id}', 'abc123');
    return {
      version: '2.0',
      routeKey,
      rawPath: path,
      body: '{}',
      requestContext: {
        http: { method, path },
        stage: '$default',
        requestId: 'req-1',
        authorizer: { iam: { userArn: 'arn:aws:iam::111122223333:user/alice' } },
      },
    };
  }

  it.each([...API_ROUTES])('%s is served by the API handler', async (routeKey) => {
    const response = await handleApiRequest(request(routeKey), deps);
    expect(String(response.body)).not.toMatch(/no route/);
  });

  it('a route the stack does not declare is answered "no route"', async () => {
    const response = await handleApiRequest(request('GET /nothing'), deps);
    expect(response.statusCode).toBe(404);
    expect(String(response.body)).toMatch(/no route/);
  });
});

describe('FINDING_TRANSITION_PATTERN', () => {
  it('matches every transition the findings bus carries, and nothing else the bus carries', () => {
    expect(FINDING_TRANSITION_PATTERN.source).toEqual([FINDING_EVENT_SOURCE]);
    expect([...FINDING_TRANSITION_PATTERN['detail-type']].sort()).toEqual(
      [...Object.values(FINDING_DETAIL_TYPES), ...Object.values(SUPPRESSION_DETAIL_TYPES)].sort(),
    );
    expect(FINDING_TRANSITION_PATTERN['detail-type']).not.toContain(EVALUATION_JOB_DETAIL_TYPE);
  });
});

describe('deliver-slack permissions', () => {
  it('reads its secret, its state in the table and its own pending queue, and can send nothing else (no SNS, no bus, no EC2)', () => {
    const statements = stackFunctionPermissions('deliver-slack', {
      findingsTable: 'table',
      findingsTableIndexes: 'table/index/*',
      credentialSecret: 'secret',
      configParameters: 'parameters',
      failureQueue: 'pending',
      slackPendingQueue: 'pending',
    });
    expect(statements.flatMap((statement) => statement.actions).sort()).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'secretsmanager:GetSecretValue',
      'sqs:DeleteMessage',
      'sqs:ReceiveMessage',
      'sqs:SendMessage',
      'ssm:GetParameter',
    ]);
    for (const action of ['sqs:DeleteMessage', 'sqs:ReceiveMessage', 'sqs:SendMessage']) {
      expect(statements.find((s) => s.actions.includes(action))?.resources).toEqual(['pending']);
    }
    expect(statements.find((s) => s.actions.includes('secretsmanager:GetSecretValue'))?.resources).toEqual(['secret']);
  });
});

describe('slack-interactions', () => {
  it('sits behind a Function URL and is deployed only with Slack interactivity', () => {
    const fn = STACK_FUNCTIONS.find((candidate) => candidate.name === 'slack-interactions');
    expect(fn).toMatchObject({ functionUrl: true, optional: 'slack-interactivity' });
    expect(STACK_FUNCTIONS.filter((candidate) => candidate.functionUrl).map((candidate) => candidate.name)).toEqual([
      'slack-interactions',
    ]);
  });

  it('subscribes to exactly the action requests the interactivity URL puts on the bus', () => {
    expect(SLACK_ACTION_PATTERN).toEqual({
      source: [SLACK_ACTION_EVENT_SOURCE],
      'detail-type': [SLACK_ACTION_DETAIL_TYPE],
    });
    expect(FINDING_TRANSITION_PATTERN.source).not.toContain(SLACK_ACTION_EVENT_SOURCE);
  });

  it('reads its secret, and puts events on the findings bus only (no SQS beyond its failure destination)', () => {
    const statements = stackFunctionPermissions('slack-interactions', {
      findingsTable: 'table',
      findingsTableIndexes: 'table/index/*',
      alertsTopic: 'topic',
      findingsBus: 'bus',
      credentialSecret: 'secret',
      configParameters: 'parameters',
      failureQueue: 'failed',
    });
    const resourcesOf = (action: string) => statements.find((s) => s.actions.includes(action))?.resources;
    expect(resourcesOf('secretsmanager:GetSecretValue')).toEqual(['secret']);
    expect(resourcesOf('events:PutEvents')).toEqual(['bus']);
    expect(resourcesOf('dynamodb:UpdateItem')).toEqual(['table']);
    expect(resourcesOf('sqs:SendMessage')).toEqual(['failed']);
  });
});

describe('remediate', () => {
  it('is deployed only with REMEDIATION=on and subscribes to transitions and Remediation Requested', async () => {
    const { REMEDIATION_TRIGGER_PATTERN, remediationParameters } = await import('@podnet-guard/stack-tools');
    const { FINDING_DETAIL_TYPES } = await import('@podnet-guard/aws');
    const { REMEDIATION_REQUESTED_DETAIL_TYPE } = await import('@podnet-guard/aws/slack');
    expect(STACK_FUNCTIONS.find((fn) => fn.name === 'remediate')).toMatchObject({ optional: 'remediation' });
    expect([...REMEDIATION_TRIGGER_PATTERN['detail-type']].sort()).toEqual(
      [...Object.values(FINDING_DETAIL_TYPES), REMEDIATION_REQUESTED_DETAIL_TYPE].sort(),
    );
    expect(remediationParameters('podnet-guard', 'prod').killSwitch).toBe('/podnet-guard/prod/remediation-kill-switch');
  });
});
