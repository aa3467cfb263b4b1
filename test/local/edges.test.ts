/** The local service's two edges: the terminal sink (alerts as text) and the snapshot-backed inventory source. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RecordedTransition, SnapshotFormatError, type StoredFinding } from '@podnet-guard/core';
import { createSnapshotSource, createTerminalSink, renderAlert } from '@podnet-guard/local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataStoreFinding } from '../core/findings/finding-fixture.ts';

function transition(overrides: Partial<StoredFinding> = {}, kind: RecordedTransition['transition'] = 'opened') {
  const finding = { ...dataStoreFinding(), version: 2, ...overrides } as StoredFinding;
  return { transition: kind, finding, version: 2, dedupeKey: `${finding.id}#2` } satisfies RecordedTransition;
}

describe('terminal sink', () => {
  it('prints one block per transition: email, Slack and the bus event', async () => {
    const out: string[] = [];
    await createTerminalSink((text) => out.push(text)).publish([transition(), transition({}, 'resolved')]);
    expect(out).toHaveLength(2);
    expect(out[0]).toMatch(/^━━ alert: opened nsw-\S+ \(version 2\) ━+\nemail {2}Subject: \[HIGH\] /);
    expect(out[0]).toContain('\nslack  :red_circle: *[HIGH]* ');
    expect(out[0]).toMatch(/\nbus {4}Finding Opened \(source podnet-guard, dedupeKey nsw-\S+#2\)\n/);
    expect(out[1]).toMatch(/^━━ alert: resolved /);
    expect(out[1]).toContain('Subject: [RESOLVED]');
  });

  it('lets no terminal control sequence or bidi override of account text through', () => {
    const hostile = 'db\u001b[2J\u001b[31m all clear\u202e\u0007';
    const clean = renderAlert(transition({ title: 'db all clear', summary: 'a summary' }));
    const text = renderAlert(transition({ title: hostile, summary: `a summary${hostile}` }));
    for (const char of ['\u001b', '\u0007', '\u202e']) expect(text).not.toContain(char);
    expect(text.split('\n')).toHaveLength(clean.split('\n').length);
  });
});

describe('snapshot source', () => {
  let dir: string;
  let path: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'podnet-guard-source-'));
    path = join(dir, 'snapshot.json');
    await writeFile(path, await readFile('events/inventory/sample-account.json', 'utf8'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('answers the snapshot for its region, nothing for another, and warns of clusters it lacks', async () => {
    const source = await createSnapshotSource(path);
    expect(source).toMatchObject({ account: '111122223333', region: 'eu-west-1' });
    const own = await source.load('eu-west-1', { clusters: ['prod', 'staging'] });
    expect(own.snapshot.DescribeSecurityGroups).toBeDefined();
    expect(own.calls).toEqual({});
    expect(own.warnings).toEqual([`cluster staging is not in the snapshot ${path}`]);
    const other = await source.load('us-east-1', {});
    expect(other.snapshot).toEqual({ account: '111122223333', region: 'us-east-1' });
  });

  it('reads the file again on every load, and fails that load when the file turned invalid', async () => {
    const source = await createSnapshotSource(path);
    const edited = JSON.parse(await readFile(path, 'utf8'));
    edited.DescribeSecurityGroups.SecurityGroups = [];
    await writeFile(path, JSON.stringify(edited));
    expect((await source.load('eu-west-1', {})).snapshot.DescribeSecurityGroups).toEqual({ SecurityGroups: [] });
    await writeFile(path, JSON.stringify({ ...edited, DescribeSecurityGroups: { SecurityGroups: 'none' } }));
    await expect(source.load('eu-west-1', {})).rejects.toBeInstanceOf(SnapshotFormatError);
  });
});
