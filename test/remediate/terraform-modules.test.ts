/**
 * remediate on callers of terraform-aws-modules/eks/aws, on the module's own examples (v19, v20, v21; see
 * test/fixtures/remediate/terraform/README.md): golden diffs of the caller's inputs, the version told from the
 * `version` constraint or, without one, from the inputs used.
 */
import { describe, expect, it } from 'vitest';
import { gitApplyCheck, golden, makeRepo, run, write } from './helpers.ts';
import { MODULE_CASES } from './terraform-cases.ts';

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
