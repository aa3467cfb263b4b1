/**
 * The matcher against the EventBridge user guide's own examples. Each `describe` names the doc section the cases come
 * from ("Event patterns", "Arrays in …", "Matching null values and empty strings …", "Content filtering …" /
 * "Comparison operators …"); where a section shows a pattern and an event, both are used as written.
 */
import {
  EventPatternError,
  matchesAnyEventPattern,
  matchesEventPattern,
  validateEventPattern,
} from '@podnet-guard/stack-tools';
import { describe, expect, it } from 'vitest';

// "Event patterns": the EC2 instance state-change event the page opens with.
const ec2StateChange = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
};

// Event Ruler README "Ruler by Example": the event its content-filtering examples are written against.
const rulerEvent = {
  version: '0',
  id: 'ddddd4-aaaa-7777-4444-345dd43cc333',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '012345679012',
  time: '2017-10-02T16:24:49Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
  detail: {
    'c-count': 5,
    'd-count': 3,
    'x-limit': 301.8,
    'source-ip': '10.0.0.33',
    'instance-id': 'i-000000aaaaaa00000',
    state: 'running',
  },
};

function withDetail(detail: Record<string, unknown>): Record<string, unknown> {
  return { ...rulerEvent, detail: { ...rulerEvent.detail, ...detail } };
}

describe('"Event patterns": fields are ANDed, values in an array are ORed, other fields are ignored', () => {
  it('matches the instance-termination pattern from the page', () => {
    const pattern = {
      source: ['aws.ec2'],
      'detail-type': ['EC2 Instance State-change Notification'],
      detail: { state: ['terminated'] },
    };
    expect(matchesEventPattern(pattern, ec2StateChange)).toBe(true);
    expect(matchesEventPattern(pattern, { ...ec2StateChange, detail: { state: 'running' } })).toBe(false);
  });

  it('"Match values": ["aws.ec2", "aws.fargate"] matches either source and nothing else', () => {
    const pattern = { source: ['aws.ec2', 'aws.fargate'] };
    expect(matchesEventPattern(pattern, ec2StateChange)).toBe(true);
    expect(matchesEventPattern(pattern, { ...ec2StateChange, source: 'aws.fargate' })).toBe(true);
    expect(matchesEventPattern(pattern, { ...ec2StateChange, source: 'aws.ecs' })).toBe(false);
  });

  it('needs every field the pattern names, with the same nesting', () => {
    const pattern = { source: ['aws.ec2'], detail: { state: ['terminated'] } };
    expect(matchesEventPattern(pattern, { source: 'aws.ec2', state: 'terminated' })).toBe(false);
    expect(matchesEventPattern(pattern, { source: 'aws.ec2', detail: {} })).toBe(false);
  });

  it('matches strings character by character, without case folding', () => {
    expect(matchesEventPattern({ source: ['AWS.EC2'] }, ec2StateChange)).toBe(false);
    expect(matchesEventPattern({ source: ['aws.ec2 '] }, ec2StateChange)).toBe(false);
  });

  it('"Value matching": the Macie alert with risk-score 80 and trigger.risk 8 (numbers and nested objects)', () => {
    const macie = {
      source: 'aws.macie',
      'detail-type': 'Macie Alert',
      detail: { 'risk-score': 80, tags: ['Custom_Alert', 'Insider'], trigger: { 'alert-type': 'basic', risk: 8 } },
    };
    const pattern = {
      source: ['aws.macie'],
      'detail-type': ['Macie Alert'],
      detail: { 'risk-score': [80], trigger: { risk: [8] } },
    };
    expect(matchesEventPattern(pattern, macie)).toBe(true);
    expect(matchesEventPattern(pattern, { ...macie, detail: { ...macie.detail, trigger: { risk: 7 } } })).toBe(false);
    // A number never equals its string form.
    expect(matchesEventPattern({ detail: { 'risk-score': ['80'] } }, macie)).toBe(false);
  });

  it('matches the JSON literals true and false exactly', () => {
    const event = { detail: { mfaAuthenticated: true, dryRun: false } };
    expect(matchesEventPattern({ detail: { mfaAuthenticated: [true] } }, event)).toBe(true);
    expect(matchesEventPattern({ detail: { dryRun: [true] } }, event)).toBe(false);
    expect(matchesEventPattern({ detail: { mfaAuthenticated: ['true'] } }, event)).toBe(false);
  });
});

describe('"Matching null values and empty strings"', () => {
  // The page's Auto Scaling event, as written.
  const event = {
    version: '0',
    id: '3e3c153a-8339-4e30-8c35-687ebef853fe',
    'detail-type': 'EC2 Instance Launch Successful',
    source: 'aws.autoscaling',
    account: '123456789012',
    time: '2015-11-11T21:31:47Z',
    region: 'us-east-1',
    resources: [],
    detail: { eventVersion: '', responseElements: null },
  };

  it('[""] matches the empty eventVersion and [null] matches the null responseElements', () => {
    expect(matchesEventPattern({ detail: { eventVersion: [''] } }, event)).toBe(true);
    expect(matchesEventPattern({ detail: { responseElements: [null] } }, event)).toBe(true);
  });

  it('null and the empty string are not interchangeable', () => {
    expect(matchesEventPattern({ detail: { eventVersion: [null] } }, event)).toBe(false);
    expect(matchesEventPattern({ detail: { responseElements: [''] } }, event)).toBe(false);
  });

  it('[null] does not match a missing field', () => {
    expect(matchesEventPattern({ detail: { errorCode: [null] } }, event)).toBe(false);
  });
});

describe('"Arrays in EventBridge event patterns"', () => {
  const patternResources = [
    'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
    'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
    'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
  ];

  it('matches when the pattern array and the event array intersect (the page example)', () => {
    const event = {
      resources: [
        'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
      ],
    };
    expect(matchesEventPattern({ resources: patternResources }, event)).toBe(true);
  });

  it('does not match when they do not intersect, nor an empty event array', () => {
    const event = { resources: ['arn:aws:ec2:us-east-1:999999999999:instance/i-b188560f'] };
    expect(matchesEventPattern({ resources: patternResources }, event)).toBe(false);
    expect(matchesEventPattern({ resources: patternResources }, { resources: [] })).toBe(false);
  });

  // Event Ruler "JSON Array Matching": arrays of objects are crushed out, the objects read as the parent's value.
  const employees = {
    employees: [
      { firstName: 'John', lastName: 'Doe' },
      { firstName: 'Anna', lastName: 'Smith' },
      { firstName: 'Peter', lastName: 'Jones' },
    ],
  };

  it('matches a field of any object in an event array through a nested pattern object', () => {
    expect(matchesEventPattern({ employees: { firstName: ['Anna'] } }, employees)).toBe(true);
    expect(matchesEventPattern({ employees: { firstName: ['Maria'] } }, employees)).toBe(false);
  });

  it('takes the fields under one array from the same element (array-consistent matching)', () => {
    expect(matchesEventPattern({ employees: { firstName: ['Anna'], lastName: ['Smith'] } }, employees)).toBe(true);
    expect(matchesEventPattern({ employees: { firstName: ['Anna'], lastName: ['Jones'] } }, employees)).toBe(false);
  });

  it('crushes out multi-level arrays too', () => {
    const nested = { employees: [[employees.employees[0], employees.employees[1]], [employees.employees[2]]] };
    expect(matchesEventPattern({ employees: { firstName: ['Peter'] } }, nested)).toBe(true);
    expect(matchesEventPattern({ employees: { firstName: ['Peter'], lastName: ['Doe'] } }, nested)).toBe(false);
  });

  it('reads a CloudTrail `items` wrapper the same way: groupSet.items[].groupId', () => {
    const detail = { requestParameters: { groupSet: { items: [{ groupId: 'sg-0aa' }, { groupId: 'sg-0bb' }] } } };
    const pattern = { detail: { requestParameters: { groupSet: { items: { groupId: [{ prefix: 'sg-' }] } } } } };
    expect(matchesEventPattern(pattern, { detail })).toBe(true);
    const byName = { requestParameters: { groupSet: { items: [{ groupName: 'web' }] } } };
    expect(matchesEventPattern(pattern, { detail: byName })).toBe(false);
  });

  it('refuses a pattern that puts an object inside a value array (it is not a matcher)', () => {
    const pattern = { detail: { requestParameters: { groupSet: { items: [{ groupId: [{ exists: true }] }] } } } };
    expect(validateEventPattern(pattern)).toEqual([
      { path: 'detail.requestParameters.groupSet.items[0]', message: 'unrecognized match type "groupId"' },
    ]);
    expect(() => matchesEventPattern(pattern, {})).toThrow(EventPatternError);
  });
});

describe('"Content filtering": prefix and suffix matching', () => {
  it('{"prefix": "2017-10-02"} matches a time that starts with it', () => {
    expect(matchesEventPattern({ time: [{ prefix: '2017-10-02' }] }, rulerEvent)).toBe(true);
    expect(matchesEventPattern({ time: [{ prefix: '2017-10-03' }] }, rulerEvent)).toBe(false);
  });

  it('prefix with equals-ignore-case matches "EventB" in any case', () => {
    const pattern = { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } };
    expect(matchesEventPattern(pattern, { detail: { service: 'eventbridge' } })).toBe(true);
    expect(matchesEventPattern(pattern, { detail: { service: 'EVENTBRIDGE' } })).toBe(true);
    expect(matchesEventPattern(pattern, { detail: { service: 'sns' } })).toBe(false);
    expect(
      matchesEventPattern({ detail: { service: [{ prefix: 'EventB' }] } }, { detail: { service: 'eventb' } }),
    ).toBe(false);
  });

  it('{"suffix": ".png"} matches a FileName ending in .png, and case only with equals-ignore-case', () => {
    expect(matchesEventPattern({ FileName: [{ suffix: '.png' }] }, { FileName: 'image.png' })).toBe(true);
    expect(matchesEventPattern({ FileName: [{ suffix: '.png' }] }, { FileName: 'image.PNG' })).toBe(false);
    const ignoreCase = { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] };
    expect(matchesEventPattern(ignoreCase, { FileName: 'image.PNG' })).toBe(true);
    expect(matchesEventPattern(ignoreCase, { FileName: 'image.jpg' })).toBe(false);
  });

  it('matches prefixes on strings only', () => {
    expect(matchesEventPattern({ n: [{ prefix: '1' }] }, { n: 12 })).toBe(false);
  });
});

describe('"Content filtering": equals-ignore-case and wildcard', () => {
  it('{"equals-ignore-case": "alice"} matches Alice and ALICE but not Alicia', () => {
    const pattern = { Name: [{ 'equals-ignore-case': 'alice' }] };
    expect(matchesEventPattern(pattern, { Name: 'Alice' })).toBe(true);
    expect(matchesEventPattern(pattern, { Name: 'ALICE' })).toBe(true);
    expect(matchesEventPattern(pattern, { Name: 'Alicia' })).toBe(false);
  });

  it('{"wildcard": "dir/*.png"} matches any run of characters at the star, and only there', () => {
    const pattern = { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] };
    expect(
      matchesEventPattern(pattern, { EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/default' }),
    ).toBe(true);
    expect(
      matchesEventPattern(pattern, { EventBusArn: 'arn:aws:events:eu-west-1:123456789012:event-bus/default' }),
    ).toBe(false);
    expect(matchesEventPattern({ f: [{ wildcard: 'dir/*.png' }] }, { f: 'dir/a.b/c.png' })).toBe(true);
    expect(matchesEventPattern({ f: [{ wildcard: 'dir/*.png' }] }, { f: 'dir/a.pngx' })).toBe(false);
  });

  it('treats regex characters literally and an escaped \\* as a star', () => {
    expect(matchesEventPattern({ f: [{ wildcard: 'a.c' }] }, { f: 'abc' })).toBe(false);
    expect(matchesEventPattern({ f: [{ wildcard: 'a\\*c' }] }, { f: 'a*c' })).toBe(true);
    expect(matchesEventPattern({ f: [{ wildcard: 'a\\*c' }] }, { f: 'abc' })).toBe(false);
  });

  it('refuses consecutive wildcards and stray escapes (Event Ruler)', () => {
    expect(validateEventPattern({ f: [{ wildcard: 'a**b' }] })).toHaveLength(1);
    expect(validateEventPattern({ f: [{ wildcard: 'a\\b' }] })).toHaveLength(1);
    expect(validateEventPattern({ f: [{ wildcard: 'a*b*c' }] })).toEqual([]);
  });
});

describe('"Content filtering": anything-but matching', () => {
  it('"anything-but": "initializing" matches running and not initializing', () => {
    const pattern = { detail: { state: [{ 'anything-but': 'initializing' }] } };
    expect(matchesEventPattern(pattern, rulerEvent)).toBe(true);
    expect(matchesEventPattern(pattern, withDetail({ state: 'initializing' }))).toBe(false);
  });

  it('"anything-but": 123 and lists of numbers', () => {
    expect(matchesEventPattern({ detail: { 'x-limit': [{ 'anything-but': 123 }] } }, rulerEvent)).toBe(true);
    expect(
      matchesEventPattern({ detail: { 'x-limit': [{ 'anything-but': 123 }] } }, withDetail({ 'x-limit': 123 })),
    ).toBe(false);
    const list = { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } };
    expect(matchesEventPattern(list, rulerEvent)).toBe(true);
    expect(matchesEventPattern(list, withDetail({ 'x-limit': 200 }))).toBe(false);
  });

  it('"anything-but": ["stopped", "overloaded"]', () => {
    const pattern = { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } };
    expect(matchesEventPattern(pattern, rulerEvent)).toBe(true);
    expect(matchesEventPattern(pattern, withDetail({ state: 'overloaded' }))).toBe(false);
  });

  it('"anything-but": {"prefix": "init"}, {"suffix": ".png"}, equals-ignore-case and wildcard', () => {
    const prefix = { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } };
    expect(matchesEventPattern(prefix, rulerEvent)).toBe(true);
    expect(matchesEventPattern(prefix, withDetail({ state: 'initializing' }))).toBe(false);
    const suffix = { FileName: [{ 'anything-but': { suffix: '.png' } }] };
    expect(matchesEventPattern(suffix, { FileName: 'a.jpg' })).toBe(true);
    expect(matchesEventPattern(suffix, { FileName: 'a.png' })).toBe(false);
    const ignoreCase = { state: [{ 'anything-but': { 'equals-ignore-case': ['initializing', 'stopped'] } }] };
    expect(matchesEventPattern(ignoreCase, { state: 'running' })).toBe(true);
    expect(matchesEventPattern(ignoreCase, { state: 'INITIALIZING' })).toBe(false);
    const wildcard = { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] };
    expect(matchesEventPattern(wildcard, { FilePath: '/usr/bin/x' })).toBe(true);
    expect(matchesEventPattern(wildcard, { FilePath: '/usr/lib/x' })).toBe(false);
  });

  it('does not match a missing field (only exists: false does)', () => {
    expect(matchesEventPattern({ detail: { zone: [{ 'anything-but': 'x' }] } }, rulerEvent)).toBe(false);
  });

  it('refuses mixed lists and lists of prefixes ("works only with a single prefix")', () => {
    expect(validateEventPattern({ s: [{ 'anything-but': ['a', 1] }] })).toHaveLength(1);
    expect(validateEventPattern({ s: [{ 'anything-but': { prefix: ['a', 'b'] } }] })).toHaveLength(1);
  });
});

describe('"Content filtering": numeric matching', () => {
  const pattern = {
    detail: {
      'c-count': [{ numeric: ['>', 0, '<=', 5] }],
      'd-count': [{ numeric: ['<', 10] }],
      'x-limit': [{ numeric: ['=', 3.018e2] }],
    },
  };

  it('matches the documented pattern only when all three hold', () => {
    expect(matchesEventPattern(pattern, rulerEvent)).toBe(true);
    expect(matchesEventPattern(pattern, withDetail({ 'c-count': 6 }))).toBe(false);
    expect(matchesEventPattern(pattern, withDetail({ 'c-count': 0 }))).toBe(false);
    expect(matchesEventPattern(pattern, withDetail({ 'd-count': 10 }))).toBe(false);
    expect(matchesEventPattern(pattern, withDetail({ 'x-limit': 301.9 }))).toBe(false);
  });

  it('includes the closed end of a range and excludes the open one', () => {
    const range = { n: [{ numeric: ['>=', 10, '<', 20] }] };
    expect(matchesEventPattern(range, { n: 10 })).toBe(true);
    expect(matchesEventPattern(range, { n: 19.5 })).toBe(true);
    expect(matchesEventPattern(range, { n: 20 })).toBe(false);
  });

  it('works with JSON numbers only, not numeric strings', () => {
    expect(matchesEventPattern({ n: [{ numeric: ['>', 0] }] }, { n: '5' })).toBe(false);
  });

  it('refuses malformed operators and inverted ranges', () => {
    expect(validateEventPattern({ n: [{ numeric: ['>', 5, '>', 10] }] })).toHaveLength(1);
    expect(validateEventPattern({ n: [{ numeric: ['>', 10, '<', 5] }] })).toHaveLength(1);
    expect(validateEventPattern({ n: [{ numeric: ['!=', 1] }] })).toHaveLength(1);
    expect(validateEventPattern({ n: [{ numeric: ['>', '1'] }] })).toHaveLength(1);
  });
});

describe('"Content filtering": IP address matching', () => {
  it('{"cidr": "10.0.0.0/24"} matches 10.0.0.0–10.0.0.255', () => {
    const pattern = { detail: { 'source-ip': [{ cidr: '10.0.0.0/24' }] } };
    expect(matchesEventPattern(pattern, rulerEvent)).toBe(true);
    expect(matchesEventPattern(pattern, withDetail({ 'source-ip': '10.0.1.33' }))).toBe(false);
    expect(matchesEventPattern(pattern, withDetail({ 'source-ip': 'eks.amazonaws.com' }))).toBe(false);
  });

  it('works for IPv6 too', () => {
    const pattern = { ip: [{ cidr: '2001:db8::/32' }] };
    expect(matchesEventPattern(pattern, { ip: '2001:db8:1::7' })).toBe(true);
    expect(matchesEventPattern(pattern, { ip: '2001:db9::7' })).toBe(false);
    expect(matchesEventPattern(pattern, { ip: '10.0.0.1' })).toBe(false);
  });

  it('refuses a block that is not a CIDR', () => {
    expect(validateEventPattern({ ip: [{ cidr: '10.0.0.0' }] })).toHaveLength(1);
    expect(validateEventPattern({ ip: [{ cidr: '10.0.0.0/33' }] })).toHaveLength(1);
  });
});

describe('"Content filtering": exists matching (leaf nodes only)', () => {
  it('{"exists": true} on detail.state matches the page event that has it', () => {
    const pattern = { detail: { state: [{ exists: true }] } };
    const event = {
      version: '0',
      id: '7bf73129-1428-4cd3-a780-95db273d1602',
      'detail-type': 'EC2 Instance State-change Notification',
      source: 'aws.ec2',
      account: '123456789012',
      time: '2015-11-11T21:29:54Z',
      region: 'us-east-1',
      resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111'],
      detail: { 'instance-id': 'i-abcd1111', state: 'pending' },
    };
    expect(matchesEventPattern(pattern, event)).toBe(true);
  });

  it('{"exists": true} does not match the page event without detail.state', () => {
    const pattern = { detail: { state: [{ exists: true }] } };
    const event = {
      'detail-type': ['EC2 Instance State-change Notification'],
      resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-02ebd4584a2ebd341'],
      detail: { 'c-count': { c1: 100 } },
    };
    expect(matchesEventPattern(pattern, event)).toBe(false);
  });

  it('{"exists": false} matches when detail.c-count is missing, and when it is not a leaf (the page examples)', () => {
    const pattern = { detail: { 'c-count': [{ exists: false }] } };
    const base = {
      'detail-type': ['EC2 Instance State-change Notification'],
      resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-02ebd4584a2ebd341'],
    };
    expect(matchesEventPattern(pattern, { ...base, detail: { state: ['initializing', 'running'] } })).toBe(true);
    expect(
      matchesEventPattern(pattern, { ...base, detail: { state: ['initializing', 'running'], 'c-count': { c1: 100 } } }),
    ).toBe(true);
    expect(matchesEventPattern(pattern, rulerEvent)).toBe(false);
  });

  it('{"exists": true} matches a null leaf (null is a value, as [null] shows) and not an object', () => {
    expect(
      matchesEventPattern({ detail: { responseElements: [{ exists: true }] } }, { detail: { responseElements: null } }),
    ).toBe(true);
    expect(
      matchesEventPattern(
        { detail: { responseElements: [{ exists: true }] } },
        { detail: { responseElements: { a: 1 } } },
      ),
    ).toBe(false);
  });

  it('{"exists": false} matches below a missing parent object', () => {
    expect(matchesEventPattern({ detail: { a: { b: [{ exists: false }] } } }, { detail: {} })).toBe(true);
    expect(matchesEventPattern({ detail: { a: { b: [{ exists: false }] } } }, { detail: { a: { b: 1 } } })).toBe(false);
  });

  it('refuses a non-boolean exists', () => {
    expect(validateEventPattern({ a: [{ exists: 'true' }] })).toHaveLength(1);
  });
});

describe('"Comparison operators": $or', () => {
  // Event Ruler's "Normal Or": source && (metricName || namespace).
  const pattern = {
    source: ['aws.cloudwatch'],
    $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
  };

  it('matches when any alternative matches, together with the other fields', () => {
    expect(matchesEventPattern(pattern, { source: 'aws.cloudwatch', metricName: 'ReadLatency' })).toBe(true);
    expect(matchesEventPattern(pattern, { source: 'aws.cloudwatch', namespace: 'AWS/ES' })).toBe(true);
    expect(matchesEventPattern(pattern, { source: 'aws.cloudwatch', namespace: 'AWS/RDS' })).toBe(false);
    expect(matchesEventPattern(pattern, { source: 'aws.ec2', metricName: 'ReadLatency' })).toBe(false);
  });

  it('nests inside objects and alternatives ("Nested Or and And")', () => {
    const nested = {
      source: ['aws.cloudwatch'],
      $or: [
        { metricName: ['CPUUtilization'] },
        { metricType: ['MetricType'], namespace: ['AWS/EC2'], $or: [{ metricId: [1234] }, { spaceId: [1000] }] },
      ],
    };
    const base = { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/EC2' };
    expect(matchesEventPattern(nested, { ...base, spaceId: 1000 })).toBe(true);
    expect(matchesEventPattern(nested, { ...base, spaceId: 1001 })).toBe(false);
  });

  it('refuses an $or with fewer than two alternatives', () => {
    expect(validateEventPattern({ $or: [{ a: ['x'] }] })).toHaveLength(1);
  });
});

describe('validateEventPattern: what EventBridge refuses', () => {
  it('accepts the documented complex example', () => {
    const complex = {
      time: [{ prefix: '2017-10-02' }],
      detail: {
        state: [{ 'anything-but': 'initializing' }],
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ 'anything-but': [100, 200, 300] }],
      },
    };
    expect(validateEventPattern(complex)).toEqual([]);
    expect(matchesEventPattern(complex, rulerEvent)).toBe(true);
  });

  it('requires leaf values in arrays', () => {
    expect(validateEventPattern({ source: 'aws.ec2' })).toEqual([
      { path: 'source', message: 'must be an array of values or a nested pattern object' },
    ]);
    expect(validateEventPattern({ detail: { n: 5 } })).toHaveLength(1);
  });

  it('refuses unknown match types, empty arrays, nested arrays and non-object patterns', () => {
    expect(validateEventPattern({ s: [{ contains: 'x' }] })).toEqual([
      { path: 's[0]', message: 'unrecognized match type "contains"' },
    ]);
    expect(validateEventPattern({ s: [] })).toHaveLength(1);
    expect(validateEventPattern({ s: [['a']] })).toHaveLength(1);
    expect(validateEventPattern(['a'])).toHaveLength(1);
    expect(validateEventPattern({})).toHaveLength(1);
  });

  it('makes matchesEventPattern throw rather than answer false', () => {
    expect(() => matchesEventPattern({ source: 'aws.ec2' }, ec2StateChange)).toThrow(EventPatternError);
  });
});

describe('matchesAnyEventPattern', () => {
  it('is true when one of the patterns matches and false when none does', () => {
    const patterns = [{ source: ['aws.eks'] }, { detail: { state: ['terminated'] } }];
    expect(matchesAnyEventPattern(patterns, ec2StateChange)).toBe(true);
    expect(matchesAnyEventPattern(patterns.slice(0, 1), ec2StateChange)).toBe(false);
  });
});
