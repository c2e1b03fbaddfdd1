import type { Log, UnitDeps } from './issue-unit.ts';
import type { LedgerEntry } from './ports.ts';

// What follows a CloudFront create, for a unit whose invalidation CloudFront holds (just created, or
// found there on a retry). From then on the unit's changes are done whatever the ledger says, so a
// failure here is logged, never thrown: thrown, it would send the changes back (to the pending set, or
// to SQS as failed records) to be planned again under another unit, whose CallerReference CloudFront
// does not know, and the distribution would be invalidated and billed twice for them (soak seed 148).

/**
 * Records the unit as issued (`record` writes the ledger). On failure the entry stays `reserved` with
 * its open marker, its paths counted, and the reservation sweep finds its CallerReference in
 * CloudFront and marks it issued.
 */
export async function recordAfterCreate(
  entry: LedgerEntry,
  invalidationId: string,
  deps: { readonly log: Log },
  record: () => Promise<unknown>,
): Promise<void> {
  await logFailure(
    entry,
    invalidationId,
    deps.log,
    'invalidation issued, not recorded: the reservation sweep records it',
    record,
  );
}

/** Schedules the watcher's check of the unit; lost with a warning rather than sending its changes back. */
export async function checkAfterCreate(
  entry: LedgerEntry,
  invalidationId: string,
  deps: Pick<UnitDeps, 'log' | 'afterIssue'>,
): Promise<void> {
  await logFailure(entry, invalidationId, deps.log, 'invalidation issued, its check not scheduled', async () =>
    deps.afterIssue?.(entry, invalidationId),
  );
}

async function logFailure(
  entry: LedgerEntry,
  invalidationId: string,
  log: Log,
  message: string,
  step: () => Promise<unknown>,
): Promise<void> {
  try {
    await step();
  } catch (error) {
    log.warn(message, {
      distributionId: entry.distributionId,
      unitKey: entry.unitKey,
      invalidationId,
      error: (error as Error).name,
      reason: (error as Error).message,
    });
  }
}
