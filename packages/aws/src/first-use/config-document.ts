/**
 * The guard config document from SSM Parameter Store or S3, for deployments whose config outgrows a Lambda
 * environment (4 KB for all variables): a module of its own, imported only when `GUARD_CONFIG_PARAMETER` or
 * `GUARD_CONFIG_S3_URI` is set, so the other functions' cold starts carry neither client.
 */
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { ConfigError } from '@podnet-guard/core';
import { clientConfig } from '../clients.ts';

/** Where the document lives. */
export type ConfigDocumentSource = { kind: 'ssm'; name: string } | { kind: 's3'; bucket: string; key: string };

/** The clients the readers use (tests pass mocked ones). */
export interface ConfigDocumentClients {
  ssm?: SSMClient;
  s3?: S3Client;
}

/** Documents over this size are refused: a config this large is a mistake, not a config. */
const MAX_DOCUMENT_BYTES = 1024 * 1024;

const unreadable = (variable: string, message: string, cause?: unknown) =>
  new ConfigError(`invalid environment: ${variable} ${message}`, [{ path: variable, message }], { cause });

/** Reads the document's text; throws ConfigError naming the variable when it is missing, empty or unreadable. */
export async function readConfigDocument(
  source: ConfigDocumentSource,
  clients: ConfigDocumentClients = {},
): Promise<string> {
  return source.kind === 'ssm' ? readParameter(source.name, clients.ssm) : readObject(source, clients.s3);
}

async function readParameter(name: string, client = new SSMClient(clientConfig())): Promise<string> {
  try {
    // SecureString parameters are decrypted (the key's kms:Decrypt is the deployer's to grant when it is not AWS's).
    const { Parameter } = await client.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
    const text = Parameter?.Value ?? '';
    if (!text.trim()) throw unreadable('GUARD_CONFIG_PARAMETER', `names ${name}, which is empty`);
    return text;
  } catch (cause) {
    if (cause instanceof ConfigError) throw cause;
    if (cause instanceof ParameterNotFound)
      throw unreadable('GUARD_CONFIG_PARAMETER', `names ${name}, which does not exist`, cause);
    throw unreadable('GUARD_CONFIG_PARAMETER', `names ${name}, which could not be read: ${errorName(cause)}`, cause);
  }
}

async function readObject(
  source: { bucket: string; key: string },
  client = new S3Client(clientConfig()),
): Promise<string> {
  const where = `s3://${source.bucket}/${source.key}`;
  try {
    const response = await client.send(new GetObjectCommand({ Bucket: source.bucket, Key: source.key }));
    if ((response.ContentLength ?? 0) > MAX_DOCUMENT_BYTES)
      throw unreadable('GUARD_CONFIG_S3_URI', `names ${where}, which is larger than ${MAX_DOCUMENT_BYTES} bytes`);
    const text = (await response.Body?.transformToString('utf8')) ?? '';
    if (!text.trim()) throw unreadable('GUARD_CONFIG_S3_URI', `names ${where}, which is empty`);
    return text;
  } catch (cause) {
    if (cause instanceof ConfigError) throw cause;
    throw unreadable('GUARD_CONFIG_S3_URI', `names ${where}, which could not be read: ${errorName(cause)}`, cause);
  }
}

/** An SDK error's name, never its message (which may quote the request). */
function errorName(cause: unknown): string {
  return cause instanceof Error ? cause.name : 'unknown error';
}

/**
 * Whether the kill switch is engaged: the parameter exists and holds anything but `off` or blank. Read at every run,
 * never cached. A parameter that cannot be read counts as engaged: when in doubt, change nothing.
 */
export async function killSwitchEngaged(
  name: string,
  client: SSMClient = new SSMClient(clientConfig()),
): Promise<{ engaged: boolean; reason: string }> {
  try {
    const { Parameter } = await client.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
    const value = (Parameter?.Value ?? '').trim();
    if (!value || value.toLowerCase() === 'off') return { engaged: false, reason: `${name} is off` };
    return { engaged: true, reason: `the kill switch ${name} is set` };
  } catch (cause) {
    if (cause instanceof ParameterNotFound) return { engaged: false, reason: `${name} does not exist` };
    return {
      engaged: true,
      reason: `the kill switch ${name} could not be read (${errorName(cause)}): changing nothing`,
    };
  }
}
