import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { buildInventory, loadSnapshot, SEVERITIES, SNAPSHOT_KEYS } from '@podnet-guard/core';
import {
  buildExposureGraph,
  capacityBarsOf,
  renderReport,
  reportContentSecurityPolicy,
  subnetBarsOf,
} from '@podnet-guard/report';
import { describe, expect, it } from 'vitest';
import { inventoryFrom, snapshotBuilder } from '../helpers/inventory-builder.ts';
import { DB_SG, HOSTILE, NODE_SG, reportOf, riskyInventory, sampleInventory } from './fixtures.ts';

const keys = (graph: ReturnType<typeof buildExposureGraph>) => graph.nodes.map((node) => node.key).sort();
const dangerous = (graph: ReturnType<typeof buildExposureGraph>) =>
  graph.edges.filter((edge) => edge.dangerous).map((edge) => `${edge.from} -> ${edge.to}`);

describe('exposure graph', () => {
  it('draws SG → node groups → nodes and the pod SG that admits the node SG (sample account)', () => {
    const inventory = sampleInventory('sample-account');
    const { result } = reportOf(inventory);
    const graph = buildExposureGraph(inventory, 'prod', result.findings);
    expect(keys(graph)).toEqual([
      'adm:sg-0b0d000000000001',
      'ng:ng-general',
      'ng:ng-sgp',
      'node:i-0a1b2c3d4e5f00001',
      'node:i-0a1b2c3d4e5f00002',
      'node:i-0a1b2c3d4e5f00003',
      'sg:sg-0c1a5000000000001',
      'sg:sg-0d0de000000000001',
    ]);
    expect(graph.edges).toContainEqual({
      from: 'sg:sg-0d0de000000000001',
      to: 'adm:sg-0b0d000000000001',
      label: 'tcp/8443',
      dangerous: false,
    });
    // The pod SG admitting the node SG is an info finding (kubelet probes): nothing is marked dangerous.
    expect(dangerous(graph)).toEqual([]);
    const node3 = graph.nodes.find((node) => node.key === 'node:i-0a1b2c3d4e5f00003');
    expect(node3?.detail).toBe('14 pod IPs, 2 SGP pod(s)');
  });

  it('marks the public SSH edge and the RDS grant dangerous, and nothing of the cluster SG', () => {
    const inventory = riskyInventory();
    const { result } = reportOf(inventory);
    const graph = buildExposureGraph(inventory, 'prod', result.findings);
    expect(dangerous(graph).sort()).toEqual([`sg:${NODE_SG} -> adm:${DB_SG}`, `src:0.0.0.0/0 -> sg:${NODE_SG}`]);
    expect(graph.nodes.find((node) => node.key === `adm:${DB_SG}`)?.detail).toBe('protects RDS');
    expect(graph.nodes.find((node) => node.key === 'sg:sg-0c1a5000000000001')?.dangerous).toBe(false);
  });

  it('marks public ingress from a finding that names only the SG when its rule is about open ingress', () => {
    const inventory = riskyInventory();
    const open = reportOf(inventory).result.findings.find((finding) => finding.rule === 'world-open-ingress')!;
    const sgOnly = { ...open, resources: open.resources.filter((resource) => resource.type === 'security-group') };
    const marked = (rule: string) =>
      dangerous(buildExposureGraph(inventory, 'prod', [{ ...sgOnly, rule }])).includes(
        `src:0.0.0.0/0 -> sg:${NODE_SG}`,
      );
    expect(marked('nodegroup-remote-access-open')).toBe(true);
    expect(marked('world-open-ingress')).toBe(true);
    // A finding about egress says nothing about who reaches in.
    expect(marked('egress-widened')).toBe(false);
  });

  it('does not mark an edge whose finding the allow-list suppressed', () => {
    const inventory = riskyInventory();
    const { result } = reportOf(inventory, {
      allow: [{ reason: 'bastion test', securityGroups: [NODE_SG], ports: [22], cidrs: ['0.0.0.0/0'] }],
    });
    expect(result.suppressed).toBe(1);
    const graph = buildExposureGraph(inventory, 'prod', result.findings);
    expect(dangerous(graph)).toEqual([`sg:${NODE_SG} -> adm:${DB_SG}`]);
  });

  it('folds the nodes of a large node group into one "+N more" box', () => {
    const inventory = riskyInventory({ nodes: 9 });
    const graph = buildExposureGraph(inventory, 'prod', []);
    expect(graph.nodes.filter((node) => node.kind === 'node')).toHaveLength(6);
    expect(graph.nodes.find((node) => node.kind === 'more-nodes')?.label).toBe('+3 more');
  });

  it('draws fewer nodes per group when a cluster has many node groups (48 node boxes at most)', () => {
    let builder = snapshotBuilder().cluster('big');
    for (let g = 0; g < 12; g += 1) builder = builder.nodeGroup('big', `ng-${g}`, { nodeSg: NODE_SG, nodes: 5 });
    const graph = buildExposureGraph(inventoryFrom(builder.build()), 'big', []);
    // 48 / 12 = 4 nodes per group, and one "+1 more" box each.
    expect(graph.nodes.filter((node) => node.kind === 'node')).toHaveLength(48);
    expect(graph.nodes.filter((node) => node.kind === 'more-nodes').map((node) => node.label)).toEqual(
      Array(12).fill('+1 more'),
    );
  });
});

describe('capacity bars', () => {
  it('counts used, free and needed-at-max-size addresses per subnet (sample account)', () => {
    const bars = subnetBarsOf(sampleInventory('sample-account'), 'prod');
    expect(bars.map((bar) => bar.subnetId)).toEqual([
      'subnet-0a00000000000000a',
      'subnet-0b00000000000000b',
      'subnet-0c00000000000000c',
      'subnet-0f00000000000000f',
    ]);
    const full = bars.find((bar) => bar.subnetId === 'subnet-0f00000000000000f')!;
    expect(full).toMatchObject({ used: 248, freeIps: 3, neededIps: 46, usable: 251, short: true });
    const roomy = bars.find((bar) => bar.subnetId === 'subnet-0a00000000000000a')!;
    expect(roomy).toMatchObject({ freeIps: 4021, neededIps: 67, short: false, prefixDelegation: false });
  });

  it('counts free aligned /28 blocks under prefix delegation', () => {
    const inventory = inventoryFrom(
      snapshotBuilder()
        .subnet('subnet-0aa0000000000000a', { cidr: '10.0.32.0/26' })
        .cluster('pd', { subnetIds: ['subnet-0aa0000000000000a'] })
        .addon('pd', 'vpc-cni', '{"env":{"ENABLE_PREFIX_DELEGATION":"true"}}')
        .nodeGroup('pd', 'ng-pd', { subnetId: 'subnet-0aa0000000000000a', nodes: 1, prefixesPerNode: 1 })
        .build(),
    );
    const [bar] = subnetBarsOf(inventory, 'pd');
    // A /26 has 4 blocks: the first holds AWS's four addresses and the node's primary IP, the last AWS's last address
    // and the node's prefix (the builder takes prefixes from the top): 2 free blocks.
    expect(bar).toMatchObject({ prefixDelegation: true, totalBlocks: 4, freeBlocks: 2 });
    expect(bar!.neededBlocks).toBeGreaterThan(bar!.freeBlocks);
    const { html } = reportOf(inventory);
    expect(html).toContain(`data-free-blocks="2" data-needed-blocks="${bar!.neededBlocks}"`);
    expect(reportOf(sampleInventory('sample-account')).html).not.toContain('data-free-blocks');
  });

  it('sets maxPods against capacity with and without the SGP trunk', () => {
    expect(capacityBarsOf(sampleInventory('sample-account'), 'prod')).toMatchObject([
      { nodeGroup: 'ng-general', instanceType: 'm5.large', maxPods: 29, capacity: 29, capacitySgp: 20, over: true },
      { nodeGroup: 'ng-sgp', instanceType: 'm5.xlarge', maxPods: 58, capacity: 58, capacitySgp: 44, over: true },
    ]);
    // t3 cannot trunk: SGP takes no slot there, so the EKS default fits.
    expect(capacityBarsOf(sampleInventory('two-clusters'), 'payments')).toMatchObject([
      { nodeGroup: 'ng-api', over: true },
      {
        nodeGroup: 'ng-burst',
        instanceType: 't3.large',
        maxPods: 35,
        capacitySgp: 35,
        trunkingCompatible: false,
        over: false,
      },
    ]);
    // Without SGP the same m5.large default is within capacity.
    expect(capacityBarsOf(riskyInventory(), 'prod')).toMatchObject([{ maxPods: 29, capacity: 29, over: false }]);
  });
});

describe('renderReport', () => {
  it('admits exactly its own inline script and style by hash, and loads nothing', () => {
    const { html } = reportOf(sampleInventory('sample-account'));
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!;
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    const hash = (text: string) => createHash('sha256').update(text).digest('base64');
    const csp = reportContentSecurityPolicy();
    expect(csp).toContain(`script-src 'sha256-${hash(script)}'`);
    expect(csp).toContain(`style-src 'sha256-${hash(style)}'`);
    expect(csp).toMatch(/^default-src 'none'/);
    expect(csp).not.toContain('unsafe');
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${csp.replace(/'/g, '&#39;')}">`);
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).not.toMatch(/<(link|img|iframe|object|embed)\b|\ssrc=|url\((?!#)|@import/);
  });

  it('lists every finding with a detail dialog and offers only the severities present', () => {
    const { html, result } = reportOf(sampleInventory('sample-account'));
    expect(html.match(/<tr data-open=/g)).toHaveLength(result.findings.length);
    expect(html.match(/<dialog /g)).toHaveLength(result.findings.length);
    const offered = [...html.matchAll(/<select data-filter="severity"[^>]*>(.*?)<\/select>/g)][0]![1]!;
    const values = [...offered.matchAll(/value="([^"]*)"/g)].map((match) => match[1]);
    expect(values).toEqual(['', ...SEVERITIES.filter((s) => result.findings.some((f) => f.severity === s))]);
  });

  it('renders hostile names as text in the table, the pictures and the details', () => {
    const { html } = reportOf(riskyInventory({ hostile: true }));
    expect(html).not.toContain(HOSTILE);
    expect(html).not.toMatch(/<img/);
    expect(html).toContain('ng-a&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('prod-nodes&lt;img src=x onerror=alert(1)&gt;');
  });

  it('draws one section per cluster, or only the clusters asked for', () => {
    const inventory = sampleInventory('two-clusters');
    const { result, config } = reportOf(inventory);
    const base = { findings: result.findings, inventory, config, generatedAt: new Date('2026-12-02T12:00:00Z') };
    const sections = (html: string) =>
      [...html.matchAll(/<section class="cluster" id="[^"]+" data-cluster="([^"]+)"/g)].map((m) => m[1]);
    expect(sections(renderReport(base))).toEqual(['batch', 'payments']);
    expect(sections(renderReport({ ...base, clusters: ['payments'] }))).toEqual(['payments']);
    expect(renderReport(base)).toContain('generated 2026-12-02T12:00:00.000Z');
  });

  it.each(SNAPSHOT_KEYS)('draws the sample account with %s unknown, and says what was not judged', (key) => {
    const path = new URL('../../events/inventory/sample-account.json', import.meta.url);
    const snapshot = JSON.parse(readFileSync(path, 'utf8'));
    delete snapshot[key];
    const { html, result } = reportOf(buildInventory(loadSnapshot(snapshot)));
    expect(html).toContain('</html>');
    for (const entry of result.notJudged)
      expect(html).toContain(`${entry.detector}: missing ${entry.missing?.join(', ')}`);
  });

  it('says so when there is nothing to show', () => {
    const inventory = inventoryFrom(snapshotBuilder().build());
    const { html } = reportOf(inventory);
    expect(html).toContain('No findings: nothing to report.');
    expect(html).not.toContain('<section class="cluster"');
  });
});

describe('the report package', () => {
  it('imports nothing but core, node:crypto and its own files (no AWS SDK, no file system)', () => {
    const dir = new URL('../../packages/report/src/', import.meta.url);
    const imports = readdirSync(dir).flatMap((file) =>
      [...readFileSync(new URL(file, dir), 'utf8').matchAll(/^(?:import|export)[^'"]*from '([^']+)'/gm)].map(
        (m) => m[1],
      ),
    );
    expect(imports.length).toBeGreaterThan(5);
    expect(new Set(imports.filter((spec) => !spec!.startsWith('./')))).toEqual(
      new Set(['@podnet-guard/core', 'node:crypto']),
    );
  });
});
