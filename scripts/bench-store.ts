/**
 * Latency and DynamoDB calls of the finding store against dynalite on loopback (a real DynamoDB engine, not AWS: the
 * figures show the store's own cost, its reads, conditional writes and event markers, not DynamoDB's network latency).
 * Run: `npx tsx scripts/bench-store.ts [calls]`.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoFindingStore } from '@podnet-guard/aws';
import { EVENT_DELIVERY_CLAIM_SECONDS } from '@podnet-guard/core';
import { startDynalite } from '../test/helpers/dynalite.ts';
import { at, makeFinding, T0 } from '../test/helpers/finding-store-contract.ts';

const calls = Number.parseInt(process.argv[2] ?? '200', 10);
const db = await startDynalite();
try {
  // Counts the DynamoDB operations each store call sends.
  const sent: string[] = [];
  const client = {
    send(command: { constructor: { name: string } }) {
      sent.push(command.constructor.name.replace(/Command$/, ''));
      return db.client.send(command as never);
    },
  } as unknown as DynamoDBClient;
  const store = createDynamoFindingStore({ client, tableName: await db.createTable('bench-findings') });
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
  const p95 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.95)] ?? Number.NaN;
  const time = async (run: (i: number) => Promise<unknown>) => {
    const samples: number[] = [];
    sent.length = 0;
    for (let i = 0; i < calls; i += 1) {
      const start = performance.now();
      await run(i);
      samples.push(performance.now() - start);
    }
    const perCall = new Map<string, number>();
    for (const operation of sent) perCall.set(operation, (perCall.get(operation) ?? 0) + 1 / calls);
    return { samples, operations: [...perCall].map(([operation, n]) => `${operation} ${n.toFixed(1)}`).join(', ') };
  };
  await time((i) => store.record([makeFinding()], { eventId: `warm-${i}`, now: T0 })); // JIT and connections
  const findings = Array.from({ length: calls }, () => makeFinding());
  const opened = await time((i) => store.record([findings[i]!], { eventId: `open-${i}`, now: T0 }));
  const updated = await time((i) => store.record([findings[i]!], { eventId: `seen-${i}`, now: T0 }));
  const redelivered = await time((i) => store.record([findings[i]!], { eventId: `seen-${i}`, now: T0 }));
  const seen = await time((i) => store.resumeEvent(`seen-${i}`, T0));
  // `open-i` left its opening pending (never published here): a retry after its claim ran out takes it.
  const retried = await time((i) => store.resumeEvent(`open-${i}`, at(EVENT_DELIVERY_CLAIM_SECONDS)));
  const show = (label: string, { samples, operations }: Awaited<ReturnType<typeof time>>) =>
    console.log(
      `${label.padEnd(44)} median ${median(samples).toFixed(2)} ms   p95 ${p95(samples).toFixed(2)} ms   ${operations}`,
    );
  console.log(`Finding store on dynalite (loopback), ${calls} calls each; DynamoDB operations per call:`);
  show('record: new finding (opened)', opened);
  show('record: same finding, new event', updated);
  show('record: redelivered event', redelivered);
  show('resumeEvent: redelivered, nothing pending', seen);
  show('resumeEvent: retry with one pending', retried);
} finally {
  await db.stop();
}
