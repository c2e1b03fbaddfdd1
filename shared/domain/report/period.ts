import { PACING_MIN_WINDOW_MS } from '../budget.ts';
import { type MonthKey, monthBounds } from '../month.ts';
import type { MonthlyReport } from './types.ts';

const DAY_MS = 86_400_000;

/** Where a month stands at `now`. */
export type ReportPeriod = MonthlyReport['period'] & {
  readonly startMs: number;
  readonly endMs: number;
  /** The last day of the series: today for the current month, the last day for a past one, 0 for a future one. */
  readonly lastDay: number;
};

/**
 * The bounds of a UTC month and how much of it lies behind `now`.
 *
 * @param month - `YYYY-MM`
 * @param now - epoch milliseconds
 * @throws MonthKeyError when the month is not `YYYY-MM`
 */
export function periodOf(month: MonthKey, now: number): ReportPeriod {
  const { startMs, endMs } = monthBounds(month);
  const daysInMonth = Math.round((endMs - startMs) / DAY_MS);
  const state = now < startMs ? 'future' : now >= endMs ? 'past' : 'current';
  const elapsedMs = Math.min(Math.max(now - startMs, 0), endMs - startMs);
  return {
    start: new Date(startMs).toISOString(),
    end: new Date(endMs).toISOString(),
    startMs,
    endMs,
    daysInMonth,
    elapsedDays: Math.round((elapsedMs / DAY_MS) * 1000) / 1000,
    state,
    lastDay: state === 'past' ? daysInMonth : state === 'future' ? 0 : Math.floor(elapsedMs / DAY_MS) + 1,
  };
}

/**
 * The paths expected by the end of the month. A past (or future) month has its actual total. The
 * current month extrapolates the rate since its first active day, once that day is at least a day
 * behind `now` (the collector's pacing window); before that there is no rate to speak of (a burst in
 * the first minutes would project hundreds of paths), so the projection is the paths so far.
 *
 * @param period - from {@link periodOf}
 * @param pathsSoFar - account paths counted so far this month
 * @param now - epoch milliseconds
 * @param firstActiveDay - the first day of the month with paths (1-based); undefined when none
 * @returns the paths, and whether they extrapolate a rate
 */
export function projectPaths(
  period: ReportPeriod,
  pathsSoFar: number,
  now: number,
  firstActiveDay: number | undefined,
): { readonly paths: number; readonly basis: 'actual' | 'rate' } {
  if (period.state !== 'current' || firstActiveDay === undefined) return { paths: pathsSoFar, basis: 'actual' };
  const activeSince = period.startMs + (firstActiveDay - 1) * DAY_MS;
  const elapsed = now - activeSince;
  if (elapsed < PACING_MIN_WINDOW_MS) return { paths: pathsSoFar, basis: 'actual' };
  const projected = Math.round((pathsSoFar / elapsed) * (period.endMs - activeSince));
  return { paths: Math.max(pathsSoFar, projected), basis: 'rate' };
}
