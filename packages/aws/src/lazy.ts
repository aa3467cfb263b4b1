/**
 * Loading on first use, for the functions' cold start: a module or SDK client that only some invocations need is
 * imported when first needed (esbuild puts dynamically imported modules in their own chunk), then kept for the life
 * of the container like any client built at import.
 */
import type { FindingStore } from '@podnet-guard/core';

/**
 * `load` run once, on the first call; a failed load is retried on the next call rather than cached.
 *
 * @example
 * const sns = onFirstUse(async () => new (await import('@aws-sdk/client-sns')).SNSClient({}));
 * await (await sns()).send(command);
 */
export function onFirstUse<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= load().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}

/** A value given as is, or built on first use. */
export type Eventually<T extends object> = T | (() => Promise<T>);

/** The value of an {@link Eventually}: built now if it is a loader. */
export async function resolveEventually<T extends object>(value: Eventually<T>): Promise<T> {
  return typeof value === 'function' ? value() : value;
}

/** A finding store whose implementation (and its SDK client) is loaded by the first call of any method. */
export function lazyFindingStore(load: () => Promise<FindingStore>): FindingStore {
  const store = onFirstUse(load);
  return {
    get: async (id) => (await store()).get(id),
    record: async (findings, context) => (await store()).record(findings, context),
    markDelivered: async (id, version, deliveredAt) => (await store()).markDelivered(id, version, deliveredAt),
    listPending: async (limit, options) => (await store()).listPending(limit, options),
    acquireSweepLease: async (owner, ttl, now) => (await store()).acquireSweepLease(owner, ttl, now),
    releaseSweepLease: async (owner) => (await store()).releaseSweepLease(owner),
    query: async (query) => (await store()).query(query),
    suppress: async (id, suppression) => (await store()).suppress(id, suppression),
    unsuppress: async (id) => (await store()).unsuppress(id),
    recordPullRequest: async (id, pullRequest) => (await store()).recordPullRequest(id, pullRequest),
    resumeEvent: async (eventId, now) => (await store()).resumeEvent(eventId, now),
    releaseEvent: async (eventId, delivered) => (await store()).releaseEvent(eventId, delivered),
  };
}
