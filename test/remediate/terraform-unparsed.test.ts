/**
 * A Terraform file with a syntax error is never read, and never passed over in silence: when it may own or feed the
 * value (same directory as the owner, mentions its name, or nothing else owns it) the refusal names it and its line.
 */
import { describe, expect, it } from 'vitest';
import { makeRepo, run } from './helpers.ts';
import { maxPods, remoteAccess, terraformFiles } from './terraform-helpers.ts';

const SUFFIX = '20240101000000000000000003';

describe('a Terraform file that does not parse', () => {
  it('beside the owner (its variables may feed the value): refused naming the file and the line', async () => {
    const files = terraformFiles('plain-eks');
    files['variables.tf'] = files['variables.tf']!.replace('variable "environment" {\n', 'variable "environment" {{\n');
    const report = await run(makeRepo(files), [remoteAccess('ssh', 'prod', 'ops-prod')]);
    expect(report.files.size).toBe(0);
    expect(report.refused).toHaveLength(1);
    const [refused] = report.refused;
    expect(refused!.reason).toMatch(
      /^remote access of node group prod\/ops-prod: variables\.tf does not parse \(a syntax error near line \d+\): it may own or feed the value; fix the syntax first$/,
    );
    expect(refused!.candidates).toContainEqual({ path: 'node-groups.tf', line: 89 });
    expect(refused!.candidates.find((candidate) => candidate.path === 'variables.tf')).toBeDefined();
  });

  it('the module call itself broken (nothing that parses owns the node group): refused naming it', async () => {
    const files = terraformFiles('module-callers');
    files['main.tf'] = files['main.tf']!.replace('    worker = {\n', '    worker = {\n      = broken\n');
    const report = await run(makeRepo(files), [maxPods('mp', 'shop', `web-${SUFFIX}`, 29)]);
    expect(report.refused).toEqual([
      {
        findingId: 'mp',
        reason: `maxPods of node group shop/web-${SUFFIX}: main.tf does not parse (a syntax error near line 41): it may own or feed the value; fix the syntax first`,
        candidates: [{ path: 'main.tf', line: 41 }],
      },
    ]);
  });

  it('in another directory and naming the node group: refused naming it', async () => {
    const files = {
      ...terraformFiles('plain-eks'),
      'staging/nodes.tf': 'resource "aws_eks_node_group" "ops" {\n  node_group_name = "ops-prod"\n',
    };
    const report = await run(makeRepo(files), [remoteAccess('ssh', 'prod', 'ops-prod')]);
    expect(report.refused[0]?.reason).toMatch(/staging\/nodes\.tf does not parse/);
    expect(report.refused[0]?.candidates).toContainEqual({ path: 'staging/nodes.tf', line: 3 });
  });

  it('in another directory and not naming the owner: the change is made', async () => {
    const files = { ...terraformFiles('plain-eks'), 'tools/ci.tf': 'resource "null_resource" "x" {\n' };
    const report = await run(makeRepo(files), [remoteAccess('ssh', 'prod', 'ops-prod')]);
    expect(report.refused).toEqual([]);
    expect([...report.files.keys()]).toEqual(['node-groups.tf']);
  });
});
