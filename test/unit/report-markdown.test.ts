import { describe, expect, it } from 'vitest';
import { buildMonthlyReport, renderMarkdown } from '../../shared/domain/report/index.ts';
import { buildBusyInput, buildEmptyInput, buildSampleInput } from '../helpers/report.ts';

describe('renderMarkdown', () => {
  describe('the sample month', () => {
    it('leads with the verdict and has a summary and a distribution table', () => {
      // Prepare
      const report = buildMonthlyReport(buildSampleInput());
      // Act
      const text = renderMarkdown(report);
      // Assess
      const lines = text.split('\n');
      expect(lines[0]).toBe('# CloudFront invalidation report 2026-10 (UTC)');
      expect(text).toContain('**Over budget: 1,240 paths this month, budget 1,000.**');
      expect(text).toContain('| Cost avoided | $41.80 (one path per object: $43.00) |');
      expect(text).toContain(
        '| `E1SITE0000000A` | 5 | 1,000 | 10 | 9,000 | 8,000 | - | 806 | $0.968 | $39.345 | 60.0 s | 90.0 s |',
      );
      expect(text).toContain(
        '| **total** | 7 | 1,240 | 14 | 9,600 | 8,360 | - | 1,000 | $1.20 | $41.80 | 60.0 s | 90.0 s |',
      );
      expect(text).toContain('| 2026-10-05 | 300 | 0 | 420 |');
    });

    it('gives every table row as many cells as its header', () => {
      // Prepare
      const report = buildMonthlyReport(buildBusyInput());
      // Act
      const text = renderMarkdown(report);
      // Assess
      const lines = text.split('\n');
      let columns = 0;
      for (const line of lines) {
        if (!line.startsWith('|')) {
          columns = 0;
          continue;
        }
        const cells = line.replaceAll('\\|', '').split('|').length;
        if (columns === 0) columns = cells;
        expect(cells, line).toBe(columns);
      }
    });
  });

  describe('outside invalidations', () => {
    it('lists them with paths in code spans, the rest counted', () => {
      // Prepare
      const report = buildMonthlyReport(buildBusyInput());
      // Act
      const text = renderMarkdown(report);
      // Assess
      expect(text).toContain('## Invalidations submitted outside this service');
      expect(text).toContain('caller reference `console-2026-11-03, "hotfix" second line`, 1 path: `/*`');
      expect(text).toContain('`/static/js/chunk-19-a1b2c3d4e5f6.js` and 10 more');
    });
  });

  describe('an empty month', () => {
    it('says there is nothing and stays within budget', () => {
      // Prepare
      const report = buildMonthlyReport(buildEmptyInput());
      // Act
      const text = renderMarkdown(report);
      // Assess
      expect(text).toContain('Within budget: 0 paths this month, budget 1,000.');
      expect(text).toContain('- No invalidations recorded for 2026-10.');
      expect(text).not.toContain('## Days with paths');
    });
  });
});
