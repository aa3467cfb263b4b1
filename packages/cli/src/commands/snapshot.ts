/**
 * `podnet-guard snapshot`: reads a live account through the standard SDK chain and writes one inventory snapshot per
 * region, the same JSON a user could assemble from `aws ec2 describe-…` output, for `scan --snapshot`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Command } from '../cli.ts';
import { EXIT, ExitError } from '../exit-codes.ts';
import { type LiveDeps, parseRegions, readRegion, resolveLiveDeps, resolveRegions } from '../live.ts';
import { parseOptions } from '../options.ts';

const USAGE = `usage: podnet-guard snapshot [--out FILE] [--region R]... [--cluster NAME]...

Reads EC2, EKS and Auto Scaling in each region (read-only Describe/List/Get calls) and writes one JSON snapshot per
region, for \`podnet-guard scan --snapshot FILE\`. Credentials, region and endpoints come from the standard AWS chain
(AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL*). Launch template user data is reduced to its max-pods settings.

options:
  --out FILE           write here instead of standard output; "{region}" in FILE is replaced by the region.
                       With several --region, FILE must contain "{region}" (e.g. snapshots/{region}.json).
  --region R           region to read (repeatable; default: AWS_REGION or the profile's region)
  --cluster NAME       only this EKS cluster's node groups, add-ons and node launch templates (repeatable)
  --concurrency N      AWS calls in flight per region (default 4)
  --format json        output format (snapshots are JSON only)`;

/** What the command needs from the outside; tests pass fakes. */
export interface SnapshotDeps extends LiveDeps {
  writeFile: (path: string, text: string) => Promise<void>;
}

async function writeFileMakingDirs(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text, 'utf8');
}

/**
 * Builds the `snapshot` command over its dependencies (AWS clients, loader, file writer).
 *
 * @example
 * ```ts
 * const command = createSnapshotCommand({ clientsFor: () => fakeClients });
 * await command.run(['--region', 'eu-west-1', '--out', 'snap.json'], io);
 * ```
 */
export function createSnapshotCommand(overrides: Partial<SnapshotDeps> = {}): Command {
  return {
    summary: 'Write an inventory snapshot of a live account (one JSON file per region).',
    usage: USAGE,
    exitCodes: [EXIT.ok, EXIT.usage, EXIT.aws],
    async run(argv, io) {
      const values = parseOptions(argv, {
        out: { type: 'string' },
        region: { type: 'string', multiple: true },
        cluster: { type: 'string', multiple: true },
        concurrency: { type: 'string' },
        format: { type: 'string' },
      });
      if (values.format !== undefined && values.format !== 'json') {
        throw new ExitError(
          EXIT.usage,
          `snapshots are JSON only (--format json), not ${JSON.stringify(values.format)}`,
        );
      }
      const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
      if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 32)) {
        throw new ExitError(EXIT.usage, '--concurrency must be an integer from 1 to 32');
      }
      const explicit = parseRegions(values.region);
      const out = values.out;
      if (explicit.length > 1 && (out === undefined || !out.includes('{region}'))) {
        throw new ExitError(
          EXIT.usage,
          'with several --region, give --out with "{region}" in it (e.g. --out snapshots/{region}.json)',
        );
      }
      if (out === '') throw new ExitError(EXIT.usage, '--out needs a file name');

      const deps: SnapshotDeps = {
        ...(await resolveLiveDeps(overrides)),
        writeFile: overrides.writeFile ?? writeFileMakingDirs,
      };
      const regions = await resolveRegions(explicit, deps, io);

      for (const region of regions) {
        const result = await readRegion(deps, region, { clusters: values.cluster, concurrency }, io);
        const text = `${JSON.stringify(result.snapshot, null, 2)}\n`;
        if (out === undefined) {
          io.stdout(text);
          continue;
        }
        const path = out.replaceAll('{region}', region);
        try {
          await deps.writeFile(path, text);
        } catch (cause) {
          throw new ExitError(EXIT.usage, `cannot write ${path}: ${(cause as NodeJS.ErrnoException).code ?? cause}`, {
            cause,
          });
        }
        if (io.isTTY) {
          const calls = Object.values(result.calls).reduce((sum, n) => sum + n, 0);
          io.stderr(`[${region}] wrote ${path} (${calls} AWS calls)\n`);
        }
      }
      return EXIT.ok;
    },
  };
}

/** The registered `snapshot` command, over the real AWS clients and file system. */
export const snapshotCommand: Command = createSnapshotCommand();
