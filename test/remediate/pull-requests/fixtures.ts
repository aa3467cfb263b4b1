/** A finding, its eksctl repository on the loopback GitHub server, and the forge and config the tests run with. */
import type { Finding, RemediationConfig, RemediationPullRequest, RemediationTrigger } from '@podnet-guard/core';
import { createGitHubForge, type Forge, type RemediationRun } from '@podnet-guard/forge';
import type { GitHubServer } from '../../helpers/github-server.ts';

export const REPOSITORY = 'acme/infra';
export const TOKEN = 'github_pat_11AAAAAAA0SECRETSECRETSECRET_abcdefghijklmnopqrstuvwxyz0123456789';

export const cluster = (maxPods: number) =>
  [
    'apiVersion: eksctl.io/v1alpha5',
    'kind: ClusterConfig',
    'metadata:',
    '  name: prod',
    '  region: eu-west-1',
    'managedNodeGroups:',
    '  - name: ng-api',
    '    instanceType: m5.large',
    `    maxPodsPerNode: ${maxPods} # set by hand`,
    '',
  ].join('\n');

/** A max-pods finding on prod/ng-api asking for `maxPods`, with account text that tries Markdown tricks. */
export function maxPodsFinding(maxPods: number, pullRequest?: RemediationPullRequest): Finding {
  return {
    id: 'mpm-ng-api-0001',
    detector: 'max-pods-mismatch',
    rule: 'max-pods-above-eni-limit',
    severity: 'high',
    status: 'open',
    title: 'ng-api: maxPods 110 above the ENI limit @octocat #12',
    summary: 'Pods beyond 29 never get an IP [click](https://evil.example)',
    account: '111122223333',
    region: 'eu-west-1',
    clusters: ['prod'],
    resources: [{ type: 'nodegroup', id: 'prod/ng-api' }],
    evidence: {
      eventName: 'CreateNodegroup',
      eventId: 'e-1',
      actor: 'arn:aws:iam::111122223333:user/@admin',
      time: '2026-12-02T10:00:00Z',
    },
    recommendation: { text: 'set maxPods', links: [] },
    remediation: {
      action: 'set-max-pods',
      target: { type: 'nodegroup', id: 'prod/ng-api', cluster: 'prod', nodeGroup: 'ng-api' },
      set: { maxPods },
      reason: `m5.large: 3 ENIs × (10 − 1) + 2 = 29; ${maxPods} chosen`,
      ...(pullRequest ? { pullRequest } : {}),
    },
    firstSeen: '2026-12-02T10:00:00Z',
    lastSeen: '2026-12-02T10:00:00Z',
  } as unknown as Finding;
}

export function config(overrides: Partial<RemediationConfig> = {}): RemediationConfig {
  return {
    mode: 'pull-request',
    repositories: [{ repository: REPOSITORY, baseBranch: 'main' }],
    labels: ['podnet-guard', 'networking'],
    reviewers: ['alice', 'acme/platform'],
    minimumSeverity: 'medium',
    ...overrides,
  };
}

export function forgeFor(server: GitHubServer, warnings: string[] = []): Forge {
  return createGitHubForge({
    credential: { kind: 'token', token: TOKEN },
    baseUrl: server.baseUrl,
    retryAfterBaseValue: 1,
    writeSpacingMs: 0,
    log: { warn: (message) => warnings.push(message) },
  });
}

export function runOf(
  finding: Finding,
  trigger: RemediationTrigger,
  overrides: Partial<RemediationConfig> = {},
  engaged = false,
): RemediationRun {
  return {
    finding,
    trigger,
    config: config(overrides),
    killSwitch: async () => ({ engaged, reason: engaged ? 'the kill switch /pg/kill is set' : 'clear' }),
    now: '2026-12-02T12:00:00Z',
  };
}
