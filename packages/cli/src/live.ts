/**
 * Reading a live account, shared by `snapshot` and `scan` (without `--snapshot`): regions from the flags or the
 * standard chain, the full loader per region, progress on a terminal, and AWS failures as exit code 3.
 */
import type { ClientSet } from '@podnet-guard/aws/clients';
import { InventoryLoadError } from '@podnet-guard/aws/errors';
import type { LoadFullOptions, LoadResult } from '@podnet-guard/aws/inventory';
import { escapePlainText } from '@podnet-guard/core';
import { EXIT, ExitError } from './exit-codes.ts';
import type { CommandIO } from './io.ts';

/** What live reading needs from the outside; tests pass fakes. */
export interface LiveDeps {
  /** AWS clients for one region. */
  clientsFor: (region: string) => ClientSet;
  /** The region of the standard chain when no --region is given. */
  defaultRegion: (io: CommandIO) => Promise<string | undefined>;
  load: (clients: ClientSet, options: LoadFullOptions) => Promise<LoadResult>;
}

const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** The real dependencies, loaded lazily so `--help` and usage errors never load the AWS SDK. */
export async function realLiveDeps(): Promise<LiveDeps> {
  const [{ createClientCache, resolveDefaultRegion }, { loadFullSnapshot }] = await Promise.all([
    import('@podnet-guard/aws/clients'),
    import('@podnet-guard/aws/inventory'),
  ]);
  return {
    clientsFor: createClientCache(),
    defaultRegion: async (io) => io.env.AWS_REGION || (await resolveDefaultRegion()),
    load: loadFullSnapshot,
  };
}

/**
 * The live dependencies with a test's fakes laid over the real ones; the AWS SDK is loaded only when some dependency
 * is not faked.
 */
export async function resolveLiveDeps(overrides: Partial<LiveDeps>): Promise<LiveDeps> {
  const { clientsFor, defaultRegion, load } = overrides;
  if (clientsFor && defaultRegion && load) return { clientsFor, defaultRegion, load };
  return { ...(await realLiveDeps()), ...overrides };
}

/** Checks `--region` values (unique, well-formed). */
export function parseRegions(values: string[] | undefined): string[] {
  const regions = [...new Set(values ?? [])];
  for (const region of regions) {
    if (!REGION_PATTERN.test(region)) throw new ExitError(EXIT.usage, `not a region: ${JSON.stringify(region)}`);
  }
  return regions;
}

/** The regions to read: the given ones, else the standard chain's; exit 2 when there is none. */
export async function resolveRegions(explicit: string[], deps: LiveDeps, io: CommandIO): Promise<string[]> {
  if (explicit.length > 0) return explicit;
  const region = await deps.defaultRegion(io);
  if (!region) throw new ExitError(EXIT.usage, 'no region: give --region or set AWS_REGION (or a profile region)');
  return [region];
}

/** Reads one region's full snapshot; progress only on a terminal, warnings always; exit 3 when AWS is unreadable. */
export async function readRegion(
  deps: LiveDeps,
  region: string,
  options: { clusters?: string[] | undefined; concurrency?: number | undefined },
  io: CommandIO,
): Promise<LoadResult> {
  const progress = io.isTTY ? (message: string) => io.stderr(`[${region}] ${escapePlainText(message)}\n`) : undefined;
  let result: LoadResult;
  try {
    result = await deps.load(deps.clientsFor(region), {
      region,
      ...(options.clusters ? { clusters: options.clusters } : {}),
      ...(options.concurrency ? { concurrency: options.concurrency } : {}),
      ...(progress ? { onProgress: progress } : {}),
    });
  } catch (error) {
    if (error instanceof InventoryLoadError) {
      throw new ExitError(EXIT.aws, `cannot read AWS in ${region}: ${escapePlainText(error.message)}`, {
        cause: error,
      });
    }
    throw error;
  }
  // Warnings are reasons, not progress: always on stderr (once; progress already showed them on a TTY).
  if (!progress) for (const warning of result.warnings) io.stderr(`[${region}] warning: ${escapePlainText(warning)}\n`);
  return result;
}
