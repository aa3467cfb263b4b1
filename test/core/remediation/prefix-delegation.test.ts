/**
 * enable-prefix-delegation: offered on subnet-headroom-low only when every node type is Nitro by the limits table,
 * the vpc-cni add-on is 1.9.0 or later, and the subnets' free /28 blocks cover the node groups at maximum size;
 * never on subnet-exhausted.
 */
import {
  cniVersion,
  defaultGuardConfig,
  evaluateEvent,
  parseCloudTrailEvent,
  parseGuardConfig,
  prefixDelegationRemediation,
  scanInventory,
} from '@podnet-guard/core';
import { describe, expect, it } from 'vitest';
import { inventoryFrom, snapshotBuilder } from '../../helpers/inventory-builder.ts';
import { SUBNET_EXHAUSTION_FAILURES, sampleAccount } from '../detectors/ip-pool-exhaustion/fixtures.ts';

const SUBNET = 'subnet-0a00000000000000a';

/** Cluster dev: one node group of `type` (one node, maxSize 4) alone in a subnet of `cidr`. */
function account(options: { type?: string; cidr?: string; version?: string; config?: string } = {}) {
  return inventoryFrom(
    snapshotBuilder()
      .instanceType('m4.large', { vcpus: 2, enis: 2, ipsPerEni: 10 })
      .instanceType('zz9.large', { vcpus: 2, enis: 3, ipsPerEni: 10 })
      .subnet(SUBNET, { cidr: options.cidr ?? '10.0.0.0/22' })
      .cluster('dev', { subnetIds: [SUBNET] })
      .addon('dev', 'vpc-cni', options.config ?? '{}', options.version ?? 'v1.19.2-eksbuild.1')
      .nodeGroup('dev', 'ng-web', { instanceType: options.type ?? 'm5.large', nodes: 1, subnetId: SUBNET })
      .build(),
  );
}

// subnet-headroom-low fires on any subnet with this threshold, so the remediation alone is judged.
const strict = parseGuardConfig({ subnetHeadroomPercent: 100 });

function headroomFinding(inventory: ReturnType<typeof account>) {
  return scanInventory(inventory, { config: strict, detectors: ['ip-pool-exhaustion'] }).findings.find(
    (finding) => finding.rule === 'subnet-headroom-low',
  );
}

describe('enable-prefix-delegation', () => {
  it('is offered when the types are Nitro, the CNI is recent and the /28 blocks cover maxSize', () => {
    // m5.large under prefix delegation: maxPods 110 (EKS cap); 4 nodes × (⌈110 / 16⌉ + 1) = 32 blocks ≤ 62 free.
    const finding = headroomFinding(account());
    expect(finding?.remediation).toEqual({
      action: 'enable-prefix-delegation',
      target: { type: 'cluster', id: 'dev', cluster: 'dev', addon: 'vpc-cni' },
      set: { ENABLE_PREFIX_DELEGATION: 'true', WARM_PREFIX_TARGET: 1, maxPods: { 'ng-web': 110 } },
      reason: expect.stringMatching(/only nodes launched after the change benefit$/),
    });
  });

  it('keeps the configured WARM_PREFIX_TARGET in the block count', () => {
    const result = prefixDelegationRemediation(account({ config: '{"env":{"WARM_PREFIX_TARGET":"2"}}' }), 'dev', false);
    expect(result).toMatchObject({ remediation: { set: { WARM_PREFIX_TARGET: 2 } } });
  });

  it.each([
    ['a Xen type (m4.large)', { type: 'm4.large' }, /not Nitro by the limits table/],
    ['a type the table does not know', { type: 'zz9.large' }, /not Nitro by the limits table/],
    ['vpc-cni 1.8', { version: 'v1.8.0-eksbuild.1' }, /not known to be 1\.9\.0 or later/],
    ['an unreadable add-on version', { version: 'latest' }, /not known to be 1\.9\.0 or later/],
    // A /26 holds 4 blocks, 2 of them with AWS's addresses; 4 nodes need 32.
    ['too few free /28 blocks for maxSize', { cidr: '10.0.0.0/26' }, /has 2 free \/28 blocks; the node groups need 32/],
    ['prefix delegation already on', { config: '{"env":{"ENABLE_PREFIX_DELEGATION":"true"}}' }, /already on/],
  ])('is not offered for %s', (_name, options, reason) => {
    const inventory = account(options);
    expect(prefixDelegationRemediation(inventory, 'dev', false)).toEqual({ reason: expect.stringMatching(reason) });
    expect(headroomFinding(inventory)?.remediation).toBeUndefined();
  });

  it('is never offered on subnet-exhausted (InsufficientCidrBlocks is what prefix delegation suffers from)', () => {
    const exhausted = SUBNET_EXHAUSTION_FAILURES;
    expect(exhausted.length).toBeGreaterThan(0);
    const config = defaultGuardConfig();
    let judged = 0;
    for (const row of exhausted) {
      const parsed = row.event ? parseCloudTrailEvent(row.event()) : undefined;
      const findings = parsed?.ok
        ? evaluateEvent(parsed.event, row.inventory(), { config, detectors: ['ip-pool-exhaustion'] }).findings
        : scanInventory(row.inventory(), { config, detectors: ['ip-pool-exhaustion'] }).findings;
      for (const finding of findings.filter((f) => f.rule === 'subnet-exhausted')) {
        judged++;
        expect(finding.remediation).toBeUndefined();
      }
    }
    expect(judged).toBe(exhausted.length);
    const sample = scanInventory(sampleAccount(), { config, detectors: ['ip-pool-exhaustion'] }).findings;
    expect(sample.filter((f) => f.remediation?.action === 'enable-prefix-delegation')).toEqual([]);
  });

  it('reads add-on versions', () => {
    expect(cniVersion('v1.19.2-eksbuild.1')).toEqual([1, 19, 2]);
    expect(cniVersion('1.9.0')).toEqual([1, 9, 0]);
    expect(cniVersion(undefined)).toBeUndefined();
  });
});
