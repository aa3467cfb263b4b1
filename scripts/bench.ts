/**
 * `npm run bench`: figures, not assertions.
 *  1. Per sample CloudTrail event: AWS calls and handler time (median, p99) through the real event pipeline, with
 *     EC2/EKS answered from the sample account by aws-sdk-client-mock, SNS/EventBridge mocked and the in-memory store
 *     (scripts/bench-pipeline.ts; store latency and calls against dynalite: `npx tsx scripts/bench-store.ts`); then
 *     one event redelivered.
 *  2. A full scan of a generated large account: time and heap.
 *  3. Each Lambda bundle's size (esbuild, minified, tree-shaken), largest inputs first.
 *  4. The scale of one event: 5,000 CIDRs, an SG with 1,000 rules, a catastrophic pattern (scripts/bench-scale.ts).
 *  5. CLI start: `podnet-guard --help` and `max-pods m5.large` beside `node -e 0` (scripts/bench-startup.ts).
 *  6. Each Lambda bundle's import time in a new process, as a cold start pays it (scripts/bench-startup.ts).
 *  7. `remediate` over a large generated repository (scripts/bench-remediate.ts).
 * Run: `npm run bench [-- --iterations N] [-- --node path/to/node22/bin/node]`.
 */
import { handleCloudTrailEvent } from '@podnet-guard/aws';
import {
  createMemoryFindingStore,
  defaultGuardConfig,
  type FindingStore,
  loadYamlParserFor,
  scanInventory,
} from '@podnet-guard/core';
import { renderReport } from '@podnet-guard/report';
import { listEventSamples, loadEvent } from '../test/helpers/events.ts';
import { inventoryFrom, snapshotBuilder } from '../test/helpers/inventory-builder.ts';
import { sampleAccountSnapshot, serveFullSnapshot } from '../test/helpers/sample-aws.ts';
import { mockedEventPipeline } from './bench-pipeline.ts';
import { benchRemediate } from './bench-remediate.ts';
import { benchScale } from './bench-scale.ts';
import { benchBundleImports, benchCli } from './bench-startup.ts';
import { bundleFunction, functionEntries } from './bundle.ts';

const iterationsFlag = process.argv.indexOf('--iterations');
const ITERATIONS = iterationsFlag > 0 ? Number(process.argv[iterationsFlag + 1]) : 200;

process.env.AWS_REGION ??= 'eu-west-1';
process.env.AWS_ACCESS_KEY_ID ??= 'AKIDBENCH';
process.env.AWS_SECRET_ACCESS_KEY ??= 'bench';

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? Number.NaN;
};
const ms = (value: number) => `${value.toFixed(2)} ms`;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

async function benchEvents(): Promise<void> {
  const pipeline = mockedEventPipeline();
  const { ec2, eks, autoscaling } = pipeline;
  serveFullSnapshot(sampleAccountSnapshot(), ec2, eks, autoscaling);

  const awsCalls = () => ec2.calls().length + eks.calls().length + autoscaling.calls().length;
  const deps = (store: FindingStore) => pipeline.deps(store, defaultGuardConfig());
  /** Runs `ITERATIONS` times, each on the store `setup` gives, and prints one row. */
  const row = async (label: string, event: (i: number) => unknown, setup: (raw: unknown) => Promise<FindingStore>) => {
    const durations: number[] = [];
    let calls = 0;
    let outcome = '';
    for (let i = 0; i < ITERATIONS; i += 1) {
      const raw = event(i);
      const store = await setup(raw);
      const before = awsCalls();
      const start = performance.now();
      const result = await handleCloudTrailEvent(raw, deps(store));
      durations.push(performance.now() - start);
      calls = awsCalls() - before;
      outcome = result.status;
    }
    ec2.resetHistory();
    eks.resetHistory();
    autoscaling.resetHistory();
    console.log(
      label.padEnd(62),
      outcome.padEnd(11),
      String(calls).padStart(5),
      ms(quantile(durations, 0.5)).padStart(10),
      ms(quantile(durations, 0.99)).padStart(10),
    );
  };
  const withId = (eventName: string, caseName: string, i: number) => {
    const raw = loadEvent(eventName, caseName) as { detail?: { eventID?: string } };
    if (raw.detail) raw.detail.eventID = `bench-${i}`; // a new event each run, not a redelivery
    return raw;
  };

  console.log(`\n1. Event pipeline per sample event (${ITERATIONS} runs each; AWS calls per event; cache off)\n`);
  console.log(
    'event / case'.padEnd(62),
    'outcome'.padEnd(11),
    'calls'.padStart(5),
    'median'.padStart(10),
    'p99'.padStart(10),
  );
  for (const sample of listEventSamples()) {
    await row(
      `${sample.eventName}/${sample.caseName}`,
      (i) => withId(sample.eventName, sample.caseName, i),
      async () => createMemoryFindingStore(),
    );
  }
  // The same event again (EventBridge and Lambda deliver at least once), once delivered: recognised by the store.
  await row(
    'AuthorizeSecurityGroupIngress/source-group, redelivered',
    (i) => withId('AuthorizeSecurityGroupIngress', 'source-group', i),
    async (raw) => {
      const store = createMemoryFindingStore();
      await handleCloudTrailEvent(raw, deps(store));
      return store;
    },
  );
  pipeline.restore();
}

async function benchScan(): Promise<void> {
  const nodeGroups = 40;
  const nodesPerGroup = 50;
  let builder = snapshotBuilder().cluster('big', { clusterSg: 'sg-0c1a5000000000001' });
  for (let g = 0; g < nodeGroups; g += 1) {
    const sg = `sg-0d0de0000000${String(g).padStart(5, '0')}`;
    builder = builder
      .securityGroup(sg, {
        name: `ng-${g}`,
        ingress: [{ port: 443, cidr: g % 10 === 0 ? '0.0.0.0/0' : '10.0.0.0/16' }],
      })
      .nodeGroup('big', `ng-${g}`, {
        instanceType: 'm5.xlarge',
        nodeSg: sg,
        nodes: nodesPerGroup,
        secondaryIpsPerNode: 28,
      });
  }
  const snapshot = builder.build();
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const loadStart = performance.now();
  const inventory = inventoryFrom(snapshot);
  const loadMs = performance.now() - loadStart;
  await loadYamlParserFor(inventory); // as every caller that judges an inventory does (packages/core/src/yaml.ts)
  const durations: number[] = [];
  let findings = 0;
  for (let i = 0; i < 5; i += 1) {
    const start = performance.now();
    findings = scanInventory(inventory, { config: defaultGuardConfig() }).findings.length;
    durations.push(performance.now() - start);
  }
  const heapAfter = process.memoryUsage().heapUsed;
  console.log(`\n2. Scan of a generated account: ${nodeGroups * nodesPerGroup} nodes in ${nodeGroups} node groups\n`);
  console.log(
    `load + index: ${ms(loadMs)}; scan median of 5: ${ms(quantile(durations, 0.5))}; findings: ${findings}; heap growth: ${(Math.max(0, heapAfter - heapBefore) / 1048576).toFixed(1)} MiB`,
  );
  const config = defaultGuardConfig();
  const result = scanInventory(inventory, { config });
  const renders: number[] = [];
  let bytes = 0;
  for (let i = 0; i < 5; i += 1) {
    const start = performance.now();
    bytes = renderReport({ findings: result.findings, inventory, config, generatedAt: new Date() }).length;
    renders.push(performance.now() - start);
  }
  console.log(`HTML report (podnet-guard report): median of 5: ${ms(quantile(renders, 0.5))}; ${kib(bytes)}`);
}

async function benchBundles(): Promise<void> {
  console.log('\n3. Lambda bundles (esbuild: ESM, node22, minified, tree-shaken, AWS SDK included)\n');
  for (const entry of functionEntries()) {
    const report = await bundleFunction(entry);
    const name = entry.split('/').pop() ?? entry;
    console.log(
      `${name.padEnd(28)} ${kib(report.bytes).padStart(12)}   largest: ${report.largestInputs.map((input) => `${input.path} ${kib(input.bytes)}`).join(', ')}`,
    );
  }
}

// The scale bench mocks the SDK clients itself and restores them, so it runs before the others mock them for good.
await benchScale();
await benchEvents();
await benchScan();
await benchBundles();
benchCli();
await benchBundleImports();
await benchRemediate(5);
