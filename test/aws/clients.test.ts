import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  clientConfig,
  createClientCache,
  createClientSet,
  createEc2Client,
  DEFAULT_MAX_ATTEMPTS,
  USER_AGENT,
} from '@podnet-guard/aws/clients';
import { InventoryLoadError } from '@podnet-guard/aws/errors';
import { loadFullSnapshot } from '@podnet-guard/aws/inventory';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import packageJson from '../../packages/aws/package.json' with { type: 'json' };

describe('clientConfig', () => {
  it('uses adaptive retry, the podnet-guard user agent and 5 attempts by default', () => {
    expect(clientConfig('eu-west-1', {})).toEqual({
      region: 'eu-west-1',
      retryMode: 'adaptive',
      maxAttempts: DEFAULT_MAX_ATTEMPTS,
      customUserAgent: `podnet-guard/${packageJson.version}`,
    });
    expect(USER_AGENT).toBe(`podnet-guard/${packageJson.version}`);
  });

  it('leaves the region out so the standard chain resolves it', () => {
    expect(clientConfig(undefined, {})).not.toHaveProperty('region');
  });

  it.each([
    ['2', 2],
    ['0', DEFAULT_MAX_ATTEMPTS],
    ['many', DEFAULT_MAX_ATTEMPTS],
  ])('reads AWS_MAX_ATTEMPTS=%s as %i attempts', (value, attempts) => {
    expect(clientConfig('eu-west-1', { AWS_MAX_ATTEMPTS: value }).maxAttempts).toBe(attempts);
  });
});

describe('createClientCache', () => {
  it('builds one client set per region and reuses it', () => {
    const built: string[] = [];
    const clientsFor = createClientCache((region) => {
      built.push(region);
      return createClientSet(region);
    });
    const first = clientsFor('eu-west-1');
    expect(clientsFor('eu-west-1')).toBe(first);
    expect(clientsFor('us-east-1')).not.toBe(first);
    expect(built).toEqual(['eu-west-1', 'us-east-1']);
  });
});

/**
 * A real EC2 Query API and EKS REST endpoint on loopback: the SDK's endpoint chain (`AWS_ENDPOINT_URL_EC2`,
 * `AWS_ENDPOINT_URL_EKS`), signing, retry and XML parsing all run for real.
 */
describe('endpoint chain and retries (real HTTP on loopback)', () => {
  let server: Server;
  let throttleFirst = 0;
  const hits: Record<string, number> = {};
  const userAgents: string[] = [];
  const saved = { ...process.env };

  const empty = (action: string, set: string) =>
    `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>req-${action}</requestId><${set}/></${action}Response>`;
  const EC2_ANSWERS: Record<string, string> = {
    DescribeVpcs: empty('DescribeVpcs', 'vpcSet'),
    DescribeSubnets: empty('DescribeSubnets', 'subnetSet'),
    DescribeSecurityGroupRules: empty('DescribeSecurityGroupRules', 'securityGroupRuleSet'),
    DescribeNetworkInterfaces: empty('DescribeNetworkInterfaces', 'networkInterfaceSet'),
    DescribeInstances: empty('DescribeInstances', 'reservationSet'),
    DescribeSecurityGroups: `<?xml version="1.0" encoding="UTF-8"?>
<DescribeSecurityGroupsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId>
  <securityGroupInfo>
    <item>
      <ownerId>111122223333</ownerId>
      <groupId>sg-0node000000000001</groupId>
      <groupName>eks-prod-node</groupName>
      <groupDescription>EKS node shared security group</groupDescription>
      <vpcId>vpc-0a1b2c3d4e5f60718</vpcId>
      <ipPermissions/>
      <ipPermissionsEgress>
        <item>
          <ipProtocol>-1</ipProtocol>
          <groups/>
          <ipRanges><item><cidrIp>0.0.0.0/0</cidrIp></item></ipRanges>
          <ipv6Ranges/>
          <prefixListIds/>
        </item>
      </ipPermissionsEgress>
    </item>
  </securityGroupInfo>
</DescribeSecurityGroupsResponse>`,
  };
  const THROTTLED = `<?xml version="1.0" encoding="UTF-8"?>
<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>d1e4a7c2-5f0b-4d7e-9a3c-EXAMPLE</RequestID></Response>`;

  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        userAgents.push(String(request.headers['user-agent'] ?? ''));
        if (request.method === 'GET' && request.url?.startsWith('/clusters')) {
          hits.ListClusters = (hits.ListClusters ?? 0) + 1;
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end('{"clusters":[]}');
          return;
        }
        const action = new URLSearchParams(Buffer.concat(chunks).toString('utf8')).get('Action') ?? '?';
        hits[action] = (hits[action] ?? 0) + 1;
        if (action === 'DescribeSecurityGroups' && hits[action]! <= throttleFirst) {
          response.writeHead(503, { 'content-type': 'text/xml;charset=UTF-8' });
          response.end(THROTTLED);
          return;
        }
        const body = EC2_ANSWERS[action];
        response.writeHead(body ? 200 : 400, { 'content-type': 'text/xml;charset=UTF-8' });
        response.end(body ?? THROTTLED.replace('RequestLimitExceeded', 'InvalidAction'));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_EC2: `http://127.0.0.1:${port}`,
      AWS_ENDPOINT_URL_EKS: `http://127.0.0.1:${port}`,
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      AWS_REGION: 'eu-west-1',
      // Two attempts keep the throttling backoff (up to 1 s for the first retry) short.
      AWS_MAX_ATTEMPTS: '2',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    });
  });
  afterEach(() => {
    for (const key of Object.keys(hits)) delete hits[key];
    userAgents.length = 0;
  });
  afterAll(async () => {
    process.env = saved;
    await new Promise((resolve) => server.close(resolve));
  });

  it('retries a throttled call and then succeeds, through the factory client', async () => {
    throttleFirst = 1;
    // All first-wave calls start together (concurrency 8): adaptive mode's client-side rate limiter slows calls sent
    // after a throttle, which would only make this test slower. The retry backoff itself stays real (under ~1 s).
    const { snapshot, calls } = await loadFullSnapshot(createClientSet(), { region: 'eu-west-1', concurrency: 8 });
    expect(hits.DescribeSecurityGroups).toBe(2);
    expect(hits.ListClusters).toBe(1);
    // The SDK retried inside one call: the call budget counts it once.
    expect(calls.DescribeSecurityGroups).toBe(1);
    expect(snapshot.account).toBe('111122223333');
    expect(snapshot.DescribeSecurityGroups).toEqual({
      SecurityGroups: [
        expect.objectContaining({
          GroupId: 'sg-0node000000000001',
          IpPermissionsEgress: [expect.objectContaining({ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] })],
        }),
      ],
    });
    expect(userAgents.every((agent) => agent.includes(USER_AGENT))).toBe(true);
  });

  it('ends in InventoryLoadError(throttled) after maxAttempts', async () => {
    throttleFirst = Number.POSITIVE_INFINITY;
    const client = createEc2Client();
    expect(await client.config.maxAttempts()).toBe(2);
    const error = await loadFullSnapshot(
      { ...createClientSet(), ec2: client },
      { region: 'eu-west-1', concurrency: 8 },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InventoryLoadError);
    expect(error).toMatchObject({
      operation: 'DescribeSecurityGroups',
      kind: 'throttled',
      retryable: true,
      code: 'RequestLimitExceeded',
    });
    expect(hits.DescribeSecurityGroups).toBe(2);
  });
});
