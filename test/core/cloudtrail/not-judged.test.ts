/**
 * Wrong input gets a reason: a rule with a CIDR that is none, a port out of range, a reversed range or an unknown
 * protocol is not judged (never guessed at) and is listed with its reason; a record with an eventTime that is no time
 * is rejected; an event from another account or region than the inventory is not judged against it.
 */
import {
  defaultGuardConfig,
  EventParseError,
  evaluateEvent,
  parseCloudTrailEvent,
  UnsupportedEventError,
} from '@podnet-guard/core';
import { describe, expect, it } from 'vitest';
import { loadEvent } from '../../helpers/events.ts';
import { sampleAccount } from '../detectors/node-sg-widening/fixtures.ts';

const NOW = '2026-11-26T12:00:00.000Z';
type Envelope = { account: string; region: string; detail: Record<string, unknown> & { requestParameters: never } };

/** World-open SSH on the node SG, with the permission's fields replaced. */
function sshWith(permission: Record<string, unknown>, range: Record<string, unknown> = { cidrIp: '0.0.0.0/0' }) {
  const event = loadEvent('AuthorizeSecurityGroupIngress', 'world-open-ssh') as Envelope;
  const request = event.detail.requestParameters as { ipPermissions: { items: Record<string, unknown>[] } };
  const base = request.ipPermissions.items[0]!;
  request.ipPermissions.items = [{ ...base, ...permission, ipRanges: { items: [range] } }];
  return event;
}

function parsed(raw: unknown) {
  const result = parseCloudTrailEvent(raw);
  if (!result.ok) throw result.error;
  return result.event;
}

function evaluate(raw: unknown) {
  return evaluateEvent(parsed(raw), sampleAccount(), { config: defaultGuardConfig(), now: NOW });
}

describe('rules that cannot be judged', () => {
  it.each([
    ['a CIDR with octet 999 and prefix 33', {}, { cidrIp: '999.1.1.1/33' }, /"999\.1\.1\.1\/33" is not a CIDR/],
    ['a negative prefix', {}, { cidrIp: '0.0.0.0/-1' }, /"0\.0\.0\.0\/-1" is not a CIDR/],
    ['an empty CIDR', {}, { cidrIp: '' }, /"" is not a CIDR/],
    ['an IPv6 CIDR among IPv4 ranges', {}, { cidrIp: '::/0' }, /is not an IPV4 CIDR/],
    ['port 70000', { fromPort: 70000, toPort: 70000 }, undefined, /port 70000 is outside 0-65535/],
    ['a reversed port range', { fromPort: 443, toPort: 80 }, undefined, /port range 443-80 is reversed/],
    ['protocol bogus', { ipProtocol: 'bogus' }, undefined, /protocol "bogus" is not/],
    ['protocol number 300', { ipProtocol: '300' }, undefined, /protocol "300" is not/],
    ['ICMP type 300', { ipProtocol: 'icmp', fromPort: 300, toPort: -1 }, undefined, /ICMP type or code 300/],
  ])('lists %s as not judged, with no finding from it', (_, permission, range, reason) => {
    const result = evaluate(sshWith(permission, range));
    expect(result.findings).toEqual([]);
    expect(result.notJudged).toEqual([
      {
        eventId: 'fef16400-5691-5c8c-b2ae-f9e2e6b62aea',
        eventName: 'AuthorizeSecurityGroupIngress',
        reason: expect.stringMatching(reason),
      },
    ]);
  });

  it.each([
    ['tcp 22 from the world', {}, undefined],
    ['all traffic (ports ignored)', { ipProtocol: '-1', fromPort: 70000, toPort: 1 }, undefined],
    ['protocol number 6', { ipProtocol: '6' }, undefined],
    ['ICMP all types', { ipProtocol: 'icmp', fromPort: -1, toPort: -1 }, undefined],
    ['a CIDR with host bits', {}, { cidrIp: '00.0.0.1/0' }],
  ])('judges %s', (_, permission, range) => {
    const result = evaluate(sshWith(permission, range));
    expect(result.notJudged).toEqual([]);
    expect(result.findings.some((finding) => finding.rule === 'world-open-ingress')).toBe(true);
  });

  it('judges the good permissions of a call and lists only the bad one', () => {
    const event = sshWith({});
    const request = event.detail.requestParameters as { ipPermissions: { items: Record<string, unknown>[] } };
    request.ipPermissions.items.push({ ...request.ipPermissions.items[0], fromPort: 70000, toPort: 70000 });
    const result = evaluate(event);
    expect(result.findings.some((finding) => finding.rule === 'world-open-ingress')).toBe(true);
    expect(result.notJudged.map((entry) => entry.reason)).toEqual([expect.stringMatching(/port 70000/)]);
  });

  it('says nothing about a failed call: EC2 refused the value and nothing changed', () => {
    const event = sshWith({ fromPort: 70000, toPort: 70000 });
    Object.assign(event.detail, { errorCode: 'Client.InvalidParameterValue', responseElements: null });
    expect(evaluate(event)).toMatchObject({ findings: [], notJudged: [] });
  });

  it('lists a ModifySecurityGroupRules change with a bad CIDR, and judges a good one', () => {
    const bad = loadEvent('ModifySecurityGroupRules', 'single') as Envelope;
    const request = bad.detail.requestParameters as {
      ModifySecurityGroupRulesRequest: { SecurityGroupRule: { SecurityGroupRule: { CidrIpv4: string } } };
    };
    request.ModifySecurityGroupRulesRequest.SecurityGroupRule.SecurityGroupRule.CidrIpv4 = '999.1.1.1/33';
    expect(parsed(bad).notJudged).toEqual([expect.stringMatching(/^sgr-0a0000000000000b1: .*is not a CIDR/)]);
    expect(parsed(loadEvent('ModifySecurityGroupRules', 'single')).notJudged).toBeUndefined();
  });

  it('lists a revoke with a reversed range and keeps the rest of the revoke', () => {
    const event = loadEvent('RevokeSecurityGroupIngress', 'by-shape') as Envelope;
    const request = event.detail.requestParameters as { ipPermissions: { items: Record<string, unknown>[] } };
    request.ipPermissions.items = [{ ...request.ipPermissions.items[0], fromPort: 9000, toPort: 8000 }];
    const reasons = parsed(event).notJudged ?? [];
    expect(reasons).toEqual([expect.stringMatching(/port range 9000-8000 is reversed/)]);
  });
});

describe('records that cannot be judged', () => {
  it.each(['yesterday', '2026-13-45T99:00:00Z', '1764151567'])('rejects eventTime %j, naming the field', (time) => {
    const event = loadEvent('AuthorizeSecurityGroupIngress', 'world-open-ssh') as Envelope;
    event.detail.eventTime = time;
    const result = parseCloudTrailEvent(event);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBeInstanceOf(EventParseError);
    expect(result.error.message).toMatch(/detail\.eventTime: expected an ISO 8601 time/);
  });

  it('accepts the eventTime forms CloudTrail and lookup-events write', () => {
    for (const time of ['2026-11-26T10:01:07Z', '2026-11-26T10:01:07.123Z', '2026-11-26T11:01:07+01:00']) {
      const event = loadEvent('AuthorizeSecurityGroupIngress', 'world-open-ssh') as Envelope;
      event.detail.eventTime = time;
      expect(parseCloudTrailEvent(event).ok).toBe(true);
    }
  });

  it('says why an attribute change is not judged', () => {
    const result = parseCloudTrailEvent(loadEvent('ModifyInstanceAttribute', 'instance-type'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBeInstanceOf(UnsupportedEventError);
    expect(result.error.message).toMatch(/an attribute other than groupSet was changed/);
  });

  it.each([
    [
      'account',
      (e: Envelope) => Object.assign(e.detail, { recipientAccountId: '444455556666' }),
      /account 444455556666/,
    ],
    ['region', (e: Envelope) => Object.assign(e.detail, { awsRegion: 'us-east-1' }), /region us-east-1/],
  ])('does not judge an event from another %s than the inventory', (_, change, reason) => {
    const event = loadEvent('AuthorizeSecurityGroupIngress', 'world-open-ssh') as Envelope;
    change(event);
    const result = evaluate(event);
    expect(result.findings).toEqual([]);
    expect(result.notJudged).toEqual([expect.objectContaining({ reason: expect.stringMatching(reason) })]);
  });
});

describe('repeated values', () => {
  it('lists a node group instance type or subnet repeated in the request once', () => {
    const event = loadEvent('CreateNodegroup', 'remote-access') as Envelope;
    const request = event.detail.requestParameters as { instanceTypes: string[]; subnets: string[] };
    request.instanceTypes = Array.from({ length: 5_000 }, () => 't3.medium');
    request.subnets = [...request.subnets, ...request.subnets];
    const detail = parsed(event).detail as { instanceTypes: string[]; subnets: string[] };
    expect(detail.instanceTypes).toEqual(['t3.medium']);
    expect(detail.subnets).toEqual([...new Set(request.subnets)]);
  });
});

describe('more security groups than a network interface holds', () => {
  it.each([
    ['ModifyNetworkInterfaceAttribute', 'group-set'],
    ['ModifyInstanceAttribute', 'group-set'],
  ])('rejects %s with 17 groups and parses it with 16', (name, c) => {
    const withGroups = (count: number) => {
      const event = loadEvent(name, c) as Envelope;
      const request = event.detail.requestParameters as { groupSet: { items: { groupId: string }[] } };
      request.groupSet.items = Array.from({ length: count }, (_, i) => ({
        groupId: `sg-0${String(i).padStart(16, '0')}`,
      }));
      return parseCloudTrailEvent(event);
    };
    const rejected = withGroups(17);
    expect(rejected.ok).toBe(false);
    if (!rejected.ok)
      expect(rejected.error.message).toMatch(/groupSet: names more security groups than .* \(at most 16\)/);
    expect(withGroups(16).ok).toBe(true);
  });
});
