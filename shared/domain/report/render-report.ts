import { describeValue } from '../errors.ts';
import { ReportFormatError } from './errors.ts';
import { renderCsv } from './render-csv.ts';
import { renderHtml } from './render-html.ts';
import { renderJson } from './render-json.ts';
import { renderMarkdown } from './render-markdown.ts';
import { renderTable } from './render-table.ts';
import type { MonthlyReport } from './types.ts';

/** The output formats of the report. */
export const REPORT_FORMATS = ['table', 'json', 'csv', 'md', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const RENDERERS: Readonly<Record<ReportFormat, (report: MonthlyReport) => string>> = {
  table: renderTable,
  json: renderJson,
  csv: renderCsv,
  md: renderMarkdown,
  html: renderHtml,
};

/**
 * Checks a format name.
 *
 * @param text - e.g. a `--format` value
 * @throws ReportFormatError when it is not one of {@link REPORT_FORMATS}
 */
export function parseReportFormat(text: string): ReportFormat {
  if ((REPORT_FORMATS as readonly string[]).includes(text)) return text as ReportFormat;
  throw new ReportFormatError(`format: expected one of ${REPORT_FORMATS.join(', ')}, got ${describeValue(text)}`);
}

/**
 * Renders the report in one format.
 *
 * @param report - from {@link buildMonthlyReport}
 * @param format - one of {@link REPORT_FORMATS}
 */
export function renderReport(report: MonthlyReport, format: ReportFormat): string {
  return RENDERERS[format](report);
}
