import { describe, expect, it } from 'vitest';
import { buildMonthlyReport, CSV_COLUMNS, csvField, renderCsv } from '../../shared/domain/report/index.ts';
import { buildBusyInput, buildSampleInput, buildSampleSavings } from '../helpers/report.ts';

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

  describe('the savings section', () => {
    /** The rows as column -> cell records, keyed by scope and distribution. */
    function rowsOf(text: string): Map<string, Record<string, string | undefined>> {
      const rows = parseCsv(text).slice(1);
      return new Map(
        rows.map((row) => [
          `${row[1]} ${row[2]}`,
          Object.fromEntries(CSV_COLUMNS.map((column, index) => [column, row[index]])),
        ]),
      );
    }

    it('shows the paths new keys avoided and what the listings cost against the paths they saved', () => {
      // Prepare: a third distribution recorded only new keys (nothing issued, so no path counters)
      const savings = buildSampleSavings();
      const newOnly = {
        newKeys: 7,
        newKeyPathsAvoided: 7,
        listRequests: 3,
        getRequests: 1,
        inventoryPlans: 0,
        inventoryPathsSaved: 0,
      };
      const input = buildSampleInput({
        savings: {
          ...savings,
          distributions: [...savings.distributions, { distributionId: 'E3NEW00000000C', counters: newOnly }],
        },
      });
      // Act
      const text = renderCsv(buildMonthlyReport(input));
      // Assess
      const rows = rowsOf(text);
      expect(rows.get('total ')).toMatchObject({
        new_keys: '320',
        new_key_paths_avoided: '262',
        new_key_cost_avoided_usd: '1.31',
        list_requests: '1234',
        get_requests: '5',
        list_cost_usd: '0.006172',
        inventory_plans: '6',
        inventory_paths_saved: '960',
        inventory_cost_avoided_usd: '4.8',
      });
      expect(rows.get('distribution E1SITE0000000A')).toMatchObject({
        paths: '1000',
        new_keys: '300',
        new_key_paths_avoided: '250',
        new_key_cost_avoided_usd: '',
        list_requests: '1200',
        get_requests: '5',
        list_cost_usd: '0.006002',
        inventory_plans: '4',
        inventory_paths_saved: '900',
      });
      expect(rows.get('distribution E3NEW00000000C')).toMatchObject({
        paths: '',
        cost_usd: '',
        new_keys: '7',
        new_key_paths_avoided: '7',
        list_requests: '3',
        get_requests: '1',
        list_cost_usd: '0.0000154',
      });
      for (const row of parseCsv(text)) expect(row).toHaveLength(CSV_COLUMNS.length);
    });

    it('writes zeros on the total and distribution rows of a month without savings counters', () => {
      // Act
      const rows = rowsOf(renderCsv(buildMonthlyReport(buildSampleInput())));
      // Assess
      for (const key of ['total ', 'distribution E1SITE0000000A', 'distribution E2DOCS0000000B']) {
        expect(rows.get(key)).toMatchObject({
          new_keys: '0',
          new_key_paths_avoided: '0',
          list_requests: '0',
          list_cost_usd: '0',
        });
      }
      expect(rows.get('day ')).toMatchObject({ new_keys: '', list_requests: '' });
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
