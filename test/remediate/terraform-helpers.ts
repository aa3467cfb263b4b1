/** Terraform fixtures as repositories, and the findings the Terraform tests send. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Remediation } from '@podnet-guard/core';
import { FIXTURES, finding, fixture, nodeGroupTarget } from './helpers.ts';

export const SG_ID = 'sg-0123456789abcdef0';

/** Every `.tf` / `.tfvars` file of a fixture folder, under `prefix` in the repository. */
export function terraformFiles(folder: string, prefix = ''): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(join(FIXTURES, 'terraform', folder)))
    if (name.endsWith('.tf') || name.endsWith('.tfvars'))
      files[`${prefix}${name}`] = fixture(`terraform/${folder}/${name}`);
  return files;
}

export function revoke(
  id: string,
  group: { name?: string; nameTag?: string },
  rule: { protocol: string; fromPort?: number; toPort?: number; peerKey: string; description?: string },
) {
  return finding(id, {
    action: 'revoke-rules',
    target: { type: 'security-group', id: SG_ID, securityGroup: { id: SG_ID, ...group } },
    revoke: [{ direction: 'ingress', ...rule }],
    reason: 'test',
  });
}

export function maxPods(
  id: string,
  cluster: string,
  nodeGroup: string,
  value: number,
  extra: Partial<Remediation['target']> = {},
) {
  return finding(id, {
    action: 'set-max-pods',
    target: nodeGroupTarget(cluster, nodeGroup, extra),
    set: { maxPods: value },
    reason: 'test',
  });
}

export function instanceTypes(id: string, cluster: string, nodeGroup: string, types: string[]) {
  return finding(id, {
    action: 'set-instance-types',
    target: nodeGroupTarget(cluster, nodeGroup),
    set: { instanceTypes: types },
    reason: 'test',
  });
}

export function remoteAccess(id: string, cluster: string, nodeGroup: string, sources: string[] = []) {
  return finding(id, {
    action: 'restrict-remote-access',
    target: nodeGroupTarget(cluster, nodeGroup),
    set: sources.length ? { sourceSecurityGroups: sources } : { remoteAccess: 'none' },
    reason: 'test',
  });
}

export function prefixDelegation(id: string, cluster: string, perGroup: Record<string, number>) {
  return finding(id, {
    action: 'enable-prefix-delegation',
    target: { type: 'cluster', id: cluster, cluster, addon: 'vpc-cni' },
    set: { ENABLE_PREFIX_DELEGATION: 'true', WARM_PREFIX_TARGET: 1, maxPods: perGroup },
    reason: 'test',
  });
}
