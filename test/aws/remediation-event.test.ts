import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  githubCredentialFromSecret,
  handleRemediationEvent,
  loadGitHubCredential,
  remediationAnnouncer,
} from '@podnet-guard/aws/remediation';
import {
  ConfigError,
  createMemoryFindingStore,
  type RemediationOutcome,
  type RemediationTrigger,
  type StoredFinding,
} from '@podnet-guard/core';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { makeFinding, T0 } from '../helpers/finding-store-contract.ts';

const PULL_REQUEST = {
  url: 'https://github.com/acme/infra/pull/3',
  number: 3,
  state: 'open' as const,
  headSha: 'b'.repeat(40),
  repository: 'acme/infra',
};
const remediation = {
  action: 'revoke-rules' as const,
  target: { type: 'security-group' as const, id: 'sg-0d0de000000000001' },
  reason: 'r',
};

async function setup(outcome: RemediationOutcome) {
  const store = createMemoryFindingStore();
  const finding = makeFinding({ remediation });
  await store.record([finding], { now: T0 });
  const runs: { finding: StoredFinding; trigger: RemediationTrigger }[] = [];
  const announced: { detailType: string; detail: Record<string, unknown> }[] = [];
  const deps = {
    store,
    run: async (stored: StoredFinding, trigger: RemediationTrigger) => {
      runs.push({ finding: stored, trigger });
      return outcome;
    },
    announce: async (detailType: string, detail: Record<string, unknown>) => {
      announced.push({ detailType, detail });
    },
  };
  return { store, finding, runs, announced, deps };
}

const busEvent = (detailType: string, detail: unknown) => ({
  version: '0',
  id: 'ev-1',
  source: 'podnet-guard',
  'detail-type': detailType,
  account: '111122223333',
  time: T0,
  region: 'eu-west-1',
  resources: [],
  detail,
});

describe('handleRemediationEvent', () => {
  it('a Finding Opened runs on the stored record, records the pull request and announces Pull Request Opened', async () => {
    const { store, finding, runs, announced, deps } = await setup({
      kind: 'pull-request',
      event: 'opened',
      pullRequest: PULL_REQUEST,
    });
    const result = await handleRemediationEvent(busEvent('Finding Opened', { transition: 'opened', finding }), deps);
    expect(result).toEqual({ status: 'done', findingId: finding.id, trigger: 'opened', outcome: 'pull-request' });
    expect(runs[0]!.finding.version).toBe(1);
    expect((await store.get(finding.id))?.remediation?.pullRequest).toEqual(PULL_REQUEST);
    expect(announced).toEqual([
      {
        detailType: 'Pull Request Opened',
        detail: {
          findingId: finding.id,
          trigger: 'opened',
          severity: 'high',
          clusters: ['prod'],
          event: 'opened',
          pullRequest: PULL_REQUEST,
        },
      },
    ]);
  });

  it('Remediation Requested (the Slack button) says who asked; a dry run announces Remediation Planned', async () => {
    const planned: RemediationOutcome = {
      kind: 'planned',
      repository: 'acme/infra',
      baseBranch: 'main',
      diff: 'd',
      diffTruncated: false,
      paths: ['a.yaml'],
    };
    const { finding, runs, announced, deps } = await setup(planned);
    const request = { findingId: finding.id, by: 'slack:T01/U02', via: 'slack', at: T0 };
    await handleRemediationEvent(busEvent('Remediation Requested', request), deps);
    expect(runs[0]!.trigger).toBe('requested');
    expect(announced[0]).toMatchObject({
      detailType: 'Remediation Planned',
      detail: { requestedBy: 'slack:T01/U02', diff: 'd', paths: ['a.yaml'] },
    });
  });

  it('a refusal is announced with its reason and candidates; a skip is not announced', async () => {
    const refused = await setup({
      kind: 'refused',
      reason: 'two owners',
      candidates: [{ repository: 'acme/infra', path: 'a.yaml', line: 3 }],
    });
    await handleRemediationEvent(busEvent('Finding Worsened', { finding: refused.finding }), refused.deps);
    expect(refused.announced[0]).toMatchObject({ detailType: 'Remediation Refused', detail: { reason: 'two owners' } });
    const skipped = await setup({ kind: 'skipped', reason: 'mode off' });
    await handleRemediationEvent(busEvent('Finding Opened', { finding: skipped.finding }), skipped.deps);
    expect(skipped.announced).toEqual([]);
  });

  it('ignores other events, malformed ones and unknown findings, without running anything', async () => {
    const { finding, runs, deps } = await setup({ kind: 'skipped', reason: 'x' });
    for (const event of [
      busEvent('Finding Suppressed', { finding }),
      busEvent('Pull Request Opened', { findingId: finding.id }),
      busEvent('Finding Opened', { finding: { id: '../../etc' } }),
      busEvent('Finding Opened', { finding: { id: 'nsw-unknown' } }),
      { source: 'aws.ec2' },
      null,
      'garbage',
    ])
      expect((await handleRemediationEvent(event, deps)).status).toBe('ignored');
    expect(runs).toEqual([]);
  });
});

describe('remediationAnnouncer', () => {
  const bus = mockClient(EventBridgeClient);
  const sns = mockClient(SNSClient);
  beforeEach(() => {
    bus.reset();
    sns.reset();
  });

  it('puts the announcement on the findings bus and publishes it to the alerts topic', async () => {
    bus.on(PutEventsCommand).resolves({ $metadata: {}, FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
    sns.on(PublishCommand).resolves({ $metadata: {}, MessageId: 'm-1' });
    const announce = remediationAnnouncer({
      events: async () => new EventBridgeClient({}),
      sns: async () => new SNSClient({}),
      busName: 'findings',
      topicArn: 'arn:aws:sns:eu-west-1:111122223333:alerts',
    });
    await announce('Pull Request Closed', { findingId: 'nsw-1', pullRequest: PULL_REQUEST });
    expect(bus.commandCalls(PutEventsCommand)[0]!.args[0].input).toEqual({
      Entries: [
        {
          EventBusName: 'findings',
          Source: 'podnet-guard',
          DetailType: 'Pull Request Closed',
          Detail: JSON.stringify({ findingId: 'nsw-1', pullRequest: PULL_REQUEST }),
        },
      ],
    });
    expect(sns.commandCalls(PublishCommand)[0]!.args[0].input).toMatchObject({
      TopicArn: 'arn:aws:sns:eu-west-1:111122223333:alerts',
      Subject: 'podnet-guard: Pull Request Closed nsw-1',
    });
  });

  it('throws when EventBridge refuses the entry', async () => {
    bus.on(PutEventsCommand).resolves({
      $metadata: {},
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'x' }],
    });
    const announce = remediationAnnouncer({
      events: async () => new EventBridgeClient({}),
      sns: async () => new SNSClient({}),
      busName: 'findings',
      topicArn: 'arn:aws:sns:eu-west-1:111122223333:alerts',
    });
    await expect(announce('Remediation Refused', { findingId: 'nsw-1' })).rejects.toThrow(/InternalFailure/);
  });
});

describe('the GitHub secret', () => {
  const secrets = mockClient(SecretsManagerClient);
  const token = 'github_pat_11ABCDEFG0abcdefghijklmnopqrstuvwxyz';
  beforeEach(() => secrets.reset());

  it('reads a fine-grained token or a GitHub App key from Secrets Manager', async () => {
    secrets.on(GetSecretValueCommand).resolves({
      $metadata: { httpStatusCode: 200 },
      ARN: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:github-AbCdEf',
      Name: 'github',
      VersionId: 'v1',
      SecretString: JSON.stringify({ token }),
      VersionStages: ['AWSCURRENT'],
      CreatedDate: new Date(T0),
    });
    expect(
      await loadGitHubCredential(
        'arn:aws:secretsmanager:eu-west-1:111122223333:secret:github-AbCdEf',
        new SecretsManagerClient({}),
      ),
    ).toEqual({ kind: 'token', token });
    const key = '-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n';
    expect(githubCredentialFromSecret(JSON.stringify({ appId: 12, installationId: 34, privateKey: key }))).toEqual({
      kind: 'app',
      appId: 12,
      installationId: 34,
      privateKey: key,
    });
  });

  it('a wrong secret names what is wrong and nothing of its value', () => {
    for (const text of [`{"token": "${token}x!"}`, `${token}`, JSON.stringify({ token, extra: 1 })]) {
      const error = (() => {
        try {
          githubCredentialFromSecret(text);
        } catch (caught) {
          return caught as Error;
        }
      })();
      expect(error).toBeInstanceOf(ConfigError);
      expect(`${error!.message}${JSON.stringify(error)}`).not.toContain(token.slice(11));
    }
  });
});
