import { mostUrgent, pickDrainable } from '../domain/drain-order.ts';
import { monthKeyOf } from '../domain/month.ts';
import { shouldHoldPending } from '../domain/pending-policy.ts';
import { fits, issueChosen, type Plan, putFresh, type Waiting } from './drain-unit.ts';
import type { IsolationDeps } from './isolate-refused.ts';
import type { BudgetPolicy } from './issue-unit.ts';
import type { PendingSet, PendingStore } from './pending-ports.ts';
import { LEDGER_STATUS } from './ports.ts';

/** A drain holds its distribution's lease at most this long (Lambda's longest timeout). */
const LEASE_TTL_MS = 900_000;

/** The policy of the pending set. */
export interface PendingPolicy extends BudgetPolicy {
  /** The stage's freshness SLO (seconds), for pending sets stored without one of their own. */
  readonly defaultMaxStalenessSeconds: number;
}

/** What issuing with the pending set needs. */
export interface PendingDeps extends IsolationDeps {
  readonly pending: PendingStore;
  readonly pendingPolicy: PendingPolicy;
  readonly pendingMetrics: { count(name: PendingMetric, value: number): void };
}

export type PendingMetric = 'PendingWritten' | 'PendingDrained' | 'PendingHeld';

/** Changes of one batch for one distribution (none for a scheduled drain). */
export interface FreshChanges {
  /** The unit key of these changes alone (distribution + message ids). */
  readonly unitKey: string;
  readonly paths: readonly string[];
  readonly messageIds: readonly string[];
  readonly changedObjects: number;
  readonly firstSeenAt: number;
  /** Their freshness SLO: the smallest `maxStalenessSeconds` of the routes that produced them. */
  readonly maxStalenessSeconds: number;
}

/**
 * What happened to a distribution's changes: all issued, issued in part (the rest pending: the budget
 * took the overdue and oldest first), held to coalesce, left pending, or nothing to do.
 */
export type PendingOutcome = 'issued' | 'partly-issued' | 'held' | 'pending' | 'nothing';

/**
 * Issues a distribution's fresh changes together with its pending sets, as one plan, or writes the
 * fresh changes to the pending set when they cannot (or should not) go now. On return every fresh
 * change is either issued or durably pending, so its SQS messages may be acknowledged.
 *
 * Held only while every change may still wait by its own SLO (`maxStalenessSeconds` of its route). When
 * the merged set does not fit the budget (no wildcard slot, the hard cap or the in-flight quota leaving
 * few paths), the sets that fit go, overdue ones first and then the oldest ({@link pickDrainable}); the
 * others stay pending.
 *
 * Concurrent drains of one distribution are kept apart by a lease; a drain that finds the lease taken
 * issues its fresh changes alone. Sets are claimed by the drain's unit before it is issued: a later
 * drain removes sets whose unit the ledger shows issued, leaves sets whose unit is still reserved (in
 * doubt: the reservation sweep settles it) and takes the others again. No pending change is issued
 * twice.
 *
 * @param plan - plans a set of paths within a budget (the collector's planner with its inventory)
 * @throws what the ledger, or the pending store when it cannot be written, throws: the records retry
 */
export async function issueWithPending(
  distributionId: string,
  fresh: FreshChanges | undefined,
  plan: Plan,
  deps: PendingDeps,
): Promise<PendingOutcome> {
  const now = deps.now();
  const owner = fresh?.unitKey ?? `drain-${now}-${Math.random().toString(36).slice(2, 10)}`;
  const leased = await deps.pending.acquireLease(distributionId, owner, now, LEASE_TTL_MS);
  try {
    const sets = leased ? await usableSets(distributionId, deps) : [];
    if (fresh === undefined && sets.length === 0) return 'nothing';
    const waiting: Waiting[] = [
      ...(fresh === undefined ? [] : [{ ...fresh, fresh }]),
      ...sets.map((set) => ({
        paths: set.paths,
        firstSeenAt: set.firstSeenAt,
        maxStalenessSeconds: set.maxStalenessSeconds ?? deps.pendingPolicy.defaultMaxStalenessSeconds,
        set,
      })),
    ];
    if (await shouldHold(waiting, now, deps)) {
      if (fresh !== undefined) await putFresh(distributionId, fresh, undefined, deps);
      deps.pendingMetrics.count('PendingHeld', 1);
      return 'held';
    }
    const whole = await issueChosen(distributionId, waiting, plan, deps);
    if (whole.kind !== 'too-big') return whole.kind;
    // The merged set does not fit: what fits goes, overdue first, then the oldest.
    const chosen = pickDrainable(waiting, now, (paths) => fits(plan, paths, whole.budget));
    deps.log.info('drain takes part of the pending changes', {
      distributionId,
      sets: waiting.length,
      taken: chosen.length,
      budget: whole.budget.maxPaths,
      wildcards: whole.budget.maxWildcards,
    });
    const part = chosen.length === 0 ? undefined : await issueChosen(distributionId, chosen, plan, deps);
    const freshLeft = !chosen.some((item) => item.fresh !== undefined) || part?.kind === 'too-big';
    if (fresh !== undefined && freshLeft) await putFresh(distributionId, fresh, undefined, deps);
    if (part?.kind === 'issued') return chosen.length === waiting.length ? 'issued' : 'partly-issued';
    return 'pending';
  } finally {
    if (leased) await releaseLease(distributionId, owner, deps);
  }
}

/**
 * Gives the distribution's drain lease back. By now every fresh change is issued or durably pending, so
 * a failure here is logged, not thrown: thrown, it would fail the records of changes already issued, and
 * their retry would issue them again under another unit (soak seed 148). A lease left behind goes stale
 * after {@link LEASE_TTL_MS}; meanwhile batches issue their own changes without the pending sets.
 */
async function releaseLease(distributionId: string, owner: string, deps: PendingDeps): Promise<void> {
  try {
    await deps.pending.releaseLease(distributionId, owner);
  } catch (error) {
    deps.log.warn('drain lease not released: it goes stale', { distributionId, error: (error as Error).name });
  }
}

async function shouldHold(waiting: readonly Waiting[], now: number, deps: PendingDeps): Promise<boolean> {
  const urgent = mostUrgent(waiting);
  const usage = await deps.ledger.usage(monthKeyOf(now));
  return shouldHoldPending({
    nowMs: now,
    oldestFirstSeenAt: urgent.firstSeenAt,
    maxStalenessSeconds: urgent.maxStalenessSeconds,
    pathsUsedThisMonth: usage.paths,
    monthlyPathBudget: deps.pendingPolicy.monthlyPathBudget,
    changedPaths: new Set(waiting.flatMap((item) => item.paths)).size,
  });
}

/** The distribution's sets a drain may take; sets whose unit was issued are removed on the way. */
async function usableSets(distributionId: string, deps: PendingDeps): Promise<PendingSet[]> {
  const usable: PendingSet[] = [];
  const done: PendingSet[] = [];
  const units = new Map<string, string | undefined>();
  for (const set of await deps.pending.list(distributionId)) {
    if (set.claimedBy === undefined) {
      usable.push(set);
      continue;
    }
    if (!units.has(set.claimedBy)) units.set(set.claimedBy, (await deps.ledger.findUnit(set.claimedBy))?.status);
    const status = units.get(set.claimedBy);
    if (status === LEDGER_STATUS.reserved) continue; // in doubt: the reservation sweep settles it first
    if (status === undefined || status === LEDGER_STATUS.released) usable.push(set);
    else done.push(set);
  }
  if (done.length > 0) await deps.pending.remove(done);
  return usable;
}
