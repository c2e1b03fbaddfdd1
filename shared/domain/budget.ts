import { describeValue, InvalidCountError } from './errors.ts';
import { monthBoundsOf } from './month.ts';

/**
 * CloudFront quotas per distribution: 3,000 exact paths and 15 wildcard paths in progress at once,
 * and at most 3,000 paths in one CreateInvalidation request.
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html#limits-invalidations
 */
export const IN_FLIGHT_EXACT_LIMIT = 3000;
/** Wildcard paths in progress per distribution. */
export const IN_FLIGHT_WILDCARD_LIMIT = 15;
/** Paths in one CreateInvalidation request. */
export const MAX_PATHS_PER_REQUEST = 3000;

/**
 * Early in a month the batch rate is measured over at least this window, so the first minutes do not
 * extrapolate a burst into a month-long rate (and a first batch does not get the whole budget).
 */
export const PACING_MIN_WINDOW_MS = 24 * 60 * 60 * 1000;

/** Which rule decided the batch budget (for logs and the report). */
export const BUDGET_REASON = {
  /** k is the remaining budget spread over the batches expected for the rest of the month. */
  paced: 'paced',
  /** k was cut to `maxPathsPerInvalidation` (or the 3,000-path request limit). */
  maxPerInvalidation: 'max-per-invalidation',
  /** k was cut to the exact paths the distribution may still have in flight. */
  inFlightExact: 'in-flight-exact',
  /** The monthly budget is spent: one path per batch keeps content fresh, and is paid for. */
  budgetSpent: 'budget-spent',
  /** k was cut so the month stays within `hardMonthlyCap`. */
  hardCap: 'hard-cap',
  /** `hardMonthlyCap` is reached: defer (retry later, alarm) instead of paying. */
  hardCapReached: 'hard-cap-reached',
  /** 3,000 exact paths are already in flight: CloudFront would refuse, so defer. */
  inFlightFull: 'in-flight-full',
} as const;
export type BudgetReason = (typeof BUDGET_REASON)[keyof typeof BUDGET_REASON];

/** What the budget rule needs to know about the month, the stage policy and the distribution. */
export interface BudgetInput {
  /** Paths the stage means to spend a month, account-wide (default policy: 1,000 = the free tier). */
  readonly monthlyPathBudget: number;
  /** Paths already reserved this month, account-wide. */
  readonly pathsUsedThisMonth: number;
  /** Batches (invalidations) already reserved this month, not counting this one. */
  readonly batchesThisMonth: number;
  /** Now, epoch milliseconds. */
  readonly nowMs: number;
  /** Stage limit on paths in one invalidation (at most 3,000 are used). */
  readonly maxPathsPerInvalidation: number;
  /** Optional stage cap on paths a month; at the cap work is deferred, never paid for. */
  readonly hardMonthlyCap?: number | undefined;
  /** Exact paths of this distribution currently in progress. */
  readonly exactInFlight: number;
  /** Wildcard paths of this distribution currently in progress. */
  readonly wildcardsInFlight: number;
  /** Wildcard slots kept free for people and pipelines. */
  readonly wildcardSafetyMargin: number;
}

/** The path budget of one batch for one distribution. */
export interface BatchBudget {
  /** k: at most this many paths (0 when deferred). */
  readonly maxPaths: number;
  /** w: at most this many of them wildcards (0 when deferred). */
  readonly maxWildcards: number;
  /** True when nothing may be issued now: fail the records so they come back later. */
  readonly defer: boolean;
  readonly reason: BudgetReason;
  /** True when the monthly budget is already spent, so these paths cost money. */
  readonly overBudget: boolean;
  /** Batches expected for the rest of the month, this one included (at least 1). */
  readonly expectedBatches: number;
}

/**
 * The path budget (k, w) of one batch for one distribution.
 *
 * - remaining = monthlyPathBudget − pathsUsedThisMonth.
 * - expected batches for the rest of the month = this month's rate × time left, at least 1. The rate
 *   counts this batch ((batchesThisMonth + 1) / elapsed) and measures elapsed time over at least
 *   {@link PACING_MIN_WINDOW_MS}.
 * - k = clamp(floor(remaining / expected), 1, min(maxPathsPerInvalidation, 3,000)), then
 *   k ≤ 3,000 − exactInFlight.
 * - Budget spent (remaining ≤ 0): k = 1, freshness first; `overBudget` says it costs money.
 * - hardMonthlyCap: k ≤ cap − used; at the cap, `defer` (k = w = 0). A full exact in-flight quota
 *   also defers, since CloudFront would answer TooManyInvalidationsInProgress.
 * - w = max(0, 15 − wildcardsInFlight − wildcardSafetyMargin).
 *
 * @param input - month usage, stage policy and in-flight counts
 * @throws InvalidCountError when a count is negative, fractional or not a number
 */
export function computeBatchBudget(input: BudgetInput): BatchBudget {
  validate(input);
  const { monthlyPathBudget, pathsUsedThisMonth: used, hardMonthlyCap: cap } = input;
  const remaining = monthlyPathBudget - used;
  const overBudget = remaining <= 0;
  const expectedBatches = expectBatches(input.batchesThisMonth, input.nowMs);
  const deferred = { maxPaths: 0, maxWildcards: 0, defer: true, overBudget, expectedBatches } as const;
  if (cap !== undefined && used >= cap) return { ...deferred, reason: BUDGET_REASON.hardCapReached };
  const exactRoom = IN_FLIGHT_EXACT_LIMIT - input.exactInFlight;
  if (exactRoom < 1) return { ...deferred, reason: BUDGET_REASON.inFlightFull };

  let maxPaths = 1;
  let reason: BudgetReason = BUDGET_REASON.budgetSpent;
  if (!overBudget) {
    const perRequest = Math.min(input.maxPathsPerInvalidation, MAX_PATHS_PER_REQUEST);
    maxPaths = Math.max(1, Math.floor(remaining / expectedBatches));
    reason = BUDGET_REASON.paced;
    if (maxPaths > perRequest) {
      maxPaths = perRequest;
      reason = BUDGET_REASON.maxPerInvalidation;
    }
  }
  if (maxPaths > exactRoom) {
    maxPaths = exactRoom;
    reason = BUDGET_REASON.inFlightExact;
  }
  if (cap !== undefined && maxPaths > cap - used) {
    maxPaths = cap - used;
    reason = BUDGET_REASON.hardCap;
  }
  const maxWildcards = Math.max(0, IN_FLIGHT_WILDCARD_LIMIT - input.wildcardsInFlight - input.wildcardSafetyMargin);
  return { maxPaths, maxWildcards, defer: false, reason, overBudget, expectedBatches };
}

function expectBatches(batchesThisMonth: number, nowMs: number): number {
  const { startMs, endMs } = monthBoundsOf(nowMs);
  const elapsed = Math.max(nowMs - startMs, PACING_MIN_WINDOW_MS);
  const rate = (batchesThisMonth + 1) / elapsed;
  return Math.max(1, rate * (endMs - nowMs));
}

function validate(input: BudgetInput): void {
  requireCount('monthlyPathBudget', input.monthlyPathBudget);
  requireCount('pathsUsedThisMonth', input.pathsUsedThisMonth);
  requireCount('batchesThisMonth', input.batchesThisMonth);
  requireCount('exactInFlight', input.exactInFlight);
  requireCount('wildcardsInFlight', input.wildcardsInFlight);
  requireCount('wildcardSafetyMargin', input.wildcardSafetyMargin);
  if (input.hardMonthlyCap !== undefined) requireCount('hardMonthlyCap', input.hardMonthlyCap);
  if (!Number.isSafeInteger(input.maxPathsPerInvalidation) || input.maxPathsPerInvalidation < 1) {
    throw new InvalidCountError(
      `maxPathsPerInvalidation: expected a positive integer, got ${describeValue(input.maxPathsPerInvalidation)}`,
    );
  }
  if (!Number.isFinite(input.nowMs)) {
    throw new InvalidCountError(`nowMs: expected epoch milliseconds, got ${describeValue(input.nowMs)}`);
  }
}

function requireCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new InvalidCountError(`${name}: expected a non-negative integer, got ${describeValue(value)}`);
  }
}
