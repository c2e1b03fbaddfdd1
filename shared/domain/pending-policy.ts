import { monthBoundsOf } from './month.ts';

/**
 * Default freshness SLO: 0, never hold on purpose (freshness first, as the budget's pacing is). A stage
 * that trades minutes of staleness for paths sets it (900 s: see docs/benchmarks.md, simulated month).
 */
export const DEFAULT_MAX_STALENESS_SECONDS = 0;

/** The SLO the simulated month is measured with. */
export const SUGGESTED_MAX_STALENESS_SECONDS = 900;

/** How often the scheduled drain runs (serverless.yml `rate(1 minute)`). */
export const DRAIN_INTERVAL_SECONDS = 60;

/** What the hold decision reads. */
export interface HoldInput {
  readonly nowMs: number;
  /** First-seen time of the oldest change that would be issued, epoch ms. */
  readonly oldestFirstSeenAt: number;
  readonly maxStalenessSeconds: number;
  readonly pathsUsedThisMonth: number;
  readonly monthlyPathBudget: number;
  /** Changed paths that would be planned now (fresh and pending together). */
  readonly changedPaths: number;
}

/** Change sets up to this many paths may be held; larger ones (a deploy) go at once. */
export const SMALL_SET_PATHS = 50;

/**
 * Whether to hold a distribution's changes in the pending set instead of issuing them now, so later
 * changes coalesce with them (cost-aware coalescing across batches, DESIGN 1).
 *
 * Held only when the budget is tight (at least half of it spent, and more than the share of the month
 * gone by), only small sets (at most {@link SMALL_SET_PATHS} changed paths: a deploy goes at once), and
 * only while the oldest change can still wait: once it is older than
 * `maxStalenessSeconds` minus one drain interval, it goes (the next drain may come a minute later).
 *
 * @returns true to hold, false to issue now
 */
export function shouldHoldPending(input: HoldInput): boolean {
  const ageSeconds = (input.nowMs - input.oldestFirstSeenAt) / 1000;
  if (ageSeconds >= Math.max(0, input.maxStalenessSeconds - DRAIN_INTERVAL_SECONDS)) return false;
  if (input.changedPaths > SMALL_SET_PATHS) return false;
  const { startMs, endMs } = monthBoundsOf(input.nowMs);
  const gone = (input.nowMs - startMs) / (endMs - startMs);
  const aheadOfPace = input.pathsUsedThisMonth > input.monthlyPathBudget * gone;
  return aheadOfPace && input.pathsUsedThisMonth >= input.monthlyPathBudget / 2;
}
