import type { CloudFrontInvalidationRecord, LedgerItemSummary, OutsideInvalidation } from './types.ts';

/** Invalidations CloudFront holds for the month, split into ours and everybody else's. */
export interface ReconciledInvalidations {
  /** CloudFront invalidations the ledger knows (by invalidation id or CallerReference). */
  readonly ours: number;
  /** Submitted by someone else (console, CI, another tool), oldest first. */
  readonly outside: readonly OutsideInvalidation[];
}

/**
 * Finds the invalidations someone else submitted: those whose id and CallerReference are both unknown
 * to the ledger. Matching the CallerReference too catches an invalidation this service created but
 * never recorded the id of (the process died between CreateInvalidation and markIssued).
 *
 * @param invalidations - what CloudFront holds for the month (ListInvalidations + GetInvalidation)
 * @param ledger - the month's ledger items, any status
 */
export function reconcileInvalidations(
  invalidations: readonly CloudFrontInvalidationRecord[],
  ledger: readonly LedgerItemSummary[],
): ReconciledInvalidations {
  const knownIds = new Set<string>();
  const knownReferences = new Set<string>();
  for (const item of ledger) {
    if (item.invalidationId !== null) knownIds.add(`${item.distributionId}/${item.invalidationId}`);
    knownReferences.add(`${item.distributionId}/${item.callerReference}`);
  }
  let ours = 0;
  const outside: OutsideInvalidation[] = [];
  for (const record of invalidations) {
    const byId = knownIds.has(`${record.distributionId}/${record.invalidationId}`);
    const byReference =
      record.callerReference !== null && knownReferences.has(`${record.distributionId}/${record.callerReference}`);
    if (byId || byReference) {
      ours++;
      continue;
    }
    outside.push({
      distributionId: record.distributionId,
      invalidationId: record.invalidationId,
      createdAt: new Date(record.createTime).toISOString(),
      status: record.status,
      callerReference: record.callerReference ?? '',
      paths: record.paths ?? [],
    });
  }
  outside.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.invalidationId.localeCompare(b.invalidationId));
  return { ours, outside };
}
