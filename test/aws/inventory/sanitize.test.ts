import { gzipSync } from 'node:zlib';
import { podLimitSettings, reduceUserData, toSnapshotJson, USER_DATA_MARKER } from '@podnet-guard/aws/inventory';
import { describe, expect, it } from 'vitest';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const decode = (base64: string) => Buffer.from(base64, 'base64').toString('utf8');

describe('toSnapshotJson', () => {
  it('drops $metadata at every level, turns dates into ISO strings and drops undefined', () => {
    const out = toSnapshotJson({
      $metadata: { httpStatusCode: 200 },
      Items: [{ When: new Date('2026-11-26T09:00:00Z'), Missing: undefined, Nested: { $metadata: {}, Keep: 1 } }],
    });
    expect(out).toEqual({ Items: [{ When: '2026-11-26T09:00:00.000Z', Nested: { Keep: 1 } }] });
  });
});

describe('podLimitSettings', () => {
  it.each([
    [
      'bootstrap.sh flags',
      "/etc/eks/bootstrap.sh prod --b64-cluster-ca QUJD --use-max-pods false --kubelet-extra-args '--max-pods=110'",
      ['--use-max-pods false', '--max-pods=110'],
    ],
    [
      'nodeadm YAML (AL2023)',
      'kind: NodeConfig\nspec:\n  kubelet:\n    config:\n      maxPods: 58\n    flags:\n      - --node-labels=a=b',
      ['maxPods: 58'],
    ],
    ['JSON kubelet config', '{"maxPods": 17, "clusterDNS": ["10.100.0.10"]}', ['"maxPods": 17']],
    [
      'Karpenter expression',
      "maxPodsExpression: '((self.max_eni * (self.ipv4_per_eni - 1)) + 2)'",
      ["maxPodsExpression: '((self.max_eni * (self.ipv4_per_eni - 1)) + 2)'"],
    ],
    [
      'CNI env',
      'kubectl set env daemonset aws-node -n kube-system ENABLE_PREFIX_DELEGATION=true WARM_PREFIX_TARGET=1',
      ['ENABLE_PREFIX_DELEGATION=true'],
    ],
  ])('keeps only the setting from %s', (_case, text, expected) => {
    expect(podLimitSettings(text)).toEqual(expected);
  });

  it('keeps nothing from user data without pod-limit settings', () => {
    expect(podLimitSettings('#!/bin/bash\nexport API_TOKEN=abc123\n/etc/eks/bootstrap.sh prod')).toEqual([]);
  });
});

describe('reduceUserData', () => {
  it('replaces user data by the marker and the settings, dropping secrets', () => {
    const reduced = decode(
      reduceUserData(b64('#!/bin/bash\nexport DB_PASSWORD=s3cret\n/etc/eks/bootstrap.sh prod --max-pods 29')),
    );
    expect(reduced).toBe(`${USER_DATA_MARKER}\n--max-pods 29\n`);
    expect(reduced).not.toContain('s3cret');
  });

  it('reads gzip-compressed user data', () => {
    const gzipped = gzipSync(Buffer.from('TOKEN=x\n--max-pods=20\n')).toString('base64');
    expect(decode(reduceUserData(gzipped))).toBe(`${USER_DATA_MARKER}\n--max-pods=20\n`);
  });

  it('leaves only the marker when nothing is relevant', () => {
    expect(decode(reduceUserData(b64('echo hello')))).toBe(`${USER_DATA_MARKER}\n`);
  });
});
