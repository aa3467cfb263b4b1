/**
 * The GitHub credential from Secrets Manager (`GITHUB_SECRET_ARN`), read once per container: a fine-grained token
 * `{"token": "github_pat_…"}` or a GitHub App `{"appId": 123, "installationId": 456, "privateKey": "-----BEGIN…"}`.
 * A wrong secret fails with the field that is wrong, never with any part of its value.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigError, safeParseSchema } from '@podnet-guard/core';
import * as z from 'zod/mini';
import { clientConfig } from '../clients.ts';

const SecretSchema = z.union([
  z.strictObject({ token: z.string().check(z.regex(/^(?:github_pat_|ghp_|ghs_)[A-Za-z0-9_]{20,}$/)) }),
  z.strictObject({
    appId: z.union([z.int().check(z.gte(1)), z.string().check(z.regex(/^(?:\d+|Iv[0-9a-zA-Z.]+)$/))]),
    installationId: z.int().check(z.gte(1)),
    privateKey: z.string().check(z.regex(/-----BEGIN (?:RSA )?PRIVATE KEY-----/)),
  }),
]);

/** The credential in the shape packages/forge's `GitHubCredential` takes. */
export type GitHubSecretCredential =
  | { kind: 'token'; token: string }
  | { kind: 'app'; appId: number | string; installationId: number; privateKey: string };

const invalid = (message: string) =>
  new ConfigError(`the GitHub secret ${message}`, [{ path: 'GITHUB_SECRET_ARN', message }]);

/** Parses the secret's JSON; throws ConfigError naming what is wrong and nothing of the value. */
export function githubCredentialFromSecret(text: string): GitHubSecretCredential {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalid('is not JSON');
  }
  const parsed = safeParseSchema(SecretSchema, value);
  if (!parsed.success)
    throw invalid('holds neither {"token": "github_pat_…"} nor {"appId", "installationId", "privateKey"}');
  const secret = parsed.data;
  return 'token' in secret ? { kind: 'token', token: secret.token } : { kind: 'app', ...secret };
}

/** Reads the secret and parses it. */
export async function loadGitHubCredential(
  secretArn: string,
  client: SecretsManagerClient = new SecretsManagerClient(clientConfig()),
): Promise<GitHubSecretCredential> {
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
  if (!SecretString) throw invalid('has no string value');
  return githubCredentialFromSecret(SecretString);
}
