import { costOfPaths, FREE_PATHS_PER_MONTH } from '../pricing.ts';
import { allocate, median, percentile } from './statistics.ts';
import {
  type DistributionFigures,
  type LatencyFigures,
  type LedgerItemSummary,
  type OutsideInvalidation,
  type PathCounters,
  REPORT_LEDGER_STATUS,
  type ReportFigures,
} from './types.ts';

const MILLS_PER_USD = 1000;

/** Our counters and the outside usage of one distribution (or of the account). */
export interface FigureSource {
  readonly counters: PathCounters;
  /** Null when reconciliation did not run. */
  readonly outsideInvalidations: number | null;
  readonly outsidePaths: number | null;
  readonly latencies: readonly number[];
}

/** The account's figures and each distribution's share of them. */
export interface AccountFigures {
  readonly totals: ReportFigures;
  readonly distributions: DistributionFigures[];
}

/**
 * Builds the account figures and splits the account-wide amounts (free tier used, cost, baseline
 * cost) over the distributions in proportion to their paths, largest remainder in mills, so the rows
 * add up to the total exactly. The free tier belongs to the account, so a distribution's cost only
 * means "its share of the bill".
 *
 * @param account - the account's counters (`TOTAL`) and outside usage
 * @param distributions - the same per distribution, in display order
 */
export function buildFigures(
  account: FigureSource,
  distributions: readonly (FigureSource & { readonly distributionId: string })[],
): AccountFigures {
  const outsidePaths = account.outsidePaths ?? 0;
  const accountPaths = account.counters.paths + outsidePaths;
  const baselinePaths = account.counters.changedObjects + outsidePaths;
  const freeUsed = Math.min(accountPaths, FREE_PATHS_PER_MONTH);
  const costMills = toMills(costOfPaths(0, accountPaths));
  const baselineMills = toMills(costOfPaths(0, baselinePaths));
  const pathWeights = distributions.map((d) => d.counters.paths + (d.outsidePaths ?? 0));
  const baselineWeights = distributions.map((d) => d.counters.changedObjects + (d.outsidePaths ?? 0));
  const freeShares = allocate(freeUsed, pathWeights);
  const costShares = allocate(costMills, pathWeights);
  const baselineShares = allocate(baselineMills, baselineWeights);
  return {
    totals: figuresOf(account, freeUsed, costMills, baselineMills),
    distributions: distributions.map((source, index) => ({
      distributionId: source.distributionId,
      ...figuresOf(source, freeShares[index] ?? 0, costShares[index] ?? 0, baselineShares[index] ?? 0),
    })),
  };
}

function figuresOf(
  source: FigureSource,
  freeTierUsed: number,
  costMills: number,
  baselineMills: number,
): ReportFigures {
  const { counters } = source;
  return {
    invalidations: counters.invalidations,
    paths: counters.paths,
    exactPaths: counters.exactPaths,
    wildcardPaths: counters.wildcardPaths,
    changedObjects: counters.changedObjects,
    pathsSaved: counters.changedObjects - counters.paths,
    outsideInvalidations: source.outsideInvalidations,
    outsidePaths: source.outsidePaths,
    freeTierUsed,
    costUsd: costMills / MILLS_PER_USD,
    baselineCostUsd: baselineMills / MILLS_PER_USD,
    costAvoidedUsd: (baselineMills - costMills) / MILLS_PER_USD,
    latency: latencyOf(source.latencies),
  };
}

/**
 * Median and p95 (nearest rank) of the recorded completion latencies.
 *
 * @param latencies - milliseconds, any order
 */
export function latencyOf(latencies: readonly number[]): LatencyFigures {
  return { samples: latencies.length, medianMs: median(latencies), p95Ms: percentile(latencies, 95) };
}

/**
 * The latencies the watcher recorded on ledger items that were really issued (a released unit never
 * reached CloudFront, a timed-out one has no completion time).
 */
export function latenciesOf(items: readonly LedgerItemSummary[]): number[] {
  const latencies: number[] = [];
  for (const item of items) {
    if (item.status === REPORT_LEDGER_STATUS.released || item.latencyMs === null) continue;
    latencies.push(item.latencyMs);
  }
  return latencies;
}

/** Count and paths of outside invalidations, per distribution id. */
export function outsideByDistribution(
  outside: readonly OutsideInvalidation[],
): Map<string, { invalidations: number; paths: number }> {
  const byDistribution = new Map<string, { invalidations: number; paths: number }>();
  for (const invalidation of outside) {
    const entry = byDistribution.get(invalidation.distributionId) ?? { invalidations: 0, paths: 0 };
    entry.invalidations++;
    entry.paths += invalidation.paths.length;
    byDistribution.set(invalidation.distributionId, entry);
  }
  return byDistribution;
}

function toMills(usd: number): number {
  return Math.round(usd * MILLS_PER_USD);
}
