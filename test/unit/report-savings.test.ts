import { describe, expect, it } from 'vitest';
import {
  buildMonthlyReport,
  ReportInputError,
  renderHtml,
  renderJson,
  renderMarkdown,
  renderTable,
} from '../../shared/domain/report/index.ts';
import { buildCounters, buildEmptyInput, buildSampleInput, buildSampleSavings } from '../helpers/report.ts';

describe('buildMonthlyReport savings', () => {
  describe('a past month with 1,240 paths and savings counters', () => {
    it('prices the listings and what the avoided paths would have added to the bill', () => {
      // Act
      const savings = buildSampleSavings();
      const report = buildMonthlyReport(buildSampleInput({ savings }));
      // Assess: 240 paths are billed already, so every avoided path is $0.005; 1,234 LIST requests
      // $0.00617 and 5 GET-tier requests (GetBucketVersioning) $0.000002
      expect(report.savings.totals).toEqual({
        ...savings.total,
        listCostUsd: 0.006172,
        newKeyCostAvoidedUsd: expect.closeTo(1.31, 10),
        inventoryCostAvoidedUsd: expect.closeTo(4.8, 10),
      });
      expect(report.savings.distributions.map((d) => [d.distributionId, d.listRequests])).toEqual([
        ['E1SITE0000000A', 1200],
        ['E2DOCS0000000B', 34],
      ]);
    });

    it('shows "paths avoided: new keys" and the listings against the paths they saved, as text, Markdown and HTML', () => {
      // Prepare
      const report = buildMonthlyReport(buildSampleInput({ savings: buildSampleSavings() }));
      // Act
      const text = renderTable(report);
      const html = renderHtml(report);
      // Assess
      expect(text).toContain('Paths avoided     new keys: 262 (320 new keys needed no path; $1.31 this month)');
      expect(text).toContain('Listings          1,234 S3 LIST requests and 5 GET requests ($0.0062) saved 960\n');
      expect(text).toContain('                  paths in 6 batches ($4.80 this month)');
      expect(text).toMatch(/^E1SITE0000000A +300 +250 +1,200 +5 +\$0\.006 +4 +900$/m);
      expect(text).toMatch(/^E2DOCS0000000B +20 +12 +34 +0 +\$0\.00017 +2 +60$/m);
      expect(text.split('\n').every((line) => line.length <= 80)).toBe(true);
      expect(html).toContain('Paths avoided: new keys</div><div class="value">262</div>');
      expect(html).toContain('<h2>New keys and listings</h2>');
      expect(html).toContain('1,234 S3 LIST requests and 5 GET requests saved 960 paths ($4.80)');
      expect(JSON.parse(renderJson(report)).savings.totals.newKeyPathsAvoided).toBe(262);
      expect(renderMarkdown(report)).toContain(
        '| Paths avoided | new keys: 262 (320 new keys needed no path; $1.31 this month) |',
      );
    });
  });

  describe('a month within the free tier', () => {
    it('avoids no money while the avoided paths would still have been free', () => {
      // Prepare
      const input = buildEmptyInput({ total: buildCounters({ paths: 100 }), savings: buildSampleSavings() });
      // Act
      const report = buildMonthlyReport(input);
      // Assess: 100 + 262 and 100 + 960 paths stay within (or barely pass) the 1,000 free paths
      expect(report.savings.totals.newKeyCostAvoidedUsd).toBe(0);
      expect(report.savings.totals.inventoryCostAvoidedUsd).toBeCloseTo(0.3, 10);
    });
  });

  describe('a month without savings counters', () => {
    it('reports zeros and no table by distribution', () => {
      // Act
      const report = buildMonthlyReport(buildSampleInput());
      // Assess
      expect(report.savings.totals.listRequests).toBe(0);
      expect(report.savings.distributions).toEqual([]);
      expect(renderTable(report)).not.toContain('New keys and listings');
    });

    it('rejects a negative savings counter naming the item', () => {
      // Prepare
      const savings = buildSampleSavings();
      const input = buildSampleInput({ savings: { ...savings, total: { ...savings.total, listRequests: -1 } } });
      // Act / Assess
      expect(() => buildMonthlyReport(input)).toThrow(ReportInputError);
      expect(() => buildMonthlyReport(input)).toThrow('SAVINGS#TOTAL.listRequests: expected a non-negative integer');
    });
  });
});
