import { type CloudTrailEvent, EventParseError, parseCloudTrailEvent, UnsupportedEventError } from '@podnet-guard/core';
import { describe, expect, it } from 'vitest';
import { loadEvent } from '../../helpers/events.ts';

// biome-ignore lint/suspicious/noExplicitAny: tests reach into sample JSON to mutate it.
type Json = any;
type Envelope = { detail: Record<string, unknown> & { requestParameters: Json; responseElements: Json } };

const load = (eventName: string, caseName: string) => loadEvent(eventName, caseName) as Envelope;

function parsed(raw: unknown): CloudTrailEvent {
  const result = parseCloudTrailEvent(raw);
  if (!result.ok) throw result.error;
  return result.event;
}

function issuePaths(raw: unknown): string[] {
  const result = parseCloudTrailEvent(raw);
  if (result.ok) throw new Error('expected a parse error');
  expect(result.error).toBeInstanceOf(EventParseError);
  return (result.error as EventParseError).issues.map((issue) => issue.path);
}

describe('ModifyNetworkInterfaceAttribute and ModifyInstanceAttribute', () => {
  it.each([
    ['ModifyNetworkInterfaceAttribute', 'networkInterfaceId'],
    ['ModifyInstanceAttribute', 'instanceId'],
  ])('%s: a groupSet without group ids is a parse error', (eventName) => {
    const raw = load(eventName, 'group-set');
    raw.detail.requestParameters.groupSet = { items: [{ groupName: 'prod-nodes' }] };
    expect(issuePaths(raw)).toEqual(['detail.requestParameters.groupSet.items.0.groupId']);
  });

  it.each(['ModifyNetworkInterfaceAttribute', 'ModifyInstanceAttribute'])(
    '%s: an empty groupSet is a parse error',
    (eventName) => {
      const raw = load(eventName, 'group-set');
      raw.detail.requestParameters.groupSet = {};
      expect(issuePaths(raw)).toEqual(['detail.requestParameters.groupSet']);
    },
  );

  it.each([
    ['ModifyNetworkInterfaceAttribute', 'networkInterfaceId'],
    ['ModifyInstanceAttribute', 'instanceId'],
  ])('%s: the resource id is required', (eventName, field) => {
    const raw = load(eventName, 'group-set');
    delete raw.detail.requestParameters[field];
    expect(issuePaths(raw)).toEqual([`detail.requestParameters.${field}`]);
  });

  it.each([
    ['ModifyNetworkInterfaceAttribute', 'source-dest-check'],
    ['ModifyInstanceAttribute', 'instance-type'],
  ])('%s/%s is acknowledged as unsupported, with its event id', (eventName, caseName) => {
    const raw = load(eventName, caseName);
    const result = parseCloudTrailEvent(raw);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBeInstanceOf(UnsupportedEventError);
    expect(result.error).toMatchObject({ eventName, eventId: raw.detail.eventID });
  });
});

describe('CreateNetworkInterface', () => {
  it('takes the interface type from the response when the request leaves it out', () => {
    const raw = load('CreateNetworkInterface', 'cni-routine');
    expect(raw.detail.requestParameters.interfaceType).toBeUndefined();
    expect(parsed(raw).detail).toMatchObject({ interfaceType: 'interface' });
    raw.detail.responseElements = null;
    expect(parsed(raw).detail).not.toHaveProperty('interfaceType');
  });

  it('keeps only network-interface tags when several resource types are tagged', () => {
    const raw = load('CreateNetworkInterface', 'trunk-ok');
    raw.detail.requestParameters.tagSpecificationSet.items.push({
      resourceType: 'security-group-rule',
      tags: [{ key: 'other', value: 'x' }],
    });
    expect(parsed(raw).detail).toMatchObject({
      tags: { 'eks:eni:owner': 'eks-vpc-resource-controller', 'vpcresources.k8s.aws/cluster-name': 'prod' },
    });
    expect((parsed(raw).detail as { tags: object }).tags).not.toHaveProperty('other');
  });

  it('rejects a groupSet item without groupId and a non-numeric IP count', () => {
    const raw = load('CreateNetworkInterface', 'cni-routine');
    raw.detail.requestParameters.groupSet.items[1] = {};
    raw.detail.requestParameters.secondaryPrivateIpAddressCount = 'nine';
    expect(issuePaths(raw)).toEqual([
      'detail.requestParameters.groupSet.items.1.groupId',
      'detail.requestParameters.secondaryPrivateIpAddressCount',
    ]);
  });
});

describe('AttachNetworkInterface and AssignPrivateIpAddresses', () => {
  it('AttachNetworkInterface needs the ENI and the instance', () => {
    const raw = load('AttachNetworkInterface', 'trunk');
    delete raw.detail.requestParameters.instanceId;
    delete raw.detail.requestParameters.networkInterfaceId;
    expect(issuePaths(raw).sort()).toEqual([
      'detail.requestParameters.instanceId',
      'detail.requestParameters.networkInterfaceId',
    ]);
  });

  it('AssignPrivateIpAddresses needs the ENI', () => {
    const raw = load('AssignPrivateIpAddresses', 'cni-warm-pool');
    delete raw.detail.requestParameters.networkInterfaceId;
    expect(issuePaths(raw)).toEqual(['detail.requestParameters.networkInterfaceId']);
  });
});

describe('RunInstances', () => {
  it('collects subnets from the request, its network interfaces and the launched instances', () => {
    const raw = load('RunInstances', 'network-interfaces');
    raw.detail.responseElements.instancesSet.items[0].subnetId = 'subnet-0b00000000000000b';
    raw.detail.responseElements.instancesSet.items[0].instanceType = 't3.large';
    expect(parsed(raw).detail).toMatchObject({
      instanceTypes: ['t3.medium', 't3.large'],
      subnetIds: ['subnet-0a00000000000000a', 'subnet-0b00000000000000b'],
    });
  });

  it('reads a launch template named by name', () => {
    const raw = load('RunInstances', 'nodegroup-launch');
    raw.detail.requestParameters.launchTemplate = { launchTemplateName: 'prod-ng-sgp', version: 3 };
    expect(parsed(raw).detail).toMatchObject({ launchTemplate: { name: 'prod-ng-sgp', version: '3' } });
  });

  it('rejects a launched instance without an id', () => {
    const raw = load('RunInstances', 'nodegroup-launch');
    delete raw.detail.responseElements.instancesSet.items[0].instanceId;
    expect(issuePaths(raw)).toEqual(['detail.responseElements.instancesSet.items.0.instanceId']);
  });
});

describe('CreateFleet', () => {
  it('reads several launched instance ids and strips a prefixed fleet error code', () => {
    const raw = load('CreateFleet', 'karpenter-partial');
    const response = raw.detail.responseElements.CreateFleetResponse;
    response.fleetInstanceSet.item.instanceIds = { item: ['i-0a1b2c3d4e5f00003', 'i-0a1b2c3d4e5f00004'] };
    response.errorSet.item.errorCode = 'Client.InvalidParameterValue';
    expect(parsed(raw).detail).toMatchObject({
      instanceIds: ['i-0a1b2c3d4e5f00003', 'i-0a1b2c3d4e5f00004'],
      fleetErrors: [{ errorCode: 'InvalidParameterValue', instanceType: 'c5.large' }],
    });
  });

  it('rejects a fleet error without errorCode', () => {
    const raw = load('CreateFleet', 'all-failed');
    delete raw.detail.responseElements.CreateFleetResponse.errorSet.item[1].errorCode;
    expect(issuePaths(raw)).toEqual(['detail.responseElements.CreateFleetResponse.errorSet.1.errorCode']);
  });

  it('rejects a record without CreateFleetRequest', () => {
    const raw = load('CreateFleet', 'all-failed');
    raw.detail.requestParameters = { LaunchTemplateConfigs: [] };
    expect(issuePaths(raw)).toEqual(['detail.requestParameters.CreateFleetRequest']);
  });
});

describe('CreateLaunchTemplateVersion', () => {
  it('reads SecurityGroupIds given as plain strings on the template and its interfaces', () => {
    const raw = load('CreateLaunchTemplateVersion', 'security-groups-list');
    const data = raw.detail.requestParameters.CreateLaunchTemplateVersionRequest.LaunchTemplateData;
    data.SecurityGroupId = 'sg-0d0de000000000001';
    data.NetworkInterface = [{ DeviceIndex: 0, SecurityGroupId: ['sg-0c1a5000000000001', 'sg-0d0de000000000001'] }];
    expect(parsed(raw).detail).toMatchObject({ groupIds: ['sg-0d0de000000000001', 'sg-0c1a5000000000001'] });
  });

  it('keeps a failed call with the template named but no version number', () => {
    const raw = load('CreateLaunchTemplateVersion', 'node-template');
    raw.detail.errorCode = 'Client.InvalidLaunchTemplateId.NotFound';
    raw.detail.responseElements = null;
    const event = parsed(raw);
    expect(event.errorCode).toBe('InvalidLaunchTemplateId.NotFound');
    expect(event.detail).toMatchObject({ launchTemplateId: 'lt-0a1b2c3d4e5f60001', userDataChanged: true });
    expect(event.detail).not.toHaveProperty('versionNumber');
  });

  it('rejects a request that names no template', () => {
    const raw = load('CreateLaunchTemplateVersion', 'security-groups-list');
    delete raw.detail.requestParameters.CreateLaunchTemplateVersionRequest.LaunchTemplateName;
    raw.detail.responseElements = null;
    expect(issuePaths(raw)).toEqual(['detail.requestParameters.CreateLaunchTemplateVersionRequest.LaunchTemplateId']);
  });
});

describe('EKS node groups', () => {
  it.each([
    ['CreateNodegroup', 'general'],
    ['UpdateNodegroupConfig', 'scale-up'],
    ['UpdateNodegroupVersion', 'launch-template'],
  ])('%s needs the cluster name and the node group name', (eventName, caseName) => {
    const raw = load(eventName, caseName);
    delete raw.detail.requestParameters.nodegroupName;
    expect(issuePaths(raw)).toEqual(['detail.requestParameters.nodegroupName']);
    const noCluster = load(eventName, caseName);
    delete noCluster.detail.requestParameters.name;
    expect(issuePaths(noCluster)).toEqual(['detail.requestParameters.name']);
  });

  it('accepts clusterName when the record spells the cluster that way', () => {
    const raw = load('UpdateNodegroupConfig', 'scale-up');
    raw.detail.requestParameters.clusterName = raw.detail.requestParameters.name;
    delete raw.detail.requestParameters.name;
    expect(parsed(raw).detail).toMatchObject({ clusterName: 'prod' });
  });

  it('rejects scaling sizes that are not numbers', () => {
    const raw = load('UpdateNodegroupConfig', 'scale-up');
    raw.detail.requestParameters.scalingConfig.desiredSize = 'six';
    expect(issuePaths(raw)).toEqual(['detail.requestParameters.scalingConfig.desiredSize']);
  });
});
