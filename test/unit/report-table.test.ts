import { describe, expect, it } from 'vitest';
import { buildMonthlyReport, renderTable, TABLE_WIDTH } from '../../shared/domain/report/index.ts';
import { buildBusyInput, buildEmptyInput, buildSampleInput } from '../helpers/report.ts';

/** The lines of the block that starts with the line `title`, up to the next empty line. */
function block(text: string, title: string): string[] {
  const lines = text.split('\n');
  const start = lines.indexOf(title);
  expect(start).toBeGreaterThanOrEqual(0);
  const end = lines.indexOf('', start);
  return lines.slice(start + 1, end === -1 ? undefined : end);
}

describe('renderTable', () => {
  describe('a busy month with three distributions and outside invalidations', () => {
    it('keeps every line within 80 columns', () => {
      // Prepare
      const report = buildMonthlyReport(buildBusyInput());
      // Act
      const text = renderTable(report);
      // Assess
      const lines = text.split('\n');
      expect(lines.length).toBeGreaterThan(40);
      for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(TABLE_WIDTH);
      for (const line of lines) expect(line).toBe(line.trimEnd());
    });

    it('aligns the usage table: right-aligned numbers end under their headers', () => {
      // Prepare
      const report = buildMonthlyReport(buildBusyInput());
      // Act
      const text = renderTable(report);
      // Assess
      const [header, rule, ...rows] = block(text, 'Usage by distribution');
      expect(rule).toMatch(/^[- ]+$/);
      const pathsEnd = (header?.indexOf(' paths') ?? 0) + ' paths'.length;
      const numbers = rows.filter((row) => !row.startsWith('-'));
      expect(numbers).toHaveLength(4);
      for (const row of numbers) {
        expect(row.length).toBe(header?.length);
        expect(row[pathsEnd - 1]).toMatch(/[0-9]/);
        expect(row[pathsEnd]).toBe(' ');
      }
      expect(numbers[3]).toMatch(/^total\s+12,003\s+250,000\s+300\s+2,000,000\s+1,750,000\s+31$/);
    });

    it('lists outside invalidations with their paths, cut to the width', () => {
      // Prepare
      const report = buildMonthlyReport(buildBusyInput());
      // Act
      const text = renderTable(report);
      // Assess
      const lines = block(text, 'Invalidations submitted outside this service (they share the free tier)');
      expect(lines[2]).toMatch(/^2026-11-03 08:15\s+E1SITE0000000A\s+I2J0I21PCUYOIK\s+1\s+console-2026-11-03,…$/);
      expect(lines[3]).toBe('    /*');
      expect(lines[5]?.startsWith('    /static/js/chunk-0-a1b2c3d4e5f6.js /static/js/chunk-1-')).toBe(true);
      expect(lines[5]?.endsWith('…')).toBe(true);
    });

    it('summarises the projection against the budget', () => {
      // Prepare
      const report = buildMonthlyReport(buildBusyInput());
      // Act
      const text = renderTable(report);
      // Assess
      expect(text).toContain('Projection        379,794 paths, $1,893.97 (at the current rate); OVER budget of');
      expect(text).toContain('as of 2026-11-20 18:00 UTC: day 19.8 of 30, month in progress');
    });
  });

  describe('the sample month', () => {
    it('shows the figures a person checks first', () => {
      // Prepare
      const report = buildMonthlyReport(buildSampleInput());
      // Act
      const text = renderTable(report);
      // Assess
      expect(text).toContain('Free tier         1,000 of 1,000 paths used, 0 left');
      expect(text).toContain('Cost              $1.20 ($0.005 a path beyond the free tier)');
      expect(text).toContain('Cost avoided      $41.80 (one path per object: $43.00)');
      expect(text).toContain('2026-10-05    300        0         420  ########..........|.....');
    });
  });

  describe('an empty month', () => {
    it('prints an honest, empty report', () => {
      // Prepare
      const report = buildMonthlyReport(buildEmptyInput());
      // Act
      const text = renderTable(report);
      // Assess
      expect(text).toContain('Paths issued      0 in 0 invalidations (0 exact, 0 wildcard)');
      expect(text).toContain('Free tier         0 of 1,000 paths used, 1,000 left');
      expect(text).toContain('- No invalidations recorded for 2026-10.');
      expect(text).not.toContain('Days with paths');
    });
  });
});
