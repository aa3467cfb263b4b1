/**
 * The behaviour every `FindingStore` must have, run against the in-memory store and the DynamoDB store (on dynalite),
 * so the CLI and the deployed functions agree.
 */
import {
  EVENT_DELIVERY_CLAIM_SECONDS,
  EVENT_MARKER_TTL_SECONDS,
  type Finding,
  type FindingStore,
  type RecordedTransition,
  type Severity,
} from '@podnet-guard/core';
import { describe, expect, it } from 'vitest';

export const T0 = '2026-11-02T10:00:00.000Z';
export const at = (seconds: number): string => new Date(Date.parse(T0) + seconds * 1000).toISOString();

let counter = 0;

/** A finding with a fresh id (each test gets its own records even on a shared table). */
export function makeFinding(overrides: Partial<Finding> = {}): Finding {
  counter += 1;
  return {
    id: `nsw-${process.pid.toString(16)}${String(counter).padStart(8, '0')}`,
    detector: 'node-sg-widening',
    rule: 'world-open-ingress',
    severity: 'high',
    status: 'open',
    title: 'Node security group sg-0d0de000000000001 admits 0.0.0.0/0 on tcp/22',
    summary: 'Every pod on 3 nodes of prod/ng-a accepts SSH from the internet.',
    account: '111122223333',
    region: 'eu-west-1',
    clusters: ['prod'],
    resources: [{ type: 'security-group', id: 'sg-0d0de000000000001' }],
    blastRadius: { nodes: 3, podIps: 87, podIpsIsUpperBound: true, nodeGroups: ['ng-a'], sgpPods: 0 },
    evidence: {
      eventId: '6c3a1f0e-6f9b-4c1e-9a43-0d1e2f3a4b5c',
      eventName: 'AuthorizeSecurityGroupIngress',
      actor: 'arn:aws:sts::111122223333:assumed-role/Admin/alice',
      sourceIp: '203.0.113.7',
      time: T0,
      details: { ipPermissions: { items: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22 }] } },
    },
    recommendation: { text: 'Revoke the rule; reach nodes with SSM Session Manager.', links: [] },
    firstSeen: T0,
    lastSeen: T0,
    ...overrides,
  };
}

export const resolvedOf = (finding: Finding): Finding => ({
  ...finding,
  status: 'resolved',
  evidence: { eventName: 'RevokeSecurityGroupIngress', eventId: 'a9d2c4e1-0000-4000-8000-000000000001' },
});

/** A fresh, empty store, and a second store instance on the same data (another Lambda). */
export type StoreFactory = () => Promise<{ store: FindingStore; other: FindingStore }>;

const kinds = (items: RecordedTransition[]) => items.map((item) => item.transition);

/** Registers the contract tests for one store implementation. */
export function describeFindingStoreContract(name: string, factory: StoreFactory): void {
  describe(`${name}: FindingStore contract`, () => {
    it('publishes a redelivered event once (100 redeliveries → 1 opened)', async () => {
      const { store } = await factory();
      const finding = makeFinding();
      const all: RecordedTransition[] = [];
      for (let i = 0; i < 100; i += 1) all.push(...(await store.record([finding], { eventId: 'ev-dup', now: at(i) })));
      console.info(`${name}: 100 sequential redeliveries → ${all.length} published`);
      expect(kinds(all)).toEqual(['opened']);
      expect((await store.get(finding.id))?.version).toBe(1);
    });

    it('publishes concurrent redeliveries once', async () => {
      const { store, other } = await factory();
      const finding = makeFinding();
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? store : other).record([finding], { eventId: 'ev-par', now: T0 })),
      );
      expect(kinds(results.flat())).toEqual(['opened']);
    });

    it('publishes once when two writers race on one finding with different events', async () => {
      const { store, other } = await factory();
      const finding = makeFinding();
      const [a, b] = await Promise.all([
        store.record([finding], { eventId: 'ev-a', now: at(1) }),
        other.record([finding], { eventId: 'ev-b', now: at(1) }),
      ]);
      expect(kinds([...a, ...b])).toEqual(['opened']);
      // One write opened it, the loser re-read and moved lastSeen only.
      expect((await store.get(finding.id))?.version).toBe(2);
    });

    it('judges a later event: worsened, then resolved, then re-opened', async () => {
      const { store } = await factory();
      const finding = makeFinding();
      expect(kinds(await store.record([finding], { eventId: 'e1', now: at(1) }))).toEqual(['opened']);
      await store.markDelivered(finding.id, 1, at(2));
      expect(
        kinds(await store.record([{ ...finding, blastRadius: undefined }], { eventId: 'e2', now: at(3) })),
      ).toEqual([]);
      expect(kinds(await store.record([{ ...finding, severity: 'critical' }], { eventId: 'e3', now: at(4) }))).toEqual([
        'worsened',
      ]);
      expect(kinds(await store.record([resolvedOf(finding)], { eventId: 'e4', now: at(5) }))).toEqual(['resolved']);
      // The first event, redelivered after the resolution, changes nothing (no second "opened").
      expect(kinds(await store.record([finding], { eventId: 'e1', now: at(6) }))).toEqual([]);
      expect(kinds(await store.record([finding], { eventId: 'e5', now: at(7) }))).toEqual(['opened']);
    });

    it("resumes an event's undelivered transitions for one deliverer at a time, until released delivered", async () => {
      const { store, other } = await factory();
      const finding = makeFinding();
      expect(await store.resumeEvent('ev-new', T0)).toBeUndefined(); // never recorded: judge it
      const [opened] = await store.record([finding], { eventId: 'ev-r', now: T0 });
      // The recording invocation holds the delivery: a live duplicate gets nothing to publish.
      expect(await other.resumeEvent('ev-r', at(1))).toEqual([]);
      // It failed and gave the claim back: the retry takes the pending transition, and holds it in turn.
      await store.releaseEvent('ev-r', []);
      const resumed = await other.resumeEvent('ev-r', at(2));
      expect(resumed?.map((item) => item.dedupeKey)).toEqual([opened!.dedupeKey]);
      expect(resumed?.[0]).toMatchObject({ transition: 'opened', version: 1, finding: { id: finding.id } });
      expect(await store.resumeEvent('ev-r', at(3))).toEqual([]);
      // A holder that died: its claim runs out after EVENT_DELIVERY_CLAIM_SECONDS.
      expect((await store.resumeEvent('ev-r', at(2 + EVENT_DELIVERY_CLAIM_SECONDS)))?.map((i) => i.dedupeKey)).toEqual([
        opened!.dedupeKey,
      ]);
      await store.markDelivered(finding.id, 1, at(70));
      await store.releaseEvent('ev-r', resumed ?? []);
      expect(await other.resumeEvent('ev-r', at(200))).toEqual([]);
      expect(await store.record([finding], { eventId: 'ev-r', now: at(201) })).toEqual([]); // still not judged again
    });

    it('resumes nothing that was delivered or superseded meanwhile, nor for an event that published nothing', async () => {
      const { store } = await factory();
      const finding = makeFinding();
      const delivered = makeFinding();
      await store.record([finding, delivered], { eventId: 'ev-old', now: T0 });
      await store.releaseEvent('ev-old', []);
      // The sweep delivered one; a later event worsened the other (its own message says more than ours would).
      await store.markDelivered(delivered.id, 1, at(1));
      const [worsened] = await store.record([{ ...finding, severity: 'critical' }], { eventId: 'ev-new', now: at(2) });
      expect(worsened).toMatchObject({ transition: 'opened', version: 2 });
      expect(await store.resumeEvent('ev-old', at(3))).toEqual([]);
      expect((await store.resumeEvent('ev-new', at(3 + EVENT_DELIVERY_CLAIM_SECONDS)))?.map((i) => i.version)).toEqual([
        2,
      ]);
      await store.record([{ ...finding, severity: 'critical' }], { eventId: 'ev-quiet', now: at(4) });
      expect(await store.resumeEvent('ev-quiet', at(5))).toEqual([]);
      expect(await store.resumeEvent('ev-quiet', at(4 + EVENT_MARKER_TTL_SECONDS))).toBeUndefined(); // forgotten
    });

    it('lets one of two racing duplicates record the event and hold its delivery', async () => {
      const { store, other } = await factory();
      const first = makeFinding();
      const second = makeFinding();
      const [a, b] = await Promise.all([
        store.record([first, second], { eventId: 'ev-twin', now: T0 }),
        other.record([first, second], { eventId: 'ev-twin', now: T0 }),
      ]);
      const keys = [`${first.id}#1`, `${second.id}#1`].sort();
      expect([a, b].map((items) => items.map((item) => item.dedupeKey).sort())).toContainEqual(keys);
      expect([...a, ...b]).toHaveLength(2);
      expect(await other.resumeEvent('ev-twin', at(1))).toEqual([]); // held by the one that recorded it
      await store.releaseEvent('ev-twin', []);
      const resumed = await other.resumeEvent('ev-twin', at(1));
      expect(resumed?.map((item) => item.dedupeKey).sort()).toEqual(keys);
    });

    it('records nothing for a resolution of an unknown finding', async () => {
      const { store } = await factory();
      const finding = makeFinding();
      expect(await store.record([resolvedOf(finding)], { now: T0 })).toEqual([]);
      expect(await store.get(finding.id)).toBeUndefined();
    });

    it('records a transition as pending until markDelivered, with a dedupe key of id and version', async () => {
      const { store } = await factory();
      const finding = makeFinding();
      const [opened] = await store.record([finding], { eventId: 'ev-p', now: T0 });
      expect(opened).toMatchObject({ transition: 'opened', version: 1, dedupeKey: `${finding.id}#1` });
      expect((await store.get(finding.id))?.pending).toEqual({
        transition: 'opened',
        version: 1,
        since: T0,
        eventId: 'ev-p',
      });
      expect((await store.listPending(100)).map((item) => item.dedupeKey)).toContain(`${finding.id}#1`);

      expect(await store.markDelivered(finding.id, 7, at(1))).toBe(false); // not the pending version
      expect(await store.markDelivered(finding.id, 1, at(1))).toBe(true);
      expect(await store.markDelivered(finding.id, 1, at(2))).toBe(false); // already delivered
      const record = await store.get(finding.id);
      expect(record?.pending).toBeUndefined();
      expect(record?.lastNotified).toBe(at(1));
      expect((await store.listPending(100)).map((item) => item.finding.id)).not.toContain(finding.id);
    });

    it('lists pending transitions oldest first, within the limit, older than a cut', async () => {
      const { store } = await factory();
      const first = makeFinding();
      const second = makeFinding();
      const third = makeFinding();
      await store.record([second], { now: at(20) });
      await store.record([first], { now: at(10) });
      await store.record([third], { now: at(30) });
      const mine = (items: RecordedTransition[]) =>
        items.map((item) => item.finding.id).filter((id) => [first.id, second.id, third.id].includes(id));
      expect(mine(await store.listPending(100))).toEqual([first.id, second.id, third.id]);
      expect(mine(await store.listPending(100, { olderThan: at(30) }))).toEqual([first.id, second.id]);
      expect(mine(await store.listPending(100, { olderThan: at(10) }))).toEqual([]);
      const limited = await store.listPending(2);
      expect(limited).toHaveLength(2);
    });

    it('gives the sweep lease to one owner at a time, and again after expiry or release', async () => {
      const { store, other } = await factory();
      expect(await store.acquireSweepLease('sweep-a', 60, T0)).toBe(true);
      expect(await other.acquireSweepLease('sweep-b', 60, at(30))).toBe(false);
      expect(await store.acquireSweepLease('sweep-a', 60, at(30))).toBe(true); // renewal until at(90)
      expect(await other.acquireSweepLease('sweep-b', 60, at(89))).toBe(false);
      expect(await other.acquireSweepLease('sweep-b', 60, at(90))).toBe(true);
      await store.releaseSweepLease('sweep-a'); // not the holder: no effect
      expect(await store.acquireSweepLease('sweep-a', 60, at(100))).toBe(false);
      await other.releaseSweepLease('sweep-b');
      expect(await store.acquireSweepLease('sweep-a', 60, at(100))).toBe(true);
      await store.releaseSweepLease('sweep-a');
    });

    it('mutes a suppressed finding until it worsens or the suppression expires', async () => {
      const { store } = await factory();
      const finding = makeFinding();
      await store.record([finding], { eventId: 's1', now: T0 });
      await store.markDelivered(finding.id, 1, at(1));
      const suppression = {
        reason: 'bastion host, SEC-12',
        until: at(3600),
        by: 'slack:T0123ABCD/U0456EFGH',
        via: 'slack' as const,
        at: at(0),
      };
      const suppressed = await store.suppress(finding.id, suppression);
      expect(suppressed?.suppression).toEqual(suppression);
      expect(suppressed?.version).toBe(3); // record, markDelivered, suppress: each write bumps it

      expect(await store.record([{ ...finding, lastSeen: at(60) }], { eventId: 's2', now: at(60) })).toEqual([]);
      expect(await store.record([resolvedOf(finding)], { eventId: 's3', now: at(120) })).toEqual([]); // muted
      expect(await store.record([finding], { eventId: 's4', now: at(180) })).toEqual([]); // muted re-open
      expect(
        kinds(await store.record([{ ...finding, severity: 'critical' }], { eventId: 's5', now: at(240) })),
      ).toEqual(['worsened']);
      expect((await store.get(finding.id))?.suppression).toBeUndefined(); // worsening lifted it

      await store.suppress(finding.id, suppression);
      const critical = { ...finding, severity: 'critical' as Severity };
      expect(await store.record([critical], { eventId: 's6', now: at(300) })).toEqual([]);
      // Past `until`, the next evaluation reminds.
      expect(kinds(await store.record([critical], { eventId: 's7', now: at(3600) }))).toEqual(['opened']);
      expect((await store.get(finding.id))?.suppression).toBeUndefined();
    });

    it('unsuppresses, and answers undefined for unknown findings', async () => {
      const { store } = await factory();
      const finding = makeFinding();
      await store.record([finding], { now: T0 });
      await store.markDelivered(finding.id, 1, at(1));
      await store.suppress(finding.id, { reason: 'r', until: at(3600), by: 'bob' });
      expect((await store.unsuppress(finding.id))?.suppression).toBeUndefined();
      expect(kinds(await store.record([{ ...finding, severity: 'critical' }], { now: at(5) }))).toEqual(['worsened']);
      expect(await store.suppress('nsw-missing', { reason: 'r', until: at(3600), by: 'bob' })).toBeUndefined();
      expect(await store.unsuppress('nsw-missing')).toBeUndefined();
    });

    it('queries by status, cluster, severity and detector, most severe first, page by page', async () => {
      const { store } = await factory();
      const account = `q${counter}`; // the detector filter below keeps other tests' findings out
      const seeds = [
        makeFinding({ severity: 'critical', clusters: ['prod'], detector: 'ip-pool-exhaustion', rule: account }),
        makeFinding({ severity: 'high', clusters: ['prod', 'staging'], detector: 'ip-pool-exhaustion', rule: account }),
        makeFinding({ severity: 'high', clusters: ['staging'], detector: 'ip-pool-exhaustion', rule: account }),
        makeFinding({ severity: 'low', clusters: ['prod'], detector: 'ip-pool-exhaustion', rule: account }),
        makeFinding({ severity: 'medium', clusters: ['dev'], detector: 'ip-pool-exhaustion', rule: account }),
        makeFinding({ severity: 'high', clusters: ['prod'], detector: 'ip-pool-exhaustion', rule: account }),
      ];
      await store.record(seeds, { now: T0 });
      await store.record([resolvedOf(seeds[5]!)], { now: at(1) });
      const ids = (items: { id: string }[]) => items.map((item) => item.id);
      const [critical, highShared, highStaging, low, medium, resolved] = seeds.map((seed) => seed.id);

      const open = await store.query({ detector: 'ip-pool-exhaustion', limit: 100 });
      expect(ids(open.items).filter((id) => seeds.some((s) => s.id === id))).toEqual([
        critical,
        ...[highShared, highStaging].sort(),
        medium,
        low,
      ]);
      expect(open.cursor).toBeUndefined();

      const prod = await store.query({ cluster: 'prod', detector: 'ip-pool-exhaustion', limit: 100 });
      expect(ids(prod.items).filter((id) => seeds.some((s) => s.id === id))).toEqual([critical, highShared, low]);
      const staging = await store.query({ cluster: 'staging', severity: 'high', detector: 'ip-pool-exhaustion' });
      expect(ids(staging.items).filter((id) => seeds.some((s) => s.id === id))).toEqual(
        [highShared, highStaging].sort(),
      );
      const gone = await store.query({ status: 'resolved', detector: 'ip-pool-exhaustion', limit: 100 });
      expect(ids(gone.items)).toContain(resolved);
      expect(ids(gone.items)).not.toContain(critical);
      const none = await store.query({ detector: 'trunk-eni-allocation', cluster: 'prod' });
      expect(ids(none.items).filter((id) => seeds.some((s) => s.id === id))).toEqual([]);

      // Two at a time, with a filter that drops some items: every match once, in order.
      const pages: string[][] = [];
      let cursor: string | undefined;
      do {
        const page = await store.query({ cluster: 'prod', detector: 'ip-pool-exhaustion', limit: 2, cursor });
        expect(page.items.length).toBeLessThanOrEqual(2);
        pages.push(ids(page.items));
        cursor = page.cursor;
      } while (cursor !== undefined && pages.length < 50);
      expect(pages.flat()).toEqual(ids(prod.items));
      expect(pages.length).toBeGreaterThan(1);
    });

    it('records the fix pull request under remediation, and keeps it through a worsening and a resolution', async () => {
      const { store, other } = await factory();
      const remediation = {
        action: 'revoke-rules' as const,
        target: { type: 'security-group' as const, id: 'sg-0d0de000000000001' },
        reason: 'world-open SSH',
      };
      const finding = makeFinding({ remediation });
      await store.record([finding], { now: at(1) });
      await store.markDelivered(finding.id, 1, at(1));
      const pullRequest = {
        url: 'https://github.com/acme/infra/pull/7',
        number: 7,
        state: 'open' as const,
        headSha: 'a'.repeat(40),
        repository: 'acme/infra',
      };
      const before = await store.get(finding.id);
      const recorded = await other.recordPullRequest(finding.id, pullRequest);
      expect(recorded?.remediation?.pullRequest).toEqual(pullRequest);
      expect(recorded?.version).toBeGreaterThan(before!.version);
      const worse = { ...finding, severity: 'critical' as const, lastSeen: at(2) };
      expect(kinds(await store.record([worse], { now: at(2) }))).toEqual(['worsened']);
      expect((await other.get(finding.id))?.remediation).toEqual({ ...remediation, pullRequest });
      await store.record([resolvedOf(finding)], { now: at(3) });
      expect((await other.get(finding.id))?.remediation?.pullRequest).toEqual(pullRequest);
      expect(await store.recordPullRequest('nsw-none', pullRequest)).toBeUndefined();
    });
  });
}
