import { createHash } from 'node:crypto';
import type { BatchBudget } from '../domain/budget.ts';
import { monthKeyOf } from '../domain/month.ts';
import { shouldHoldPending } from '../domain/pending-policy.ts';
import { callerReferenceOf } from '../domain/unit-of-work.ts';
import { UnitBusyError } from './errors.ts';
import { type IsolationDeps, invalidateIsolating } from './isolate-refused.ts';
import type { BudgetPolicy } from './issue-unit.ts';
import type { PendingSet, PendingStore } from './pending-ports.ts';
import { LEDGER_STATUS, type StoredPlan } from './ports.ts';

/** A drain holds its distribution's lease at most this long (Lambda's longest timeout). */
const LEASE_TTL_MS = 900_000;

/** The policy of the pending set. */
export interface PendingPolicy extends BudgetPolicy {
  /** Freshness SLO per distribution: the longest a change may be held to coalesce. */
  maxStalenessSeconds(distributionId: string): number;
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
}

/** What happened to a distribution's changes. */
export type PendingOutcome = 'issued' | 'held' | 'pending' | 'nothing';

/**
 * Issues a distribution's fresh changes together with its pending sets, as one plan, or writes the
 * fresh changes to the pending set when they cannot (or should not) go now. On return every fresh
 * change is either issued or durably pending, so its SQS messages may be acknowledged.
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
  plan: (paths: readonly string[], budget: BatchBudget) => StoredPlan,
  deps: PendingDeps,
): Promise<PendingOutcome> {
  const now = deps.now();
  const owner = fresh?.unitKey ?? `drain-${now}-${Math.random().toString(36).slice(2, 10)}`;
  const leased = await deps.pending.acquireLease(distributionId, owner, now, LEASE_TTL_MS);
  try {
    const sets = leased ? await usableSets(distributionId, deps) : [];
    if (fresh === undefined && sets.length === 0) return 'nothing';
    const oldest = Math.min(fresh?.firstSeenAt ?? now, ...sets.map((set) => set.firstSeenAt));
    const paths = [...new Set([...(fresh?.paths ?? []), ...sets.flatMap((set) => set.paths)])];
    const usage = await deps.ledger.usage(monthKeyOf(now));
    const hold = shouldHoldPending({
      nowMs: now,
      oldestFirstSeenAt: oldest,
      maxStalenessSeconds: deps.pendingPolicy.maxStalenessSeconds(distributionId),
      pathsUsedThisMonth: usage.paths,
      monthlyPathBudget: deps.pendingPolicy.monthlyPathBudget,
      changedPaths: paths.length,
    });
    if (hold) {
      if (fresh !== undefined) await putFresh(distributionId, fresh, undefined, deps);
      deps.pendingMetrics.count('PendingHeld', 1);
      return 'held';
    }
    const unitKey = sets.length === 0 && fresh !== undefined ? fresh.unitKey : mergedKeyOf(distributionId, fresh, sets);
    if (sets.length > 0) await deps.pending.claim(sets, unitKey);
    try {
      await invalidateIsolating(
        {
          distributionId,
          unitKey,
          callerReference: callerReferenceOf(unitKey),
          source: 'collector',
          messageCount: (fresh?.messageIds.length ?? 0) + sets.reduce((sum, set) => sum + set.messageCount, 0),
          changedObjects: (fresh?.changedObjects ?? 0) + sets.reduce((sum, set) => sum + set.changedObjects, 0),
          firstEventAt: oldest,
          plan: (budget) => plan(paths, budget),
        },
        deps,
      );
    } catch (error) {
      if ((error as Error).name === 'InjectedCrashError') throw error;
      // Definite failures leave the unit released (its sets are taken again by the next drain); after an
      // ambiguous one the unit stays reserved and the set is claimed by it until the sweep settles it. A
      // unit another invocation holds (the same messages delivered twice at once) is claimed the same way:
      // once that invocation issues it the set is removed, and if it is released the set is drained again.
      const ambiguous = (error as { definite?: unknown }).definite === false || error instanceof UnitBusyError;
      if (fresh !== undefined) await putFresh(distributionId, fresh, ambiguous ? unitKey : undefined, deps);
      deps.log.warn('changes pending', {
        distributionId,
        unitKey,
        paths: paths.length,
        error: (error as Error).name,
        reason: (error as Error).message,
      });
      return 'pending';
    }
    if (sets.length > 0) {
      await deps.pending.remove(sets);
      deps.pendingMetrics.count(
        'PendingDrained',
        sets.reduce((sum, set) => sum + set.paths.length, 0),
      );
    }
    return 'issued';
  } finally {
    if (leased) await deps.pending.releaseLease(distributionId, owner);
  }
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

async function putFresh(
  distributionId: string,
  fresh: FreshChanges,
  claimedBy: string | undefined,
  deps: PendingDeps,
): Promise<void> {
  await deps.pending.put({
    distributionId,
    setKey: fresh.unitKey,
    paths: fresh.paths,
    firstSeenAt: fresh.firstSeenAt,
    messageIds: fresh.messageIds,
    messageCount: fresh.messageIds.length,
    changedObjects: fresh.changedObjects,
    ...(claimedBy === undefined ? {} : { claimedBy }),
  });
  deps.pendingMetrics.count('PendingWritten', fresh.paths.length);
}

/** A drain's unit key: the distribution, the fresh unit and the sets it takes. */
function mergedKeyOf(distributionId: string, fresh: FreshChanges | undefined, sets: readonly PendingSet[]): string {
  const hash = createHash('sha256')
    .update(distributionId)
    .update('\ndrain\n')
    .update(fresh?.unitKey ?? '');
  for (const key of sets.map((set) => set.setKey).sort()) hash.update('\n').update(key);
  return hash.digest('hex').slice(0, 32);
}
