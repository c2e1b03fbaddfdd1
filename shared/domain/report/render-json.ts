import type { MonthlyReport } from './types.ts';

/**
 * The report as JSON: the model itself (`schemaVersion` 1), two-space indented. Money is in US dollars
 * as numbers (multiples of $0.005), latencies in milliseconds, instants in ISO 8601 UTC.
 *
 * @param report - from {@link buildMonthlyReport}
 */
export function renderJson(report: MonthlyReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
