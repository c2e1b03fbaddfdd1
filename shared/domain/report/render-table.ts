import {
  describePeriodState,
  describeSource,
  formatCount,
  formatInstant,
  formatLatency,
  formatMoney,
  formatOptionalCount,
  formatPlural,
} from './format-values.ts';
import { savingsRows, savingsTable } from './render-savings.ts';
import { dailyTable, outsideTable } from './render-table-details.ts';
import { layoutColumns, TEXT_WIDTH, wrapText } from './text-layout.ts';
import type { DistributionFigures, MonthlyReport, ReportFigures } from './types.ts';

/** Width the terminal report is laid out for. */
export const TABLE_WIDTH = TEXT_WIDTH;
const LABEL_WIDTH = 18;

/**
 * The report as aligned plain text for a terminal: a summary, per-distribution usage, cost and
 * latency tables, the days with paths, outside invalidations and notes. Every line fits 80 columns
 * for realistic figures (distribution ids are 14 characters).
 *
 * @param report - from {@link buildMonthlyReport}
 */
export function renderTable(report: MonthlyReport): string {
  const lines = [
    ...header(report),
    '',
    ...summary(report),
    '',
    'Usage by distribution',
    ...usageTable(report),
    '',
    'Cost by distribution (the free tier is shared, so costs are shares of the bill)',
    ...costTable(report),
    ...savingsTable(report),
    ...latencyTable(report),
    ...dailyTable(report),
    ...outsideTable(report),
    '',
    'Notes',
    ...report.notes.flatMap((note) => wrapText(note, TABLE_WIDTH, '- ')),
  ];
  return `${lines.join('\n')}\n`;
}

function header(report: MonthlyReport): string[] {
  const { period, labels } = report;
  const source = describeSource(labels);
  const state = describePeriodState(period);
  return [
    `CloudFront invalidation report ${report.month} (UTC)`,
    ...(source.length > 0 ? [source.join(', ')] : []),
    `as of ${formatInstant(report.generatedAt)}: ${state}`,
  ];
}

function summary(report: MonthlyReport): string[] {
  const { totals, freeTier, projection, reconciliation, ledger } = report;
  const outside =
    reconciliation.status === 'done'
      ? `${formatCount(totals.outsidePaths ?? 0)} in ${formatCount(totals.outsideInvalidations ?? 0)} invalidations submitted elsewhere`
      : reconciliation.status === 'failed'
        ? 'unknown: reconciliation failed'
        : 'not checked (reconcile with CloudFront to include)';
  const budget = `${projection.overBudget ? 'OVER' : 'within'} budget of ${formatCount(projection.budget)}`;
  const rows: [string, string][] = [
    [
      'Paths issued',
      `${formatCount(totals.paths)} in ${formatPlural(totals.invalidations, 'invalidation')} (${formatCount(totals.exactPaths)} exact, ${formatCount(totals.wildcardPaths)} wildcard)`,
    ],
    ['Changed objects', formatCount(totals.changedObjects)],
    ['Paths saved', `${formatCount(totals.pathsSaved)} against one path per object`],
    ['Outside paths', outside],
    [
      'Free tier',
      `${formatCount(freeTier.used)} of ${formatCount(freeTier.limit)} paths used, ${formatCount(freeTier.left)} left`,
    ],
    ['Cost', `${formatMoney(totals.costUsd)} ($0.005 a path beyond the free tier)`],
    [
      'Cost avoided',
      `${formatMoney(totals.costAvoidedUsd)} (one path per object: ${formatMoney(totals.baselineCostUsd)})`,
    ],
    ...savingsRows(report),
    [
      'Projection',
      `${formatCount(projection.paths)} paths, ${formatMoney(projection.costUsd)} (${projection.basis === 'rate' ? 'at the current rate' : 'actual'}); ${budget}`,
    ],
    ['Latency', latencyText(totals)],
    [
      'Ledger',
      `${ledger.completed} completed, ${ledger.issued} issued, ${ledger.reserved} reserved, ${ledger.timedOut} timed out, ${ledger.released} released`,
    ],
  ];
  return rows.flatMap(([label, text]) => wrapText(text, TABLE_WIDTH, label.padEnd(LABEL_WIDTH)));
}

function latencyText(figures: ReportFigures): string {
  if (figures.latency.samples === 0) return 'none recorded';
  const { medianMs, p95Ms, samples } = figures.latency;
  return `median ${formatLatency(medianMs)}, p95 ${formatLatency(p95Ms)} (${formatCount(samples)} invalidations)`;
}

function usageTable(report: MonthlyReport): string[] {
  const row = (name: string, f: ReportFigures) => [
    name,
    formatCount(f.invalidations),
    formatCount(f.paths),
    formatCount(f.wildcardPaths),
    formatCount(f.changedObjects),
    formatCount(f.pathsSaved),
    formatOptionalCount(f.outsidePaths),
  ];
  return layoutColumns(
    [
      { header: 'distribution', align: 'left' },
      { header: 'invalidations', align: 'right' },
      { header: 'paths', align: 'right' },
      { header: 'wildcard', align: 'right' },
      { header: 'changed', align: 'right' },
      { header: 'saved', align: 'right' },
      { header: 'outside', align: 'right' },
    ],
    report.distributions.map((d) => row(d.distributionId, d)),
    [row('total', report.totals)],
  );
}

function costTable(report: MonthlyReport): string[] {
  const row = (name: string, f: ReportFigures) => [
    name,
    formatCount(f.freeTierUsed),
    formatMoney(f.costUsd),
    formatMoney(f.baselineCostUsd),
    formatMoney(f.costAvoidedUsd),
  ];
  return layoutColumns(
    [
      { header: 'distribution', align: 'left' },
      { header: 'free tier', align: 'right' },
      { header: 'cost', align: 'right' },
      { header: '1 path/object', align: 'right' },
      { header: 'avoided', align: 'right' },
    ],
    report.distributions.map((d) => row(d.distributionId, d)),
    [row('total', report.totals)],
  );
}

function latencyTable(report: MonthlyReport): string[] {
  if (report.totals.latency.samples === 0) return [];
  const row = (name: string, f: ReportFigures) => [
    name,
    formatCount(f.latency.samples),
    formatLatency(f.latency.medianMs),
    formatLatency(f.latency.p95Ms),
  ];
  const measured = report.distributions.filter((d: DistributionFigures) => d.latency.samples > 0);
  return [
    '',
    'Completion latency (CloudFront creation to completion, recorded by the watcher)',
    ...layoutColumns(
      [
        { header: 'distribution', align: 'left' },
        { header: 'samples', align: 'right' },
        { header: 'median', align: 'right' },
        { header: 'p95', align: 'right' },
      ],
      measured.map((d) => row(d.distributionId, d)),
      [row('total', report.totals)],
    ),
  ];
}
