import { describe, expect, it } from 'vitest';
import { buildMonthlyReport, CSV_COLUMNS, csvField, renderCsv } from '../../shared/domain/report/index.ts';
import { buildBusyInput, buildSampleInput } from '../helpers/report.ts';

/** A small RFC 4180 reader, so the test checks what a spreadsheet would see. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += char;
  }
  return rows;
}

describe('renderCsv', () => {
  describe('the sample month', () => {
    it('has one header, a total row, one row per distribution and one per day, CRLF ended', () => {
      // Prepare
      const report = buildMonthlyReport(buildSampleInput());
      // Act
      const text = renderCsv(report);
      // Assess
      expect(text.endsWith('\r\n')).toBe(true);
      const rows = parseCsv(text);
      expect(rows[0]).toEqual([...CSV_COLUMNS]);
      expect(rows.slice(1).map((row) => row[1])).toEqual([
        'total',
        'distribution',
        'distribution',
        ...Array(31).fill('day'),
      ]);
      for (const row of rows) expect(row).toHaveLength(CSV_COLUMNS.length);
    });

    it('writes the figures as plain numbers with money in dollars', () => {
      // Prepare
      const report = buildMonthlyReport(buildSampleInput());
      // Act
      const rows = parseCsv(renderCsv(report));
      // Assess
      const total = Object.fromEntries(CSV_COLUMNS.map((column, index) => [column, rows[1]?.[index]]));
      expect(total).toMatchObject({
        month: '2026-10',
        scope: 'total',
        paths: '1240',
        paths_saved: '8360',
        outside_paths: '',
        free_tier_used: '1000',
        cost_usd: '1.2',
        one_path_per_object_cost_usd: '43',
        cost_avoided_usd: '41.8',
        latency_median_ms: '60000',
      });
    });
  });

  describe('outside invalidations with awkward text', () => {
    it('quotes commas, quotes and line breaks and defuses formulas', () => {
      // Prepare
      const report = buildMonthlyReport(buildBusyInput());
      // Act
      const text = renderCsv(report);
      // Assess
      expect(text).toContain('"console-2026-11-03, ""hotfix""\nsecond line"');
      const rows = parseCsv(text);
      const outside = rows.filter((row) => row[1] === 'outside');
      expect(outside).toHaveLength(2);
      const reference = CSV_COLUMNS.indexOf('caller_reference');
      expect(outside[0]?.[reference]).toBe('console-2026-11-03, "hotfix"\nsecond line');
      expect(outside[1]?.[reference]).toBe(`'=HYPERLINK("x")`);
      expect(outside[1]?.[CSV_COLUMNS.indexOf('invalidation_paths')]?.split(' ')).toHaveLength(30);
    });
  });
});

describe('csvField', () => {
  describe('values that need no quoting', () => {
    it('leaves numbers, empty cells and plain text as they are', () => {
      // Prepare
      const values = [-3, null, undefined, 'E1SITE0000000A'];
      // Act
      const fields = values.map(csvField);
      // Assess
      expect(fields).toEqual(['-3', '', '', 'E1SITE0000000A']);
    });
  });
});
