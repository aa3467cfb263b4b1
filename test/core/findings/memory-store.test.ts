import { createMemoryFindingStore, MemoryStoreConflictError } from '@podnet-guard/core';
import { describe, expect, it } from 'vitest';
import { at, describeFindingStoreContract, makeFinding, T0 } from '../../helpers/finding-store-contract.ts';

describeFindingStoreContract('memory store', async () => {
  const store = createMemoryFindingStore();
  return { store, other: store };
});

describe('createMemoryFindingStore', () => {
  it('hands out copies: changing a returned record does not change the store', async () => {
    const store = createMemoryFindingStore();
    const finding = makeFinding();
    const [opened] = await store.record([finding], { now: T0 });
    opened!.finding.clusters.push('tampered');
    const read = await store.get(finding.id);
    read!.severity = 'info';
    expect(await store.get(finding.id)).toMatchObject({ clusters: ['prod'], severity: 'high' });
  });

  it('starts from given records and lists them all in query order', async () => {
    const low = { ...makeFinding({ severity: 'low' }), version: 4 };
    const critical = { ...makeFinding({ severity: 'critical' }), version: 2 };
    const store = createMemoryFindingStore({ initial: [low, critical] });
    expect(store.all().map((record) => record.id)).toEqual([critical.id, low.id]);
    expect(await store.record([{ ...low, severity: 'high' }], { now: at(1) })).toMatchObject([
      { transition: 'worsened', version: 5 },
    ]);
  });

  it('stamps markDelivered with its clock when no time is given', async () => {
    const store = createMemoryFindingStore({ clock: () => new Date(at(42)) });
    const finding = makeFinding();
    await store.record([finding], { now: T0 });
    expect(await store.markDelivered(finding.id, 1)).toBe(true);
    expect((await store.get(finding.id))?.lastNotified).toBe(at(42));
  });

  it('throws MemoryStoreConflictError when every attempt loses the race', async () => {
    const store = createMemoryFindingStore({ maxAttempts: 1 });
    const finding = makeFinding();
    // Both read "no record" before either writes; with one attempt the loser cannot re-decide.
    const results = await Promise.allSettled([
      store.record([finding], { eventId: 'a', now: T0 }),
      store.record([finding], { eventId: 'b', now: T0 }),
    ]);
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = results.find((result) => result.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(MemoryStoreConflictError);
    expect(rejected.reason.findingId).toBe(finding.id);
  });

  it('forgets an event id once its marker expires (two days), but the record still knows its last event', async () => {
    const store = createMemoryFindingStore();
    const finding = makeFinding();
    await store.record([finding], { eventId: 'old', now: T0 });
    await store.markDelivered(finding.id, 1, at(1));
    expect(await store.resumeEvent('old', at(3 * 86400))).toBeUndefined();
    // Judged again, against a changed state: the record's own last event id still stops a second transition.
    expect(await store.record([{ ...finding, severity: 'critical' }], { eventId: 'old', now: at(3 * 86400) })).toEqual(
      [],
    );
  });
});
