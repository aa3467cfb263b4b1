/**
 * Shared fixtures of the `node-sg-widening` tests: the sample account's groups, an AuthorizeSecurityGroup* envelope
 * with chosen permissions, and one evaluation through the real parser. Each rule's case table is beside its test;
 * events are the realistic samples in `events/cloudtrail/`, changed only where a row needs it; inventories are the
 * sample account or the snapshot builder, so the real loader runs.
 */
import { readFileSync } from 'node:fs';
import {
  buildInventory,
  defaultGuardConfig,
  evaluateEvent,
  type Inventory,
  loadSnapshot,
  parseCloudTrailEvent,
  type Snapshot,
} from '@podnet-guard/core';
import { loadEvent } from '../../../helpers/events.ts';

/** The evaluation time of these tests (the case-table harness's CASE_NOW). */
export const NOW = '2026-11-26T12:00:00.000Z';

export const NODE_SG = 'sg-0d0de000000000001';
export const CLUSTER_SG = 'sg-0c1a5000000000001';
export const RDS_SG = 'sg-0db00000000000001';
export const BASTION_SG = 'sg-0e0e0000000000001';
export const POD_SG = 'sg-0b0d000000000001';

const sampleSnapshot = JSON.parse(
  readFileSync(new URL('../../../../events/inventory/sample-account.json', import.meta.url), 'utf8'),
) as Snapshot;

/** A fresh copy of the sample account's snapshot, for a row that changes it. */
export function sampleSnapshotCopy(): Snapshot {
  return structuredClone(sampleSnapshot);
}

export function sampleAccount(): Inventory {
  return buildInventory(loadSnapshot(sampleSnapshotCopy()));
}

/** Every detector's evaluation of a raw envelope, as the handler runs it (findings, suppressed, notJudged). */
export function evaluate(raw: unknown, inventory = sampleAccount(), config = defaultGuardConfig()) {
  const parsed = parseCloudTrailEvent(raw);
  if (!parsed.ok) throw new Error(`sample did not parse: ${parsed.error.message}`);
  return evaluateEvent(parsed.event, inventory, { config, now: NOW });
}

type Envelope = {
  detail: { requestParameters: Record<string, unknown>; responseElements: unknown } & Record<string, unknown>;
};

/** An AuthorizeSecurityGroupIngress/Egress envelope with the given permissions (CloudTrail's `items` shape). */
export function authorize(
  groupId: string,
  permissions: {
    protocol?: string;
    from?: number;
    to?: number;
    cidrs?: string[];
    cidrsV6?: string[];
    groups?: string[];
    description?: string;
  }[],
  direction: 'Ingress' | 'Egress' = 'Ingress',
): unknown {
  const event = loadEvent(
    `AuthorizeSecurityGroup${direction}`,
    direction === 'Ingress' ? 'world-open-ssh' : 'to-rds',
  ) as Envelope;
  event.detail.requestParameters = {
    groupId,
    ipPermissions: {
      items: permissions.map((p) => ({
        ipProtocol: p.protocol ?? 'tcp',
        ...(p.protocol === '-1' ? {} : { fromPort: p.from, toPort: p.to ?? p.from }),
        groups: p.groups ? { items: p.groups.map((id) => ({ groupId: id, userId: '111122223333' })) } : {},
        ipRanges: p.cidrs
          ? { items: p.cidrs.map((cidrIp) => ({ cidrIp, ...(p.description ? { description: p.description } : {}) })) }
          : {},
        ipv6Ranges: p.cidrsV6 ? { items: p.cidrsV6.map((cidrIpv6) => ({ cidrIpv6 })) } : {},
        prefixListIds: {},
      })),
    },
  };
  // Older records carry only `_return`; the detector must not need rule ids.
  event.detail.responseElements = { requestId: '0f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b', _return: true };
  return event;
}
