import {
  computeMaxPods,
  type Finding,
  humanDuration,
  plainMaxPodsArithmetic,
  plural,
  renderChatbotNotification,
  renderEmail,
  renderFindingText,
  renderReportText,
  renderSlackParent,
  sgpPodsExposed,
  sortFindings,
} from '@podnet-guard/core';
import { describe, expect, it } from 'vitest';
import { dataStoreFinding, resolvedDataStoreFinding } from '../findings/finding-fixture.ts';

const finding = (id: string, severity: Finding['severity'], clusters: string[], overrides: Partial<Finding> = {}) =>
  dataStoreFinding({ id, severity, clusters, title: `T ${id}`, ...overrides });

describe('sortFindings', () => {
  it('puts the most severe first, then orders by cluster, then by title', () => {
    const sorted = sortFindings([
      finding('a', 'medium', ['prod']),
      finding('b', 'info', ['prod']),
      finding('c', 'high', ['staging']),
      finding('d', 'critical', ['prod']),
      finding('e', 'high', ['dev']),
      finding('f', 'high', []),
    ]);
    expect(sorted.map((f) => f.id)).toEqual(['d', 'e', 'c', 'f', 'a', 'b']);
  });

  it('leaves the input as it was', () => {
    const input = [finding('a', 'low', ['x']), finding('b', 'high', ['x'])];
    sortFindings(input);
    expect(input.map((f) => f.id)).toEqual(['a', 'b']);
  });
});

describe('renderReportText', () => {
  it('starts with the counts by severity, what was suppressed or resolved, and what could not be judged', () => {
    const text = renderReportText({
      findings: [
        finding('a', 'medium', ['prod']),
        finding('b', 'high', ['prod']),
        finding('c', 'high', ['prod'], { status: 'suppressed', suppressedBy: ['ticket NET-42'] }),
        resolvedDataStoreFinding(),
      ],
      notJudged: [
        {
          detector: 'ip-pool-exhaustion',
          missing: ['DescribeSubnets', 'DescribeInstanceTypes'],
          reason: 'DescribeSubnets, DescribeInstanceTypes not known',
        },
        { eventId: 'e-1', eventName: 'CreateBucket', reason: 'no detector subscribes to CreateBucket' },
      ],
    });
    const [summary] = text.split('\n\n');
    expect(summary).toBe(
      [
        '2 open findings: 1 high, 1 medium; 1 suppressed, 1 resolved.',
        'Not judged by ip-pool-exhaustion: DescribeSubnets, DescribeInstanceTypes missing from the inventory (unknown, not "none").',
        'Not judged: CreateBucket e-1: no detector subscribes to CreateBucket.',
      ].join('\n'),
    );
  });

  it('says "No findings." when there are none', () => {
    expect(renderReportText({ findings: [] })).toBe('No findings.\n');
  });

  it('prints one block per finding, most severe first, separated by blank lines', () => {
    const text = renderReportText({ findings: [finding('a', 'low', ['prod']), finding('b', 'critical', ['prod'])] });
    const blocks = text.trimEnd().split('\n\n');
    expect(blocks).toHaveLength(3);
    expect(blocks[1]).toMatch(/^\[CRITICAL\] T b\n/);
    expect(blocks[2]).toMatch(/^\[LOW\] T a\n/);
  });
});

describe('renderFindingText', () => {
  it('is a compact block: title, summary, where, blast radius, what to do, id', () => {
    const lines = renderFindingText(dataStoreFinding()).split('\n');
    expect(lines).toEqual([
      '[HIGH] Data store admits a node security group: sg-0a1b2c3d4e5f60718 admits sg-0f9e8d7c6b5a43210',
      expect.stringMatching(/^ {2}RDS behind sg-0a1b2c3d4e5f60718 \(orders-db\) now admits/),
      '  where: cluster prod; node groups ng-general, ng-batch; eu-west-1',
      '  blast radius: 3 nodes, up to 27 pod IPs (an upper bound); 2 pods with their own security groups, not reached (counted apart); protects RDS',
      expect.stringMatching(/^ {2}what to do: Admit only the pods/),
      expect.stringMatching(/^ {2}id: nsw-[0-9a-f]{24} \(node-sg-widening\/node-sg-granted-to-data-store\)$/),
    ]);
  });

  it('adds the event, details, nodes, resources, times and links with verbose', () => {
    const text = renderFindingText(dataStoreFinding(), { verbose: true });
    expect(text).toContain(
      '  event: AuthorizeSecurityGroupIngress by arn:aws:sts::111122223333:assumed-role/PlatformAdmin/alice@example.com from 203.0.113.10 at 2026-11-02T09:41:07Z (event 6f1c2a47-0d9e-4b8a-9f3e-1c2d3e4f5a6b)',
    );
    expect(text).toMatch(/\n {2}details: \{"target":"sg-0a1b2c3d4e5f60718",/);
    expect(text).toContain('  nodes: i-0aaaaaaaaaaaaaaa1, i-0aaaaaaaaaaaaaaa2, i-0aaaaaaaaaaaaaaa3');
    expect(text).toContain('  resources: sg-0a1b2c3d4e5f60718 (security-group), sg-0f9e8d7c6b5a43210 (security-group)');
    expect(text).toContain('  where: cluster prod; node groups ng-general, ng-batch; eu-west-1, account 111122223333');
    expect(text).toMatch(/\n {4}- Security groups for pods: https:\/\/docs\.aws\.amazon\.com\/eks\//);
    expect(text.split('\n').length).toBeGreaterThan(renderFindingText(dataStoreFinding()).split('\n').length + 4);
  });

  it('lists the first five node groups in compact output, all of them with verbose', () => {
    const many = dataStoreFinding();
    many.blastRadius!.nodeGroups = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    expect(renderFindingText(many)).toContain('node groups a, b, c, d, e and 2 more; eu-west-1');
    expect(renderFindingText(many, { verbose: true })).toContain('node groups a, b, c, d, e, f, g; eu-west-1');
  });

  it('says one node and leaves out pod IPs it does not count', () => {
    const one = dataStoreFinding();
    one.blastRadius = { ...one.blastRadius!, nodes: 1, podIps: 0, sgpPods: 1, targetServices: [] };
    expect(renderFindingText(one)).toContain(
      '  blast radius: 1 node; 1 pod with its own security groups, not reached (counted apart)\n',
    );
  });

  it('says which SGP pods a finding exposes and which it does not reach, in every sink', () => {
    const podSg = dataStoreFinding({ rule: 'pod-sg-world-open-ingress' });
    podSg.evidence = { ...podSg.evidence, details: { sgpPodsExposed: 6 } };
    podSg.blastRadius = { ...podSg.blastRadius!, podIps: 0, sgpPods: 6, targetServices: [] };
    const mixed = dataStoreFinding({ rule: 'world-open-ingress' });
    mixed.evidence = { ...mixed.evidence, details: { sgpPodsExposed: 2, sgpPodsNotReached: 1 } };
    mixed.blastRadius = { ...mixed.blastRadius!, sgpPods: 2 };
    const nodeOnly = dataStoreFinding({ rule: 'world-open-ingress' });
    for (const exposed of [podSg, mixed]) {
      expect(sgpPodsExposed(exposed)).toBe(true);
      expect(renderFindingText(exposed)).toMatch(/pods with their own security groups, exposed/);
      expect(renderChatbotNotification(exposed).content.description).toMatch(/own security groups, exposed/);
      expect(renderEmail(exposed).body).toMatch(/\(SGP\), exposed: \d/);
      expect(JSON.stringify(renderSlackParent(exposed).blocks)).toMatch(/own security groups, exposed/);
    }
    expect(sgpPodsExposed(nodeOnly)).toBe(false);
    expect(renderFindingText(nodeOnly)).toMatch(/own security groups, not reached \(counted apart\)/);
    expect(renderEmail(nodeOnly).body).toMatch(/\(SGP\), not reached, counted apart: \d/);
  });

  it('says "no nodes yet" for node groups without nodes, and leaves out an empty blast radius', () => {
    const none = dataStoreFinding();
    none.blastRadius = { ...none.blastRadius!, nodes: 0, podIps: 0, sgpPods: 0, targetServices: [] };
    expect(renderFindingText(none)).toContain('  blast radius: no nodes yet\n');
    none.blastRadius.nodeGroups = [];
    expect(renderFindingText(none)).not.toContain('blast radius');
  });

  it('marks a resolved finding and gives no advice for it', () => {
    const text = renderFindingText(resolvedDataStoreFinding());
    expect(text).toMatch(/^\[INFO\] \(resolved\) Resolved: /);
    expect(text).not.toContain('what to do');
  });

  it('says why an info finding is expected, and who suppressed a finding until when', () => {
    const expected = dataStoreFinding({ severity: 'info', expectedBecause: 'a pod SG admits the node SG' });
    expect(renderFindingText(expected)).toContain('\n  expected: a pod SG admits the node SG\n');
    const suppression = { reason: 'migration', until: '2026-12-01T00:00:00Z', by: 'arn:aws:iam::1:user/a' };
    expect(renderFindingText({ ...dataStoreFinding({ status: 'suppressed' }), suppression })).toContain(
      '\n  suppressed until 2026-12-01T00:00:00Z by arn:aws:iam::1:user/a: migration\n',
    );
  });
});

describe('wording', () => {
  it.each([
    [1, 'node', '1 node'],
    [0, 'node', '0 nodes'],
    [3, 'pod IP', '3 pod IPs'],
  ])('plural(%d, %j) is %j', (count, noun, expected) => {
    expect(plural(count, noun)).toBe(expected);
  });

  it.each([
    [5, '5 minutes'],
    [1, '1 minute'],
    [119, '119 minutes'],
    [120, '2 hours'],
    [47 * 60, '47 hours'],
    [48 * 60, '2 days'],
    [797 * 60, '33 days'],
  ])('humanDuration(%d minutes) is %j', (minutes, expected) => {
    expect(humanDuration(minutes)).toBe(expected);
  });

  it('says the maxPods arithmetic in words, without nested parentheses', () => {
    expect(plainMaxPodsArithmetic(computeMaxPods('m5.large', {}))).toBe(
      '3 ENIs for pods × 9 pod IPs each + 2 host-network pods = 29',
    );
    expect(plainMaxPodsArithmetic(computeMaxPods('m5.large', { sgp: true }), 'the SGP trunk')).toBe(
      '2 ENIs for pods (of 3; 1 taken by the SGP trunk) × 9 pod IPs each + 2 host-network pods = 20',
    );
    expect(plainMaxPodsArithmetic(computeMaxPods('m5.large', { prefixDelegation: true }))).toBe(
      '3 ENIs for pods × 9 /28 prefixes of 16 pod IPs each + 2 host-network pods = 434',
    );
    expect(plainMaxPodsArithmetic(computeMaxPods('m5.large', { prefixDelegation: true, cap: 'eks' }))).toBe(
      '3 ENIs for pods × 9 /28 prefixes of 16 pod IPs each + 2 host-network pods = 434, capped at 110 by EKS',
    );
  });
});
