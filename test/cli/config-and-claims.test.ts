/**
 * What a user sees from the CLI for the config rules (allow entries must constrain something, disabledRules, RE2
 * patterns) and for a rule description that claims Kubernetes.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../packages/cli/src/cli.ts';
import '../../packages/cli/src/commands/index.ts';
import { EXIT } from '../../packages/cli/src/exit-codes.ts';
import { memoryIO } from '../../packages/cli/src/io.ts';
import { CLUSTER_SG, NODE_SG } from '../core/detectors/node-sg-widening/fixtures.ts';
import { snapshotBuilder } from '../helpers/inventory-builder.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SNAPSHOT = join(ROOT, 'events/inventory/sample-account.json');
const SHARED = 'elbv2.k8s.aws/targetGroupBinding=shared';

async function cli(argv: string[], stdin = '') {
  const { io, stdout, stderr } = memoryIO(stdin);
  const code = await runCli(argv, io);
  return { code, stdout: stdout(), stderr: stderr() };
}

function file(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'pg-cli-')), name);
  writeFileSync(path, text);
  return path;
}

describe('config file rules', () => {
  it('refuses an allow entry with only a reason: exit 2, naming the entry', async () => {
    const config = file('podnet-guard.yaml', 'allow:\n  - reason: "everything is fine"\n');
    const result = await cli(['scan', '--snapshot', SNAPSHOT, '--config', config]);
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toMatch(/allow\.0: the entry \(reason "everything is fine"\) constrains nothing/);
    expect(result.stdout).toBe('');
  });

  it('refuses a lookaround in a descriptionPattern: exit 2, naming the entry', async () => {
    const config = file('podnet-guard.yaml', 'allow:\n  - reason: lb\n    descriptionPattern: "^(?=elbv2)"\n');
    const result = await cli(['scan', '--snapshot', SNAPSHOT, '--config', config]);
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toMatch(/allow\.0\.descriptionPattern: lookarounds/);
  });

  it('says which rules disabledRules switched off, in the JSON summary and in text', async () => {
    const config = file('podnet-guard.yaml', 'disabledRules: [node-sg-granted-to-sg, branch-capacity-low]\n');
    const json = await cli(['scan', '--snapshot', SNAPSHOT, '--config', config, '--format', 'json']);
    expect(json.code).toBe(EXIT.ok);
    const output = JSON.parse(json.stdout);
    expect(output.summary.disabledRules).toEqual(['node-sg-granted-to-sg', 'branch-capacity-low']);
    expect(output.findings.map((f: { rule: string }) => f.rule)).not.toContain('node-sg-granted-to-sg');
    const text = await cli(['scan', '--snapshot', SNAPSHOT, '--config', config]);
    expect(text.stdout).toContain('Switched off by disabledRules: node-sg-granted-to-sg, branch-capacity-low.');
    const without = await cli(['scan', '--snapshot', SNAPSHOT, '--format', 'json']);
    const plain = JSON.parse(without.stdout);
    expect(plain.summary.disabledRules).toBeUndefined();
    expect(plain.findings.map((f: { rule: string }) => f.rule)).toContain('node-sg-granted-to-sg');
  });
});

describe('a description that claims Kubernetes, from the command line', () => {
  it('evaluate-event: a person adding all traffic from 0.0.0.0/0 as "targetGroupBinding=shared" is critical', async () => {
    const envelope = JSON.parse(
      readFileSync(join(ROOT, 'events/cloudtrail/AuthorizeSecurityGroupIngress/world-open-ssh.json'), 'utf8'),
    );
    const permission = envelope.detail.requestParameters.ipPermissions.items[0];
    permission.ipProtocol = '-1';
    delete permission.fromPort;
    delete permission.toPort;
    permission.ipRanges.items = [{ cidrIp: '0.0.0.0/0', description: SHARED }];
    const result = await cli(
      ['evaluate-event', '-', '--snapshot', SNAPSHOT, '--format', 'json', '--fail-on', 'critical'],
      JSON.stringify(envelope),
    );
    expect(result.code).toBe(EXIT.failOn);
    const [finding] = JSON.parse(result.stdout).findings;
    expect(finding).toMatchObject({ rule: 'world-open-ingress', severity: 'critical' });
    expect(finding.summary).toContain('claims Kubernetes made this rule');
  });

  it('scan: the same rule in live state is critical', async () => {
    const snapshot = snapshotBuilder()
      .cluster('prod', { clusterSg: CLUSTER_SG })
      .securityGroup(NODE_SG, {
        name: 'prod-nodes',
        ingress: [{ protocol: '-1', cidr: '0.0.0.0/0', description: SHARED }],
      })
      .nodeGroup('prod', 'ng-a', { nodeSg: NODE_SG, nodes: 1 })
      .build();
    const path = file('snapshot.json', JSON.stringify(snapshot));
    const result = await cli(['scan', '--snapshot', path, '--format', 'json', '--fail-on', 'critical']);
    expect(result.code).toBe(EXIT.failOn);
    const finding = JSON.parse(result.stdout).findings.find((f: { rule: string }) => f.rule === 'world-open-ingress');
    expect(finding.severity).toBe('critical');
    expect(finding.summary).toContain('a scan cannot see who made it');
  });
});
