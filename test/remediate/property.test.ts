/**
 * Property: an edit changes only the lines of the owning block, and every comment line outside a removed block is
 * still there afterwards. Random eksctl files (node groups with fields in any order, comments anywhere) and random
 * CloudFormation security groups (inline rules with comments between them).
 */
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { finding, makeRepo, nodeGroupTarget, run } from './helpers.ts';

const comment = fc.stringMatching(/^[a-z][a-z ]{0,15}$/).map((text) => `# ${text.trim() || 'note'}`);

interface Group {
  fields: string[][];
  comments: (string | undefined)[];
  before: string | undefined;
}

const FIELD_CHOICES: string[][] = [
  ['instanceType: m5.large'],
  ['maxPodsPerNode: 58'],
  ['desiredCapacity: 3'],
  ['ssh:', '  allow: true', '  publicKeyName: ops'],
  ['labels:', '  role: worker # who runs here'],
  ['privateNetworking: true'],
];

const group: fc.Arbitrary<Group> = fc.record({
  fields: fc.shuffledSubarray(FIELD_CHOICES, { minLength: 1 }),
  comments: fc.array(fc.option(comment, { nil: undefined }), { minLength: 7, maxLength: 7 }),
  before: fc.option(comment, { nil: undefined }),
});

function eksctlFile(groups: Group[], trailing: string | undefined): { text: string; blocks: [number, number][] } {
  const lines = [
    'apiVersion: eksctl.io/v1alpha5',
    'kind: ClusterConfig',
    '# the cluster',
    'metadata:',
    '  name: prod',
    'managedNodeGroups:',
  ];
  const blocks: [number, number][] = [];
  groups.forEach((g, index) => {
    if (g.before) lines.push(`  ${g.before}`);
    const start = lines.length;
    lines.push(`  - name: ng-${index}`);
    g.fields.forEach((field, at) => {
      if (g.comments[at]) lines.push(`    ${g.comments[at]}`);
      for (const line of field) lines.push(`    ${line}`);
    });
    blocks.push([start, lines.length - 1]);
  });
  if (trailing) lines.push(trailing);
  return { text: `${lines.join('\n')}\n`, blocks };
}

/** Lines changed: the old file's lines outside [prefix, old.length - suffix) are unchanged. */
function changedRange(before: string, after: string): [number, number] {
  const a = before.split('\n');
  const b = after.split('\n');
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (
    suffix < a.length - prefix &&
    suffix < b.length - prefix &&
    a[a.length - 1 - suffix] === b[b.length - 1 - suffix]
  )
    suffix++;
  return [prefix, a.length - suffix];
}

function commentLines(text: string): string[] {
  return text.split('\n').filter((line) => line.trimStart().startsWith('#') || line.includes(' # '));
}

const ACTIONS = [
  (target: ReturnType<typeof nodeGroupTarget>) =>
    ({ action: 'set-max-pods', target, set: { maxPods: 17 }, reason: 'p' }) as const,
  (target: ReturnType<typeof nodeGroupTarget>) =>
    ({ action: 'set-instance-types', target, set: { instanceTypes: ['c5.large'] }, reason: 'p' }) as const,
  (target: ReturnType<typeof nodeGroupTarget>) =>
    ({ action: 'restrict-remote-access', target, set: { remoteAccess: 'none' }, reason: 'p' }) as const,
];

describe('edits stay inside the owning block', () => {
  it('eksctl node groups: only the chosen group changes, and every comment stays', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(group, { minLength: 1, maxLength: 4 }),
        fc.nat(),
        fc.nat(ACTIONS.length - 1),
        fc.option(comment, { nil: undefined }),
        async (groups, pick, actionIndex, trailing) => {
          const { text, blocks } = eksctlFile(groups, trailing);
          const index = pick % groups.length;
          const root = makeRepo({ 'cluster.yaml': text });
          const remediation = ACTIONS[actionIndex]!(nodeGroupTarget('prod', `ng-${index}`));
          const report = await run(root, [finding('f', remediation)]);
          expect(report.refused).toEqual([]);
          const after = report.files.get('cluster.yaml');
          if (after === undefined) return; // already held the value (e.g. no ssh block: no remote access)
          const [from, to] = changedRange(text, after);
          const [start, end] = blocks[index]!;
          expect(from).toBeGreaterThanOrEqual(start);
          expect(to).toBeLessThanOrEqual(end + 1);
          const kept = commentLines(after);
          for (const line of commentLines(text)) expect(kept).toContain(line);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('CloudFormation inline rules: a revoke removes exactly the rule lines, and comments outside them stay', async () => {
    const port = fc.integer({ min: 1, max: 65535 });
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(port, { minLength: 1, maxLength: 5 }),
        fc.array(fc.option(comment, { nil: undefined }), { minLength: 5, maxLength: 5 }),
        fc.nat(),
        async (ports, comments, pick) => {
          const lines = [
            'Resources:',
            '  # the node SG',
            '  NodeSg:',
            '    Type: AWS::EC2::SecurityGroup',
            '    Properties:',
            '      GroupDescription: nodes',
            '      SecurityGroupIngress:',
          ];
          const blocks: [number, number][] = [];
          ports.forEach((p, at) => {
            if (comments[at]) lines.push(`        ${comments[at]}`);
            const start = lines.length;
            lines.push(
              '        - IpProtocol: tcp',
              `          FromPort: ${p}`,
              `          ToPort: ${p}`,
              '          CidrIp: 0.0.0.0/0 # world',
            );
            blocks.push([start, lines.length - 1]);
          });
          lines.push('      VpcId: vpc-0123456789abcdef0');
          const text = `${lines.join('\n')}\n`;
          const index = pick % ports.length;
          const root = makeRepo({ 'template.yaml': text });
          const report = await run(root, [
            finding('f', {
              action: 'revoke-rules',
              target: { type: 'security-group', id: 'sg-0123456789abcdef0', cloudFormation: { logicalId: 'NodeSg' } },
              revoke: [
                {
                  direction: 'ingress',
                  protocol: 'tcp',
                  fromPort: ports[index],
                  toPort: ports[index],
                  peerKey: 'ipv4:0.0.0.0/0',
                },
              ],
              reason: 'p',
            }),
          ]);
          const after = report.files.get('template.yaml')!;
          const [start, end] = blocks[index]!;
          const expected = [...lines.slice(0, start), ...lines.slice(end + 1)];
          expect(after).toBe(`${expected.join('\n')}\n`);
          const removed = new Set(lines.slice(start, end + 1));
          const kept = commentLines(after);
          for (const line of commentLines(text)) if (!removed.has(line)) expect(kept).toContain(line);
        },
      ),
      { numRuns: 60 },
    );
  });
});
