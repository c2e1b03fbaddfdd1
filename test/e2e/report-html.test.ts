import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMonthlyReport, renderHtml } from '../../shared/domain/report/index.ts';
import { launchChromium } from '../helpers/chromium.ts';
import {
  buildCloudFrontRecord,
  buildCounters,
  buildEmptyInput,
  buildSampleInput,
  SAMPLE_DAILY_PATHS,
} from '../helpers/report.ts';

interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

async function boxOf(page: Page, selector: string): Promise<Box> {
  const box = await page.locator(selector).boundingBox();
  if (box === null) throw new Error(`expected ${selector} to be rendered, got no box`);
  return box;
}

describe('the HTML report in Chromium', () => {
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    browser = await launchChromium(); // npm-shipped, see test/helpers/chromium.ts
    dir = mkdtempSync(join(tmpdir(), 'report-html-'));
  });

  afterAll(async () => {
    await browser?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  describe('a past month with seven days of paths and one outside invalidation', () => {
    it('renders without JavaScript or network: one bar per day with paths, the free-tier line, a screenshot', async () => {
      // Prepare
      const input = buildSampleInput({
        reconciliation: {
          kind: 'done',
          distributionIds: ['E1SITE0000000A', 'E2DOCS0000000B'],
          invalidations: [buildCloudFrontRecord({ paths: ['/index.html', '/css/*', '/js/app.js'] })],
        },
      });
      const file = join(dir, 'report.html');
      writeFileSync(file, renderHtml(buildMonthlyReport(input)));
      const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1100, height: 900 } });
      const page = await context.newPage();
      const requested: string[] = [];
      page.on('request', (request) => requested.push(request.url()));

      // Act
      await page.goto(pathToFileURL(file).href);
      const screenshot = join(dir, 'report.png');
      await page.screenshot({ path: screenshot, fullPage: true });

      // Assess: one bar per day with paths (the outside paths on the 12th make an eighth day).
      const days = [...Object.keys(SAMPLE_DAILY_PATHS).map(Number), 12].sort((a, b) => a - b);
      const bars = page.locator('svg.chart g.day rect.bar');
      expect(await bars.count()).toBe(days.length);
      expect(
        await page
          .locator('svg.chart g.day')
          .evaluateAll((groups) => groups.map((g) => Number(g.getAttribute('data-day')))),
      ).toEqual(days);
      expect(await page.locator('svg.chart rect.bar-outside').count()).toBe(2); // the legend swatch and the 12th
      const tall = await boxOf(page, 'svg.chart g.day[data-day="5"] rect.bar');
      const short = await boxOf(page, 'svg.chart g.day[data-day="2"] rect.bar');
      expect(tall.height / short.height).toBeCloseTo(300 / 120, 1);
      expect(Math.abs(tall.y + tall.height - (short.y + short.height))).toBeLessThan(1); // same baseline

      // The free-tier line spans the plot, above the baseline, with its label.
      const chart = await boxOf(page, 'svg.chart');
      const freeTier = await boxOf(page, 'svg.chart > line.free-tier');
      expect(freeTier.width).toBeGreaterThan(chart.width * 0.7);
      expect(freeTier.y).toBeGreaterThan(chart.y);
      expect(freeTier.y).toBeLessThan(tall.y + tall.height);
      await expect(page.locator('svg.chart text.free-tier-label').textContent()).resolves.toBe(
        'free tier: 1,000 paths a month (right axis, account-wide)',
      );
      // No day's bar reaches the free-tier line: only the cumulative line can pass the tier.
      const barTops = await bars.evaluateAll((rects) => rects.map((rect) => rect.getBoundingClientRect().top));
      for (const top of barTops) expect(top).toBeGreaterThan(freeTier.y + freeTier.height);
      // The cumulative line passes the free tier: its last point is above (smaller y than) the line.
      const cumulative = await boxOf(page, 'svg.chart polyline.cumulative');
      expect(cumulative.y).toBeLessThan(freeTier.y);

      // Readable text, and nothing fetched but the page itself.
      await expect(page.locator('p.verdict').textContent()).resolves.toContain('Over budget: 1,243 paths this month');
      await expect(page.locator('table').first().locator('tfoot th').textContent()).resolves.toBe('total');
      const shape = await page
        .locator('table')
        .evaluateAll((tables) =>
          tables.map((table) => [...table.querySelectorAll('tr')].map((row) => row.children.length)),
        );
      for (const rows of shape) expect(new Set(rows).size).toBe(1); // every row as wide as its header
      expect(requested).toEqual([pathToFileURL(file).href]);
      expect(statSync(screenshot).size).toBeGreaterThan(20_000);
      await context.close();
    });
  });

  describe('a demo-sized month: one day of 45 paths', () => {
    it('draws the day far below the free-tier line, which only the cumulative line could reach', async () => {
      // Prepare
      const day = buildCounters({ paths: 45, exactPaths: 40, wildcardPaths: 5, invalidations: 3, changedObjects: 120 });
      const file = join(dir, 'demo.html');
      writeFileSync(
        file,
        renderHtml(buildMonthlyReport(buildEmptyInput({ total: day, days: [{ day: 2, counters: day }] }))),
      );
      const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1100, height: 900 } });
      const page = await context.newPage();

      // Act
      await page.goto(pathToFileURL(file).href);

      // Assess: the bar's top is below the free-tier line; the cumulative line is too.
      const bar = await boxOf(page, 'svg.chart g.day[data-day="2"] rect.bar');
      const freeTier = await boxOf(page, 'svg.chart > line.free-tier');
      const cumulative = await boxOf(page, 'svg.chart polyline.cumulative');
      expect(bar.height).toBeGreaterThan(2);
      expect(bar.y).toBeGreaterThan(freeTier.y + freeTier.height);
      expect(cumulative.y).toBeGreaterThan(freeTier.y + freeTier.height);
      await context.close();
    });
  });
});
