/**
 * maxPods in node user data, by image: AL2 bootstrap flags, AL2023 NodeConfig (in MIME multipart), Bottlerocket TOML.
 * The user data of Karpenter's own examples is the input where one exists.
 */
import { readMaxPodsFromUserData } from '@podnet-guard/core';
import { editBootstrapArguments, editUserDataMaxPods } from '@podnet-guard/remediate';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { fixture } from './helpers.ts';

function userDataOf(path: string): string {
  const doc = parseAllDocuments(fixture(path)).find((d) => d.get('kind') === 'EC2NodeClass');
  return String(doc?.getIn(['spec', 'userData']));
}

function edited(userData: string, maxPods: number): string {
  const result = editUserDataMaxPods(userData, maxPods);
  if ('refusal' in result) throw new Error(result.refusal);
  return result.text;
}

describe('AL2 bootstrap.sh', () => {
  it('adds --use-max-pods false and a kubelet --max-pods (bootstrap.sh has no --max-pods flag)', () => {
    const text = '#!/bin/bash\nset -ex\n/etc/eks/bootstrap.sh prod --container-runtime containerd\n';
    expect(edited(text, 29)).toBe(
      "#!/bin/bash\nset -ex\n/etc/eks/bootstrap.sh prod --use-max-pods false --kubelet-extra-args '--max-pods=29' --container-runtime containerd\n",
    );
  });

  it('edits the value inside existing --kubelet-extra-args, keeping the other kubelet flags and the quotes', () => {
    const text = `/etc/eks/bootstrap.sh prod --use-max-pods false --kubelet-extra-args "--node-labels=a=b --max-pods=110"\n`;
    expect(edited(text, 20)).toBe(
      `/etc/eks/bootstrap.sh prod --use-max-pods false --kubelet-extra-args "--node-labels=a=b --max-pods=20"\n`,
    );
    const withoutMaxPods = `/etc/eks/bootstrap.sh prod --kubelet-extra-args '--node-labels=a=b'\n`;
    expect(edited(withoutMaxPods, 20)).toBe(
      `/etc/eks/bootstrap.sh prod --use-max-pods false --kubelet-extra-args '--max-pods=20 --node-labels=a=b'\n`,
    );
  });

  it('turns --use-max-pods true off, and follows backslash continuations', () => {
    const text =
      "/etc/eks/bootstrap.sh prod \\\n  --use-max-pods true \\\n  --kubelet-extra-args '--max-pods=58'\necho done\n";
    const result = edited(text, 17);
    expect(result).toBe(
      "/etc/eks/bootstrap.sh prod \\\n  --use-max-pods false \\\n  --kubelet-extra-args '--max-pods=17'\necho done\n",
    );
    expect(readMaxPodsFromUserData(result)).toMatchObject({ maxPods: 17, useMaxPods: false });
  });

  it('is idempotent', () => {
    const once = edited('/etc/eks/bootstrap.sh prod\n', 20);
    expect(edited(once, 20)).toBe(once);
  });

  it('refuses two bootstrap calls, and --max-pods given as two words', () => {
    expect(editUserDataMaxPods('/etc/eks/bootstrap.sh a\n/etc/eks/bootstrap.sh b\n', 20)).toEqual({
      refusal: '2 bootstrap.sh calls in the user data',
    });
    expect(editUserDataMaxPods(`/etc/eks/bootstrap.sh a --kubelet-extra-args '--max-pods 30'\n`, 20)).toEqual({
      refusal: 'kubelet --max-pods is given as two words',
    });
  });

  it('edits a bootstrap-arguments string (a CloudFormation parameter Default)', () => {
    expect(editBootstrapArguments('', 17)).toEqual({
      text: "--use-max-pods false --kubelet-extra-args '--max-pods=17'",
    });
    expect(editBootstrapArguments("--kubelet-extra-args '--node-labels=x=y'", 17)).toEqual({
      text: "--use-max-pods false --kubelet-extra-args '--max-pods=17 --node-labels=x=y'",
    });
  });
});

describe('AL2023 NodeConfig', () => {
  it("adds spec.kubelet.config.maxPods to the NodeConfig part of Karpenter's MIME multipart example, nothing else", () => {
    const userData = userDataOf('karpenter/al2023-custom-userdata.yaml');
    const result = edited(userData, 29);
    expect(readMaxPodsFromUserData(result)).toMatchObject({ maxPods: 29, source: 'nodeadm maxPods' });
    const before = userData.split('\n');
    const after = result.split('\n');
    // Three lines added after the NodeConfig's last line; every other line as it was.
    expect(after.length).toBe(before.length + 3);
    const at = before.indexOf('      strategy: Mount') + 1;
    expect(after.slice(at, at + 3)).toEqual(['  kubelet:', '    config:', '      maxPods: 29']);
    expect([...after.slice(0, at), ...after.slice(at + 3)]).toEqual(before);
  });

  it('replaces an existing maxPods, and refuses maxPodsExpression', () => {
    const config =
      'apiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec:\n  kubelet:\n    config:\n      maxPods: 110 # default\n';
    expect(edited(config, 20)).toBe(config.replace('110', '20'));
    const expression =
      'apiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec:\n  kubelet:\n    maxPodsExpression: "default_enis * 2"\n';
    expect(editUserDataMaxPods(expression, 20)).toEqual({
      refusal: 'the NodeConfig computes maxPods with maxPodsExpression',
    });
  });

  it('refuses a multipart user data with no part that sets maxPods', () => {
    const userData = userDataOf('karpenter/al2023-custom-userdata.yaml').replace(
      /--\/\/\nContent-Type: application\/node\.eks\.aws[\s\S]*?(?=--\/\/\nContent-Type: text)/,
      '',
    );
    expect(editUserDataMaxPods(userData, 20)).toEqual({
      refusal: 'no MIME part of the user data sets maxPods (no NodeConfig, no bootstrap.sh call)',
    });
  });
});

describe('Bottlerocket TOML', () => {
  it("adds max-pods to the [settings.kubernetes] table of Karpenter's example, one line", () => {
    const userData = userDataOf('karpenter/br-custom-userdata.yaml');
    expect(userData).toBe('[settings.kubernetes]\nkube-api-qps = 30\n');
    expect(edited(userData, 29)).toBe('[settings.kubernetes]\nmax-pods = 29\nkube-api-qps = 30\n');
  });

  it('replaces an existing value, and refuses TOML that does not parse', () => {
    expect(edited('[settings.kubernetes]\nmax-pods = 110\n', 20)).toBe('[settings.kubernetes]\nmax-pods = 20\n');
    expect(editUserDataMaxPods('[settings.kubernetes\nmax-pods = 110\n', 20)).toMatchObject({
      refusal: expect.stringMatching(/not valid TOML/),
    });
  });
});

it('refuses user data it cannot read maxPods from', () => {
  expect(editUserDataMaxPods('#!/bin/bash\necho hello\n', 20)).toEqual({
    refusal: 'the user data holds no bootstrap.sh call, NodeConfig or Bottlerocket settings to set maxPods in',
  });
});
