import { generateKeyPairSync } from 'node:crypto';
import { createGitHubForge, ForgeError, runRemediation } from '@podnet-guard/forge';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type GitHubServer, startGitHubServer } from '../../helpers/github-server.ts';
import { cluster, config, forgeFor, maxPodsFinding, REPOSITORY, runOf, TOKEN } from './fixtures.ts';

let server: GitHubServer;
beforeEach(async () => {
  server = await startGitHubServer();
  server.git.commitFiles(REPOSITORY, 'main', { 'eks/cluster.yaml': cluster(110) });
});
afterEach(async () => server.close());

describe('GitHub authentication', () => {
  it('sends a fine-grained token and never puts it in an error or a log line', async () => {
    const warnings: string[] = [];
    server.failNext({ method: 'GET', path: /\/git\/ref\/heads\/main$/, status: 401, message: 'Bad credentials' });
    const error = await runRemediation(forgeFor(server, warnings), runOf(maxPodsFinding(29), 'opened')).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ForgeError);
    expect(error).toMatchObject({ code: 'unauthorized', status: 401 });
    const everything = [
      String(error),
      (error as Error).stack ?? '',
      JSON.stringify(error),
      JSON.stringify(Object.getOwnPropertyNames(error).map((key) => (error as Record<string, unknown>)[key])),
      ...warnings,
    ].join('\n');
    expect(everything).not.toContain(TOKEN);
    expect(everything).not.toContain(TOKEN.slice(-20));
    expect(server.requests[0]!.authorization).toBe(`token ${TOKEN}`);
  });

  it('authenticates as a GitHub App installation: a JWT for the token, then the installation token', async () => {
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const forge = createGitHubForge({
      credential: { kind: 'app', appId: 123456, privateKey, installationId: 4242 },
      baseUrl: server.baseUrl,
      retryAfterBaseValue: 1,
      writeSpacingMs: 0,
    });
    const outcome = await runRemediation(forge, { ...runOf(maxPodsFinding(29), 'opened'), config: config() });
    expect(outcome.kind).toBe('pull-request');
    const [mint, ...rest] = server.requests;
    expect(mint).toMatchObject({ method: 'POST', path: '/app/installations/4242/access_tokens' });
    expect(mint!.authorization).toMatch(/^bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    expect(server.installationTokens).toHaveLength(1);
    expect(new Set(rest.map((request) => request.authorization))).toEqual(
      new Set([`token ${server.installationTokens[0]}`]),
    );
  });
});
