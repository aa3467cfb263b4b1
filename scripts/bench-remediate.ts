/**
 * `remediate` over a generated repository: 100 eksctl files of 20 node groups each and 50 CloudFormation templates of
 * 10 security groups each, with 100 findings (maxPods and SG rule revokes). Prints the wall time per run.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRepo, remediate } from '@podnet-guard/remediate';

const CLUSTERS = 100;
const GROUPS = 20;
const TEMPLATES = 50;
const SGS = 10;

function eksctl(cluster: number): string {
  const groups = Array.from(
    { length: GROUPS },
    (_, g) =>
      `  # group ${g}\n  - name: ng-${g}\n    instanceType: m5.large\n    maxPodsPerNode: 58\n    desiredCapacity: 3\n`,
  );
  return `apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: c${cluster}\nmanagedNodeGroups:\n${groups.join('')}`;
}

function template(index: number): string {
  const groups = Array.from(
    { length: SGS },
    (_, s) =>
      `  Sg${s}:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupName: t${index}-sg${s}\n      GroupDescription: g\n      SecurityGroupIngress:\n        - IpProtocol: tcp\n          FromPort: 22\n          ToPort: 22\n          CidrIp: 0.0.0.0/0\n        - IpProtocol: tcp\n          FromPort: 443\n          ToPort: 443\n          CidrIp: 10.0.0.0/8\n`,
  );
  return `AWSTemplateFormatVersion: "2010-09-09"\nResources:\n${groups.join('')}`;
}

export async function benchRemediate(iterations: number): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'pg-bench-remediate-'));
  try {
    for (let c = 0; c < CLUSTERS; c++) writeFileSync(join(root, `cluster-${c}.yaml`), eksctl(c));
    for (let t = 0; t < TEMPLATES; t++) writeFileSync(join(root, `sg-${t}.yaml`), template(t));
    const findings = Array.from({ length: 100 }, (_, i) =>
      i % 2 === 0
        ? {
            id: `f${i}`,
            detector: 'ip-pool-exhaustion',
            status: 'open',
            remediation: {
              action: 'set-max-pods',
              target: {
                type: 'nodegroup',
                id: `c${i}/ng-${i % GROUPS}`,
                cluster: `c${i}`,
                nodeGroup: `ng-${i % GROUPS}`,
              },
              set: { maxPods: 20 },
              reason: 'bench',
            },
          }
        : {
            id: `f${i}`,
            detector: 'node-sg-widening',
            status: 'open',
            remediation: {
              action: 'revoke-rules',
              target: {
                type: 'security-group',
                id: 'sg-0123456789abcdef0',
                securityGroup: { id: 'sg-0123456789abcdef0', name: `t${i % TEMPLATES}-sg${i % SGS}` },
              },
              revoke: [{ direction: 'ingress', protocol: 'tcp', fromPort: 22, toPort: 22, peerKey: 'ipv4:0.0.0.0/0' }],
              reason: 'bench',
            },
          },
    );
    const repo = await openRepo(root);
    const times: number[] = [];
    let changes = 0;
    for (let i = 0; i < iterations; i++) {
      const start = performance.now();
      const report = await remediate({ findings }, repo);
      times.push(performance.now() - start);
      changes = report.changes.length;
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)] ?? 0;
    console.log(
      `\n7. remediate: ${CLUSTERS} eksctl files (${CLUSTERS * GROUPS} node groups) and ${TEMPLATES} CloudFormation templates (${TEMPLATES * SGS} SGs), 100 findings\n`,
    );
    console.log(
      `   ${changes} changes; median ${median.toFixed(0)} ms, max ${(times[times.length - 1] ?? 0).toFixed(0)} ms over ${iterations} runs`,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
