/**
 * remediate on callers of terraform-aws-modules/eks/aws, on the module's own examples (v19, v20, v21; see
 * test/fixtures/remediate/terraform/README.md): golden diffs of the caller's inputs, the version told from the
 * `version` constraint or, without one, from the inputs used.
 */
import { loadHcl, parseFile } from '@podnet-guard/remediate';
import { describe, expect, it } from 'vitest';
import { gitApplyCheck, golden, makeRepo, run, write } from './helpers.ts';
import { MODULE_CASES } from './terraform-cases.ts';
import { terraformFiles } from './terraform-helpers.ts';

describe('remediate on EKS module callers', () => {
  for (const testCase of MODULE_CASES) {
    it(`${testCase.name}: the golden diff, git apply takes it, and a second run changes nothing`, async () => {
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
      const again = await run(root, testCase.findings);
      expect(again.diff).toBe('');
      expect(again.refused).toEqual([]);
      expect(again.alreadyDone.sort()).toEqual(testCase.findings.map((f) => f.id as string).sort());
    });
  }
});

describe('module internals are never edited: the caller owns the values', () => {
  it('with the module vendored into the repository and downloaded under .terraform, only the caller changes', async () => {
    const v21 = MODULE_CASES.find((testCase) => testCase.name === 'tf-module-v21')!;
    const internals = terraformFiles('eks-v21-internals');
    const files = {
      ...v21.files,
      ...Object.fromEntries(
        Object.entries(internals).flatMap(([name, text]) => [
          [`vendor/terraform-aws-eks/modules/eks-managed-node-group/${name}`, text],
          [`.terraform/modules/eks_al2023/modules/eks-managed-node-group/${name}`, text],
        ]),
      ),
    };
    await loadHcl();
    // The module's own files parse (so they are read, and could have been candidates).
    for (const [name, text] of Object.entries(internals)) expect(parseFile(name, text).errors).toEqual([]);
    const report = await run(makeRepo(files), v21.findings);
    expect(report.refused).toEqual([]);
    expect([...report.files.keys()]).toEqual(['eks-al2023.tf']);
    expect(report.diff).toBe(golden('tf-module-v21', report.diff));
  });
});
