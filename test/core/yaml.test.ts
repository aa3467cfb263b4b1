/**
 * YAML on first need (packages/core/src/yaml.ts, yaml-needs.ts): each case imports core afresh (`vi.resetModules`),
 * so the parser starts unloaded as in a new Lambda container, whatever the test setup loaded.
 */
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { loadEvent } from '../helpers/events.ts';

const sample = JSON.parse(readFileSync(new URL('../../events/inventory/sample-account.json', import.meta.url), 'utf8'));
const nodeadm = [
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="B"',
  '',
  '--B',
  'Content-Type: application/node.eks.aws',
  '',
  'apiVersion: node.eks.aws/v1alpha1',
  'kind: NodeConfig',
  'spec:',
  '  kubelet:',
  '    config:',
  '      maxPods: 58',
  '--B--',
].join('\n');

type Core = typeof import('@podnet-guard/core');
let core: Core;
beforeEach(async () => {
  vi.resetModules();
  core = await import('@podnet-guard/core');
});

/** The sample account with its vpc-cni configuration replaced and no user data (its node groups' is nodeadm YAML). */
function withAddonConfig(configurationValues: string) {
  const snapshot = structuredClone(sample);
  snapshot.DescribeAddon[0].addon.configurationValues = configurationValues;
  for (const version of snapshot.DescribeLaunchTemplateVersions.LaunchTemplateVersions) {
    delete version.LaunchTemplateData.UserData;
  }
  return core.buildInventory(core.loadSnapshot(snapshot));
}

describe('core YAML parser on first need', () => {
  it('starts unloaded; JSON needs no parser; YAML before loading throws, after loading reads', async () => {
    expect(core.yamlParserLoaded()).toBe(false);
    expect(core.parseYaml('{"env":{"ENABLE_POD_ENI":"true"}}')).toEqual({ env: { ENABLE_POD_ENI: 'true' } });
    expect(() => core.parseYaml('env:\n  ENABLE_POD_ENI: "true"\n')).toThrow(core.YamlParserNotLoaded);
    expect(() => core.readMaxPodsFromUserData(nodeadm)).toThrow(core.YamlParserNotLoaded);
    await core.loadYamlParser();
    expect(core.parseYaml('env:\n  ENABLE_POD_ENI: "true"\n')).toEqual({ env: { ENABLE_POD_ENI: 'true' } });
    expect(core.readMaxPodsFromUserData(nodeadm)).toMatchObject({ maxPods: 58, source: 'nodeadm maxPods' });
  });

  it('says which inventories hold YAML: a non-JSON add-on configuration or a NodeConfig part', () => {
    expect(core.inventoryHasYaml(withAddonConfig('{"env":{"ENABLE_POD_ENI":"true"}}'))).toBe(false);
    expect(core.inventoryHasYaml(withAddonConfig('env:\n  ENABLE_POD_ENI: "true"\n'))).toBe(true);
    const version = (userData: string) => ({
      launchTemplateId: 'lt-1',
      versionNumber: 1,
      defaultVersion: true,
      groupIds: [],
      tags: {},
      userData,
    });
    const shell = version("/etc/eks/bootstrap.sh prod --kubelet-extra-args '--max-pods=20'");
    expect(core.inventoryHasYaml({ addons: [], launchTemplateVersions: [shell] })).toBe(false);
    const base64 = version(Buffer.from(nodeadm).toString('base64'));
    expect(core.inventoryHasYaml({ addons: [], launchTemplateVersions: [base64] })).toBe(true);
    // The sample account's managed node groups carry nodeadm user data.
    expect(core.inventoryHasYaml(core.buildInventory(core.loadSnapshot(structuredClone(sample))))).toBe(true);
  });

  it('loadYamlParserFor imports the parser only for an inventory that holds YAML', async () => {
    await core.loadYamlParserFor(withAddonConfig('{"env":{}}'));
    expect(core.yamlParserLoaded()).toBe(false);
    await core.loadYamlParserFor(withAddonConfig('env: {}\n'));
    expect(core.yamlParserLoaded()).toBe(true);
  });

  it('refuses to judge an inventory holding YAML without the parser, instead of calling it unknown', async () => {
    const inventory = withAddonConfig('env:\n  ENABLE_POD_ENI: "true"\n');
    const options = { config: core.defaultGuardConfig(), now: '2026-11-26T12:00:00.000Z' };
    expect(() => core.scanInventory(inventory, options)).toThrow(core.YamlParserNotLoaded);
    const parsed = core.parseCloudTrailEvent(loadEvent('CreateNetworkInterface', 'trunk-ok'));
    if (!parsed.ok) throw parsed.error;
    expect(() => core.evaluateEvent(parsed.event, inventory, options)).toThrow(core.YamlParserNotLoaded);
    await core.loadYamlParserFor(inventory);
    expect(core.scanInventory(inventory, options).findings.length).toBeGreaterThan(0);
  });
});
