import {
  decideTransition,
  type Finding,
  findingSortKey,
  isSuppressed,
  RESOLVED_TTL_SECONDS,
  recordFindings,
  type StoredFinding,
  sameEvent,
  type Transition,
} from '@podnet-guard/core';
import { describe, expect, it } from 'vitest';
import { makeFinding, T0 } from '../../helpers/finding-store-contract.ts';

const T1 = '2026-11-02T10:05:00.000Z';
const NOW = '2026-11-02T11:00:00.000Z';
const FUTURE = '2026-11-09T00:00:00.000Z';
const PAST = '2026-11-01T00:00:00.000Z';

/** A world-open node SG finding as the node-sg-widening detector emits it, with one fixed id. */
function finding(overrides: Partial<Finding> = {}): Finding {
  return makeFinding({ id: 'nsw-0123456789abcdef01234567', ...overrides });
}

function stored(overrides: Partial<StoredFinding> = {}): StoredFinding {
  return { ...finding(), version: 1, lastNotified: T0, seen: undefined, ...overrides };
}

const radius = (nodes: number, nodeGroups: string[]) => ({
  nodes,
  podIps: nodes * 29,
  podIpsIsUpperBound: true as const,
  nodeGroups,
  sgpPods: 0,
});
const resolvedNext = finding({
  status: 'resolved',
  evidence: { eventId: 'ev-revoke', eventName: 'RevokeSecurityGroupIngress' },
});
const suppressedUntil = (until: string) => ({ reason: 'bastion, ticket SEC-12', until, by: 'alice' });

interface Row {
  name: string;
  previous: StoredFinding | undefined;
  next: Finding;
  eventId?: string;
  expected: Transition;
  /** True when nothing is written. */
  noWrite?: boolean;
}

const rows: Row[] = [
  { name: 'a new open finding opens', previous: undefined, next: finding(), expected: 'opened' },
  {
    name: 'a resolution with nothing stored writes nothing',
    previous: undefined,
    next: resolvedNext,
    expected: 'unchanged',
    noWrite: true,
  },
  {
    name: 'an allow-listed new finding is recorded, not told',
    previous: undefined,
    next: finding({ status: 'suppressed' }),
    expected: 'unchanged',
  },
  {
    name: 'the same content again is unchanged',
    previous: stored(),
    next: finding({ lastSeen: T1 }),
    expected: 'unchanged',
  },
  {
    name: 'a higher severity worsens',
    previous: stored(),
    next: finding({ severity: 'critical' }),
    expected: 'worsened',
  },
  {
    name: 'a lower severity is not news',
    previous: stored(),
    next: finding({ severity: 'medium' }),
    expected: 'unchanged',
  },
  {
    name: 'back up to the peak severity is not news',
    previous: stored({ severity: 'medium', seen: { clusters: ['prod'], nodeGroups: ['ng-a'], peakSeverity: 'high' } }),
    next: finding({ severity: 'high' }),
    expected: 'unchanged',
  },
  {
    name: 'a newly exposed cluster worsens',
    previous: stored(),
    next: finding({ clusters: ['prod', 'staging'] }),
    expected: 'worsened',
  },
  {
    name: 'a newly exposed node group worsens',
    previous: stored(),
    next: finding({ blastRadius: radius(5, ['ng-a', 'ng-b']) }),
    expected: 'worsened',
  },
  {
    name: 'more nodes in the same node group is not news',
    previous: stored(),
    next: finding({ blastRadius: radius(12, ['ng-a']) }),
    expected: 'unchanged',
  },
  {
    name: 'fewer nodes is not news',
    previous: stored(),
    next: finding({ blastRadius: radius(1, ['ng-a']) }),
    expected: 'unchanged',
  },
  {
    name: 'a node group scaled to zero stays open (latent exposure), quietly',
    previous: stored(),
    next: finding({ blastRadius: radius(0, ['ng-a']) }),
    expected: 'unchanged',
  },
  {
    name: 'a node group back from zero is not newly exposed',
    previous: stored({
      blastRadius: radius(0, []),
      seen: { clusters: ['prod'], nodeGroups: ['ng-a'], peakSeverity: 'high' },
    }),
    next: finding({ blastRadius: radius(3, ['ng-a']) }),
    expected: 'unchanged',
  },
  { name: 'open then resolved resolves', previous: stored(), next: resolvedNext, expected: 'resolved' },
  {
    name: 'resolved again writes nothing',
    previous: stored({ status: 'resolved' }),
    next: resolvedNext,
    expected: 'unchanged',
    noWrite: true,
  },
  {
    name: 'resolved then open re-opens',
    previous: stored({ status: 'resolved' }),
    next: finding(),
    expected: 'opened',
  },
  {
    name: 'a redelivered event writes nothing',
    previous: stored({ lastEventId: 'ev-1' }),
    next: finding({ severity: 'critical' }),
    eventId: 'ev-1',
    expected: 'unchanged',
    noWrite: true,
  },
  {
    name: 'another event on the same finding is judged',
    previous: stored({ lastEventId: 'ev-1' }),
    next: finding({ severity: 'critical' }),
    eventId: 'ev-2',
    expected: 'worsened',
  },
  {
    name: 'suppressed and not worse is muted',
    previous: stored({ suppression: suppressedUntil(FUTURE) }),
    next: finding({ lastSeen: T1 }),
    expected: 'unchanged',
  },
  {
    name: 'suppressed but worse notifies',
    previous: stored({ suppression: suppressedUntil(FUTURE) }),
    next: finding({ severity: 'critical' }),
    expected: 'worsened',
  },
  {
    name: 'suppressed and resolved is muted',
    previous: stored({ suppression: suppressedUntil(FUTURE) }),
    next: resolvedNext,
    expected: 'unchanged',
  },
  {
    name: 'suppressed and re-opened is muted',
    previous: stored({ status: 'resolved', suppression: suppressedUntil(FUTURE) }),
    next: finding(),
    expected: 'unchanged',
  },
  {
    name: 'an expired suppression reminds: still open',
    previous: stored({ suppression: suppressedUntil(PAST) }),
    next: finding(),
    expected: 'opened',
  },
  {
    name: 'an expired suppression lets a resolution through',
    previous: stored({ suppression: suppressedUntil(PAST) }),
    next: resolvedNext,
    expected: 'resolved',
  },
  {
    name: 'allow-listed until now, then not: opened',
    previous: stored({ status: 'suppressed' }),
    next: finding(),
    expected: 'opened',
  },
  {
    name: 'allow-listed now, even if worse: muted',
    previous: stored(),
    next: finding({ status: 'suppressed', severity: 'critical' }),
    expected: 'unchanged',
  },
  {
    name: 'an allow-listed finding resolving is not told',
    previous: stored({ status: 'suppressed' }),
    next: resolvedNext,
    expected: 'unchanged',
  },
];

describe('decideTransition', () => {
  it.each(rows)('$name → $expected', ({ previous, next, eventId, expected, noWrite }) => {
    const decision = decideTransition(previous, next, NOW, eventId);
    expect(decision.transition).toBe(expected);
    if (noWrite) {
      expect(decision.record).toBeUndefined();
      return;
    }
    const record = decision.record!;
    expect(record.version).toBe((previous?.version ?? 0) + 1);
    if (expected === 'unchanged') expect(record.pending).toEqual(previous?.pending);
    // The event that recorded a transition is on it: that event's retry delivers it.
    else expect(record.pending).toEqual({ transition: expected, version: record.version, since: NOW, eventId });
  });

  it('keeps firstSeen and the last of lastSeen when the finding stays open', () => {
    const { record } = decideTransition(stored({ lastSeen: T1 }), finding({ firstSeen: NOW, lastSeen: NOW }), NOW);
    expect(record).toMatchObject({ firstSeen: T0, lastSeen: NOW });
    // An event older than what is stored (out of order) does not move lastSeen back.
    const late = decideTransition(stored({ lastSeen: NOW }), finding({ lastSeen: T1 }), NOW);
    expect(late.record?.lastSeen).toBe(NOW);
  });

  it('takes the new content when worsened and remembers what was seen', () => {
    const { record } = decideTransition(stored(), finding({ severity: 'critical', clusters: ['staging'] }), NOW);
    expect(record).toMatchObject({ severity: 'critical', clusters: ['staging'], firstSeen: T0 });
    expect(record?.seen).toEqual({ clusters: ['prod', 'staging'], nodeGroups: ['ng-a'], peakSeverity: 'critical' });
  });

  it('keeps the content, sets a TTL and records the cause of a resolution', () => {
    const { record } = decideTransition(stored(), resolvedNext, NOW);
    expect(record).toMatchObject({ status: 'resolved', title: finding().title, clusters: ['prod'] });
    expect(record?.resolution).toEqual({ at: NOW, evidence: resolvedNext.evidence });
    expect(record?.expiresAt).toBe(Date.parse(NOW) / 1000 + RESOLVED_TTL_SECONDS);
  });

  it('drops the TTL and the resolution when a finding re-opens, and starts a new firstSeen', () => {
    const previous = stored({ status: 'resolved', expiresAt: 1_800_000_000, resolution: { at: T1, evidence: {} } });
    const { record } = decideTransition(previous, finding({ firstSeen: NOW, lastSeen: NOW }), NOW);
    expect(record?.expiresAt).toBeUndefined();
    expect(record?.resolution).toBeUndefined();
    expect(record?.firstSeen).toBe(NOW);
  });

  it('keeps a suppression in force, lifts it on worsening and drops it once expired', () => {
    const inForce = decideTransition(stored({ suppression: suppressedUntil(FUTURE) }), finding(), NOW);
    expect(inForce.record?.suppression).toEqual(suppressedUntil(FUTURE));
    const worse = decideTransition(
      stored({ suppression: suppressedUntil(FUTURE) }),
      finding({ severity: 'critical' }),
      NOW,
    );
    expect(worse.record?.suppression).toBeUndefined();
    const expired = decideTransition(stored({ suppression: suppressedUntil(PAST) }), finding(), NOW);
    expect(expired.record?.suppression).toBeUndefined();
  });

  it('keeps an undelivered opening as an opening when it worsens before delivery', () => {
    const previous = stored({ pending: { transition: 'opened', version: 1, since: T0 } });
    const decision = decideTransition(previous, finding({ severity: 'critical' }), NOW);
    expect(decision.transition).toBe('opened');
    expect(decision.record?.pending).toEqual({ transition: 'opened', version: 2, since: NOW });
  });

  it('records the event id, and keeps the last one when a scan writes', () => {
    expect(decideTransition(undefined, finding(), NOW, 'ev-9').record?.lastEventId).toBe('ev-9');
    expect(decideTransition(stored({ lastEventId: 'ev-9' }), finding(), NOW).record?.lastEventId).toBe('ev-9');
  });

  it('never copies store fields a caller passed in as a finding', () => {
    const sneaky = { ...finding(), version: 99, pending: { transition: 'opened', version: 99, since: T0 } } as Finding;
    const { record } = decideTransition(undefined, sneaky, NOW);
    expect(record?.version).toBe(1);
    expect(record?.pending?.version).toBe(1);
  });
});

describe('helpers', () => {
  it('sameEvent matches only the last writing event', () => {
    expect(sameEvent(stored({ lastEventId: 'ev-1' }), 'ev-1')).toBe(true);
    expect(sameEvent(stored({ lastEventId: 'ev-1' }), 'ev-2')).toBe(false);
    expect(sameEvent(stored({ lastEventId: 'ev-1' }), undefined)).toBe(false);
    expect(sameEvent(undefined, 'ev-1')).toBe(false);
  });

  it('isSuppressed compares instants, not strings', () => {
    // Same instant written two ways: a string compare would call the second later.
    const until = '2026-11-02T11:00:00Z';
    expect(isSuppressed(stored({ suppression: suppressedUntil(until) }), '2026-11-02T11:00:00.000Z')).toBe(false);
    expect(isSuppressed(stored({ suppression: suppressedUntil(until) }), '2026-11-02T10:59:59.000Z')).toBe(true);
    expect(isSuppressed(stored(), NOW)).toBe(false);
  });

  it('findingSortKey puts critical first', () => {
    const keys = (['low', 'critical', 'info', 'high'] as const).map((severity) =>
      findingSortKey({ severity, id: 'x' }),
    );
    expect([...keys].sort()).toEqual(['0#x', '1#x', '3#x', '4#x']);
  });
});

describe('recordFindings', () => {
  it('re-reads and re-decides after a lost race, and gives up after maxAttempts', async () => {
    let reads = 0;
    const io = {
      async read() {
        reads += 1;
        return reads === 1 ? undefined : stored({ version: 1, lastEventId: 'ev-other' });
      },
      async write(_record: StoredFinding, expected: number | undefined) {
        return expected === 1; // the first attempt (expecting no record) loses the race
      },
    };
    const published = await recordFindings([finding()], { eventId: 'ev-2', now: NOW }, io, {
      maxAttempts: 3,
      onConflict: (id) => new Error(`conflict ${id}`),
    });
    // The winner opened it; this writer only moved lastSeen.
    expect(published).toEqual([]);
    expect(reads).toBe(2);

    const alwaysLoses = { read: async () => undefined, write: async () => false };
    await expect(
      recordFindings([finding()], { now: NOW }, alwaysLoses, {
        maxAttempts: 3,
        onConflict: (id, n) => new Error(`${id}/${n}`),
      }),
    ).rejects.toThrow('nsw-0123456789abcdef01234567/3');
  });
});
