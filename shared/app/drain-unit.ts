import { createHash } from 'node:crypto';
import type { BatchBudget } from '../domain/budget.ts';
import type { WaitingChanges } from '../domain/drain-order.ts';
import { PlanBudgetError } from '../domain/errors.ts';
import { callerReferenceOf } from '../domain/unit-of-work.ts';
import { isInDoubt, PartlyIssuedError } from './errors.ts';
import { invalidateIsolating } from './isolate-refused.ts';
import type { FreshChanges, PendingDeps } from './issue-with-pending.ts';
import { MAX_SOURCE_IDS, type PendingSet } from './pending-ports.ts';
import type { StoredPlan } from './ports.ts';

/** Fresh changes or a pending set, as the drain weighs and issues them. */
export interface Waiting extends WaitingChanges {
  readonly fresh?: FreshChanges;
  readonly set?: PendingSet;
}

/** Plans a set of paths within a budget (the collector's planner). */
export type Plan = (paths: readonly string[], budget: BatchBudget) => StoredPlan;

/** How a drain unit ended: issued, left pending, or its plan alone did not fit (nothing reserved). */
export type Issued =
  | { readonly kind: 'issued' | 'pending' }
  | { readonly kind: 'too-big'; readonly budget: BatchBudget };

/**
 * Claims the chosen sets for one unit and issues it. `too-big` when the plan alone failed (nothing was
 * reserved or issued), so a smaller choice may go; fresh changes left out of the unit are the caller's.
 */
export async function issueChosen(
  distributionId: string,
  chosen: readonly Waiting[],
  plan: Plan,
  deps: PendingDeps,
): Promise<Issued> {
  const fresh = chosen.find((item) => item.fresh !== undefined)?.fresh;
  const sets = chosen.flatMap((item) => (item.set === undefined ? [] : [item.set]));
  const paths = [...new Set(chosen.flatMap((item) => item.paths))];
  const unitKey = sets.length === 0 && fresh !== undefined ? fresh.unitKey : mergedKeyOf(distributionId, fresh, sets);
  if (sets.length > 0) await deps.pending.claim(sets, unitKey);
  let tooBig: { error: unknown; budget: BatchBudget } | undefined;
  try {
    await invalidateIsolating(
      {
        distributionId,
        unitKey,
        callerReference: callerReferenceOf(unitKey),
        source: 'collector',
        messageCount: (fresh?.messageIds.length ?? 0) + sets.reduce((sum, set) => sum + set.messageCount, 0),
        changedObjects: (fresh?.changedObjects ?? 0) + sets.reduce((sum, set) => sum + set.changedObjects, 0),
        firstEventAt: Math.min(...chosen.map((item) => item.firstSeenAt)),
        plan: (budget) => {
          try {
            return plan(paths, budget);
          } catch (error) {
            if (error instanceof PlanBudgetError) tooBig = { error, budget };
            throw error;
          }
        },
      },
      deps,
    );
  } catch (error) {
    if ((error as Error).name === 'InjectedCrashError') throw error;
    // The unit's own plan did not fit: nothing was reserved, so the sets may be claimed again by a smaller unit.
    if (tooBig !== undefined && tooBig.error === error) return { kind: 'too-big', budget: tooBig.budget };
    if (error instanceof PartlyIssuedError && error.definite) {
      await putRest(distributionId, unitKey, chosen, error, deps);
      await removeIssuedSets(distributionId, unitKey, sets, deps);
      return { kind: 'pending' };
    }
    // Definite failures leave the unit released (its sets are taken again by the next drain); after an
    // ambiguous one the unit stays reserved and the set is claimed by it until the sweep settles it. A
    // unit another invocation holds (the same messages delivered twice at once) is claimed the same way:
    // once that invocation issues it the set is removed, and if it is released the set is drained again.
    const ambiguous = isInDoubt(error);
    if (fresh !== undefined) await putFresh(distributionId, fresh, ambiguous ? unitKey : undefined, deps);
    deps.log.warn('changes pending', {
      distributionId,
      unitKey,
      paths: paths.length,
      error: (error as Error).name,
      reason: (error as Error).message,
    });
    return { kind: 'pending' };
  }
  await removeIssuedSets(distributionId, unitKey, sets, deps);
  return { kind: 'issued' };
}

/**
 * Removes the sets a unit took once CloudFront holds the unit (or, after a partial issue, once the rest
 * is pending): a failure from here on must not send their changes back. Left behind, a set stays claimed
 * by the unit; the next drain removes it when the ledger shows the unit issued (a unit issued in part
 * shows released, so its sets would be drained again: issued twice, never lost).
 */
async function removeIssuedSets(
  distributionId: string,
  unitKey: string,
  sets: readonly PendingSet[],
  deps: PendingDeps,
): Promise<void> {
  if (sets.length === 0) return;
  deps.pendingMetrics.count(
    'PendingDrained',
    sets.reduce((sum, set) => sum + set.paths.length, 0),
  );
  await deps.pending.remove(sets).catch((error: Error) =>
    deps.log.warn('issued pending sets not removed: the next drain removes them', {
      distributionId,
      unitKey,
      error: error.name,
    }),
  );
}

/**
 * After bad-path isolation issued part of a refused unit: what it could not issue goes to the pending
 * set as one set of the paths the failed parts asked for (a wildcard there is planned as itself),
 * written before the unit's sets are removed. Sending everything back instead would invalidate the
 * issued parts again under another unit, which CloudFront does not dedupe (billed twice).
 */
async function putRest(
  distributionId: string,
  unitKey: string,
  chosen: readonly Waiting[],
  error: PartlyIssuedError,
  deps: PendingDeps,
): Promise<void> {
  await deps.pending.put({
    distributionId,
    // Deterministic: a retry of the same unit that ends the same way writes the same set (put is idempotent).
    setKey: `${unitKey}-rest`,
    paths: error.remainingPaths,
    firstSeenAt: Math.min(...chosen.map((item) => item.firstSeenAt)),
    maxStalenessSeconds: Math.min(...chosen.map((item) => item.maxStalenessSeconds)),
    messageIds: [...new Set(chosen.flatMap((item) => item.fresh?.messageIds ?? item.set?.messageIds ?? []))].slice(
      0,
      MAX_SOURCE_IDS,
    ),
    messageCount: chosen.reduce((sum, item) => sum + (item.set?.messageCount ?? item.fresh?.messageIds.length ?? 0), 0),
    changedObjects: error.remainingObjects,
  });
  deps.pendingMetrics.count('PendingWritten', error.remainingPaths.length);
  deps.log.warn('refused request issued in part: the rest is pending', {
    distributionId,
    unitKey,
    issuedParts: error.issuedParts,
    paths: error.remainingPaths.length,
    error: (error.cause as Error | undefined)?.name,
  });
}

/** Whether the paths plan within the budget (no wildcard and more paths than the budget: never). */
export function fits(plan: Plan, paths: readonly string[], budget: BatchBudget): boolean {
  if (budget.maxWildcards === 0 && paths.length > budget.maxPaths) return false;
  try {
    plan(paths, budget);
    return true;
  } catch (error) {
    if (error instanceof PlanBudgetError) return false;
    throw error;
  }
}

/** Writes fresh changes to the pending set (claimed by a unit in doubt, or by none). */
export async function putFresh(
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
    maxStalenessSeconds: fresh.maxStalenessSeconds,
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
