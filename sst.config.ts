/// <reference path="./.sst/platform/config.d.ts" />
/**
 * The deployed stack: one per account, in a home region, watching CloudTrail in every region of WATCHED_REGIONS.
 * Nothing here is a second hand-written copy: EventBridge patterns come from the detector registry (core's
 * `eventPatterns()`), IAM actions from the SDK commands each function's bundle keeps (`npm run gen:iam`), the table
 * from `FINDINGS_TABLE_SCHEMA`, settings from the environment (`.env.<stage>`; see the README's Deploy section).
 * The pure parts live in `@podnet-guard/stack-tools` and are tested in test/stack/; `scripts/typecheck-stack.sh`
 * checks this file against SST's platform types without AWS.
 *
 * Functions get `permissions`, never `link`: SST's link grants wildcard actions (`dynamodb:*`, `sns:*`).
 */
export default $config({
  app(input) {
    return {
      name: 'podnet-guard',
      removal: input?.stage === 'production' || input?.stage === 'prod' ? 'retain' : 'remove',
      home: 'aws',
      // No region given: the provider takes AWS_REGION / the profile's region, the same chain the functions use.
      providers: { aws: process.env.AWS_REGION ? { region: process.env.AWS_REGION as aws.Region } : {} },
    };
  },
  async run() {
    // Project code is imported inside run(), as SST documents, so `sst install` never loads it.
    const { eventPatterns } = await import('@podnet-guard/core');
    const { FINDINGS_TABLE_SCHEMA } = await import('@podnet-guard/aws/finding-store');
    // The module itself, not the package index: the index pulls in code typed for Node timers, which SST's platform
    // types (Bun's) refuse.
    const { EVALUATION_JOB_DETAIL_TYPE, EVALUATION_JOB_SOURCE } = await import('./packages/aws/src/api/evaluations.ts');
    const tools = await import('@podnet-guard/stack-tools');

    const home = (await aws.getRegion({})).region;
    const { accountId } = await aws.getCallerIdentity({});
    const { partition } = await aws.getPartition({});
    const settings = tools.stackSettings(process.env, home);
    const rules = tools.cloudTrailRules(eventPatterns());

    // ---- storage and outputs of findings ----

    const table = new sst.aws.Dynamo('Findings', {
      fields: { ...FINDINGS_TABLE_SCHEMA.fields },
      primaryIndex: { ...FINDINGS_TABLE_SCHEMA.primaryIndex },
      globalIndexes: {
        byStatus: { ...FINDINGS_TABLE_SCHEMA.globalIndexes.byStatus },
        byPending: { ...FINDINGS_TABLE_SCHEMA.globalIndexes.byPending },
      },
      ttl: FINDINGS_TABLE_SCHEMA.ttl,
      transform: { table: { pointInTimeRecovery: { enabled: $app.stage === 'prod' || $app.stage === 'production' } } },
    });

    /** Finding transitions for people: email (filtered by severity), Slack/Teams via Chatbot, JSON subscribers. */
    const alerts = new sst.aws.SnsTopic('Alerts');
    /** podnet-guard's own health (alarms). Apart from Alerts: alarm messages carry no `severity` attribute. */
    const operations = new sst.aws.SnsTopic('Operations');
    /** Findings for machine consumers (and the API's evaluation hand-off). */
    const bus = new sst.aws.Bus('FindingsBus');

    settings.alertEmails.forEach((subscriber, index) => {
      const policy = tools.severityFilterPolicy(subscriber.severities);
      new aws.sns.TopicSubscription(`AlertEmail${index}`, {
        topic: alerts.arn,
        protocol: 'email',
        endpoint: subscriber.email,
        ...(policy ? { filterPolicy: JSON.stringify(policy), filterPolicyScope: 'MessageAttributes' } : {}),
      });
    });
    settings.operationsEmails.forEach((email, index) => {
      new aws.sns.TopicSubscription(`OperationsEmail${index}`, {
        topic: operations.arn,
        protocol: 'email',
        endpoint: email,
      });
    });

    // ---- queues for what could not be delivered or processed ----

    const queueArgs = { messageRetentionSeconds: 14 * 24 * 3600, sqsManagedSseEnabled: true };
    /** EventBridge deliveries that failed after the target's retry policy (home-region rules and the schedule). */
    const deliveryDlq = new aws.sqs.Queue('DeliveryDeadLetters', queueArgs);
    /** Asynchronous invocations whose processing kept failing after Lambda's retries (on-failure destination). */
    const failedInvocations = new aws.sqs.Queue('FailedInvocations', queueArgs);

    // ---- functions ----

    /**
     * The Slack credential (SLACK_DELIVERY=on): created empty; its value is put by hand, never through the deploy
     * (`{"botToken": "xoxb-…"}` or `{"webhookUrl": "https://hooks.slack.com/services/…"}`, see the README).
     */
    const slackSecret = settings.slackDelivery ? new aws.secretsmanager.Secret('SlackCredential') : undefined;
    /** What Slack refused: the Slack function's failed invocations, drained by its hourly run once Slack answers. */
    const slackPending = settings.slackDelivery
      ? new aws.sqs.Queue('SlackPending', { ...queueArgs, visibilityTimeoutSeconds: 120 })
      : undefined;

    /**
     * The GitHub credential (REMEDIATION=on): created empty; its value is put by hand, never through the deploy
     * (`{"token": "github_pat_…"}` or `{"appId", "installationId", "privateKey"}`, see the README).
     */
    const githubSecret = settings.remediation ? new aws.secretsmanager.Secret('GitHubCredential') : undefined;
    /** The config parameter and the kill switch live under `/<app>/<stage>/`, which every function may read. */
    const parameters = tools.remediationParameters($app.name, $app.stage);
    const configObject = settings.guardConfigS3Uri?.replace(/^s3:\/\//, '');

    const resources = {
      configParameters: $interpolate`arn:${partition}:ssm:${home}:${accountId}:parameter${parameters.path}*`,
      ...(configObject ? { configObject: $interpolate`arn:${partition}:s3:::${configObject}` } : {}),
      findingsTable: table.arn,
      findingsTableIndexes: $interpolate`${table.arn}/index/*`,
      alertsTopic: alerts.arn,
      findingsBus: bus.arn,
      failureQueue: failedInvocations.arn,
      ...(slackSecret ? { credentialSecret: slackSecret.arn } : {}),
    };
    // The Slack function's failures go to its own queue, which it drains; every other function's to FailedInvocations.
    // The remediate function's credential is GitHub's, not Slack's.
    const failureQueueOf = (name: string) =>
      name === 'deliver-slack' && slackPending
        ? { ...resources, failureQueue: slackPending.arn, slackPendingQueue: slackPending.arn }
        : name === 'remediate' && githubSecret
          ? { ...resources, credentialSecret: githubSecret.arn }
          : resources;
    const environment = tools.functionEnvironment(settings, {
      tableName: table.name,
      topicArn: alerts.arn,
      busName: bus.name,
      ownPrincipals: tools.ownPrincipalPatterns($app.name, $app.stage, home, partition),
    });
    /** The Slack functions' environment: the secret, deliver-slack's pending queue, and whether buttons are on. */
    const slackEnvironment = (name: string) => {
      if (name === 'remediate' && githubSecret)
        return {
          ...environment,
          GITHUB_SECRET_ARN: githubSecret.arn,
          REMEDIATION_KILL_SWITCH_PARAMETER: parameters.killSwitch,
        };
      if (!slackSecret || (name !== 'deliver-slack' && name !== 'slack-interactions')) return environment;
      return {
        ...environment,
        SLACK_SECRET_ARN: slackSecret.arn,
        ...(name === 'deliver-slack' && slackPending ? { SLACK_PENDING_QUEUE_URL: slackPending.url } : {}),
        ...(settings.slackInteractivity ? { SLACK_INTERACTIVITY: 'on' } : {}),
      };
    };
    const functions = Object.fromEntries(
      tools.deployedFunctions(settings).map((spec) => {
        const fn = new sst.aws.Function(spec.component, {
          handler: spec.handler,
          // Explicit: SST 4 defaults to a newer runtime than the one the code is tested against.
          runtime: 'nodejs22.x',
          architecture: 'arm64',
          timeout: `${spec.timeoutSeconds} seconds`,
          memory: `${spec.memoryMb} MB`,
          // splitting: SDK clients loaded on first use get their own chunks; plugins: see scripts/esbuild-plugins.mjs.
          nodejs: {
            format: 'esm',
            minify: true,
            sourcemap: true,
            splitting: true,
            plugins: './scripts/esbuild-plugins.mjs',
          },
          logging: { retention: '1 month', format: 'json' },
          environment: slackEnvironment(spec.name),
          // Slack's interactivity URL: Slack signs its requests itself (verified in the function), not with SigV4.
          ...(spec.functionUrl ? { url: { authorization: 'none' as const } } : {}),
          permissions: tools.stackFunctionPermissions(spec.name, failureQueueOf(spec.name)),
          ...(spec.name === 'on-cloudtrail-event' ? { concurrency: { reserved: settings.reservedConcurrency } } : {}),
          transform: {
            role: (args) => {
              // A fixed name, so OWN_PRINCIPALS can name the functions' sessions before the roles exist.
              args.name = tools.functionRoleName($app.name, $app.stage, spec.name, home);
            },
          },
        });
        new aws.lambda.FunctionEventInvokeConfig(`${spec.component}AsyncConfig`, {
          functionName: fn.name,
          maximumRetryAttempts: 2,
          maximumEventAgeInSeconds: 6 * 3600,
          destinationConfig: { onFailure: { destination: failureQueueOf(spec.name).failureQueue } },
        });
        return [spec.name, fn] as const;
      }),
    );
    const onEvent = functions['on-cloudtrail-event'] as sst.aws.Function;
    const evaluateApi = functions['evaluate-api'] as sst.aws.Function;
    const sweep = functions.sweep as sst.aws.Function;

    // ---- home region: CloudTrail calls on the default bus → on-cloudtrail-event ----

    const retryPolicy = { maximumRetryAttempts: 8, maximumEventAgeInSeconds: 6 * 3600 };
    const ruleArns: $util.Output<string>[] = [];
    for (const rule of rules) {
      const eventRule = new aws.cloudwatch.EventRule(rule.id, {
        eventBusName: 'default',
        description: rule.description,
        eventPattern: JSON.stringify(rule.pattern),
      });
      new aws.cloudwatch.EventTarget(`${rule.id}Target`, {
        rule: eventRule.name,
        eventBusName: 'default',
        arn: onEvent.arn,
        retryPolicy,
        deadLetterConfig: { arn: deliveryDlq.arn },
      });
      new aws.lambda.Permission(`${rule.id}Invoke`, {
        action: 'lambda:InvokeFunction',
        function: onEvent.name,
        principal: 'events.amazonaws.com',
        sourceArn: eventRule.arn,
      });
      ruleArns.push(eventRule.arn);
    }

    // ---- the API, and its hand-off of long evaluations to an asynchronous invocation ----

    const api = new sst.aws.ApiGatewayV2('Api');
    for (const route of tools.API_ROUTES) api.route(route, evaluateApi.arn, { auth: { iam: true } });

    /** A rule on the findings bus invoking `fn`, with the retry policy and dead letters of every target. */
    const busRuleTo = (name: string, fn: sst.aws.Function, description: string, pattern: object) => {
      const rule = new aws.cloudwatch.EventRule(name, {
        eventBusName: bus.name,
        description,
        eventPattern: JSON.stringify(pattern),
      });
      new aws.cloudwatch.EventTarget(`${name}Target`, {
        rule: rule.name,
        eventBusName: bus.name,
        arn: fn.arn,
        retryPolicy,
        deadLetterConfig: { arn: deliveryDlq.arn },
      });
      new aws.lambda.Permission(`${name}Invoke`, {
        action: 'lambda:InvokeFunction',
        function: fn.name,
        principal: 'events.amazonaws.com',
        sourceArn: rule.arn,
      });
      ruleArns.push(rule.arn);
    };
    busRuleTo('EvaluationJobs', evaluateApi, 'podnet-guard: API evaluations that outlived the request', {
      source: [EVALUATION_JOB_SOURCE],
      'detail-type': [EVALUATION_JOB_DETAIL_TYPE],
    });

    // ---- Slack: a consumer of the findings bus, off the CloudTrail hot path ----

    const deliverSlack = functions['deliver-slack'] as sst.aws.Function | undefined;
    if (deliverSlack) {
      busRuleTo(
        'SlackDelivery',
        deliverSlack,
        'podnet-guard: finding transitions to Slack',
        tools.FINDING_TRANSITION_PATTERN,
      );
      // The hourly digest of low and info findings.
      const digest = new sst.aws.Cron('SlackDigestSchedule', {
        function: deliverSlack.arn,
        schedule: 'rate(1 hour)',
        transform: { target: { retryPolicy, deadLetterConfig: { arn: deliveryDlq.arn } } },
      });
      ruleArns.push(digest.nodes.rule.arn);
    }

    // ---- fix pull requests: a consumer of the findings bus, off the CloudTrail hot path ----

    const remediate = functions.remediate as sst.aws.Function | undefined;
    if (remediate) {
      busRuleTo(
        'Remediation',
        remediate,
        'podnet-guard: finding transitions and fix requests to pull requests',
        tools.REMEDIATION_TRIGGER_PATTERN,
      );
    }

    // ---- Slack buttons: the interactivity URL, and the work it puts on the findings bus ----

    const slackInteractions = functions['slack-interactions'] as sst.aws.Function | undefined;
    if (slackInteractions) {
      busRuleTo(
        'SlackActions',
        slackInteractions,
        'podnet-guard: work behind Slack buttons (suppress, re-evaluate, fix PR)',
        tools.SLACK_ACTION_PATTERN,
      );
    }

    // ---- the sweep ----

    const schedule = new sst.aws.Cron('SweepSchedule', {
      function: sweep.arn,
      schedule: settings.sweepSchedule as `rate(${string})`,
      transform: { target: { retryPolicy, deadLetterConfig: { arn: deliveryDlq.arn } } },
    });
    ruleArns.push(schedule.nodes.rule.arn);

    new aws.sqs.QueuePolicy('DeliveryDeadLettersPolicy', {
      queueUrl: deliveryDlq.url,
      policy: $jsonStringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Resource: deliveryDlq.arn,
            Condition: { ArnEquals: { 'aws:SourceArn': ruleArns } },
          },
        ],
      }),
    });

    // ---- other regions: the same rules, forwarding to the home region's default bus ----

    const plan = tools.forwardingPlan(
      rules.map((rule) => rule.pattern),
      settings.watchedRegions,
      home,
    );
    if (plan.length > 0) {
      const homeBusArn = tools.defaultBusArn(home, accountId, partition);
      const forwardRole = new aws.iam.Role('ForwardEventsRole', {
        assumeRolePolicy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'events.amazonaws.com' },
              Action: 'sts:AssumeRole',
              Condition: { StringEquals: { 'aws:SourceAccount': accountId } },
            },
          ],
        }),
        inlinePolicies: [
          {
            name: 'put-events-home-bus',
            policy: JSON.stringify({
              Version: '2012-10-17',
              Statement: [{ Effect: 'Allow', Action: 'events:PutEvents', Resource: homeBusArn }],
            }),
          },
        ],
      });
      for (const region of plan) {
        const provider = new aws.Provider(`Aws${region.suffix}`, { region: region.region as aws.Region });
        // A dead-letter queue must be in the rule's region.
        const dlq = new aws.sqs.Queue(`ForwardDeadLetters${region.suffix}`, queueArgs, { provider });
        const forwardArns: $util.Output<string>[] = [];
        for (const rule of region.rules) {
          const eventRule = new aws.cloudwatch.EventRule(
            `Forward${region.suffix}${rule.id}`,
            {
              eventBusName: 'default',
              description: `${rule.description} (forwarded to ${home})`.slice(0, 512),
              eventPattern: JSON.stringify(rule.pattern),
            },
            { provider },
          );
          new aws.cloudwatch.EventTarget(
            `Forward${region.suffix}${rule.id}Target`,
            {
              rule: eventRule.name,
              eventBusName: 'default',
              arn: homeBusArn,
              roleArn: forwardRole.arn,
              retryPolicy,
              deadLetterConfig: { arn: dlq.arn },
            },
            { provider },
          );
          forwardArns.push(eventRule.arn);
        }
        new aws.sqs.QueuePolicy(
          `ForwardDeadLetters${region.suffix}Policy`,
          {
            queueUrl: dlq.url,
            policy: $jsonStringify({
              Version: '2012-10-17',
              Statement: [
                {
                  Effect: 'Allow',
                  Principal: { Service: 'events.amazonaws.com' },
                  Action: 'sqs:SendMessage',
                  Resource: dlq.arn,
                  Condition: { ArnEquals: { 'aws:SourceArn': forwardArns } },
                },
              ],
            }),
          },
          { provider },
        );
      }
    }

    // ---- alarms → operations topic ----

    const alarmArgs = {
      period: 300,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'notBreaching',
      alarmActions: [operations.arn],
      okActions: [operations.arn],
    };
    for (const [id, queue] of [
      ['DeliveryDeadLetters', deliveryDlq],
      ['FailedInvocations', failedInvocations],
      ...(slackPending ? ([['SlackPending', slackPending]] as const) : []),
    ] as const) {
      new aws.cloudwatch.MetricAlarm(`${id}Depth`, {
        ...alarmArgs,
        alarmDescription: `podnet-guard: messages in ${id}; inspect and redrive them`,
        namespace: 'AWS/SQS',
        metricName: 'ApproximateNumberOfMessagesVisible',
        dimensions: { QueueName: queue.name },
        statistic: 'Maximum',
      });
    }
    for (const spec of tools.deployedFunctions(settings)) {
      new aws.cloudwatch.MetricAlarm(`${spec.component}Errors`, {
        ...alarmArgs,
        alarmDescription: `podnet-guard: ${spec.name} failed; see its logs`,
        namespace: 'AWS/Lambda',
        metricName: 'Errors',
        dimensions: { FunctionName: (functions[spec.name] as sst.aws.Function).name },
        statistic: 'Sum',
      });
    }

    return {
      api: api.url,
      alertsTopic: alerts.arn,
      operationsTopic: operations.arn,
      findingsBus: bus.name,
      findingsTable: table.name,
      cloudTrailRules: rules.map((rule) => rule.id),
      forwardingRegions: plan.map((region) => region.region),
      ...(slackSecret ? { slackSecret: slackSecret.arn } : {}),
      ...(githubSecret ? { githubSecret: githubSecret.arn } : {}),
      // Paste into the Slack app's Interactivity & Shortcuts "Request URL" (docs/slack-app-manifest.yaml).
      ...(slackInteractions ? { slackInteractivityUrl: slackInteractions.url } : {}),
    };
  },
});
