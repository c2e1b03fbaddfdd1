import type { SavingsFigures } from './savings.ts';
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
  // The savings section (docs/report.md, "What new keys and listings save"), on the total and
  // distribution rows; the money avoided is priced against the account's bill, so on the total only.
  'new_keys',
  'new_key_paths_avoided',
  'new_key_cost_avoided_usd',
  'list_requests',
  'get_requests',
  'list_cost_usd',
  'inventory_plans',
  'inventory_paths_saved',
  'inventory_cost_avoided_usd',
] as const;

type Column = (typeof CSV_COLUMNS)[number];
type Row = Partial<Record<Column, string | number | null>>;

/**
 * The report as one CSV table (RFC 4180: comma separated, CRLF line ends, fields quoted when they hold
 * a comma, quote or line break). The `scope` column says what a row is: `total`, `distribution`, `day`
 * or `outside` (an invalidation submitted elsewhere); cells that do not apply to a scope are empty.
 * The savings figures sit on the total and distribution rows; a distribution with savings but no path
 * counters (all its batches were new keys only) has a distribution row with only its savings cells.
 * Text cells that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`) get a leading `'`.
 *
 * @param report - from {@link buildMonthlyReport}
 */
export function renderCsv(report: MonthlyReport): string {
  const month = report.month;
  const { totals: savingsTotals, distributions: savingsOf } = report.savings;
  const savingsById = new Map(savingsOf.map((d) => [d.distributionId, d]));
  const known = new Set(report.distributions.map((d) => d.distributionId));
  const rows: Row[] = [
    {
      month,
      scope: 'total',
      ...figures(report.totals),
      ...savings(savingsTotals),
      new_key_cost_avoided_usd: savingsTotals.newKeyCostAvoidedUsd,
      inventory_cost_avoided_usd: savingsTotals.inventoryCostAvoidedUsd,
    },
    ...report.distributions.map((d) => ({
      month,
      scope: 'distribution',
      distribution_id: d.distributionId,
      ...figures(d),
      ...savings(savingsById.get(d.distributionId)),
    })),
    ...savingsOf
      .filter((d) => !known.has(d.distributionId))
      .map((d) => ({ month, scope: 'distribution', distribution_id: d.distributionId, ...savings(d) })),
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

/** The savings cells of a row; a distribution without savings counters saved and listed nothing. */
function savings(f: SavingsFigures | undefined): Row {
  return {
    new_keys: f?.newKeys ?? 0,
    new_key_paths_avoided: f?.newKeyPathsAvoided ?? 0,
    list_requests: f?.listRequests ?? 0,
    get_requests: f?.getRequests ?? 0,
    list_cost_usd: f?.listCostUsd ?? 0,
    inventory_plans: f?.inventoryPlans ?? 0,
    inventory_paths_saved: f?.inventoryPathsSaved ?? 0,
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
