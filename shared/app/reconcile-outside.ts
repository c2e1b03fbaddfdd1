import { monthBoundsOf, monthKeyOf } from '../domain/month.ts';
import { isServiceCallerReference } from '../domain/unit-of-work.ts';
import type { Log } from './issue-unit.ts';
import type { AccountInvalidationSource, AccountLedger } from './ports.ts';

/** What the outside reconciler needs. */
export interface ReconcileOutsideDeps {
  readonly account: AccountLedger;
  readonly source: AccountInvalidationSource;
  readonly log: Log;
  readonly now: () => number;
}

/** What one reconciliation added. */
export interface ReconcileOutsideResult {
  readonly outsideInvalidations: number;
  readonly outsidePaths: number;
}

/**
 * Adds to the month's account total the paths someone else submitted (console, CI, other tools) on any
 * distribution of the account, so the budget and the hard cap see every path CloudFront bills: the
 * free tier is per account. Lists the month's invalidations of every distribution (ListDistributions,
 * ListInvalidations), fetches the ones not seen before (GetInvalidation), and records each once: an
 * invalidation with this service's CallerReference (any stage) is counted by the stage that reserved
 * it, everything else is added here.
 *
 * @throws CloudFrontError / LedgerError; what was recorded stays recorded, the rest waits for the next run
 */
export async function reconcileOutside(deps: ReconcileOutsideDeps): Promise<ReconcileOutsideResult> {
  const now = deps.now();
  const month = monthKeyOf(now);
  const seen = await deps.account.seenInvalidations(month);
  const { invalidations } = await deps.source.listMonth(monthBoundsOf(now), { knownIds: seen });
  let outsideInvalidations = 0;
  let outsidePaths = 0;
  for (const invalidation of invalidations) {
    if (invalidation.paths === null || invalidation.callerReference === null) continue; // seen before
    const outside = !isServiceCallerReference(invalidation.callerReference);
    const added = await deps.account.recordSeen(month, {
      distributionId: invalidation.distributionId,
      invalidationId: invalidation.invalidationId,
      paths: invalidation.paths.length,
      outside,
    });
    if (!added || !outside) continue;
    outsideInvalidations++;
    outsidePaths += invalidation.paths.length;
  }
  if (outsideInvalidations > 0)
    deps.log.info('outside invalidations counted', { month, outsideInvalidations, outsidePaths });
  return { outsideInvalidations, outsidePaths };
}

/**
 * Runs {@link reconcileOutside} at most once per `intervalMs` (per container), never failing the caller.
 *
 * @param deps - what the reconciliation needs
 * @param intervalMs - the least time between two runs
 */
export function createOutsideReconciler(
  deps: ReconcileOutsideDeps,
  intervalMs: number,
): { reconcileIfDue(): Promise<void> } {
  let last = Number.NEGATIVE_INFINITY;
  return {
    async reconcileIfDue() {
      const now = deps.now();
      if (now - last < intervalMs) return;
      last = now;
      try {
        await reconcileOutside(deps);
      } catch (error) {
        deps.log.warn('outside reconciliation failed', {
          error: (error as Error).name,
          reason: (error as Error).message,
        });
      }
    },
  };
}
