/**
 * Latency of one `FindingStore.record` call against dynalite on loopback (a real DynamoDB engine, not AWS: the figure
 * shows the store's own cost, its reads, conditional write and event marker, not DynamoDB's network latency).
 * Run: `npx tsx scripts/bench-store.ts [calls]`.
 */
import { createDynamoFindingStore } from '@podnet-guard/aws';
import { startDynalite } from '../test/helpers/dynalite.ts';
import { makeFinding, T0 } from '../test/helpers/finding-store-contract.ts';

const calls = Number.parseInt(process.argv[2] ?? '200', 10);
const db = await startDynalite();
try {
  const store = createDynamoFindingStore({ client: db.client, tableName: await db.createTable('bench-findings') });
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
  const p95 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.95)] ?? Number.NaN;
  const time = async (run: (i: number) => Promise<unknown>) => {
    const samples: number[] = [];
    for (let i = 0; i < calls; i += 1) {
      const start = performance.now();
      await run(i);
      samples.push(performance.now() - start);
    }
    return samples;
  };
  await time((i) => store.record([makeFinding()], { eventId: `warm-${i}`, now: T0 })); // JIT and connections
  const findings = Array.from({ length: calls }, () => makeFinding());
  const opened = await time((i) => store.record([findings[i]!], { eventId: `open-${i}`, now: T0 }));
  const updated = await time((i) => store.record([findings[i]!], { eventId: `seen-${i}`, now: T0 }));
  const redelivered = await time((i) => store.record([findings[i]!], { eventId: `seen-${i}`, now: T0 }));
  const show = (label: string, samples: number[]) =>
    console.log(`${label.padEnd(28)} median ${median(samples).toFixed(2)} ms   p95 ${p95(samples).toFixed(2)} ms`);
  console.log(`FindingStore.record on dynalite (loopback), ${calls} calls each:`);
  show('new finding (opened)', opened);
  show('same finding, new event', updated);
  show('redelivered event', redelivered);
} finally {
  await db.stop();
}
