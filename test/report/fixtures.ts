/** Inventories the report tests draw: the two sample accounts, and built ones with dangerous edges or hostile names. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  buildInventory,
  type GuardConfigInput,
  type Inventory,
  loadSnapshot,
  parseGuardConfig,
  scanInventory,
} from '@podnet-guard/core';
import { type ReportInput, renderReport } from '@podnet-guard/report';
import { inventoryFrom, snapshotBuilder } from '../helpers/inventory-builder.ts';

export const SAMPLES = ['sample-account', 'two-clusters'] as const;
export type SampleName = (typeof SAMPLES)[number];

export function sampleInventory(name: SampleName): Inventory {
  const path = fileURLToPath(new URL(`../../events/inventory/${name}.json`, import.meta.url));
  return buildInventory(loadSnapshot(JSON.parse(readFileSync(path, 'utf8'))));
}

export const HOSTILE = '<img src=x onerror=alert(1)>';
export const NODE_SG = 'sg-0d0de000000000001';
export const DB_SG = 'sg-0db00000000000001';

/**
 * A cluster whose node SG admits SSH from anywhere and is admitted by an RDS SG: both edges dangerous. `hostile` puts
 * markup into the node SG's Name tag, the node group name and the database SG's name.
 */
export function riskyInventory(options: { hostile?: boolean; nodes?: number } = {}): Inventory {
  const name = (plain: string) => (options.hostile ? `${plain}${HOSTILE}` : plain);
  return inventoryFrom(
    snapshotBuilder()
      .cluster('prod', { clusterSg: 'sg-0c1a5000000000001' })
      .nodeGroup('prod', name('ng-a'), { nodeSg: NODE_SG, nodes: options.nodes ?? 2, secondaryIpsPerNode: 5 })
      .securityGroup(NODE_SG, {
        name: 'prod-nodes',
        tags: { Name: name('prod-nodes') },
        ingress: [{ port: 22, cidr: '0.0.0.0/0', description: name('ssh') }],
      })
      .securityGroup(DB_SG, { name: name('prod-postgres'), ingress: [{ port: 5432, sourceSg: NODE_SG }] })
      .rdsEni(DB_SG)
      .build(),
  );
}

/** Scans an inventory and renders its report, as the CLI does. */
export function reportOf(inventory: Inventory, config: GuardConfigInput = {}, extra: Partial<ReportInput> = {}) {
  const guardConfig = parseGuardConfig(config);
  const result = scanInventory(inventory, { config: guardConfig });
  const html = renderReport({
    findings: result.findings,
    inventory,
    config: guardConfig,
    generatedAt: '2026-12-02T12:00:00.000Z',
    suppressed: result.suppressed,
    notJudged: result.notJudged,
    ...extra,
  });
  return { html, result, config: guardConfig };
}
