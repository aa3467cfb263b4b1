import { type CloudTrailEvent, parseCloudTrailEvent } from '@podnet-guard/core';
import { describe, expect, it } from 'vitest';
import { clusterOfEniTags } from '../../../packages/core/src/inventory/classify.ts';
import { podEniSetting, sgpStatus } from '../../../packages/core/src/inventory/sgp.ts';
import { loadEvent } from '../../helpers/events.ts';
import { inventoryFrom, snapshotBuilder } from '../../helpers/inventory-builder.ts';

const NODE_SG = 'sg-0d0de000000000001';

function parsed(raw: unknown): CloudTrailEvent {
  const result = parseCloudTrailEvent(raw);
  if (!result.ok) throw new Error(result.error.message);
  return result.event;
}

function cluster(options: { trunk?: boolean; addon?: string | null; withoutAddons?: boolean } = {}) {
  const builder = snapshotBuilder()
    .cluster('prod')
    .nodeGroup('prod', 'ng-a', { nodeSg: NODE_SG, nodes: 2, trunk: options.trunk ?? false });
  if (options.addon !== null) builder.addon('prod', 'vpc-cni', options.addon);
  if (options.withoutAddons) builder.without('DescribeAddon');
  return inventoryFrom(builder.build());
}

describe('podEniSetting', () => {
  it.each([
    ['JSON string', '{"env":{"ENABLE_POD_ENI":"true"}}', true],
    ['YAML quoted', 'env:\n  ENABLE_POD_ENI: "true"\n  POD_SECURITY_GROUP_ENFORCING_MODE: standard\n', true],
    ['YAML unquoted boolean', 'env:\n  ENABLE_POD_ENI: true\n', true],
    ['set to false', '{"env":{"ENABLE_POD_ENI":"false"}}', false],
    ['other env only', '{"env":{"WARM_IP_TARGET":"5"}}', false],
    ['no env', '{"resources":{"requests":{"cpu":"25m"}}}', false],
    ['empty', '', false],
    ['ENABLE_POD_ENI outside env', '{"ENABLE_POD_ENI":"true"}', false],
    ['unreadable', '{"env": [', undefined],
    ['a scalar', 'just text', undefined],
  ])('%s', (_name, configurationValues, expected) => {
    expect(podEniSetting({ clusterName: 'prod', name: 'vpc-cni', configurationValues })).toBe(expected);
  });
});

describe('sgpStatus', () => {
  it('is on by the add-on configuration', () => {
    expect(sgpStatus(cluster({ addon: '{"env":{"ENABLE_POD_ENI":"true"}}' }), 'prod')).toEqual({
      enabled: true,
      signals: ['vpc-cni ENABLE_POD_ENI'],
    });
  });

  it('is on by a trunk ENI on a node when SGP was enabled with kubectl set env', () => {
    expect(sgpStatus(cluster({ trunk: true }), 'prod')).toEqual({ enabled: true, signals: ['trunk ENI on a node'] });
  });

  it('reports both signals when both are seen', () => {
    expect(sgpStatus(cluster({ trunk: true, addon: 'env:\n  ENABLE_POD_ENI: "true"\n' }), 'prod').signals).toEqual([
      'vpc-cni ENABLE_POD_ENI',
      'trunk ENI on a node',
    ]);
  });

  it('is on by a failed trunk creation for the cluster, the one signal left when every trunk fails', () => {
    const event = parsed(loadEvent('CreateNetworkInterface', 'trunk-failed-no-ips'));
    expect(sgpStatus(cluster(), 'prod', event)).toEqual({
      enabled: true,
      signals: ['trunk ENI created (CloudTrail)'],
    });
  });

  it('ignores a trunk creation for another cluster and a routine CNI ENI', () => {
    const trunk = parsed(loadEvent('CreateNetworkInterface', 'trunk-ok'));
    expect(sgpStatus(cluster(), 'staging', trunk).signals).toEqual([]);
    const routine = parsed(loadEvent('CreateNetworkInterface', 'cni-routine'));
    expect(sgpStatus(cluster(), 'prod', routine)).toEqual({ enabled: false, signals: [] });
  });

  it('is off when the add-on is known, says nothing, and no trunk exists', () => {
    expect(sgpStatus(cluster(), 'prod')).toEqual({ enabled: false, signals: [] });
    expect(sgpStatus(cluster({ addon: '{"env":{"ENABLE_POD_ENI":"false"}}' }), 'prod').enabled).toBe(false);
  });

  it('is unknown when DescribeAddon is missing or the cluster has no vpc-cni add-on, and no trunk is seen', () => {
    expect(sgpStatus(cluster({ withoutAddons: true }), 'prod')).toEqual({ enabled: 'unknown', signals: [] });
    expect(sgpStatus(cluster({ addon: null }), 'prod').enabled).toBe('unknown');
  });

  it('is unknown when the ENIs are not known', () => {
    const inventory = inventoryFrom(
      snapshotBuilder()
        .cluster('prod')
        .nodeGroup('prod', 'ng-a', { nodeSg: NODE_SG })
        .addon('prod', 'vpc-cni')
        .without('DescribeNetworkInterfaces')
        .build(),
    );
    expect(sgpStatus(inventory, 'prod').enabled).toBe('unknown');
  });

  it('does not count a trunk ENI of another cluster', () => {
    const inventory = inventoryFrom(
      snapshotBuilder()
        .cluster('prod')
        .cluster('staging')
        .nodeGroup('prod', 'ng-a', { nodeSg: NODE_SG })
        .nodeGroup('staging', 'ng-s', { nodeSg: NODE_SG, trunk: true })
        .addon('prod', 'vpc-cni')
        .build(),
    );
    expect(sgpStatus(inventory, 'prod')).toEqual({ enabled: false, signals: [] });
    expect(sgpStatus(inventory, 'staging').enabled).toBe(true);
  });
});

describe('clusterOfEniTags', () => {
  it('reads the controller, CNI and Kubernetes cluster tags', () => {
    expect(clusterOfEniTags({ 'vpcresources.k8s.aws/cluster-name': 'prod' })).toBe('prod');
    expect(clusterOfEniTags({ 'cluster.k8s.amazonaws.com/name': 'prod' })).toBe('prod');
    expect(clusterOfEniTags({ 'kubernetes.io/cluster/prod': 'owned' })).toBe('prod');
    expect(clusterOfEniTags({ 'eks:eni:owner': 'eks-vpc-resource-controller' })).toBeUndefined();
  });
});
