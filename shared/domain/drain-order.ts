import { DRAIN_INTERVAL_SECONDS } from './pending-policy.ts';
import type { RouteTable } from './routes.ts';

/** Changes waiting for a distribution, as the drain weighs them (a pending set, or a batch's fresh changes). */
export interface WaitingChanges {
  /** Served CloudFront paths (encoded). */
  readonly paths: readonly string[];
  /** Earliest S3 event time (or receipt) of the changes, epoch ms. */
  readonly firstSeenAt: number;
  /** Their freshness SLO (the route's, or the stage's), seconds. */
  readonly maxStalenessSeconds: number;
}

/**
 * The freshness SLO of changes the given routes produced for one distribution: the smallest
 * `maxStalenessSeconds` among them (a route without one has the stage's), so no change waits longer
 * than its own route allows.
 *
 * @param routeIndexes - positions in `table.routes` of the routes that produced the changes
 * @param stageSeconds - the stage's `maxStalenessSeconds`
 */
export function stalenessOfRoutes(table: RouteTable, routeIndexes: Iterable<number>, stageSeconds: number): number {
  let least = Number.POSITIVE_INFINITY;
  for (const index of routeIndexes) {
    least = Math.min(least, table.routes[index]?.config.maxStalenessSeconds ?? stageSeconds);
  }
  return Number.isFinite(least) ? least : stageSeconds;
}

/**
 * Epoch ms from which the changes may no longer be held: their SLO minus one drain interval (the next
 * drain may come a minute later), never before they were seen.
 */
export function holdDeadlineOf(changes: WaitingChanges): number {
  return changes.firstSeenAt + Math.max(0, changes.maxStalenessSeconds - DRAIN_INTERVAL_SECONDS) * 1000;
}

/** True once the changes have waited longer than their `maxStalenessSeconds`. */
export function isOverdue(changes: WaitingChanges, nowMs: number): boolean {
  return nowMs - changes.firstSeenAt >= changes.maxStalenessSeconds * 1000;
}

/**
 * The changes whose hold deadline comes first: they decide whether a merged drain may still hold (each
 * change by its own route's SLO, docs/architecture.md).
 *
 * @param changes - non-empty
 */
export function mostUrgent<T extends WaitingChanges>(changes: readonly T[]): T {
  let urgent = changes[0] as T;
  for (const candidate of changes) if (holdDeadlineOf(candidate) < holdDeadlineOf(urgent)) urgent = candidate;
  return urgent;
}

/**
 * The order in which a drain that cannot issue everything takes change sets: those pending longer than
 * their `maxStalenessSeconds` first (the longest past it first), then the oldest. Ties keep the input
 * order, so the result is deterministic for a deterministic input.
 */
export function drainOrder<T extends WaitingChanges>(changes: readonly T[], nowMs: number): T[] {
  const rank = (item: T) =>
    isOverdue(item, nowMs)
      ? { group: 0, at: item.firstSeenAt + item.maxStalenessSeconds * 1000 }
      : { group: 1, at: item.firstSeenAt };
  return changes
    .map((item, index) => ({ item, index, ...rank(item) }))
    .sort((a, b) => a.group - b.group || a.at - b.at || a.index - b.index)
    .map(({ item }) => item);
}

/**
 * What a drain issues when the whole merged set does not fit its budget: the sets in {@link drainOrder},
 * each taken when the union with the ones already taken still fits, skipped otherwise (a set that
 * cannot fit now, like a `*` key without a wildcard slot, does not hold back the ones behind it).
 *
 * @param fits - whether a set of paths can be planned within the budget
 * @returns the sets to issue now, in drain order (empty when none fits)
 */
export function pickDrainable<T extends WaitingChanges>(
  changes: readonly T[],
  nowMs: number,
  fits: (paths: readonly string[]) => boolean,
): T[] {
  const taken: T[] = [];
  const paths = new Set<string>();
  for (const item of drainOrder(changes, nowMs)) {
    const union = [...paths, ...item.paths.filter((path) => !paths.has(path))];
    if (!fits(union)) continue;
    taken.push(item);
    for (const path of item.paths) paths.add(path);
  }
  return taken;
}
