/**
 * `npm run bench`, part 4: the scale of one event, through the real event pipeline (`handleCloudTrailEvent`) with
 * EC2/EKS answered from the sample account by aws-sdk-client-mock, SNS/EventBridge mocked, the in-memory store:
 *  - one AuthorizeSecurityGroupIngress permission with 5,000 CIDRs on a node SG;
 *  - one rule added to a node SG that already has 1,000 rules;
 *  - an allow-list `descriptionPattern` that backtracks catastrophically in JavaScript's RegExp (`^(a+)+$` against
 *    40 `a` and a `!`), which RE2 matches in linear time.
 * Each run has new CIDRs (memoised parsing must not flatter the figure). Target: under 100 ms of handler time.
 */
import { handleCloudTrailEvent } from '@podnet-guard/aws';
import { createMemoryFindingStore, defaultGuardConfig, type GuardConfig, loadGuardConfig } from '@podnet-guard/core';
import { authorize, NODE_SG } from '../test/core/detectors/node-sg-widening/fixtures.ts';
import { type SampleAccount, sampleAccountSnapshot, serveFullSnapshot } from '../test/helpers/sample-aws.ts';
import { mockedEventPipeline } from './bench-pipeline.ts';

const RUNS = 10;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** The sample account with `count` more ingress rules on the node SG (tcp 8443 from public /24s). */
function withRules(count: number): SampleAccount {
  const world = sampleAccountSnapshot();
  for (let i = 0; i < count; i += 1) {
    world.DescribeSecurityGroupRules.SecurityGroupRules.push({
      SecurityGroupRuleId: `sgr-0b${String(i).padStart(15, '0')}`,
      GroupId: NODE_SG,
      GroupOwnerId: '111122223333',
      IsEgress: false,
      IpProtocol: 'tcp',
      FromPort: 8443,
      ToPort: 8443,
      CidrIpv4: `${11 + (i % 200)}.${(i / 200) | 0}.7.0/24`,
      Tags: [],
    });
  }
  return world;
}

/** The response CloudTrail records: each created rule with its id, as EC2 answers. */
function withRuleSet(event: unknown, cidrs: string[], port: number): unknown {
  (event as { detail: { responseElements: Record<string, unknown> } }).detail.responseElements.securityGroupRuleSet = {
    items: cidrs.map((cidr, i) => ({
      groupId: NODE_SG,
      securityGroupRuleId: `sgr-0c${String(i).padStart(15, '0')}`,
      isEgress: false,
      ipProtocol: 'tcp',
      fromPort: port,
      toPort: port,
      cidrIpv4: cidr,
    })),
  };
  return event;
}

export async function benchScale(): Promise<void> {
  const { ec2, eks, autoscaling, deps, restore } = mockedEventPipeline();

  async function run(name: string, world: SampleAccount, event: (i: number) => unknown, config: GuardConfig) {
    serveFullSnapshot(world, ec2, eks, autoscaling);
    const durations: number[] = [];
    let outcome = '';
    for (let i = 0; i < RUNS; i += 1) {
      const raw = event(i) as { detail: { eventID: string } };
      raw.detail.eventID = `bench-scale-${name}-${i}`;
      const start = performance.now();
      const result = await handleCloudTrailEvent(raw, deps(createMemoryFindingStore(), config));
      durations.push(performance.now() - start);
      outcome = `${result.status}${'published' in result ? `, ${result.published} published` : ''}`;
    }
    console.log(
      name.padEnd(62),
      outcome.padEnd(24),
      `${median(durations).toFixed(1)} ms`.padStart(10),
      `${Math.max(...durations).toFixed(1)} ms`.padStart(10),
    );
    ec2.reset();
    eks.reset();
    autoscaling.reset();
  }

  console.log(`\n4. Scale of one event (${RUNS} runs each, new CIDRs each run; handler time median, max)\n`);
  const cidrs = (i: number, count: number) =>
    Array.from({ length: count }, (_, k) => `${11 + (k % 200)}.${(k / 200) | 0}.${i}.0/24`);
  await run(
    '5,000 CIDRs in one permission (tcp 22), with their rule ids',
    sampleAccountSnapshot(),
    (i) => withRuleSet(authorize(NODE_SG, [{ from: 22, cidrs: cidrs(i, 5000) }]), cidrs(i, 5000), 22),
    defaultGuardConfig(),
  );
  await run(
    'one rule added to a node SG with 1,000 rules (tcp 8443)',
    withRules(1000),
    (i) => authorize(NODE_SG, [{ from: 8443, cidrs: [`0.0.0.0/1`, `${128 + (i % 100)}.0.0.0/8`] }]),
    defaultGuardConfig(),
  );
  const pathological = await loadGuardConfig({ allow: [{ reason: 'bench', descriptionPattern: '^(a+)+$' }] });
  await run(
    'allow-list pattern ^(a+)+$ against 40 "a" and "!" (RE2)',
    sampleAccountSnapshot(),
    () => authorize(NODE_SG, [{ from: 8080, cidrs: ['0.0.0.0/0'], description: `${'a'.repeat(40)}!` }]),
    pathological,
  );
  restore();
}
