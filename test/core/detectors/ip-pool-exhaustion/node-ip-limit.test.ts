import { describe, expect, it } from 'vitest';
import { nodeIpLimit } from '../../../../packages/core/src/detectors/ip-pool-exhaustion/node-ip-limit.ts';
import { loadEvent } from '../../../helpers/events.ts';
import { openFindings, type RuleCase, ruleCases, runCase } from '../../../helpers/rule-cases.ts';
import { changedEvent, sampleAccount } from './fixtures.ts';

const DETECTOR = 'ip-pool-exhaustion';
const NODE = 'i-0a1b2c3d4e5f00001';

const cases: RuleCase[] = [
  {
    name: 'fires when the CNI asks more private IPs than the ENI holds (Client.PrivateIpAddressLimitExceeded)',
    rule: 'node-ip-limit',
    expect: 'fires',
    severity: 'medium',
    event: () => loadEvent('AssignPrivateIpAddresses', 'ip-limit-exceeded'),
    inventory: sampleAccount,
    resource: NODE,
  },
  {
    name: 'fires when a cluster node cannot attach another ENI (Client.AttachmentLimitExceeded)',
    rule: 'node-ip-limit',
    expect: 'fires',
    event: changedEvent('AttachNetworkInterface', 'failed-limit', (detail) => {
      detail.requestParameters.instanceId = NODE;
    }),
    inventory: sampleAccount,
    resource: NODE,
  },
  {
    name: 'stays quiet when the instance is not a known cluster node',
    rule: 'node-ip-limit',
    expect: 'quiet',
    event: () => loadEvent('AttachNetworkInterface', 'failed-limit'),
    inventory: sampleAccount,
  },
  {
    name: 'stays quiet on a successful attachment',
    rule: 'node-ip-limit',
    expect: 'quiet',
    event: () => loadEvent('AttachNetworkInterface', 'trunk'),
    inventory: sampleAccount,
  },
];

ruleCases(nodeIpLimit.rules, cases, { detector: DETECTOR });

describe('node-ip-limit findings', () => {
  it('names the node, its type and the ENIs it has, with the rule severity and title', () => {
    const [finding] = openFindings(runCase(cases[0]!, DETECTOR), 'node-ip-limit');
    expect(finding).toMatchObject({
      severity: nodeIpLimit.rule.severity,
      title: `${nodeIpLimit.rule.title}: ${NODE}`,
      clusters: ['prod'],
      blastRadius: { nodes: 1, nodeIds: [NODE] },
    });
    expect(finding?.resources.map((ref) => ref.type)).toEqual(['instance', 'network-interface', 'instance-type']);
    expect(finding?.summary).toMatch(/could not assign more private IPs on node i-0a1b2c3d4e5f00001/);
  });
});
