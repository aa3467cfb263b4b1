/**
 * How the AWS reader makes a read (reader.ts says which reads exist): pages with the SDK's paginators at the largest
 * page size (`PAGE_SIZE`), splits id and filter-value lists into chunks, counts every call per operation (each page,
 * each failed call: the call budget counts calls made), reads a thing deleted since it was named as none, maps any
 * other failure to `InventoryLoadError`, and keeps at most `concurrency` reads in flight.
 */
import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { EC2Client, Filter } from '@aws-sdk/client-ec2';
import type { EKSClient } from '@aws-sdk/client-eks';
import { chunk } from '@podnet-guard/core';
import type { ClientSet } from '../clients.ts';
import { hasErrorCode, toInventoryLoadError } from '../errors.ts';
import { PAGE_SIZE, type PagedOperation } from '../page-sizes.ts';
import { createLimiter, type Limiter } from './limiter.ts';

/**
 * Values per filter (and ids per call) sent at once. EC2 documents no higher guaranteed limit for filter values than
 * 200; a longer list is split, one call per 200.
 */
export const FILTER_VALUES_PER_CALL = 200;

/** Default number of AWS calls in flight. */
export const DEFAULT_CONCURRENCY = 4;

/**
 * The answers that mean "it no longer exists" (deleted since it was named), per operation: read as none. EC2 refuses a
 * whole call by ids when one id is unknown, so the call's other ids read as none too; the sweep reads them again.
 */
export const NOT_FOUND = {
  DescribeVpcs: ['InvalidVpcID.NotFound'],
  DescribeSubnets: ['InvalidSubnetID.NotFound'],
  DescribeSecurityGroups: ['InvalidGroup.NotFound'],
  DescribeSecurityGroupRules: ['InvalidSecurityGroupRuleId.NotFound'],
  DescribeNetworkInterfaces: ['InvalidNetworkInterfaceID.NotFound'],
  DescribeInstances: ['InvalidInstanceID.NotFound'],
  // A deleted or foreign list: its CIDRs stay unknown and a rule naming it is not judged.
  GetManagedPrefixListEntries: ['InvalidPrefixListID.NotFound', 'InvalidPrefixListId.NotFound'],
  GetSubnetCidrReservations: ['InvalidSubnetID.NotFound'],
  DescribeLaunchTemplateVersions: [
    'InvalidLaunchTemplateId.NotFound',
    'InvalidLaunchTemplateId.Malformed',
    'InvalidLaunchTemplateName.NotFoundException',
  ],
  eks: ['ResourceNotFoundException'],
} as const satisfies Record<string, readonly string[]>;

/** What to read of an EC2 collection: all of it (paged), these ids, or what a server-side filter matches (paged). */
export type Ec2Query =
  | { all: true }
  | { ids: readonly string[] }
  | { filter: string; values: readonly string[]; also?: readonly Filter[] };

/** Options of a reader. */
export interface ReaderOptions {
  /** AWS calls in flight at once (default 4). */
  concurrency?: number;
  /** Progress lines: every page after the first of a long read. */
  onProgress?: (message: string) => void;
}

type PageConfig = { client: EC2Client; pageSize?: number };

/** How one EC2 collection is read: its paginator, the list in each page, and the request field that takes ids. */
export interface Collection<I, P, T> {
  operation: PagedOperation & keyof typeof NOT_FOUND;
  idsField: string;
  paginate: (config: PageConfig, input: I) => AsyncIterable<P>;
  items: (page: P) => T[] | undefined;
}

/** All calls of a load, from its calls per operation. */
export function totalCalls(calls: Readonly<Record<string, number>>): number {
  return Object.values(calls).reduce((sum, count) => sum + count, 0);
}

/** Pages of an operation the SDK has no paginator for (GetSubnetCidrReservations), following `NextToken` as they do. */
export async function* followNextToken<P extends { NextToken?: string | undefined }>(
  send: (nextToken: string | undefined) => Promise<P>,
): AsyncIterable<P> {
  let nextToken: string | undefined;
  do {
    const page = await send(nextToken);
    yield page;
    nextToken = page.NextToken || undefined;
  } while (nextToken);
}

/** The calls of one load: counted, bounded, paged, with errors mapped. */
export class ReadCalls {
  private readonly counts: Record<string, number> = {};
  private readonly limit: Limiter;
  protected readonly ec2: EC2Client;
  protected readonly eks: EKSClient;
  protected readonly autoscaling: AutoScalingClient;

  constructor(
    clients: ClientSet,
    private readonly options: ReaderOptions = {},
  ) {
    this.ec2 = clients.ec2;
    this.eks = clients.eks;
    this.autoscaling = clients.autoscaling;
    this.limit = createLimiter(options.concurrency ?? DEFAULT_CONCURRENCY);
  }

  /** Calls made so far per operation (every page, every failed call). */
  get calls(): Record<string, number> {
    return { ...this.counts };
  }

  /** Calls made so far, all operations together. */
  get totalCalls(): number {
    return totalCalls(this.counts);
  }

  /** Calls made so far for one operation. */
  callsOf(operation: string): number {
    return this.counts[operation] ?? 0;
  }

  private count(operation: string): void {
    this.counts[operation] = (this.counts[operation] ?? 0) + 1;
  }

  /**
   * Runs one paged read in one slot and concatenates each page's items. A `notFound` answer ends the read with what
   * was found, or undefined when no page was read.
   */
  protected pages<P, T>(
    operation: string,
    open: () => AsyncIterable<P>,
    items: (page: P) => readonly T[] | undefined,
    notFound: readonly string[] = [],
  ): Promise<T[] | undefined> {
    return this.limit(async () => {
      const found: T[] = [];
      let pageCount = 0;
      try {
        for await (const page of open()) {
          this.count(operation);
          pageCount += 1;
          found.push(...(items(page) ?? []));
          // A long read shows it is moving: every page after the first (one-page reads stay quiet).
          if (pageCount > 1) {
            this.options.onProgress?.(`${operation}: page ${pageCount}, ${found.length} item(s) so far`);
          }
        }
      } catch (error) {
        // The failed page was a call too.
        this.count(operation);
        if (hasErrorCode(error, ...notFound)) return pageCount > 0 ? found : undefined;
        throw toInventoryLoadError(operation, error);
      }
      return found;
    });
  }

  /** Runs one call in one slot; a `notFound` answer reads as undefined. */
  protected single<T>(
    operation: string,
    call: () => Promise<T>,
    notFound: readonly string[] = [],
  ): Promise<T | undefined> {
    return this.limit(async () => {
      this.count(operation);
      try {
        return await call();
      } catch (error) {
        if (hasErrorCode(error, ...notFound)) return undefined;
        throw toInventoryLoadError(operation, error);
      }
    });
  }

  /** Reads an EC2 collection: by id without `MaxResults` (EC2 refuses both together), else with the largest page. */
  protected async collection<I, P, T>(spec: Collection<I, P, T>, query: Ec2Query): Promise<T[]> {
    const { operation } = spec;
    const client = this.ec2;
    const read = (input: Record<string, unknown>, paged: boolean, notFound: readonly string[] = []) =>
      this.pages(
        operation,
        () => spec.paginate(paged ? { client, pageSize: PAGE_SIZE[operation] } : { client }, input as I),
        spec.items,
        notFound,
      );
    let parts: (T[] | undefined)[];
    if ('all' in query) parts = [await read({}, true)];
    else if ('ids' in query) {
      const notFound = NOT_FOUND[operation];
      parts = await Promise.all(
        chunk(query.ids, FILTER_VALUES_PER_CALL).map((ids) => read({ [spec.idsField]: ids }, false, notFound)),
      );
    } else {
      const also = query.also ?? [];
      parts = await Promise.all(
        chunk(query.values, FILTER_VALUES_PER_CALL).map((values) =>
          read({ Filters: [{ Name: query.filter, Values: values }, ...also] }, true),
        ),
      );
    }
    return parts.flatMap((part) => part ?? []);
  }
}
