import { GetObjectCommand, type GetObjectCommandOutput, S3Client } from '@aws-sdk/client-s3';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import {
  guardConfigDocument,
  guardConfigSource,
  loadRemediationFunctionConfig,
  loadRuntimeConfig,
} from '@podnet-guard/aws';
import { ConfigError } from '@podnet-guard/core';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { killSwitchEngaged, readConfigDocument } from '../../packages/aws/src/first-use/config-document.ts';

const ENV = {
  AWS_REGION: 'eu-west-1',
  FINDINGS_TABLE: 'findings',
  ALERTS_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111122223333:alerts',
};
const ssm = mockClient(SSMClient);
const s3 = mockClient(S3Client);
const DOCUMENT = {
  sensitivePorts: [22],
  remediation: { mode: 'pull-request', repositories: [{ repository: 'acme/infra', paths: ['eks'] }] },
};

/** GetParameter's response as SSM returns it for a SecureString read WithDecryption. */
function parameterResponse(name: string, value: string) {
  return {
    $metadata: { httpStatusCode: 200 },
    Parameter: {
      Name: name,
      Type: 'SecureString' as const,
      Value: value,
      Version: 3,
      LastModifiedDate: new Date('2026-11-30T10:00:00Z'),
      ARN: `arn:aws:ssm:eu-west-1:111122223333:parameter${name}`,
      DataType: 'text',
    },
  };
}

const notFound = () => new ParameterNotFound({ $metadata: { httpStatusCode: 400 }, message: '' });

beforeEach(() => {
  ssm.reset();
  s3.reset();
});

describe('the guard config document from SSM Parameter Store or S3', () => {
  it('reads a SecureString parameter with decryption', async () => {
    ssm.on(GetParameterCommand).resolves(parameterResponse('/pg/prod/config', JSON.stringify(DOCUMENT)));
    const text = await readConfigDocument({ kind: 'ssm', name: '/pg/prod/config' }, { ssm: new SSMClient({}) });
    expect(JSON.parse(text)).toEqual(DOCUMENT);
    expect(ssm.commandCalls(GetParameterCommand)[0]!.args[0].input).toEqual({
      Name: '/pg/prod/config',
      WithDecryption: true,
    });
  });

  it('names the variable when the parameter is missing, and never quotes an SDK message', async () => {
    ssm.on(GetParameterCommand).rejects(notFound());
    const attempt = readConfigDocument({ kind: 'ssm', name: '/pg/none' }, { ssm: new SSMClient({}) });
    await expect(attempt).rejects.toThrow(/GUARD_CONFIG_PARAMETER names \/pg\/none, which does not exist/);
    const denied = Object.assign(new Error('User arn:aws:sts::1:assumed-role/x is not authorized'), {
      name: 'AccessDeniedException',
    });
    ssm.on(GetParameterCommand).rejects(denied);
    const error = await readConfigDocument({ kind: 'ssm', name: '/pg/x' }, { ssm: new SSMClient({}) }).catch((e) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain('AccessDeniedException');
    expect(error.message).not.toContain('assumed-role');
  });

  it('reads an S3 object', async () => {
    // The part of GetObject's streaming Body the reader uses (the SDK mixes transformToString into the stream).
    const text0 = JSON.stringify(DOCUMENT);
    const body = { transformToString: async () => text0 } as unknown as NonNullable<GetObjectCommandOutput['Body']>;
    s3.on(GetObjectCommand).resolves({
      $metadata: { httpStatusCode: 200 },
      Body: body,
      ContentLength: JSON.stringify(DOCUMENT).length,
      ContentType: 'application/json',
      ETag: '"0a1b"',
    });
    const text = await readConfigDocument(
      { kind: 's3', bucket: 'acme-config', key: 'pg/config.json' },
      {
        s3: new S3Client({}),
      },
    );
    expect(JSON.parse(text)).toEqual(DOCUMENT);
    expect(s3.commandCalls(GetObjectCommand)[0]!.args[0].input).toEqual({
      Bucket: 'acme-config',
      Key: 'pg/config.json',
    });
  });

  it('picks the source the environment names, and refuses two', () => {
    expect(guardConfigSource({ GUARD_CONFIG_PARAMETER: '/pg/c' })).toEqual({ kind: 'ssm', name: '/pg/c' });
    expect(guardConfigSource({ GUARD_CONFIG_S3_URI: 's3://acme-config/a/b.json' })).toEqual({
      kind: 's3',
      bucket: 'acme-config',
      key: 'a/b.json',
    });
    expect(guardConfigSource({ GUARD_CONFIG: '{}' })).toEqual({ kind: 'inline', text: '{}' });
    expect(() => guardConfigSource({ GUARD_CONFIG_S3_URI: 'https://x/y' })).toThrow(/not s3:\/\/bucket\/key/);
    expect(() => guardConfigSource({ GUARD_CONFIG_PARAMETER: '/a', GUARD_CONFIG_S3_URI: 's3://b/c' })).toThrow(
      /both set/,
    );
  });

  it('reads a stored document once per container (cached by source)', async () => {
    let reads = 0;
    const read = async () => {
      reads += 1;
      return JSON.stringify(DOCUMENT);
    };
    const env = { GUARD_CONFIG_PARAMETER: '/pg/cached-once' };
    await guardConfigDocument(env, read);
    expect(await guardConfigDocument(env, read)).toEqual(DOCUMENT);
    expect(reads).toBe(1);
  });

  it('loads the runtime config from the parameter, with its remediation section and defaults', async () => {
    ssm.on(GetParameterCommand).resolves(parameterResponse('/pg/prod/runtime', JSON.stringify(DOCUMENT)));
    const config = await loadRuntimeConfig({ ...ENV, GUARD_CONFIG_PARAMETER: '/pg/prod/runtime' });
    expect(config.guard.sensitivePorts).toEqual([22]);
    expect(config.guard.remediation).toEqual({
      mode: 'pull-request',
      repositories: [{ repository: 'acme/infra', baseBranch: 'main', paths: ['eks'] }],
      labels: ['podnet-guard'],
      reviewers: [],
      minimumSeverity: 'medium',
    });
  });

  it('defaults remediation to dry-run, and to off when the section is absent', async () => {
    const remediationEnv = {
      ...ENV,
      GITHUB_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:gh',
      REMEDIATION_KILL_SWITCH_PARAMETER: '/pg/prod/kill-switch',
    };
    const dry = await loadRemediationFunctionConfig({ ...remediationEnv, GUARD_CONFIG: '{"remediation":{}}' });
    expect(dry.remediation.mode).toBe('dry-run');
    expect((await loadRemediationFunctionConfig(remediationEnv)).remediation.mode).toBe('off');
    await expect(loadRemediationFunctionConfig({ ...ENV })).rejects.toThrow(/GITHUB_SECRET_ARN/);
    await expect(
      loadRemediationFunctionConfig({ ...remediationEnv, GUARD_CONFIG: '{"remediation":{"mode":"always"}}' }),
    ).rejects.toThrow(ConfigError);
  });
});

describe('the kill switch', () => {
  const client = () => new SSMClient({});
  it('is engaged by any value but off', async () => {
    ssm.on(GetParameterCommand).resolves(parameterResponse('/pg/kill', 'incident 4711'));
    expect((await killSwitchEngaged('/pg/kill', client())).engaged).toBe(true);
    ssm.on(GetParameterCommand).resolves(parameterResponse('/pg/kill', 'off'));
    expect((await killSwitchEngaged('/pg/kill', client())).engaged).toBe(false);
  });
  it('is clear when the parameter does not exist, engaged when it cannot be read', async () => {
    ssm.on(GetParameterCommand).rejects(notFound());
    expect((await killSwitchEngaged('/pg/kill', client())).engaged).toBe(false);
    ssm.on(GetParameterCommand).rejects(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));
    const result = await killSwitchEngaged('/pg/kill', client());
    expect(result).toEqual({ engaged: true, reason: expect.stringContaining('ThrottlingException') });
  });
});
