import { monthBoundsOf, monthKeyOf } from '../domain/month.ts';
import type { Log, UnitDeps } from './issue-unit.ts';
import {
  type InvalidationFinder,
  LEDGER_STATUS,
  type Ledger,
  type LedgerEntry,
  type OpenReservation,
} from './ports.ts';

/** What the sweeper needs. */
export interface SweepDeps {
  readonly ledger: Pick<Ledger, 'openReservations' | 'closeReservation' | 'markIssued' | 'markNotFound' | 'release'>;
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
  /** Reservations CloudFront did not hold at two looks a staleness apart: released, their paths given back. */
  readonly released: number;
  /** Markers of reservations already settled, removed. */
  readonly closed: number;
  /** Stale reservations left for the next sweep: CloudFront's window was too long to search now. */
  readonly deferred: number;
  /**
   * Stale reservations CloudFront did not hold at a first look: still reserved and counted (a create on
   * its way may land), looked at again once a staleness has passed since that look.
   */
  readonly awaiting: number;
}

/** CloudFront's CreateTime and our clock may disagree a little; windows are widened by this much. */
const CLOCK_SKEW_MS = 5 * 60_000;
/**
 * GetInvalidation calls one sweep may make per distribution and look, so a sweep stays a few seconds
 * inside the collector's invocation. Each window is bounded on both sides, so newer invalidations never
 * use up the look-ups; a window that still holds more is left for a later sweep (and counted as stuck),
 * never released on a partial search.
 */
const MAX_LOOKUPS = 100;

/** Which look a stale reservation is due for. */
type Look = 'first' | 'second';

interface Due {
  readonly open: OpenReservation;
  readonly entry: LedgerEntry;
  readonly look: Look;
}

/**
 * Settles reservations nobody will finish. A unit of work is (distribution, message ids); when SQS
 * brings its messages back in other batches (or never, after the DLQ), a unit left `reserved` by an
 * ambiguous CreateInvalidation failure or a crash is never retried, and its paths would stay counted
 * whether or not CloudFront created the invalidation. For each open reservation older than
 * `staleAfterMs` (this month's and last month's), the sweeper asks CloudFront for its CallerReference:
 * found, the entry is marked issued (counted once, as it is). Not found, it is released only at a second
 * look, a staleness after the first: a CreateInvalidation still on its way (sent before its invocation
 * died, held somewhere past the staleness) may land meanwhile, and until then its paths stay counted, so
 * the hard cap is never handed to another unit while they may still land (soak seeds 35, 74 and 121).
 * The release is conditional on the lease and the first look, so a retry that claimed it meanwhile
 * wins. Settled markers are removed.
 *
 * @param deps - ledger, CloudFront lookup, clock and staleness
 * @throws LedgerError / CloudFrontError; a reservation left alone is settled by the next sweep
 */
export async function sweepReservations(deps: SweepDeps): Promise<SweepResult> {
  const now = deps.now();
  const cutoff = now - deps.staleAfterMs;
  const months = [monthKeyOf(now), monthKeyOf(monthBoundsOf(now).startMs - 1)];
  const due: Due[] = [];
  let closed = 0;
  let awaiting = 0;
  for (const month of months) {
    for (const open of await deps.ledger.openReservations(month, cutoff)) {
      const entry = open.entry;
      if (entry === undefined || entry.status !== LEDGER_STATUS.reserved || entry.reservedAt !== open.reservedAt) {
        await deps.ledger.closeReservation(open.month, open.unitKey, open.reservedAt);
        closed++;
      } else if (open.lease.notFoundAt !== undefined) {
        if (open.lease.notFoundAt <= cutoff) due.push({ open, entry, look: 'second' });
        else awaiting++;
      } else if ((open.lease.claimedAt ?? open.reservedAt) <= cutoff) {
        due.push({ open, entry, look: 'first' });
      }
    }
  }
  let issued = 0;
  let released = 0;
  let deferred = 0;
  const groups = new Map<string, Due[]>();
  for (const item of due) {
    const key = `${item.entry.distributionId} ${item.look}`;
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  for (const group of groups.values()) {
    const { distributionId } = group[0]?.entry ?? { distributionId: '' };
    const references = new Set(group.map((item) => item.entry.callerReference));
    const windows = group.map((item) => windowOf(item, deps.staleAfterMs));
    const { found, complete } = await deps.finder.findByCallerReference(distributionId, references, {
      sinceMs: Math.min(...windows.map((window) => window.sinceMs)),
      untilMs: Math.max(...windows.map((window) => window.untilMs)),
      maxLookups: MAX_LOOKUPS,
    });
    let left = 0;
    for (const { open, entry, look } of group) {
      const invalidation = found.get(entry.callerReference);
      const fields = { distributionId, unitKey: entry.unitKey, paths: entry.plan.paths.length };
      if (invalidation !== undefined) {
        await deps.ledger.markIssued(entry, invalidation.invalidationId, invalidation.createTime);
        await deps.ledger.closeReservation(open.month, open.unitKey, open.reservedAt);
        deps.log.info('stale reservation was issued', { ...fields, invalidationId: invalidation.invalidationId });
        await deps.afterIssue?.(entry, invalidation.invalidationId);
        issued++;
      } else if (!complete) {
        left++;
      } else if (look === 'first') {
        if (await deps.ledger.markNotFound(entry, open.lease, now)) {
          deps.log.info('stale reservation not found in CloudFront, looking again later', fields);
          awaiting++;
        }
      } else if (await deps.ledger.release(entry, { lease: open.lease })) {
        deps.log.info('stale reservation released', fields);
        released++;
      }
    }
    if (!complete) deps.log.warn('reservation sweep incomplete, will retry', { distributionId, left });
    deferred += left;
  }
  // Stale reservations this sweep could not settle stay counted: the StuckReservations alarm watches them.
  deps.metrics?.count('StuckReservations', deferred);
  return { issued, released, closed, deferred, awaiting };
}

/**
 * The creation times a look searches. Every attempt to issue a reservation ran while someone held its
 * lease: after it was reserved, and before its last claim plus the staleness (no invocation outlives
 * it), so the first look searches that. The second searches what may have landed since the first: from
 * the first look to a staleness after it.
 */
function windowOf(item: Due, staleAfterMs: number): { readonly sinceMs: number; readonly untilMs: number } {
  const { open, look } = item;
  if (look === 'second' && open.lease.notFoundAt !== undefined) {
    return {
      sinceMs: open.lease.notFoundAt - CLOCK_SKEW_MS,
      untilMs: open.lease.notFoundAt + staleAfterMs + CLOCK_SKEW_MS,
    };
  }
  return {
    sinceMs: open.reservedAt - CLOCK_SKEW_MS,
    untilMs: (open.lease.claimedAt ?? open.reservedAt) + staleAfterMs + CLOCK_SKEW_MS,
  };
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
        if (result.issued + result.released + result.deferred + result.awaiting > 0)
          deps.log.info('reservations swept', { ...result });
      } catch (error) {
        deps.log.warn('reservation sweep failed', { error: (error as Error).name, reason: (error as Error).message });
      }
    },
  };
}
