import { formatCount, formatPlural } from './format-values.ts';
import { type LedgerItemSummary, type LedgerStatusCounts, type MonthlyReport, REPORT_LEDGER_STATUS } from './types.ts';

/**
 * Ledger items by status.
 *
 * @param items - the month's ledger items
 */
export function countStatuses(items: readonly LedgerItemSummary[]): LedgerStatusCounts {
  const counts = { reserved: 0, issued: 0, completed: 0, released: 0, timedOut: 0, other: 0 };
  for (const item of items) {
    switch (item.status) {
      case REPORT_LEDGER_STATUS.reserved:
        counts.reserved++;
        break;
      case REPORT_LEDGER_STATUS.issued:
        counts.issued++;
        break;
      case REPORT_LEDGER_STATUS.completed:
        counts.completed++;
        break;
      case REPORT_LEDGER_STATUS.released:
        counts.released++;
        break;
      case REPORT_LEDGER_STATUS.timedOut:
        counts.timedOut++;
        break;
      default:
        counts.other++;
    }
  }
  return counts;
}

/**
 * Plain sentences about what the figures cannot show: data still moving, gaps between the counters
 * and the ledger, and whether outside invalidations were looked for.
 *
 * @param report - the report built so far
 * @param items - the month's ledger items
 */
export function buildNotes(report: Omit<MonthlyReport, 'notes'>, items: readonly LedgerItemSummary[]): string[] {
  const notes: string[] = [];
  const { totals, ledger, reconciliation } = report;
  if (totals.invalidations === 0 && items.length === 0 && reconciliation.outside.length === 0) {
    notes.push(`No invalidations recorded for ${report.month}.`);
  }
  if (report.period.state === 'current' && report.projection.basis === 'rate') {
    notes.push(
      `The month is in progress: the projection extrapolates the rate since the first day with paths (${report.period.elapsedDays.toFixed(1)} days of the month have passed).`,
    );
  } else if (report.period.state === 'current') {
    notes.push('Too early to project: less than a day of activity this month, so the figures are the paths so far.');
  }
  if (ledger.reserved > 0) {
    notes.push(
      `${formatPlural(ledger.reserved, 'invalidation')} reserved but not issued yet: counted (their paths are held against the budget).`,
    );
  }
  if (ledger.timedOut > 0) {
    notes.push(
      `${formatPlural(ledger.timedOut, 'invalidation')} timed out in the watcher: issued and counted, latency unknown.`,
    );
  }
  if (ledger.released > 0) {
    notes.push(
      `${formatPlural(ledger.released, 'reservation')} released because CloudFront did not create the invalidation: not counted.`,
    );
  }
  const ledgerPaths = items.reduce(
    (sum, item) => sum + (item.status === REPORT_LEDGER_STATUS.released ? 0 : item.pathCount),
    0,
  );
  if (ledgerPaths !== totals.paths) {
    notes.push(
      `Ledger items add up to ${formatCount(ledgerPaths)} paths, the counters to ${formatCount(totals.paths)}: the figures use the counters (ledger items expire by TTL).`,
    );
  }
  if (reconciliation.status === 'not-run') {
    notes.push(
      'Not reconciled with CloudFront: invalidations submitted elsewhere (console, CI) are not counted, so the cost is a lower bound.',
    );
  } else if (reconciliation.status === 'failed') {
    notes.push(
      `Reconciliation with CloudFront failed (${reconciliation.reason ?? 'unknown'}): outside invalidations are not counted.`,
    );
  } else if (reconciliation.outside.length > 0) {
    const paths = reconciliation.outside.reduce((sum, o) => sum + o.paths.length, 0);
    notes.push(
      `${formatPlural(reconciliation.outside.length, 'invalidation')} with ${formatPlural(paths, 'path')} submitted outside this service: they use the same free tier and are counted in the cost.`,
    );
  }
  return notes;
}
