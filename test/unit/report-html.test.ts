import { describe, expect, it } from 'vitest';
import { buildMonthlyReport, renderHtml } from '../../shared/domain/report/index.ts';
import {
  buildBusyInput,
  buildCloudFrontRecord,
  buildEmptyInput,
  buildSampleInput,
  SAMPLE_DAILY_PATHS,
} from '../helpers/report.ts';

function count(text: string, pattern: RegExp): number {
  return text.match(pattern)?.length ?? 0;
}

describe('renderHtml', () => {
  describe('the sample month', () => {
    it('is one self-contained page: no script, no external URL, no external asset', () => {
      // Prepare
      const report = buildMonthlyReport(buildSampleInput());
      // Act
      const html = renderHtml(report);
      // Assess
      expect(html.startsWith('<!doctype html>')).toBe(true);
      expect(html).not.toMatch(/<script/i);
      expect(html).not.toMatch(/https?:|\/\/[a-z]/i);
      expect(html).not.toMatch(/\b(src|href)=/i);
      expect(html).not.toMatch(/url\(|@import/i);
      expect(html).not.toMatch(/\son[a-z]+=/i);
    });

    it('draws one bar per day with paths and the free-tier line', () => {
      // Prepare
      const report = buildMonthlyReport(buildSampleInput());
      // Act
      const html = renderHtml(report);
      // Assess
      expect(count(html, /<rect class="bar" /g)).toBe(Object.keys(SAMPLE_DAILY_PATHS).length);
      expect(count(html, /<line class="free-tier" [^>]*data-paths="1000"/g)).toBe(1);
      expect(count(html, /<polyline class="cumulative"/g)).toBe(1);
      expect(html).toContain('<title>2026-10-05: 300 paths, 420 cumulative</title>');
      expect(html).not.toContain('class="projection"');
    });
  });

  describe('the current month', () => {
    it('draws the projection to the month end', () => {
      // Prepare
      const report = buildMonthlyReport(buildBusyInput());
      // Act
      const html = renderHtml(report);
      // Assess
      expect(count(html, /<line class="projection"/g)).toBe(1);
      expect(html).toContain('projected 379,794');
      expect(html).toContain('class="verdict over"');
    });
  });

  describe('text from CloudFront', () => {
    it('escapes paths and caller references', () => {
      // Prepare
      const input = buildEmptyInput({
        reconciliation: {
          kind: 'done',
          distributionIds: ['E1SITE0000000A'],
          invalidations: [
            buildCloudFrontRecord({ callerReference: '<script>alert(1)</script>', paths: ['/a"b<c>.html'] }),
          ],
        },
      });
      // Act
      const html = renderHtml(buildMonthlyReport(input));
      // Assess
      expect(html).not.toContain('<script');
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(html).toContain('<code>/a&quot;b&lt;c&gt;.html</code>');
      expect(count(html, /<rect class="bar-outside" /g)).toBe(1);
    });
  });

  describe('an empty month', () => {
    it('still draws the axes and the free-tier line, and no bars', () => {
      // Prepare
      const report = buildMonthlyReport(buildEmptyInput());
      // Act
      const html = renderHtml(report);
      // Assess
      expect(count(html, /<rect class="bar" /g)).toBe(0);
      expect(count(html, /<line class="free-tier" /g)).toBe(1);
      expect(html).toContain('No invalidations recorded for 2026-10.');
    });
  });
});
