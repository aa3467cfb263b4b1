/// <reference path="./.sst/platform/config.d.ts" />
/**
 * The deployed stack, one per account and region (CloudTrail events reach EventBridge in the region of the call).
 * EventBridge patterns come from the detector registry (`eventPatterns()` in `@podnet-guard/core`), never a second
 * hand-written copy. `scripts/typecheck-stack.sh` checks this file against SST's platform types without AWS.
 */
export default $config({
  app(input) {
    return {
      name: 'podnet-guard',
      removal: input?.stage === 'production' ? 'retain' : 'remove',
      home: 'aws',
      // No region given: the provider takes AWS_REGION / the profile's region, the same chain the functions use.
      providers: { aws: process.env.AWS_REGION ? { region: process.env.AWS_REGION } : {} },
    };
  },
  async run() {
    // Project code is imported inside run(), as SST documents, so `sst install` never loads it.
    const { eventPatterns } = await import('@podnet-guard/core');

    /** Finding transitions (opened, worsened, resolved) for people: email, Slack via Chatbot, JSON subscribers. */
    const alerts = new sst.aws.SnsTopic('Alerts');
    /** podnet-guard's own health: rejected events, inventory load failures, DLQ depth. */
    const operations = new sst.aws.SnsTopic('Operations');

    // One rule per generated pattern on the default bus, where CloudTrail management events arrive.
    // Target: functions/on-cloudtrail-event.ts (not yet committed when this was written). Wiring it needs, besides
    //   new sst.aws.Function('OnCloudTrailEvent', { handler: 'functions/on-cloudtrail-event.handler', runtime: 'nodejs22.x', … })
    // (every function sets runtime 'nodejs22.x' explicitly; SST's default is newer): the findings table, the
    // environment `loadRuntimeConfig` reads (FINDINGS_TABLE, ALERTS_TOPIC_ARN, FINDINGS_BUS_NAME), IAM read actions
    // derived from `requiredReads()`, and an aws.cloudwatch.EventTarget plus aws.lambda.Permission per rule.
    const rules = eventPatterns().map(
      (pattern, index) =>
        new aws.cloudwatch.EventRule(`CloudTrailCalls${index}`, {
          eventBusName: 'default',
          description: `podnet-guard: ${[pattern.detail.eventName].flat().join(', ')}`.slice(0, 512),
          eventPattern: JSON.stringify(pattern),
        }),
    );

    return {
      alertsTopic: alerts.arn,
      operationsTopic: operations.arn,
      cloudTrailRules: rules.map((rule) => rule.name),
    };
  },
});
