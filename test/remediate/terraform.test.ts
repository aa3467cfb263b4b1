/**
 * remediate on Terraform: per edit kind, the reviewed golden diff (test/fixtures/remediate/golden/tf-*.diff), `git
 * apply` takes it, the edited files parse again, and a second run on the fixed tree changes nothing.
 */
import { loadHcl, parseFile } from '@podnet-guard/remediate';
import { describe, expect, it } from 'vitest';
import { gitApplyCheck, golden, makeRepo, readRepoFile, run, write } from './helpers.ts';
import { TERRAFORM_CASES } from './terraform-cases.ts';

describe('remediate on Terraform', () => {
  for (const testCase of TERRAFORM_CASES) {
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
