/**
 * effectiveMaxPods: the maxPods a node group's nodes really run with, from its own launch template, EKS's template
 * for the group (through its Auto Scaling group), or the EKS default for the type.
 */
import { effectiveMaxPods, type Inventory, type NodeGroup } from '@podnet-guard/core';
import { describe, expect, it } from 'vitest';
import { inventoryFrom, snapshotBuilder } from '../../helpers/inventory-builder.ts';
import { sampleAccount } from '../detectors/ip-pool-exhaustion/fixtures.ts';

const NODEADM = (maxPods: number) =>
  [
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="//"',
    '',
    '--//',
    'Content-Type: application/node.eks.aws',
    '',
    '---',
    'apiVersion: node.eks.aws/v1alpha1',
    'kind: NodeConfig',
    'spec:',
    '  kubelet:',
    '    config:',
    `      maxPods: ${maxPods}`,
    '',
    '--//--',
    '',
  ].join('\n');

/** A managed m5.large node group `dev/ng` whose launch template v1 carries `userData` (none when undefined). */
function account(userData?: string): { inventory: Inventory; group: NodeGroup } {
  const snapshot = snapshotBuilder().cluster('dev').nodeGroup('dev', 'ng', { instanceType: 'm5.large' }).build();
  const versions = (snapshot.DescribeLaunchTemplateVersions as { LaunchTemplateVersions: Record<string, unknown>[] })
    .LaunchTemplateVersions;
  const data = versions[0]?.LaunchTemplateData as Record<string, unknown>;
  if (userData !== undefined) data.UserData = Buffer.from(userData).toString('base64');
  const inventory = inventoryFrom(snapshot);
  return { inventory, group: inventory.nodeGroup('dev', 'ng')! };
}

describe('effectiveMaxPods', () => {
  it("reads the value EKS wrote into the group's own launch template, named through its Auto Scaling group", () => {
    const inventory = sampleAccount();
    const effective = effectiveMaxPods(inventory, inventory.nodeGroup('prod', 'ng-sgp')!, 'm5.xlarge', false);
    expect(effective.value).toBe(58);
    expect(effective.source).toMatch(/^EKS launch template eks-7ac90d13-.* v1 \(nodeadm maxPods\)$/);
  });

  it('reads a custom launch template named by the node group before the EKS one', () => {
    const { inventory, group } = account(NODEADM(110));
    const templateId = inventory.launchTemplateVersions[0]!.launchTemplateId;
    const withTemplate = { ...group, launchTemplate: { id: templateId, version: '1' } };
    expect(effectiveMaxPods(inventory, withTemplate, 'm5.large', false)).toMatchObject({
      value: 110,
      source: expect.stringMatching(/^launch template .* v1 \(nodeadm maxPods\)$/),
    });
  });

  it('gives the kubelet default (110) for bootstrap.sh --use-max-pods false without --max-pods', () => {
    const { inventory, group } = account('#!/bin/bash\n/etc/eks/bootstrap.sh dev --use-max-pods false\n');
    expect(effectiveMaxPods(inventory, group, 'm5.large', false)).toMatchObject({
      value: 110,
      source: expect.stringContaining('--use-max-pods false: kubelet default'),
    });
  });

  it('falls back to the EKS default for the type when no user data sets maxPods', () => {
    const { inventory, group } = account();
    expect(effectiveMaxPods(inventory, group, 'm5.large', false)).toMatchObject({
      value: 29,
      source: expect.stringMatching(/^EKS default for m5\.large: /),
    });
    // Under prefix delegation the EKS cap (110 below 30 vCPUs) is what bounds it.
    expect(effectiveMaxPods(inventory, group, 'm5.large', true).value).toBe(110);
  });

  it('does not read a template version the inventory does not hold: the EKS default stands', () => {
    const { inventory, group } = account(NODEADM(110));
    const templateId = inventory.launchTemplateVersions[0]!.launchTemplateId;
    const unknown = { ...group, autoScalingGroupNames: [], launchTemplate: { id: templateId, version: '7' } };
    expect(effectiveMaxPods(inventory, unknown, 'm5.large', false).value).toBe(29);
  });

  it('throws for an instance type nobody knows, so callers can say they could not judge it', () => {
    const { inventory, group } = account();
    expect(() => effectiveMaxPods(inventory, group, 'zz9.large', false)).toThrow();
  });
});
