import { describeValue } from '../errors.ts';
import { costOfPaths, FREE_PATHS_PER_MONTH } from '../pricing.ts';
import { ReportInputError } from './errors.ts';
import { buildFigures, type FigureSource, latenciesOf, outsideByDistribution } from './figures.ts';
import { buildNotes, countStatuses } from './notes.ts';
import { buildPendingFigures, pendingNotes } from './pending.ts';
import { periodOf, projectPaths, type ReportPeriod } from './period.ts';
import { reconcileInvalidations } from './reconcile.ts';
import { buildSavings } from './savings.ts';
import type { DayFigures, MonthlyReport, MonthlyReportInput, OutsideInvalidation, PathCounters } from './types.ts';

const COUNTER_FIELDS = ['paths', 'exactPaths', 'wildcardPaths', 'invalidations', 'changedObjects'] as const;
const ZERO: PathCounters = { paths: 0, exactPaths: 0, wildcardPaths: 0, invalidations: 0, changedObjects: 0 };

/**
 * Builds the monthly cost report from the month's counters and ledger items (and, when given, what
 * CloudFront holds). Pure: `now` decides whether the month is past, current or future.
 *
 * The counters are the figures: a released unit was already subtracted from them by the collector,
 * so it appears only in the ledger status counts. Timed-out and still-reserved units are counted
 * (their paths went, or may still go, to CloudFront).
 *
 * @param input - see {@link MonthlyReportInput}
 * @throws ReportInputError when a counter is not a non-negative integer or a day lies outside the month
 * @throws MonthKeyError when the month is not `YYYY-MM`
 */
export function buildMonthlyReport(input: MonthlyReportInput): MonthlyReport {
  const period = periodOf(input.month, input.now);
  checkInput(input, period);
  const reconciliation = reconcile(input);
  const outside = reconciliation.outside;
  const reconciled = reconciliation.status === 'done';
  const outsideIn = outsideByDistribution(outside);
  const ids = new Set<string>([
    ...input.distributions.map((d) => d.distributionId),
    ...input.ledger.map((item) => item.distributionId),
    ...outsideIn.keys(),
  ]);
  const countersOf = new Map(input.distributions.map((d) => [d.distributionId, d.counters]));
  const sources = [...ids].sort().map((distributionId) => ({
    distributionId,
    counters: countersOf.get(distributionId) ?? ZERO,
    outsideInvalidations: reconciled ? (outsideIn.get(distributionId)?.invalidations ?? 0) : null,
    outsidePaths: reconciled ? (outsideIn.get(distributionId)?.paths ?? 0) : null,
    latencies: latenciesOf(input.ledger.filter((item) => item.distributionId === distributionId)),
  }));
  const account: FigureSource = {
    counters: input.total,
    outsideInvalidations: reconciled ? outside.length : null,
    outsidePaths: reconciled ? outside.reduce((sum, o) => sum + o.paths.length, 0) : null,
    latencies: latenciesOf(input.ledger),
  };
  const { totals, distributions } = buildFigures(account, sources);
  const accountPaths = totals.paths + (totals.outsidePaths ?? 0);
  const days = buildDays(input, period, outside);
  const firstActiveDay = days.find((day) => day.paths + day.outsidePaths > 0)?.day;
  const projection = projectPaths(period, accountPaths, input.now, firstActiveDay);
  const projected = projection.paths;
  const budget = input.monthlyPathBudget ?? FREE_PATHS_PER_MONTH;
  const ledger = countStatuses(input.ledger);
  const freeUsed = Math.min(accountPaths, FREE_PATHS_PER_MONTH);
  const { startMs, endMs, lastDay, ...publicPeriod } = period;
  const report: Omit<MonthlyReport, 'notes'> = {
    schemaVersion: 1,
    month: input.month,
    generatedAt: new Date(input.now).toISOString(),
    labels: { stage: input.labels?.stage ?? null, tableName: input.labels?.tableName ?? null },
    period: publicPeriod,
    freeTier: { limit: FREE_PATHS_PER_MONTH, used: freeUsed, left: FREE_PATHS_PER_MONTH - freeUsed },
    totals,
    distributions,
    days,
    projection: {
      basis: projection.basis,
      paths: projected,
      costUsd: costOfPaths(0, projected),
      budget,
      overBudget: projected > budget,
    },
    ledger,
    reconciliation,
    pending: buildPendingFigures(input.pending ?? [], input.now),
    savings: buildSavings(input.savings, accountPaths),
  };
  return { ...report, notes: [...buildNotes(report, input.ledger), ...pendingNotes(report.pending)] };
}

function reconcile(input: MonthlyReportInput): MonthlyReport['reconciliation'] {
  const given = input.reconciliation;
  if (given === undefined) return { status: 'not-run', reason: null, distributionsChecked: [], outside: [] };
  if (given.kind === 'failed') return { status: 'failed', reason: given.reason, distributionsChecked: [], outside: [] };
  const { outside } = reconcileInvalidations(given.invalidations, input.ledger);
  return { status: 'done', reason: null, distributionsChecked: [...given.distributionIds].sort(), outside };
}

function buildDays(
  input: MonthlyReportInput,
  period: ReportPeriod,
  outside: readonly OutsideInvalidation[],
): DayFigures[] {
  const ours = new Map(input.days.map((d) => [d.day, d.counters]));
  const theirs = new Map<number, number>();
  for (const invalidation of outside) {
    const day = new Date(invalidation.createdAt).getUTCDate();
    theirs.set(day, (theirs.get(day) ?? 0) + invalidation.paths.length);
  }
  const lastDay = Math.max(period.lastDay, ...ours.keys(), ...theirs.keys(), 0);
  const days: DayFigures[] = [];
  let cumulative = 0;
  for (let day = 1; day <= lastDay; day++) {
    const counters = ours.get(day) ?? ZERO;
    const outsidePaths = theirs.get(day) ?? 0;
    cumulative += counters.paths + outsidePaths;
    days.push({
      day,
      date: `${input.month}-${String(day).padStart(2, '0')}`,
      invalidations: counters.invalidations,
      paths: counters.paths,
      changedObjects: counters.changedObjects,
      outsidePaths,
      cumulativePaths: cumulative,
    });
  }
  return days;
}

function checkInput(input: MonthlyReportInput, period: ReportPeriod): void {
  checkCounters('TOTAL', input.total);
  for (const { distributionId, counters } of input.distributions) checkCounters(`DIST#${distributionId}`, counters);
  for (const { day, counters } of input.days) {
    if (!Number.isInteger(day) || day < 1 || day > period.daysInMonth) {
      throw new ReportInputError(
        `day counter: expected a day 1..${period.daysInMonth} of ${input.month}, got ${describeValue(day)}`,
      );
    }
    checkCounters(`DAY#${String(day).padStart(2, '0')}#TOTAL`, counters);
  }
  if (input.monthlyPathBudget !== undefined) checkCount('monthlyPathBudget', input.monthlyPathBudget);
}

function checkCounters(item: string, counters: PathCounters): void {
  for (const field of COUNTER_FIELDS) checkCount(`${item}.${field}`, counters[field]);
}

function checkCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new ReportInputError(`${name}: expected a non-negative integer, got ${describeValue(value)}`);
  }
}
