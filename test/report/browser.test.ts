/// <reference lib="dom" />
/**
 * The report in a real headless Chromium: it loads from a file with no network request and no console error, its
 * stylesheet and script run under its own Content-Security-Policy, the pictures hold the expected boxes, edges and
 * bars for both sample accounts, filters, sorting and details work, and hostile names stay text. Screenshots go to
 * `.artifacts/report/` (gitignored).
 */
import { mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserTestsRun, launchChromium } from '../helpers/chromium.ts';
import { HOSTILE, reportOf, riskyInventory, SAMPLES, type SampleName, sampleInventory } from './fixtures.ts';

const ARTIFACTS = fileURLToPath(new URL('../../.artifacts/report/', import.meta.url));
const WORK = mkdtempSync(join(tmpdir(), 'podnet-guard-report-'));

/** What each sample's pictures must show, per cluster: box keys, edge count, subnets (short ones), node groups (over). */
const EXPECTED: Record<
  SampleName,
  Record<string, { boxes: string[]; edges: number; subnets: Record<string, boolean>; groups: Record<string, boolean> }>
> = {
  'sample-account': {
    prod: {
      boxes: [
        'adm:sg-0b0d000000000001',
        'ng:ng-general',
        'ng:ng-sgp',
        'node:i-0a1b2c3d4e5f00001',
        'node:i-0a1b2c3d4e5f00002',
        'node:i-0a1b2c3d4e5f00003',
        'sg:sg-0c1a5000000000001',
        'sg:sg-0d0de000000000001',
      ],
      edges: 8,
      subnets: {
        'subnet-0a00000000000000a': false,
        'subnet-0b00000000000000b': false,
        'subnet-0c00000000000000c': false,
        'subnet-0f00000000000000f': true,
      },
      groups: { 'ng-general': true, 'ng-sgp': true },
    },
  },
  'two-clusters': {
    batch: {
      boxes: [
        'ng:ng-jobs',
        'node:i-00000000000000005',
        'node:i-00000000000000006',
        'node:i-00000000000000007',
        'sg:sg-0c1a5000000000003',
        'sg:sg-0d0de000000000003',
      ],
      edges: 5,
      subnets: { 'subnet-0b00000000000000b': false },
      groups: { 'ng-jobs': false },
    },
    payments: {
      boxes: [
        'ng:ng-api',
        'ng:ng-burst',
        'node:i-00000000000000001',
        'node:i-00000000000000002',
        'node:i-00000000000000003',
        'node:i-00000000000000004',
        'sg:sg-0c1a5000000000002',
        'sg:sg-0d0de000000000002',
      ],
      edges: 8,
      subnets: { 'subnet-0a00000000000000a': false, 'subnet-0f00000000000000f': true },
      groups: { 'ng-api': true, 'ng-burst': false },
    },
  },
};

interface Loaded {
  page: Page;
  problems: string[];
  requests: string[];
  url: string;
  alerts: string[];
}

describe.runIf(browserTestsRun())('the report in headless Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
    mkdirSync(ARTIFACTS, { recursive: true });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  async function load(name: string, html: string): Promise<Loaded> {
    const file = join(WORK, `${name}.html`);
    writeFileSync(file, html);
    const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
    const problems: string[] = [];
    const requests: string[] = [];
    const alerts: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(String(error)));
    page.on('request', (request) => requests.push(request.url()));
    page.on('dialog', async (dialog) => {
      alerts.push(dialog.message());
      await dialog.dismiss();
    });
    const url = pathToFileURL(file).href;
    await page.goto(url, { waitUntil: 'load' });
    return { page, problems, requests, url, alerts };
  }

  const visibleRows = (page: Page) =>
    page.$$eval('#findings tbody tr', (rows) =>
      (rows as HTMLTableRowElement[]).filter((row) => !row.hidden).map((row) => row.dataset.id),
    );

  for (const sample of SAMPLES) {
    describe(sample, () => {
      let loaded: Loaded;
      let findingCount: number;
      let summaries: Map<string, string>;
      beforeAll(async () => {
        const { html, result } = reportOf(sampleInventory(sample));
        findingCount = result.findings.length;
        summaries = new Map(result.findings.map((finding) => [finding.id, finding.summary]));
        loaded = await load(sample, html);
      }, 60_000);
      afterAll(async () => {
        await loaded?.page.close();
      });

      it('loads from the file alone, with no console error, and its style and script run under its CSP', async () => {
        const { page, problems, requests, url } = loaded;
        expect(problems).toEqual([]);
        expect(requests).toEqual([url]);
        // The stylesheet applied (admitted by its hash): free space is green, the page font is not the default serif.
        const fill = await page.$eval('svg.headroom rect[data-part="free"]', (rect) => getComputedStyle(rect).fill);
        expect(fill).toBe('rgb(67, 160, 71)');
        // The script ran (admitted by its hash): choosing a filter changes the count it writes.
        await page.selectOption('#filter-status', 'open');
        expect(await page.textContent('#findings-count')).toBe(`${findingCount} of ${findingCount} findings shown`);
        await page.screenshot({ path: join(ARTIFACTS, `${sample}.png`), fullPage: true });
        expect(statSync(join(ARTIFACTS, `${sample}.png`)).size).toBeGreaterThan(20_000);
      });

      it('draws the expected boxes, edges and bars for each cluster', async () => {
        const { page } = loaded;
        const clusters = await page.$$eval('section.cluster', (sections) => sections.map((s) => s.dataset.cluster));
        expect(clusters).toEqual(Object.keys(EXPECTED[sample]));
        for (const [cluster, expected] of Object.entries(EXPECTED[sample])) {
          const section = page.locator(`section.cluster[data-cluster="${cluster}"]`);
          const boxes = await section.locator('svg.exposure g.gnode').evaluateAll((gs) =>
            gs.map((g) => {
              const box = (g as SVGGElement).getBBox();
              return { key: g.getAttribute('data-key'), drawn: box.width > 100 && box.height > 20 };
            }),
          );
          expect(boxes.map((box) => box.key).sort()).toEqual(expected.boxes);
          expect(boxes.every((box) => box.drawn)).toBe(true);
          const edges = await section
            .locator('svg.exposure g.edge path')
            .evaluateAll((paths) => paths.map((path) => (path as SVGPathElement).getTotalLength()));
          expect(edges).toHaveLength(expected.edges);
          expect(edges.every((length) => length > 50)).toBe(true);
          expect(await section.locator('svg.exposure g.edge[data-dangerous="true"]').count()).toBe(0);

          const subnets = await section.locator('svg.headroom g.subnet').evaluateAll((gs) =>
            gs.map((g) => {
              const width = (part: string) =>
                (g.querySelector(`rect[data-part="${part}"]`) as SVGRectElement | null)?.getBBox().width ?? 0;
              return {
                id: g.getAttribute('data-subnet')!,
                short: g.getAttribute('data-short') === 'true',
                used: Number(g.getAttribute('data-used')),
                usable: Number(g.getAttribute('data-usable')),
                usedWidth: width('used'),
                shortWidth: width('needed-short'),
              };
            }),
          );
          expect(Object.fromEntries(subnets.map((s) => [s.id, s.short]))).toEqual(expected.subnets);
          for (const subnet of subnets) {
            // The used part is drawn to scale on the 560-pixel bar; a subnet that is short has a red "needed" bar.
            expect(subnet.usedWidth).toBeCloseTo(Math.max(1, (subnet.used / subnet.usable) * 560), 0);
            expect(subnet.shortWidth > 0).toBe(subnet.short);
          }

          const groups = await section.locator('svg.capacity g.nodegroup-capacity').evaluateAll((gs) =>
            gs.map((g) => ({
              name: g.getAttribute('data-nodegroup')!,
              over: g.getAttribute('data-over') === 'true',
              bars: Array.from(g.querySelectorAll('rect[data-bar]')).map((rect) => ({
                bar: rect.getAttribute('data-bar'),
                value: Number(rect.getAttribute('data-value')),
                width: (rect as SVGRectElement).getBBox().width,
                color: getComputedStyle(rect).fill,
              })),
            })),
          );
          expect(Object.fromEntries(groups.map((g) => [g.name, g.over]))).toEqual(expected.groups);
          for (const group of groups) {
            expect(group.bars.map((bar) => bar.bar)).toEqual(['max-pods', 'capacity', 'capacity-sgp']);
            const [maxPods, capacity] = group.bars;
            // Bars share one scale: equal values, equal lengths.
            if (maxPods!.value === capacity!.value) expect(maxPods!.width).toBeCloseTo(capacity!.width, 1);
            // maxPods is red exactly when it is above what a node holds.
            expect(maxPods!.color === 'rgb(198, 40, 40)').toBe(group.over);
          }
        }
      });

      it('filters by severity, cluster and detector, and sorts by a column both ways', async () => {
        const { page } = loaded;
        const all = await visibleRows(page);
        expect(all).toHaveLength(findingCount);
        const rows = await page.$$eval('#findings tbody tr', (trs) =>
          (trs as HTMLTableRowElement[]).map((tr) => ({
            id: tr.dataset.id!,
            severity: JSON.parse(tr.dataset.severity!)[0] as string,
            clusters: JSON.parse(tr.dataset.cluster!) as string[],
            detector: JSON.parse(tr.dataset.detector!)[0] as string,
            podIps: Number(tr.cells[6]!.dataset.value),
          })),
        );
        const high = rows.filter((row) => row.severity === 'high').map((row) => row.id);
        await page.selectOption('#filter-severity', 'high');
        expect(await visibleRows(page)).toEqual(high);
        expect(await page.textContent('#findings-count')).toBe(`${high.length} of ${findingCount} findings shown`);
        const detector = 'ip-pool-exhaustion';
        await page.selectOption('#filter-detector', detector);
        expect(await visibleRows(page)).toEqual(
          rows.filter((row) => row.severity === 'high' && row.detector === detector).map((row) => row.id),
        );
        await page.selectOption('#filter-severity', '');
        await page.selectOption('#filter-detector', '');
        const cluster = rows[0]!.clusters[0]!;
        await page.selectOption('#filter-cluster', cluster);
        expect(await visibleRows(page)).toEqual(rows.filter((row) => row.clusters.includes(cluster)).map((r) => r.id));
        await page.selectOption('#filter-cluster', '');
        expect(await visibleRows(page)).toHaveLength(findingCount);

        const podIps = () =>
          page.$$eval('#findings tbody tr', (trs) =>
            (trs as HTMLTableRowElement[]).map((tr) => Number(tr.cells[6]!.dataset.value)),
          );
        await page.click('#findings th:nth-child(7) button');
        expect(await podIps()).toEqual(rows.map((row) => row.podIps).sort((a, b) => a - b));
        expect(await page.getAttribute('#findings th:nth-child(7)', 'aria-sort')).toBe('ascending');
        await page.click('#findings th:nth-child(7) button');
        expect(await podIps()).toEqual(rows.map((row) => row.podIps).sort((a, b) => b - a));
      });

      it("opens a finding's detail from its row and closes it", async () => {
        const { page } = loaded;
        const [dialogId, findingId] = await page.$eval('#findings tbody tr', (tr) => [
          tr.dataset.open!,
          tr.dataset.id!,
        ]);
        expect(await page.locator('dialog[open]').count()).toBe(0);
        await page.click('#findings tbody tr:first-child td:first-child');
        const dialog = page.locator(`dialog#${dialogId}`);
        expect(await dialog.isVisible()).toBe(true);
        expect(await dialog.locator('.summary').textContent()).toBe(summaries.get(findingId));
        await dialog.locator('button.close').click();
        expect(await dialog.isVisible()).toBe(false);
        expect(loaded.problems).toEqual([]);
      });
    });
  }

  it('shows hostile account text as text and marks the dangerous edges', async () => {
    const { html } = reportOf(riskyInventory({ hostile: true }));
    const { page, problems, alerts, requests, url } = await load('hostile', html);
    try {
      expect(problems).toEqual([]);
      expect(alerts).toEqual([]);
      expect(requests).toEqual([url]);
      expect(await page.$$eval('img', (images) => images.length)).toBe(0);
      const picture = await page.textContent('svg.exposure');
      expect(picture).toContain(`ng-a${HOSTILE}`);
      expect(picture).toContain(`prod-nodes${HOSTILE}`);
      const dangerous = await page.$$eval('svg.exposure g.edge[data-dangerous="true"]', (gs) =>
        gs.map((g) => ({ to: g.getAttribute('data-to'), stroke: getComputedStyle(g.querySelector('path')!).stroke })),
      );
      expect(dangerous).toHaveLength(2);
      expect(dangerous.every((edge) => edge.stroke === 'rgb(198, 40, 40)')).toBe(true);
      await page.screenshot({ path: join(ARTIFACTS, 'hostile.png'), fullPage: true });
      // The finding about the database grant names the hostile database SG; its detail shows it as text.
      await page.click('#findings tbody tr[data-severity*="high"] button.open');
      expect(await page.locator('dialog[open]').textContent()).toContain(`prod-postgres${HOSTILE}`);
    } finally {
      await page.close();
    }
  });

  it('blocks markup injected after load: no inline handler runs, no image loads', async () => {
    const { html } = reportOf(riskyInventory());
    const { page } = await load('csp', html);
    const outcomes: string[] = [];
    page.on('requestfinished', (request) => outcomes.push(`finished ${request.url()}`));
    page.on('requestfailed', (request) => outcomes.push(`${request.failure()?.errorText} ${request.url()}`));
    try {
      const ran = await page.evaluate(async () => {
        const flag = window as unknown as { injected?: number };
        document.body.insertAdjacentHTML(
          'beforeend',
          '<img src="https://example.invalid/x.png" onerror="window.injected=1">',
        );
        const script = document.createElement('script');
        script.textContent = 'window.injected = 2';
        document.body.append(script);
        await new Promise((resolve) => setTimeout(resolve, 300));
        return flag.injected ?? 0;
      });
      expect(ran).toBe(0);
      // Chromium refuses the image for the policy (failure text "csp") before any network I/O.
      expect(outcomes).toEqual(['csp https://example.invalid/x.png']);
    } finally {
      await page.close();
    }
  });
});
