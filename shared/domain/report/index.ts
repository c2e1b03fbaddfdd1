export { alertOf, type ReportAlert } from './budget-alert.ts';
export { buildMonthlyReport } from './build-report.ts';
export { ReportFormatError, ReportInputError } from './errors.ts';
export { type ReconciledInvalidations, reconcileInvalidations } from './reconcile.ts';
export { renderChart } from './render-chart.ts';
export { CSV_COLUMNS, csvField, renderCsv } from './render-csv.ts';
export { renderHtml } from './render-html.ts';
export { renderJson } from './render-json.ts';
export { renderMarkdown } from './render-markdown.ts';
export { parseReportFormat, REPORT_FORMATS, type ReportFormat, renderReport } from './render-report.ts';
export { renderTable, TABLE_WIDTH } from './render-table.ts';
export {
  type MonthSavings,
  NO_SAVINGS,
  SAVINGS_FIELDS,
  type SavingsCounts,
  type SavingsFigures,
  type SavingsInput,
} from './savings.ts';
export type {
  CloudFrontInvalidationRecord,
  DayFigures,
  DistributionFigures,
  LatencyFigures,
  LedgerItemSummary,
  LedgerStatusCounts,
  MonthlyReport,
  MonthlyReportInput,
  OutsideInvalidation,
  PathCounters,
  ReconciliationInput,
  ReportFigures,
} from './types.ts';
export { REPORT_LEDGER_STATUS } from './types.ts';
