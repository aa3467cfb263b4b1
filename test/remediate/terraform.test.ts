/**
 * remediate on Terraform: per edit kind, the reviewed golden diff (test/fixtures/remediate/golden/tf-*.diff), `git
 * apply` takes it, the edited files parse again, and a second run on the fixed tree changes nothing.
 */
import type { Remediation } from '@podnet-guard/core';
import { loadHcl, parseFile } from '@podnet-guard/remediate';
import { describe, expect, it } from 'vitest';
import { finding, gitApplyCheck, golden, makeRepo, readRepoFile, run, write } from './helpers.ts';
import { TERRAFORM_CASES } from './terraform-cases.ts';
import { SHARED_CASES, TEXT_CASES } from './terraform-more-cases.ts';

describe('remediate on Terraform', () => {
  for (const testCase of [...TERRAFORM_CASES, ...SHARED_CASES, ...TEXT_CASES]) {
    it(`${testCase.name}: the golden diff, git apply takes it, it parses again, and a second run changes nothing`, async () => {
      const root = makeRepo(testCase.files);
      const report = await run(root, testCase.findings);
      expect(report.refused).toEqual([]);
      expect(report.unsupported).toEqual([]);
      expect([...new Set(report.changes.map((change) => change.findingId))].sort()).toEqual(
        testCase.findings.map((f) => f.id as string).sort(),
      );
      expect(report.diff).toBe(golden(testCase.name, report.diff));
      gitApplyCheck(root, report.diff);

      await write(root, report);
      await loadHcl();
      for (const path of report.files.keys()) expect(parseFile(path, readRepoFile(root, path)).errors).toEqual([]);
      const again = await run(root, testCase.findings);
      expect(again.diff).toBe('');
      expect(again.refused).toEqual([]);
      expect(again.alreadyDone.sort()).toEqual(testCase.findings.map((f) => f.id as string).sort());
    });
  }
});

describe('Terraform edits, exact text', () => {
  const sg = (body: string) => `resource "aws_security_group" "nodes" {\n  name = "nodes"\n${body}}\n`;
  const worldSsh: Remediation = {
    action: 'revoke-rules',
    target: {
      type: 'security-group',
      id: 'sg-0123456789abcdef0',
      securityGroup: { id: 'sg-0123456789abcdef0', name: 'nodes' },
    },
    revoke: [{ direction: 'ingress', protocol: 'tcp', fromPort: 22, toPort: 22, peerKey: 'ipv4:0.0.0.0/0' }],
    reason: 'test',
  };
  const ssh =
    '  ingress {\n    from_port   = 22\n    to_port     = 22\n    protocol    = "tcp"\n    cidr_blocks = CIDRS\n  }\n';
  const dynamic =
    '  dynamic "ingress" {\n    for_each = var.rules\n    content {\n      from_port = ingress.value\n      to_port   = ingress.value\n      protocol  = "tcp"\n    }\n  }\n';

  it('the first of two peers on one line leaves the list with its comma', async () => {
    const text = sg(ssh.replace('CIDRS', '["0.0.0.0/0", "10.0.0.0/8"]'));
    const report = await run(makeRepo({ 'sg.tf': text }), [finding('f', worldSsh)]);
    expect(report.files.get('sg.tf')).toBe(sg(ssh.replace('CIDRS', '["10.0.0.0/8"]')));
  });

  it('a static rule beside a dynamic block of the same direction is refused (the dynamic block may make it too)', async () => {
    const text = sg(`${ssh.replace('CIDRS', '["0.0.0.0/0"]')}${dynamic}`);
    const report = await run(makeRepo({ 'sg.tf': text }), [finding('f', worldSsh)]);
    expect(report.files.size).toBe(0);
    expect(report.refused[0]?.reason).toMatch(/also builds ingress rules in a dynamic block/);
  });

  it('a plain <<EOT heredoc in user_data: the bootstrap line gets the flags, the rest stays', async () => {
    const template = (line: string) =>
      `resource "aws_launch_template" "ng" {\n  name      = "prod-ng"\n  user_data = base64encode(<<EOT\n#!/bin/bash\n${line}\nEOT\n  )\n}\n`;
    const text = template('/etc/eks/bootstrap.sh prod');
    const report = await run(makeRepo({ 'lt.tf': text }), [
      finding('f', {
        action: 'set-max-pods',
        target: {
          type: 'nodegroup',
          id: 'prod/ng',
          cluster: 'prod',
          nodeGroup: 'ng',
          launchTemplate: { name: 'prod-ng' },
        },
        set: { maxPods: 17 },
        reason: 'test',
      }),
    ]);
    expect(report.files.get('lt.tf')).toBe(
      template("/etc/eks/bootstrap.sh prod --use-max-pods false --kubelet-extra-args '--max-pods=17'"),
    );
  });
});
