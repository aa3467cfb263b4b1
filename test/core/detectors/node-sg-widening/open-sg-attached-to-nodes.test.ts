/** `open-sg-attached-to-nodes`: an SG that carries an open ingress rule is attached to a node's ENI or instance. */
import { buildInventory, loadSnapshot } from '@podnet-guard/core';
import { openSgAttachedToNodes } from '../../../../packages/core/src/detectors/node-sg-widening/open-sg-attached-to-nodes.ts';
import { loadEvent } from '../../../helpers/events.ts';
import { type RuleCase, ruleCases } from '../../../helpers/rule-cases.ts';
import { RDS_SG, sampleAccount, sampleSnapshotCopy } from './fixtures.ts';

const cases: RuleCase[] = [
  {
    name: 'fires when an SG open to the internet is attached to a node instance',
    rule: 'open-sg-attached-to-nodes',
    expect: 'fires',
    event: () => loadEvent('ModifyInstanceAttribute', 'group-set'),
    inventory: () => {
      const snapshot = sampleSnapshotCopy() as {
        DescribeSecurityGroupRules: { SecurityGroupRules: Record<string, unknown>[] };
      };
      snapshot.DescribeSecurityGroupRules.SecurityGroupRules.push({
        SecurityGroupRuleId: 'sgr-0fff00000000000a1',
        GroupId: RDS_SG,
        GroupOwnerId: '111122223333',
        IsEgress: false,
        IpProtocol: 'tcp',
        FromPort: 5432,
        ToPort: 5432,
        CidrIpv4: '0.0.0.0/0',
      });
      return buildInventory(loadSnapshot(snapshot));
    },
  },
  {
    name: 'stays quiet when the attached SGs carry no open rule',
    rule: 'open-sg-attached-to-nodes',
    expect: 'quiet',
    event: () => loadEvent('ModifyInstanceAttribute', 'group-set'),
    inventory: sampleAccount,
  },
];

ruleCases([openSgAttachedToNodes.rule], cases, { detector: 'node-sg-widening' });
