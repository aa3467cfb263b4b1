/**
 * Vitest global setup: builds the CLI once before the suite, so tests that run packages/cli/bin/podnet-guard.js run
 * the code under test, never a build older than the sources (which would fall back to tsx with a note on stderr).
 */
import { buildCli } from '../../scripts/build-cli.ts';

export default async function setup(): Promise<void> {
  await buildCli();
}
