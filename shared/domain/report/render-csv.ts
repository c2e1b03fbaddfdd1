import type { MonthlyReport, ReportFigures } from './types.ts';

/** The CSV columns, in order. */
export const CSV_COLUMNS = [
  'month',
  'scope',
  'distribution_id',
  'date',
  'invalidation_id',
  'invalidations',
  'paths',
  'exact_paths',
  'wildcard_paths',
  'changed_objects',
  'paths_saved',
  'outside_invalidations',
  'outside_paths',
  'cumulative_paths',
  'free_tier_used',
  'cost_usd',
  'one_path_per_object_cost_usd',
  'cost_avoided_usd',
  'latency_samples',
  'latency_median_ms',
  'latency_p95_ms',
  'caller_reference',
  'invalidation_paths',
] as const;

type Column = (typeof CSV_COLUMNS)[number];
type Row = Partial<Record<Column, string | number | null>>;

/**
 * The report as one CSV table (RFC 4180: comma separated, CRLF line ends, fields quoted when they hold
 * a comma, quote or line break). The `scope` column says what a row is: `total`, `distribution`, `day`
 * or `outside` (an invalidation submitted elsewhere); cells that do not apply to a scope are empty.
 * Text cells that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`) get a leading `'`.
 *
 * @param report - from {@link buildMonthlyReport}
 */
export function renderCsv(report: MonthlyReport): string {
  const month = report.month;
  const rows: Row[] = [
    { month, scope: 'total', ...figures(report.totals) },
    ...report.distributions.map((d) => ({
      month,
      scope: 'distribution',
      distribution_id: d.distributionId,
      ...figures(d),
    })),
    ...report.days.map((d) => ({
      month,
      scope: 'day',
      date: d.date,
      invalidations: d.invalidations,
      paths: d.paths,
      changed_objects: d.changedObjects,
      outside_paths: d.outsidePaths,
      cumulative_paths: d.cumulativePaths,
    })),
    ...report.reconciliation.outside.map((o) => ({
      month,
      scope: 'outside',
      distribution_id: o.distributionId,
      date: o.createdAt,
      invalidation_id: o.invalidationId,
      outside_invalidations: 1,
      outside_paths: o.paths.length,
      caller_reference: o.callerReference,
      invalidation_paths: o.paths.join(' '),
    })),
  ];
  const lines = [
    CSV_COLUMNS.join(','),
    ...rows.map((row) => CSV_COLUMNS.map((column) => csvField(row[column])).join(',')),
  ];
  return `${lines.join('\r\n')}\r\n`;
}

function figures(f: ReportFigures): Row {
  return {
    invalidations: f.invalidations,
    paths: f.paths,
    exact_paths: f.exactPaths,
    wildcard_paths: f.wildcardPaths,
    changed_objects: f.changedObjects,
    paths_saved: f.pathsSaved,
    outside_invalidations: f.outsideInvalidations,
    outside_paths: f.outsidePaths,
    free_tier_used: f.freeTierUsed,
    cost_usd: f.costUsd,
    one_path_per_object_cost_usd: f.baselineCostUsd,
    cost_avoided_usd: f.costAvoidedUsd,
    latency_samples: f.latency.samples,
    latency_median_ms: f.latency.medianMs,
    latency_p95_ms: f.latency.p95Ms,
  };
}

/**
 * One CSV field: numbers as they are, null as empty, text quoted when needed.
 *
 * @param value - a cell
 */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
