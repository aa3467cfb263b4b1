/**
 * `npm run fuzz`: 10,000 generated EventBridge events through the CloudTrail event handler (see
 * test/fuzz/handler-fuzz.ts). Prints the count, the outcomes and the slowest event; exits 1 when an event threw
 * anything but the documented InventoryLoadError, took over 1 s, or was rejected without a structured log line.
 * `FUZZ_SEED=<n>` replays a run; `FUZZ_RUNS=<n>` changes the count, `FUZZ_MAX_ARRAY=<n>` the largest array.
 */
import { runHandlerFuzz, seedFromEnv } from '../test/fuzz/handler-fuzz.ts';

process.env.AWS_REGION ??= 'eu-west-1';
process.env.AWS_ACCESS_KEY_ID ??= 'AKIDFUZZ';
process.env.AWS_SECRET_ACCESS_KEY ??= 'fuzz';

const runs = Number(process.env.FUZZ_RUNS ?? 10_000);
const maxArrayLength = Number(process.env.FUZZ_MAX_ARRAY ?? 5_000);
const seed = seedFromEnv();
const started = performance.now();
try {
  const report = await runHandlerFuzz({ runs, seed, limitMs: 1_000, maxArrayLength });
  const { slowest } = report;
  console.log(
    `fuzz: ${report.runs} events, seed ${report.seed}, ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  console.log(`outcomes: ${JSON.stringify(report.outcomes)} (InventoryLoadError thrown: ${report.thrown})`);
  console.log(
    `median ${report.medianMs.toFixed(2)} ms; slowest ${slowest.ms.toFixed(1)} ms: ${slowest.kind} of ${slowest.sample} (${slowest.change.slice(0, 200)})`,
  );
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
}
