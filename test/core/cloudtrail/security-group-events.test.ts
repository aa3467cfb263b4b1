import { type CloudTrailEvent, EventParseError, parseCloudTrailEvent } from '@podnet-guard/core';
import { describe, expect, it } from 'vitest';
import { loadEvent } from '../../helpers/events.ts';

// biome-ignore lint/suspicious/noExplicitAny: tests reach into sample JSON to mutate it.
type Json = any;
type Envelope = { detail: Record<string, unknown> & { requestParameters: Json; responseElements: Json } };

const NODE_SG = 'sg-0d0de000000000001';

function load(eventName: string, caseName: string): Envelope {
  return loadEvent(eventName, caseName) as Envelope;
}

function parsed(raw: unknown): CloudTrailEvent {
  const result = parseCloudTrailEvent(raw);
  if (!result.ok) throw result.error;
  return result.event;
}

function issues(raw: unknown) {
  const result = parseCloudTrailEvent(raw);
  if (result.ok) throw new Error('expected a parse error');
  expect(result.error).toBeInstanceOf(EventParseError);
  return (result.error as EventParseError).issues;
}

const permission = (extra: Record<string, unknown>) => ({
  groups: {},
  ipRanges: {},
  ipv6Ranges: {},
  prefixListIds: {},
  ...extra,
});

describe('AuthorizeSecurityGroupIngress/Egress', () => {
  it('turns one permission with N peers into N rules, one peer each', () => {
    const raw = load('AuthorizeSecurityGroupIngress', 'world-open-ssh');
    raw.detail.requestParameters.ipPermissions.items = [
      permission({
        ipProtocol: 'TCP',
        fromPort: 22,
        toPort: 22,
        ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }, { cidrIp: '10.0.0.0/8' }] },
        ipv6Ranges: { items: [{ cidrIpv6: '::/0', description: 'v6' }] },
        prefixListIds: { items: [{ prefixListId: 'pl-0f1e2d3c4b5a69788' }] },
        groups: { items: [{ groupName: 'bastion' }] },
      }),
    ];
    raw.detail.responseElements = null;
    const event = parsed(raw);
    expect(event.detail).toMatchObject({
      rules: [
        { protocol: 'tcp', fromPort: 22, toPort: 22, peer: { kind: 'ipv4', cidr: '0.0.0.0/0' } },
        { protocol: 'tcp', fromPort: 22, toPort: 22, peer: { kind: 'ipv4', cidr: '10.0.0.0/8' } },
        { protocol: 'tcp', fromPort: 22, toPort: 22, peer: { kind: 'ipv6', cidr: '::/0' }, description: 'v6' },
        { protocol: 'tcp', peer: { kind: 'prefix-list', prefixListId: 'pl-0f1e2d3c4b5a69788' } },
        { protocol: 'tcp', peer: { kind: 'security-group', groupName: 'bastion' } },
      ],
    });
    expect(event.createdRuleIds).toBeUndefined();
  });

  it('drops ports of an all-traffic (-1) rule even when the record gives -1/-1', () => {
    const raw = load('AuthorizeSecurityGroupIngress', 'older-return-only');
    raw.detail.requestParameters.ipPermissions.items[0].fromPort = -1;
    raw.detail.requestParameters.ipPermissions.items[0].toPort = -1;
    const [rule] = (parsed(raw).detail as { rules: object[] }).rules;
    expect(rule).toEqual({ protocol: '-1', peer: { kind: 'ipv4', cidr: '0.0.0.0/0' } });
  });

  it('keeps -1 ports of an ICMP rule (all ICMP types)', () => {
    const raw = load('AuthorizeSecurityGroupIngress', 'older-return-only');
    raw.detail.requestParameters.ipPermissions.items[0] = permission({
      ipProtocol: 'icmp',
      fromPort: -1,
      toPort: -1,
      ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] },
    });
    const [rule] = (parsed(raw).detail as { rules: object[] }).rules;
    expect(rule).toEqual({ protocol: 'icmp', fromPort: -1, toPort: -1, peer: { kind: 'ipv4', cidr: '0.0.0.0/0' } });
  });

  it('reads ports written as strings', () => {
    const raw = load('AuthorizeSecurityGroupIngress', 'world-open-ssh');
    raw.detail.requestParameters.ipPermissions.items[0].fromPort = '22';
    raw.detail.requestParameters.ipPermissions.items[0].toPort = '22';
    expect(parsed(raw).detail).toMatchObject({
      rules: [{ fromPort: 22, toPort: 22, ruleId: 'sgr-0a0000000000000a1' }],
    });
  });

  it('matches created rule ids by shape, not by position', () => {
    const raw = load('AuthorizeSecurityGroupIngress', 'several-permissions');
    raw.detail.responseElements.securityGroupRuleSet.items.reverse();
    const event = parsed(raw);
    expect((event.detail as { rules: { ruleId?: string }[] }).rules.map((rule) => rule.ruleId)).toEqual([
      'sgr-0a0000000000000b1',
      'sgr-0a0000000000000b2',
      'sgr-0a0000000000000b3',
      'sgr-0a0000000000000b4',
    ]);
    // createdRuleIds keep the response's order.
    expect(event.createdRuleIds).toEqual([
      'sgr-0a0000000000000b4',
      'sgr-0a0000000000000b3',
      'sgr-0a0000000000000b2',
      'sgr-0a0000000000000b1',
    ]);
  });

  it('matches a group named only by name to the response group id', () => {
    const raw = load('AuthorizeSecurityGroupIngress', 'source-group');
    raw.detail.requestParameters.ipPermissions.items[0].groups.items = [{ groupName: 'prod-nodes' }];
    expect(parsed(raw).detail).toMatchObject({
      rules: [{ peer: { kind: 'security-group', groupName: 'prod-nodes' }, ruleId: 'sgr-0a0000000000000e1' }],
    });
  });

  it('leaves ruleId unset when nothing in the response can match', () => {
    const raw = load('AuthorizeSecurityGroupIngress', 'several-permissions');
    // Two requested rules, one response item of another shape: no one-to-one pairing either.
    raw.detail.responseElements.securityGroupRuleSet.items = [
      {
        groupId: NODE_SG,
        securityGroupRuleId: 'sgr-0a0000000000000z9',
        isEgress: false,
        ipProtocol: 'tcp',
        fromPort: 8443,
        toPort: 8443,
        cidrIpv4: '172.16.0.0/12',
      },
    ];
    const event = parsed(raw);
    expect((event.detail as { rules: { ruleId?: string }[] }).rules.every((rule) => rule.ruleId === undefined)).toBe(
      true,
    );
    expect(event.createdRuleIds).toEqual(['sgr-0a0000000000000z9']);
  });

  it('pairs the last unmatched rule with the last unmatched id when EC2 rewrote the CIDR', () => {
    const raw = load('AuthorizeSecurityGroupIngress', 'world-open-ssh');
    raw.detail.requestParameters.ipPermissions.items[0].ipRanges.items[0].cidrIp = '10.0.0.1/16';
    raw.detail.responseElements.securityGroupRuleSet.items[0].cidrIpv4 = '10.0.0.0/16';
    expect(parsed(raw).detail).toMatchObject({
      rules: [{ peer: { kind: 'ipv4', cidr: '10.0.0.1/16' }, ruleId: 'sgr-0a0000000000000a1' }],
    });
  });

  it('reads the legacy flat form with its source group', () => {
    const raw = load('AuthorizeSecurityGroupIngress', 'legacy-source-group');
    raw.detail.requestParameters.ipProtocol = 'udp';
    raw.detail.requestParameters.fromPort = 53;
    raw.detail.requestParameters.toPort = 53;
    expect(parsed(raw).detail).toMatchObject({
      rules: [
        {
          protocol: 'udp',
          fromPort: 53,
          toPort: 53,
          peer: { kind: 'security-group', groupName: 'prod-nodes', userId: '111122223333' },
        },
      ],
    });
  });

  it('rejects a call that names neither groupId nor groupName', () => {
    const raw = load('AuthorizeSecurityGroupIngress', 'world-open-ssh');
    delete raw.detail.requestParameters.groupId;
    raw.detail.responseElements = null;
    expect(issues(raw)).toEqual([
      { path: 'detail.requestParameters.groupId', message: 'neither groupId nor groupName is given' },
    ]);
  });

  it('rejects a successful call that names no permission, but keeps a failed one', () => {
    const raw = load('AuthorizeSecurityGroupIngress', 'world-open-ssh');
    raw.detail.requestParameters.ipPermissions = {};
    expect(issues(raw)).toEqual([
      { path: 'detail.requestParameters.ipPermissions', message: 'the call names no permission' },
    ]);
    const failed = load('AuthorizeSecurityGroupIngress', 'failed-duplicate');
    failed.detail.requestParameters.ipPermissions = {};
    expect(parsed(failed).detail).toMatchObject({ rules: [] });
  });

  it('rejects a group peer with neither groupId nor groupName', () => {
    const raw = load('AuthorizeSecurityGroupIngress', 'source-group');
    raw.detail.requestParameters.ipPermissions.items[0].groups.items = [{ userId: '111122223333' }];
    expect(issues(raw)).toEqual([
      {
        path: 'detail.requestParameters.ipPermissions.items.0.groups.items.0',
        message: 'a security group peer needs groupId or groupName',
      },
    ]);
  });

  it('rejects a permission without ipProtocol and an ipRange without cidrIp', () => {
    const raw = load('AuthorizeSecurityGroupIngress', 'world-open-ssh');
    const item = raw.detail.requestParameters.ipPermissions.items[0];
    delete item.ipProtocol;
    item.ipRanges.items[0] = { description: 'no cidr' };
    expect(issues(raw).map((issue) => issue.path)).toEqual([
      'detail.requestParameters.ipPermissions.items.0.ipProtocol',
      'detail.requestParameters.ipPermissions.items.0.ipRanges.items.0.cidrIp',
    ]);
  });

  it('parses an egress call to the same shape with direction egress', () => {
    const event = parsed(load('AuthorizeSecurityGroupEgress', 'to-rds'));
    expect(event.detail).toMatchObject({ kind: 'sg-rules-authorized', direction: 'egress' });
  });
});

describe('RevokeSecurityGroupIngress/Egress', () => {
  it('keeps a shape that matched nothing out of rules and in unmatched', () => {
    const raw = load('RevokeSecurityGroupIngress', 'unknown-permission');
    raw.detail.requestParameters.ipPermissions.items.push(
      permission({ ipProtocol: 'tcp', fromPort: 443, toPort: 443, ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] } }),
    );
    expect(parsed(raw).detail).toEqual({
      kind: 'sg-rules-revoked',
      direction: 'ingress',
      groupId: NODE_SG,
      rules: [{ protocol: 'tcp', fromPort: 443, toPort: 443, peer: { kind: 'ipv4', cidr: '0.0.0.0/0' } }],
      ruleIds: [],
      unmatched: [{ protocol: 'tcp', fromPort: 22, toPort: 22, peer: { kind: 'ipv4', cidr: '198.51.100.0/24' } }],
    });
  });

  it('reads ids of rules revoked by shape from revokedSecurityGroupRuleSet, ignoring those revoked by id', () => {
    const raw = load('RevokeSecurityGroupIngress', 'by-shape');
    raw.detail.requestParameters.securityGroupRuleIds = { items: [{ securityGroupRuleId: 'sgr-0a0000000000000b1' }] };
    raw.detail.responseElements.revokedSecurityGroupRuleSet = {
      items: [
        {
          groupId: NODE_SG,
          securityGroupRuleId: 'sgr-0a0000000000000b1',
          isEgress: false,
          ipProtocol: 'tcp',
          fromPort: 443,
          toPort: 443,
          cidrIpv4: '10.0.0.0/16',
        },
        {
          groupId: NODE_SG,
          securityGroupRuleId: 'sgr-0a0000000000000a1',
          isEgress: false,
          ipProtocol: 'tcp',
          fromPort: 22,
          toPort: 22,
          cidrIpv4: '0.0.0.0/0',
        },
      ],
    };
    expect(parsed(raw).detail).toMatchObject({
      rules: [{ peer: { kind: 'ipv4', cidr: '0.0.0.0/0' }, ruleId: 'sgr-0a0000000000000a1' }],
      ruleIds: ['sgr-0a0000000000000b1'],
    });
  });

  it('rejects a revoke that names neither a permission nor a rule id', () => {
    const raw = load('RevokeSecurityGroupIngress', 'by-rule-ids');
    raw.detail.requestParameters.securityGroupRuleIds = {};
    expect(issues(raw)).toEqual([
      {
        path: 'detail.requestParameters.ipPermissions',
        message: 'the call names neither a permission nor a rule id',
      },
    ]);
  });

  it('rejects a rule id entry without securityGroupRuleId', () => {
    const raw = load('RevokeSecurityGroupIngress', 'by-rule-ids');
    raw.detail.requestParameters.securityGroupRuleIds.items = [{ ruleId: 'sgr-0a0000000000000a1' }];
    expect(issues(raw).map((issue) => issue.path)).toEqual([
      'detail.requestParameters.securityGroupRuleIds.items.0.securityGroupRuleId',
    ]);
  });
});

describe('ModifySecurityGroupRules', () => {
  it('reads a rule by IPv6 CIDR', () => {
    const raw = load('ModifySecurityGroupRules', 'single');
    const value = raw.detail.requestParameters.ModifySecurityGroupRulesRequest.SecurityGroupRule.SecurityGroupRule;
    delete value.CidrIpv4;
    value.CidrIpv6 = '::/0';
    expect(parsed(raw).detail).toMatchObject({ changes: [{ rule: { peer: { kind: 'ipv6', cidr: '::/0' } } }] });
  });

  it('rejects a new rule without a peer, naming the list position', () => {
    const raw = load('ModifySecurityGroupRules', 'list');
    delete raw.detail.requestParameters.ModifySecurityGroupRulesRequest.SecurityGroupRule[1].SecurityGroupRule
      .PrefixListId;
    expect(issues(raw)).toEqual([
      {
        path: 'detail.requestParameters.ModifySecurityGroupRulesRequest.SecurityGroupRule.1.SecurityGroupRule',
        message: 'the new rule names no CidrIpv4, CidrIpv6, PrefixListId or ReferencedGroupId',
      },
    ]);
  });

  it('rejects a request without GroupId or rule id', () => {
    const raw = load('ModifySecurityGroupRules', 'single');
    const request = raw.detail.requestParameters.ModifySecurityGroupRulesRequest;
    delete request.GroupId;
    delete request.SecurityGroupRule.SecurityGroupRuleId;
    expect(issues(raw).map((issue) => issue.path)).toEqual([
      'detail.requestParameters.ModifySecurityGroupRulesRequest.GroupId',
      'detail.requestParameters.ModifySecurityGroupRulesRequest.SecurityGroupRule.0.SecurityGroupRuleId',
    ]);
  });

  it('rejects a request that modifies no rule', () => {
    const raw = load('ModifySecurityGroupRules', 'single');
    raw.detail.requestParameters.ModifySecurityGroupRulesRequest.SecurityGroupRule = [];
    expect(issues(raw)[0]?.message).toBe('no rule is modified');
  });
});

describe('DeleteSecurityGroup', () => {
  it('rejects a call with neither groupId nor groupName', () => {
    const raw = load('DeleteSecurityGroup', 'by-id');
    raw.detail.requestParameters = {};
    raw.detail.responseElements = null;
    expect(issues(raw)).toEqual([
      { path: 'detail.requestParameters.groupId', message: 'neither groupId nor groupName is given' },
    ]);
  });

  it('keeps only the name when a failed call by name has no response', () => {
    const raw = load('DeleteSecurityGroup', 'by-name');
    raw.detail.errorCode = 'Client.InvalidGroup.NotFound';
    raw.detail.responseElements = null;
    expect(parsed(raw).detail).toEqual({ kind: 'sg-deleted', groupName: 'launch-wizard-1' });
  });
});
