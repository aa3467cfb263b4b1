/**
 * Property of part 1, on Terraform: an edit changes only the lines of the owning block, and every comment line
 * outside a removed block is still there. On every Terraform fixture (each finding of the golden cases alone), and on
 * random security groups (inline rules in any number, comments between them) and random node groups (attributes in
 * any order, comments anywhere).
 */
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { finding, makeRepo, nodeGroupTarget, run } from './helpers.ts';
import { MODULE_CASES, TERRAFORM_CASES } from './terraform-cases.ts';
import { SHARED_CASES, TEXT_CASES } from './terraform-more-cases.ts';

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

/**
 * Line ranges [first, last] of the top-level items of a `terraform fmt` file: blocks, and attributes (a `.tfvars`
 * value), which open at column 0 and close there.
 */
function topLevelBlocks(text: string): [number, number][] {
  const blocks: [number, number][] = [];
  let start: number | undefined;
  text.split('\n').forEach((line, index) => {
    if (start === undefined && /^[a-z_]+( "[^"]*")*\s*(=\s*)?[[{]\s*$/.test(line)) start = index;
    else if (start === undefined && /^[a-z_]+\s*=/.test(line)) blocks.push([index, index]);
    else if (start !== undefined && (line === '}' || line === ']')) {
      blocks.push([start, index]);
      start = undefined;
    }
  });
  return blocks;
}

function commentLines(text: string): string[] {
  return text.split('\n').filter((line) => /^\s*(#|\/\/)/.test(line) || / # /.test(line));
}

describe('Terraform edits stay inside the owning block', () => {
  const cases = [...TERRAFORM_CASES, ...MODULE_CASES, ...SHARED_CASES, ...TEXT_CASES];
  for (const testCase of cases)
    for (const one of testCase.findings)
      it(`${testCase.name} / ${one.id as string}: only one block's lines change, comments outside it stay`, async () => {
        const report = await run(makeRepo(testCase.files), [one]);
        expect(report.refused).toEqual([]);
        for (const [path, after] of report.files) {
          const before = testCase.files[path]!;
          const [from, to] = changedRange(before, after);
          // A removed top-level block may take the blank line before or after it.
          const owner = topLevelBlocks(before).find(([start, end]) => from >= start - 1 && to <= end + 2);
          expect(owner, `${path}: lines ${from + 1}-${to} are not inside one block`).toBeDefined();
          const removed = new Set(before.split('\n').slice(from, to));
          const kept = commentLines(after);
          for (const line of commentLines(before)) if (!removed.has(line)) expect(kept).toContain(line);
        }
      });
});

const comment = fc.stringMatching(/^[a-z][a-z ]{0,15}$/).map((text) => `# ${text.trim() || 'note'}`);

describe('random Terraform files', () => {
  it('inline ingress rules: a revoke removes exactly the rule lines, and comments outside them stay', async () => {
    const port = fc.integer({ min: 1, max: 65535 });
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(port, { minLength: 2, maxLength: 5 }),
        fc.array(fc.option(comment, { nil: undefined }), { minLength: 5, maxLength: 5 }),
        fc.nat(),
        async (ports, comments, pick) => {
          const lines = ['# the node SG', 'resource "aws_security_group" "nodes" {', '  name = "nodes"'];
          const blocks: [number, number][] = [];
          ports.forEach((p, at) => {
            if (comments[at]) lines.push(`  ${comments[at]}`);
            const start = lines.length;
            lines.push(
              '  ingress {',
              `    from_port   = ${p}`,
              `    to_port     = ${p}`,
              '    protocol    = "tcp"',
              '    cidr_blocks = ["0.0.0.0/0"] # world',
              '  }',
            );
            blocks.push([start, lines.length - 1]);
          });
          lines.push('  vpc_id = "vpc-0123456789abcdef0"', '}');
          const text = `${lines.join('\n')}\n`;
          const index = pick % ports.length;
          const report = await run(makeRepo({ 'sg.tf': text }), [
            finding('f', {
              action: 'revoke-rules',
              target: {
                type: 'security-group',
                id: 'sg-0123456789abcdef0',
                securityGroup: { id: 'sg-0123456789abcdef0', name: 'nodes' },
              },
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
          const [start, end] = blocks[index]!;
          expect(report.files.get('sg.tf')).toBe(`${[...lines.slice(0, start), ...lines.slice(end + 1)].join('\n')}\n`);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('node groups with attributes in any order: only the chosen group changes, and every comment stays', async () => {
    const fields = [
      ['instance_types = ["m5.large"]'],
      ['node_role_arn = aws_iam_role.node.arn'],
      ['remote_access {', '  ec2_ssh_key = "ops"', '}'],
      ['labels = {', '  role = "worker" # who runs here', '}'],
      ['capacity_type = "ON_DEMAND"'],
    ];
    const group = fc.record({
      fields: fc.shuffledSubarray(fields, { minLength: 1 }),
      comments: fc.array(fc.option(comment, { nil: undefined }), { minLength: 5, maxLength: 5 }),
    });
    const actions = [
      (target: ReturnType<typeof nodeGroupTarget>) =>
        ({ action: 'set-instance-types', target, set: { instanceTypes: ['c5.large'] }, reason: 'p' }) as const,
      (target: ReturnType<typeof nodeGroupTarget>) =>
        ({ action: 'restrict-remote-access', target, set: { remoteAccess: 'none' }, reason: 'p' }) as const,
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.array(group, { minLength: 1, maxLength: 4 }),
        fc.nat(),
        fc.nat(actions.length - 1),
        async (groups, pick, actionIndex) => {
          const lines: string[] = [];
          const blocks: [number, number][] = [];
          groups.forEach((g, index) => {
            const start = lines.length;
            lines.push(
              `resource "aws_eks_node_group" "ng${index}" {`,
              '  cluster_name    = "prod"',
              `  node_group_name = "ng-${index}"`,
            );
            g.fields.forEach((field, at) => {
              if (g.comments[at]) lines.push(`  ${g.comments[at]}`);
              for (const line of field) lines.push(`  ${line}`);
            });
            lines.push('}');
            blocks.push([start, lines.length - 1]);
            lines.push('');
          });
          const text = lines.join('\n');
          const index = pick % groups.length;
          const report = await run(makeRepo({ 'ng.tf': text }), [
            finding('f', actions[actionIndex]!(nodeGroupTarget('prod', `ng-${index}`))),
          ]);
          expect(report.refused).toEqual([]);
          const after = report.files.get('ng.tf');
          if (after === undefined) return; // already held the value (no remote_access block: no remote access)
          const [from, to] = changedRange(text, after);
          expect(from).toBeGreaterThanOrEqual(blocks[index]![0]);
          expect(to).toBeLessThanOrEqual(blocks[index]![1] + 1);
          for (const line of commentLines(text)) expect(commentLines(after)).toContain(line);
        },
      ),
      { numRuns: 40 },
    );
  });
});
