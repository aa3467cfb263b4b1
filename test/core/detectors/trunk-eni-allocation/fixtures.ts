/**
 * Fixtures of the `trunk-eni-allocation` rule tests. Events are the realistic samples in `events/cloudtrail/`, changed
 * only where a row needs it; inventories are the sample account (an SGP cluster: vpc-cni `ENABLE_POD_ENI`, a trunk on
 * one node) or the snapshot builder, so the real loader runs.
 */
import { readFileSync } from 'node:fs';
import {
  buildInventory,
  type DetectorId,
  type Finding,
  type Inventory,
  loadSnapshot,
  type Snapshot,
  trunkEniAllocation,
} from '@podnet-guard/core';
import { matchesAnyEventPattern } from '@podnet-guard/stack-tools';
import { expect, it } from 'vitest';
import { loadEvent } from '../../../helpers/events.ts';
import { inventoryFrom, type SnapshotBuilder, snapshotBuilder } from '../../../helpers/inventory-builder.ts';
import { CASE_NOW, openFindings, type RuleCase, runCase } from '../../../helpers/rule-cases.ts';

export const NODE_SG = 'sg-0d0de000000000001';
export const POD_SG = 'sg-0b0d000000000001';
export const SGP_ON = '{"env":{"ENABLE_POD_ENI":"true","POD_SECURITY_GROUP_ENFORCING_MODE":"standard"}}';
/** Long after the builder's launch time (2026-10-30T08:12:44Z). */
export const NOW = CASE_NOW;
/** Two minutes after the builder's launch time: inside the default 5-minute grace. */
export const JUST_LAUNCHED = '2026-10-30T08:14:44.000Z';

const sampleSnapshot = JSON.parse(
  readFileSync(new URL('../../../../events/inventory/sample-account.json', import.meta.url), 'utf8'),
) as Snapshot;

/** The sample account: cluster prod runs SGP (add-on and a trunk on i-0a1b2c3d4e5f00003). */
export function sampleAccount(): Inventory {
  return buildInventory(loadSnapshot(structuredClone(sampleSnapshot)));
}

/** The sample account with SGP off: no ENABLE_POD_ENI, no trunk or branch ENIs. */
export function sampleAccountWithoutSgp(): Inventory {
  const snapshot = structuredClone(sampleSnapshot) as Snapshot & {
    DescribeAddon: { addon: { configurationValues?: string } }[];
    DescribeNetworkInterfaces: { NetworkInterfaces: { InterfaceType?: string }[] };
  };
  for (const entry of snapshot.DescribeAddon) delete entry.addon.configurationValues;
  snapshot.DescribeNetworkInterfaces.NetworkInterfaces = snapshot.DescribeNetworkInterfaces.NetworkInterfaces.filter(
    (eni) => eni.InterfaceType !== 'trunk' && eni.InterfaceType !== 'branch',
  );
  return buildInventory(loadSnapshot(snapshot));
}

/** A cluster with the vpc-cni add-on (SGP on or off) and whatever node groups `add` puts in. */
export function cluster(sgp: boolean, add: (builder: SnapshotBuilder) => SnapshotBuilder): Inventory {
  const builder = snapshotBuilder()
    .subnet('subnet-0a00000000000000a', { cidr: '10.0.0.0/20' })
    .subnet('subnet-0f00000000000000f', { cidr: '10.0.128.0/24', availableIpAddressCount: 3 })
    .cluster('prod', { clusterSg: 'sg-0c1a5000000000001' })
    .addon('prod', 'vpc-cni', sgp ? SGP_ON : undefined);
  return inventoryFrom(add(builder).build());
}

/** An SGP node group on m5.large whose first node holds `branches` SGP pods (m5.large trunks hold 9). */
export function sgpPods(branches: number): Inventory {
  return cluster(true, (builder) => {
    builder.nodeGroup('prod', 'ng-sgp', { nodeSg: NODE_SG, nodes: ['i-0a1b2c3d4e5f00071'], trunk: true });
    for (let n = 0; n < branches; n += 1) builder.sgpPod('i-0a1b2c3d4e5f00071', POD_SG);
    return builder;
  });
}

type Envelope = { detail: Record<string, unknown> & { requestParameters: Record<string, unknown> } };

/** A failed AttachNetworkInterface by the VPC CNI (node role session, CNI user agent) of a known CNI ENI. */
export function cniAttachFailed(): unknown {
  const event = loadEvent('AttachNetworkInterface', 'failed-limit') as Envelope;
  event.detail.userIdentity = {
    type: 'AssumedRole',
    principalId: 'AROAYEXAMPLENODE0001:i-0a1b2c3d4e5f00001',
    arn: 'arn:aws:sts::111122223333:assumed-role/prod-eks-node-role/i-0a1b2c3d4e5f00001',
    accountId: '111122223333',
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: 'AROAYEXAMPLENODE0001',
        arn: 'arn:aws:iam::111122223333:role/prod-eks-node-role',
        accountId: '111122223333',
        userName: 'prod-eks-node-role',
      },
    },
  };
  event.detail.sourceIPAddress = '10.0.1.17';
  event.detail.userAgent =
    'amazon-vpc-cni-k8s/version/v1.19.2 aws-sdk-go-v2/1.32.6 ua/2.1 os/linux lang/go#1.23.4 api/ec2#1.196.0';
  event.detail.requestParameters = {
    networkInterfaceId: 'eni-0a1b2c3d4e5f00102',
    instanceId: 'i-0a1b2c3d4e5f00001',
    deviceIndex: 2,
    networkCardIndex: 0,
  };
  return event;
}

export const DETECTOR: DetectorId = 'trunk-eni-allocation';

/** The detector's findings for an event row or a scan row (the harness's evaluation, this detector only). */
export function run(row: Pick<RuleCase, 'event' | 'inventory' | 'now' | 'config'>): Finding[] {
  return runCase(row, DETECTOR);
}

/** Open findings of one rule. */
export function open(findings: Finding[], rule: string): Finding[] {
  return openFindings(findings, rule);
}

/** Would the stack route this envelope to the Lambda for this detector (its subscriptions and their filters)? */
export function routed(envelope: unknown): boolean {
  const event = envelope as { detail: { eventName: string; eventSource: string } };
  return trunkEniAllocation.subscribes.some(
    (sub) =>
      sub.eventName === event.detail.eventName &&
      sub.source === event.detail.eventSource &&
      (sub.filters ?? [{}]).some((filter) => matchesAnyEventPattern([{ detail: filter }], envelope)),
  );
}

/** Every firing event row is routed to the detector, so the rows are reachable in production. */
export function itRoutesFiringRows(cases: readonly RuleCase[]): void {
  it('routes every firing event row to the detector (so the rows are reachable in production)', () => {
    const rows = cases.filter((row) => row.event && row.expect === 'fires');
    for (const row of rows) expect(routed(row.event?.()), row.name).toBe(true);
  });
}
