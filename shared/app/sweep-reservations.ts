import { monthBoundsOf, monthKeyOf } from '../domain/month.ts';
import type { Log, UnitDeps } from './issue-unit.ts';
import { type InvalidationFinder, LEDGER_STATUS, type Ledger, type OpenReservation } from './ports.ts';

/** What the sweeper needs. */
export interface SweepDeps {
  readonly ledger: Pick<Ledger, 'openReservations' | 'closeReservation' | 'markIssued' | 'release'>;
  readonly finder: InvalidationFinder;
  readonly log: Log;
  readonly now: () => number;
  /**
   * A reservation neither reserved nor claimed for this long belongs to no running invocation: at
   * least the function timeout (an invocation cannot outlive it), so a lease is never taken from one.
   */
  readonly staleAfterMs: number;
  /** Called for a reservation found in CloudFront, as after an issue (the watcher's check). */
  readonly afterIssue?: UnitDeps['afterIssue'];
  /** Receives `StuckReservations`: stale reservations a sweep left unsettled (alarm in serverless.yml). */
  readonly metrics?: { count(name: SweepMetric, value: number): void };
}

export type SweepMetric = 'StuckReservations';

/** What one sweep did. */
export interface SweepResult {
  /** Reservations CloudFront had created (the answer was lost, or the process died): now `issued`. */
  readonly issued: number;
  /** Reservations CloudFront never created: released, their paths given back. */
  readonly released: number;
  /** Markers of reservations already settled, removed. */
  readonly closed: number;
  /** Stale reservations left for the next sweep: CloudFront's window was too long to search now. */
  readonly deferred: number;
}

/** CloudFront's CreateTime and our clock may disagree a little; the window starts this much earlier. */
const CLOCK_SKEW_MS = 5 * 60_000;
/**
 * GetInvalidation calls one sweep may make per distribution, so a sweep stays a few seconds inside
 * the collector's invocation. The window is bounded on both sides (reservation time to last claim +
 * staleness), so newer invalidations never use up the look-ups; a window that still holds more is left
 * for a later sweep (and counted as stuck), never released on a partial search.
 */
const MAX_LOOKUPS = 100;

/**
 * Settles reservations nobody will finish. A unit of work is (distribution, message ids); when SQS
 * brings its messages back in other batches (or never, after the DLQ), a unit left `reserved` by an
 * ambiguous CreateInvalidation failure or a crash is never retried, and its paths would stay counted
 * whether or not CloudFront created the invalidation. For each open reservation older than
 * `staleAfterMs` (this month's and last month's), the sweeper asks CloudFront for its CallerReference:
 * found, the entry is marked issued (counted once, as it is); not found, it is released (conditionally
 * on its lease, so a retry that claimed it meanwhile wins). Settled markers are removed.
 *
 * @param deps - ledger, CloudFront lookup, clock and staleness
 * @throws LedgerError / CloudFrontError; a reservation left alone is settled by the next sweep
 */
export async function sweepReservations(deps: SweepDeps): Promise<SweepResult> {
  const now = deps.now();
  const cutoff = now - deps.staleAfterMs;
  const months = [monthKeyOf(now), monthKeyOf(monthBoundsOf(now).startMs - 1)];
  const stale: OpenReservation[] = [];
  let closed = 0;
  for (const month of months) {
    for (const open of await deps.ledger.openReservations(month, cutoff)) {
      const entry = open.entry;
      if (entry === undefined || entry.status !== LEDGER_STATUS.reserved || entry.reservedAt !== open.reservedAt) {
        await deps.ledger.closeReservation(open.month, open.unitKey, open.reservedAt);
        closed++;
      } else if ((open.lease.claimedAt ?? open.reservedAt) <= cutoff) {
        stale.push(open);
      }
    }
  }
  let issued = 0;
  let released = 0;
  let deferred = 0;
  const byDistribution = new Map<string, OpenReservation[]>();
  for (const open of stale) {
    const distributionId = open.entry?.distributionId ?? '';
    byDistribution.set(distributionId, [...(byDistribution.get(distributionId) ?? []), open]);
  }
  for (const [distributionId, opens] of byDistribution) {
    const references = new Set(opens.map((open) => open.entry?.callerReference ?? ''));
    // Every attempt to issue a reservation ran while someone held its lease: after it was reserved, and
    // before its last claim plus the staleness (no invocation outlives it). Only that window is searched.
    const since = Math.min(...opens.map((open) => open.reservedAt)) - CLOCK_SKEW_MS;
    const until = Math.max(...opens.map((open) => open.lease.claimedAt ?? open.reservedAt)) + deps.staleAfterMs;
    const { found, complete } = await deps.finder.findByCallerReference(distributionId, references, {
      sinceMs: since,
      untilMs: until + CLOCK_SKEW_MS,
      maxLookups: MAX_LOOKUPS,
    });
    for (const open of opens) {
      const entry = open.entry;
      if (entry === undefined) continue;
      const invalidation = found.get(entry.callerReference);
      const fields = { distributionId, unitKey: entry.unitKey, paths: entry.plan.paths.length };
      if (invalidation !== undefined) {
        await deps.ledger.markIssued(entry, invalidation.invalidationId, invalidation.createTime);
        await deps.ledger.closeReservation(open.month, open.unitKey, open.reservedAt);
        deps.log.info('stale reservation was issued', { ...fields, invalidationId: invalidation.invalidationId });
        await deps.afterIssue?.(entry, invalidation.invalidationId);
        issued++;
      } else if (!complete) {
        deferred++;
      } else if (await deps.ledger.release(entry, { lease: open.lease })) {
        deps.log.info('stale reservation released', fields);
        released++;
      }
    }
    if (!complete) deps.log.warn('reservation sweep incomplete, will retry', { distributionId, left: deferred });
  }
  // Stale reservations this sweep could not settle stay counted: the StuckReservations alarm watches them.
  deps.metrics?.count('StuckReservations', deferred);
  return { issued, released, closed, deferred };
}

/**
 * Runs {@link sweepReservations} at most once per `intervalMs` (per container), never failing the
 * caller: a failed sweep is logged and tried again at the next interval.
 *
 * @param deps - what the sweep needs
 * @param intervalMs - the least time between two sweeps
 */
export function createReservationSweeper(deps: SweepDeps, intervalMs: number): { sweepIfDue(): Promise<void> } {
  let lastSweep = Number.NEGATIVE_INFINITY;
  return {
    async sweepIfDue() {
      const now = deps.now();
      if (now - lastSweep < intervalMs) return;
      lastSweep = now;
      try {
        const result = await sweepReservations(deps);
        if (result.issued + result.released + result.deferred > 0) deps.log.info('reservations swept', { ...result });
      } catch (error) {
        deps.log.warn('reservation sweep failed', { error: (error as Error).name, reason: (error as Error).message });
      }
    },
  };
}
