/** planRemediation: from the findings the detectors emit to a format-independent change, never with a placeholder. */
import {
  defaultGuardConfig,
  evaluateEvent,
  parseCloudTrailEvent,
  planRemediation,
  scanInventory,
} from '@podnet-guard/core';
import { describe, expect, it } from 'vitest';
import { loadEvent } from '../../helpers/events.ts';
import { sampleAccount } from '../detectors/ip-pool-exhaustion/fixtures.ts';

const config = defaultGuardConfig();

function eventFindings(name: string, sample: string) {
  const parsed = parseCloudTrailEvent(loadEvent(name, sample));
  if (!parsed.ok) throw new Error(parsed.error.message);
  return evaluateEvent(parsed.event, sampleAccount(), { config }).findings;
}

describe('planRemediation on real detector output', () => {
  it('remote access without source SGs: removed, with no placeholder anywhere in the finding', () => {
    const finding = eventFindings('CreateNodegroup', 'remote-access').find(
      (f) => f.rule === 'nodegroup-remote-access-open',
    )!;
    expect(JSON.stringify(finding)).not.toMatch(/<[a-z-]+>/);
    expect(finding.remediation).toMatchObject({ action: 'restrict-remote-access', set: { remoteAccess: 'none' } });
    expect(planRemediation(finding)).toEqual({
      kind: 'plan',
      plan: {
        action: 'restrict-remote-access',
        findingId: finding.id,
        nodeGroup: { cluster: 'prod', name: 'ng-debug' },
        sourceSecurityGroups: [],
        summary: expect.stringMatching(/no SSH remote access .* a new node group replaces it\.$/),
      },
    });
  });

  it('a world-open SSH rule: revoke-rules with the SG name, Name tag, rule id, port, CIDR and description', () => {
    const finding = eventFindings('AuthorizeSecurityGroupIngress', 'world-open-ssh')[0]!;
    expect(planRemediation(finding)).toMatchObject({
      kind: 'plan',
      plan: {
        action: 'revoke-rules',
        securityGroup: { id: 'sg-0d0de000000000001', name: 'prod-nodes', nameTag: 'prod-nodes' },
        rules: [
          {
            direction: 'ingress',
            ruleId: 'sgr-0a0000000000000a1',
            protocol: 'tcp',
            fromPort: 22,
            toPort: 22,
            peer: { kind: 'cidr', cidr: '0.0.0.0/0' },
            description: 'temp ssh for debugging',
          },
        ],
      },
    });
  });

  it('maxPods over capacity: set-max-pods with the node group launch template', () => {
    const finding = scanInventory(sampleAccount(), { config }).findings.find(
      (f) => f.rule === 'max-pods-over-ip-capacity' && f.resources[0]?.id === 'prod/ng-sgp',
    )!;
    expect(planRemediation(finding)).toMatchObject({
      kind: 'plan',
      plan: {
        action: 'set-max-pods',
        maxPods: 44,
        nodeGroup: { cluster: 'prod', name: 'ng-sgp', launchTemplate: { id: 'lt-0a000000000000002', version: '1' } },
      },
    });
  });

  it('a t3 node group on an SGP cluster: set-instance-types', () => {
    const finding = eventFindings('CreateNodegroup', 'sgp-t3-nodegroup').find(
      (f) => f.rule === 'instance-type-not-trunk-compatible',
    )!;
    expect(planRemediation(finding)).toMatchObject({
      kind: 'plan',
      plan: {
        action: 'set-instance-types',
        instanceTypes: ['m5.large'],
        nodeGroup: { cluster: 'prod', name: 'ng-burst' },
      },
    });
  });
});

describe('planRemediation refuses to plan', () => {
  const base = { id: 'f', detector: 'ip-pool-exhaustion', status: 'open' };
  it.each([
    [
      'a maxPods that is not a whole number',
      { action: 'set-max-pods', target: { type: 'nodegroup', id: 'a/b' }, set: { maxPods: 'lots' } },
      /no valid maxPods/,
    ],
    [
      'an instance type with a placeholder',
      { action: 'set-instance-types', target: { type: 'nodegroup', id: 'a/b' }, set: { instanceTypes: ['<type>'] } },
      /no valid instance types/,
    ],
    [
      'a revoke without peer',
      {
        action: 'revoke-rules',
        target: { type: 'security-group', id: 'sg-0123456789abcdef0' },
        revoke: [{ protocol: 'tcp' }],
      },
      /without protocol or peer/,
    ],
    [
      'a node group target without a name',
      { action: 'set-max-pods', target: { type: 'nodegroup', id: 'nameless' }, set: { maxPods: 20 } },
      /names no node group/,
    ],
    [
      'a target id with spaces',
      { action: 'revoke-rules', target: { type: 'security-group', id: 'x', securityGroup: { id: 'sg-1 $(x)' } } },
      /not an AWS name or id/,
    ],
  ])('%s', (_name, remediation, reason) => {
    expect(planRemediation({ ...base, remediation: { reason: 'r', ...remediation } })).toEqual({
      kind: 'unsupported',
      findingId: 'f',
      reason: expect.stringMatching(reason),
    });
  });

  it('input that is not a finding', () => {
    expect(planRemediation('text')).toMatchObject({ kind: 'unsupported', findingId: '?' });
  });
});
