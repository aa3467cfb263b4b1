/**
 * The HCL grammar (WebAssembly) loads only for a repository that holds Terraform: a YAML-only run leaves it unloaded.
 * Its own file, so no other test has loaded it first.
 */
import { isHclLoaded } from '@podnet-guard/remediate';
import { describe, expect, it } from 'vitest';
import { finding, fixture, makeRepo, nodeGroupTarget, run } from './helpers.ts';

const maxPods = finding('mp', {
  action: 'set-max-pods',
  target: nodeGroupTarget('cluster-5', 'ng2-private-a'),
  set: { maxPods: 20 },
  reason: 'test',
});

describe('the HCL grammar loads lazily', () => {
  it('is not loaded for eksctl files, and is for a .tf file', async () => {
    const yamlOnly = await run(makeRepo({ 'cluster.yaml': fixture('eksctl/05-advanced-nodegroups.yaml') }), [maxPods]);
    expect(yamlOnly.changes).toHaveLength(1);
    expect(isHclLoaded()).toBe(false);
    await run(makeRepo({ 'main.tf': 'locals {\n  a = 1\n}\n' }), [maxPods]);
    expect(isHclLoaded()).toBe(true);
  });
});
