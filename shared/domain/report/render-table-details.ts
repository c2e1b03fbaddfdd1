import { formatCount, formatInstant } from './format-values.ts';
import { layoutColumns, TEXT_WIDTH, truncate } from './text-layout.ts';
import type { MonthlyReport } from './types.ts';

/** Characters of the cumulative bar in the daily table. */
const BAR_WIDTH = 24;

/**
 * The days with paths, each with a bar of the cumulative paths against the free tier (`|`).
 *
 * @param report - the report
 */
export function dailyTable(report: MonthlyReport): string[] {
  const withData = report.days.filter((d) => d.paths + d.outsidePaths > 0);
  if (withData.length === 0) return [];
  const scale = Math.max(report.freeTier.limit, ...report.days.map((d) => d.cumulativePaths));
  const free = Math.round((report.freeTier.limit / scale) * BAR_WIDTH);
  const bar = (cumulative: number) => {
    const filled = Math.round((cumulative / scale) * BAR_WIDTH);
    const cells = Array.from({ length: BAR_WIDTH }, (_, i) => (i < filled ? '#' : i === free - 1 ? '|' : '.'));
    return cells.join('');
  };
  return [
    '',
    `Days with paths (cumulative bar: | marks the ${formatCount(report.freeTier.limit)}-path free tier)`,
    ...layoutColumns(
      [
        { header: 'date', align: 'left' },
        { header: 'paths', align: 'right' },
        { header: 'outside', align: 'right' },
        { header: 'cumulative', align: 'right' },
        { header: 'cumulative vs free tier', align: 'left' },
      ],
      withData.map((d) => [
        d.date,
        formatCount(d.paths),
        formatCount(d.outsidePaths),
        formatCount(d.cumulativePaths),
        bar(d.cumulativePaths),
      ]),
    ),
  ];
}

/**
 * Invalidations submitted elsewhere, each followed by its paths on one line cut to the width.
 *
 * @param report - the report
 */
export function outsideTable(report: MonthlyReport): string[] {
  const { outside } = report.reconciliation;
  if (outside.length === 0) return [];
  const rows = outside.map((o) => [
    formatInstant(o.createdAt).slice(0, 16),
    o.distributionId,
    o.invalidationId,
    formatCount(o.paths.length),
    truncate(o.callerReference, 20),
  ]);
  const table = layoutColumns(
    [
      { header: 'created (UTC)', align: 'left' },
      { header: 'distribution', align: 'left' },
      { header: 'invalidation', align: 'left' },
      { header: 'paths', align: 'right' },
      { header: 'caller reference', align: 'left' },
    ],
    rows,
  );
  const withPaths = table.slice(0, 2);
  outside.forEach((o, index) => {
    withPaths.push(table[index + 2] as string, truncate(`    ${o.paths.join(' ')}`, TEXT_WIDTH));
  });
  return ['', 'Invalidations submitted outside this service (they share the free tier)', ...withPaths];
}
