/**
 * One definition feeding several owners (a variable read by two node groups, a local by two launch templates): edited
 * once when the finding covers every owner (golden cases in terraform-more-cases.ts), refused naming the owner it
 * does not cover, refused when the owners need different values from it. And the refusals of heredoc AL2 flags.
 */
import { describe, expect, it } from 'vitest';
import { mergeEdits } from '../../packages/remediate/src/shared-reads.ts';
import { makeRepo, run } from './helpers.ts';
import { instanceTypes, maxPods, prefixDelegation, terraformFiles } from './terraform-helpers.ts';
import { revokeWorld, sharedCidrs, sharedDefaults, sharedUserData } from './terraform-more-cases.ts';

const SUFFIX = '20240101000000000000000003';

async function refusal(files: Record<string, string>, finding: Record<string, unknown>) {
  const report = await run(makeRepo(files), [finding]);
  expect(report.changes).toEqual([]);
  expect(report.files.size).toBe(0);
  expect(report.refused).toHaveLength(1);
  return report.refused[0]!;
}

describe('a definition several owners read, plain resources', () => {
  it('a local read by two launch templates, the finding covering one: refused naming the other', async () => {
    const refused = await refusal(sharedUserData(), maxPods('mp', 'prod', 'api', 29));
    expect(refused.reason).toBe(
      'user_data comes from local.node_user_data, which 2 places read; aws_launch_template.ops reads it too and the finding does not cover it: refusing to change it',
    );
    expect(refused.candidates).toEqual([
      { path: 'node-groups.tf', line: 2 },
      { path: 'node-groups.tf', line: 114 },
    ]);
  });

  it('both owners covered but needing different maxPods from the one heredoc: refused', async () => {
    const refused = await refusal(sharedUserData(), prefixDelegation('pd', 'prod', { api: 29, 'ops-prod': 58 }));
    expect(refused.reason).toBe(
      'owners in the finding read one definition (node-groups.tf:3) and need different values from it: refusing to choose',
    );
  });

  it('a variable read by two inline rules, the finding revoking one of them: refused naming the other block', async () => {
    const refused = await refusal(sharedCidrs(), revokeWorld('ssh', [[22, 22]]));
    expect(refused.reason).toBe(
      'cidr_blocks comes from var.admin_cidrs, which 2 places read; aws_security_group.nodes ingress block reads it too and the finding does not cover it: refusing to change it',
    );
    expect(refused.candidates).toEqual([
      { path: 'variables.tf', line: 21 },
      { path: 'security-groups.tf', line: 29 },
    ]);
  });
});

describe('a definition several owners read, EKS module callers', () => {
  const files = () => terraformFiles('module-callers');

  it('a variable read by two node group entries, the finding covering one: refused naming the other entry', async () => {
    const refused = await refusal(files(), maxPods('mp', 'shop', `web-${SUFFIX}`, 29));
    expect(refused.reason).toBe(
      'bootstrap_extra_args comes from var.app_bootstrap_extra_args, which 2 places read; module.eks eks_managed_node_groups.worker reads it too and the finding does not cover it: refusing to change it',
    );
    expect(refused.candidates).toEqual([
      { path: 'variables.tf', line: 12 },
      { path: 'main.tf', line: 43 },
    ]);
  });

  it('a *_node_group_defaults value two entries inherit, the finding covering one: refused naming the other', async () => {
    const refused = await refusal(sharedDefaults(), maxPods('mp', 'shop', `worker-${SUFFIX}`, 29));
    expect(refused.reason).toBe(
      'bootstrap_extra_args comes from eks_managed_node_group_defaults.bootstrap_extra_args, which 2 places read; module.eks eks_managed_node_groups.web reads it too and the finding does not cover it: refusing to change it',
    );
  });

  it('both entries covered but needing different maxPods from the one variable: refused', async () => {
    const refused = await refusal(
      files(),
      prefixDelegation('pd', 'shop', { [`web-${SUFFIX}`]: 29, [`worker-${SUFFIX}`]: 58 }),
    );
    expect(refused.reason).toBe(
      'owners in the finding read one definition (variables.tf:12) and need different values from it: refusing to choose',
    );
  });
});

describe('AL2 bootstrap flags as a heredoc', () => {
  const withFlags = (heredocLines: string) => {
    const files = terraformFiles('module-callers');
    files['main.tf'] = files['main.tf']!.replace(
      "        --kubelet-extra-args '--node-labels=tier=system --register-with-taints=CriticalAddonsOnly=true:NoSchedule'\n",
      heredocLines,
    );
    return files;
  };

  it('flags on two lines (two commands on the bootstrap.sh line) are refused', async () => {
    const files = withFlags(
      "        --kubelet-extra-args '--node-labels=tier=system'\n        --container-runtime containerd\n",
    );
    const refused = await refusal(files, maxPods('mp', 'shop', `system-${SUFFIX}`, 17));
    expect(refused.reason).toMatch(/bootstrap_extra_args is a heredoc of 2 lines: write the flags on one line/);
    expect(refused.candidates).toEqual([{ path: 'main.tf', line: 50 }]);
  });

  it('flags with a template directive are refused', async () => {
    const files = withFlags("        %{ if true }--kubelet-extra-args '--node-labels=tier=system'%{ endif }\n");
    const refused = await refusal(files, maxPods('mp', 'shop', `system-${SUFFIX}`, 17));
    expect(refused.reason).toMatch(/bootstrap_extra_args holds template directives/);
  });

  it('flags that already set the planned maxPods are left as they are', async () => {
    const files = withFlags("        --use-max-pods false --kubelet-extra-args '--max-pods=17'\n");
    const report = await run(makeRepo(files), [maxPods('mp', 'shop', `system-${SUFFIX}`, 17)]);
    expect(report.alreadyDone).toEqual(['mp']);
    expect(report.files.size).toBe(0);
  });
});

describe('the reads that count', () => {
  it("a variable's own validation block feeds no owner: the one node group that reads it has it edited", async () => {
    const files = terraformFiles('plain-eks');
    files['variables.tf'] = files['variables.tf']!.replace(
      '  default     = ["m5.large", "m5a.large"]\n',
      '  default     = ["m5.large", "m5a.large"]\n\n  validation {\n    condition     = length(var.api_instance_types) > 0\n    error_message = "At least one instance type."\n  }\n',
    );
    const report = await run(makeRepo(files), [
      instanceTypes('types', 'prod', 'batch-20240101000000000000000002', ['m6i.large']),
    ]);
    expect(report.refused).toEqual([]);
    expect(report.files.get('variables.tf')).toContain('  default     = ["m6i.large"]\n\n  validation {');
  });

  it('edits of one file: one text replaced twice is one edit, two insertions at one place are both kept', () => {
    const replace = { offset: 4, length: 3, content: 'x' };
    expect(mergeEdits('a.tf', 'text', [replace, { ...replace }])).toEqual([replace]);
    const inserts = [
      { offset: 9, length: 0, content: 'a = 1\n' },
      { offset: 9, length: 0, content: 'b = 2\n' },
    ];
    expect(mergeEdits('a.tf', 'text', inserts)).toEqual(inserts);
    expect(mergeEdits('a.tf', 'one\ntwo', [replace, { ...replace, content: 'y' }])).toEqual({
      reason:
        'owners in the finding read one definition (a.tf:2) and need different values from it: refusing to choose',
      candidates: [{ path: 'a.tf', line: 2 }],
    });
  });
});
