/**
 * functions/remediate end to end: the findings table on dynalite, GitHub on a loopback REST server, the secret, the
 * kill switch, the bus and the topic pinned with aws-sdk-client-mock.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { createDynamoFindingStore, findingEventEntry } from '@podnet-guard/aws';
import type { PublishedTransition, StoredFinding } from '@podnet-guard/core';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Dynalite, startDynalite } from '../helpers/dynalite.ts';
import { type GitHubServer, startGitHubServer } from '../helpers/github-server.ts';
import { lambdaContext, stubFunctionEnv } from '../helpers/lambda.ts';
import { cluster, maxPodsFinding, REPOSITORY, TOKEN } from '../remediate/pull-requests/fixtures.ts';

const TABLE = 'remediate-findings';
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:podnet-guard-github-AbCdEf';
const KILL_SWITCH = '/podnet-guard/test/remediation-kill-switch';
const secrets = mockClient(SecretsManagerClient);
const ssm = mockClient(SSMClient);
const bus = mockClient(EventBridgeClient);
const sns = mockClient(SNSClient);
let db: Dynalite;
let github: GitHubServer;
let handler: (event: unknown, context: Context) => Promise<{ status: string; outcome?: string }>;

function busEvent(transition: PublishedTransition, finding: StoredFinding) {
  const entry = findingEventEntry('podnet-guard-findings', { transition, dedupeKey: 'k', finding, version: 1 });
  return { source: entry.Source, 'detail-type': entry.DetailType, detail: JSON.parse(entry.Detail ?? '{}') };
}
const store = () => createDynamoFindingStore({ client: db.client, tableName: TABLE });
const announced = () => bus.commandCalls(PutEventsCommand).map((call) => call.args[0].input.Entries?.[0]?.DetailType);
const context = () => lambdaContext('podnet-guard-remediate');

beforeAll(async () => {
  db = await startDynalite();
  github = await startGitHubServer();
  github.git.commitFiles(REPOSITORY, 'main', { 'eks/cluster.yaml': cluster(110) });
  await db.createTable(TABLE);
  const remediation = { mode: 'pull-request', repositories: [{ repository: REPOSITORY }], baseUrl: github.baseUrl };
  stubFunctionEnv({
    endpoint: db.endpoint,
    table: TABLE,
    topicArn: 'arn:aws:sns:eu-west-1:111122223333:alerts',
    extra: {
      FINDINGS_BUS_NAME: 'podnet-guard-findings',
      GITHUB_SECRET_ARN: SECRET_ARN,
      REMEDIATION_KILL_SWITCH_PARAMETER: KILL_SWITCH,
      GUARD_CONFIG: JSON.stringify({ remediation }),
    },
  });
  secrets.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({
    $metadata: { httpStatusCode: 200 },
    ARN: SECRET_ARN,
    Name: 'podnet-guard-github',
    SecretString: JSON.stringify({ token: TOKEN }),
    VersionId: 'v1',
    VersionStages: ['AWSCURRENT'],
  });
  ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ $metadata: { httpStatusCode: 400 }, message: '' }));
  bus.on(PutEventsCommand).resolves({ $metadata: {}, FailedEntryCount: 0, Entries: [{ EventId: 'e' }] });
  sns.on(PublishCommand).resolves({ $metadata: {}, MessageId: 'm' });
  await store().record([maxPodsFinding(29)], { now: '2026-12-02T10:00:00Z' });
  handler = (await import('../../functions/remediate.ts')).handler as never;
}, 60_000);
afterAll(async () => {
  vi.unstubAllEnvs();
  await github.close();
  await db.stop();
});

describe('functions/remediate', () => {
  it('opens the pull request, records it on the finding and announces it on the bus and topic', async () => {
    const finding = (await store().get('mpm-ng-api-0001'))!;
    expect(await handler(busEvent('opened', finding), context())).toMatchObject({ outcome: 'pull-request' });
    expect(github.pulls).toHaveLength(1);
    const recorded = (await store().get('mpm-ng-api-0001'))?.remediation?.pullRequest;
    expect(recorded).toMatchObject({ number: 1, state: 'open', repository: REPOSITORY });
    expect(announced()).toEqual(['Pull Request Opened']);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
    expect(ssm.commandCalls(GetParameterCommand)[0]!.args[0].input).toEqual({
      Name: KILL_SWITCH,
      WithDecryption: true,
    });
  }, 60_000);

  it('with the kill switch set, changes nothing and announces the refusal', async () => {
    ssm.on(GetParameterCommand).resolves({
      $metadata: { httpStatusCode: 200 },
      Parameter: { Name: KILL_SWITCH, Type: 'String', Value: 'incident 4711', Version: 1, DataType: 'text' },
    });
    const requestsBefore = github.requests.length;
    const finding = (await store().get('mpm-ng-api-0001'))!;
    expect(await handler(busEvent('resolved', finding), context())).toMatchObject({ outcome: 'refused' });
    expect(github.requests.length).toBe(requestsBefore);
    expect(github.pulls[0]!.state).toBe('open');
    expect(announced().at(-1)).toBe('Remediation Refused');
  }, 60_000);

  it('once the switch is cleared, a resolution closes the pull request', async () => {
    ssm.on(GetParameterCommand).resolves({
      $metadata: { httpStatusCode: 200 },
      Parameter: { Name: KILL_SWITCH, Type: 'String', Value: 'off', Version: 2, DataType: 'text' },
    });
    const finding = (await store().get('mpm-ng-api-0001'))!;
    expect(await handler(busEvent('resolved', finding), context())).toMatchObject({ outcome: 'pull-request' });
    expect(github.pulls[0]!.state).toBe('closed');
    expect((await store().get('mpm-ng-api-0001'))?.remediation?.pullRequest?.state).toBe('closed');
    expect(announced().at(-1)).toBe('Pull Request Closed');
  }, 60_000);
});
