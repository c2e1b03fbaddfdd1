import { monthKeyOf } from '../../shared/domain/month.ts';
import type { RecordedInvalidation } from '../../shared/local/cloudfront-emulator/index.ts';
import type { Counters } from './fault-stack.ts';
import type { RunObservation } from './invariants.ts';

const OUR_REFERENCE = 'inv-';

/**
 * A request sent in the last moment of a month reaches CloudFront in the next: a ledger that counted it
 * in the month it was sent is right if CloudFront created it within this much after midnight (the
 * request's own latency; the emulator and the collector share the clock).
 */
const BOUNDARY_SKEW_MS = 5000;

/** Whether an invalidation is the service's (its CallerReference), not someone else's. */
export function isOurs(invalidation: RecordedInvalidation): boolean {
  return invalidation.callerReference.startsWith(OUR_REFERENCE);
}

export function sumPaths(invalidations: readonly RecordedInvalidation[]): number {
  return invalidations.reduce((sum, invalidation) => sum + invalidation.paths.length, 0);
}

/**
 * The month AWS bills an invalidation in: the month CloudFront created it (its CreateTime), or the
 * month before when the ledger counted it there and it was created within the boundary skew.
 */
export function billedMonthOf(invalidation: RecordedInvalidation, ledgerMonth: string | undefined): string {
  const created = invalidation.createTime.getTime();
  const month = monthKeyOf(created);
  if (ledgerMonth !== undefined && ledgerMonth !== month && monthKeyOf(created - BOUNDARY_SKEW_MS) === ledgerMonth) {
    return ledgerMonth;
  }
  return month;
}

/**
 * Invariant 2: in each month, the counters equal the paths of CloudFront's distinct invalidations of ours
 * billed that month; every one is issued in the ledger with its id; nothing is left reserved.
 */
export function checkCounts(run: RunObservation, ours: readonly RecordedInvalidation[], violations: string[]) {
  const byReference = new Map(run.ledger.map((row) => [`${row.distributionId}/${row.callerReference}`, row]));
  const billed = billedByMonth(run, ours, byReference, violations);
  const delta = (after: Counters, before: Counters) => after.paths - before.paths;
  let double = 0;
  let missing = 0;
  for (const month of run.months) {
    const mine = billed.get(month) ?? [];
    const before = run.before.months[month];
    const after = run.after.months[month];
    if (before === undefined || after === undefined) continue;
    const issued = sumPaths(mine);
    const counted = delta(after.total, before.total);
    double += Math.max(0, counted - issued);
    missing += Math.max(0, issued - counted);
    if (counted !== issued) {
      violations.push(
        `${month}: TOTAL counts ${counted} paths, CloudFront issued ${issued} (${mine.length} invalidations)`,
      );
    }
    const countedInvalidations = after.total.invalidations - before.total.invalidations;
    if (countedInvalidations !== mine.length) {
      violations.push(`${month}: TOTAL counts ${countedInvalidations} invalidations, CloudFront holds ${mine.length}`);
    }
    for (const [id, counters] of Object.entries(after.distributions)) {
      const was = before.distributions[id] as Counters;
      const paths = sumPaths(mine.filter((invalidation) => invalidation.distributionId === id));
      if (delta(counters, was) !== paths) {
        violations.push(`${month}: DIST#${id} counts ${delta(counters, was)} paths, CloudFront issued ${paths}`);
      }
    }
  }
  for (const invalidation of ours) {
    const row = byReference.get(`${invalidation.distributionId}/${invalidation.callerReference}`);
    if (row === undefined || row.status === 'released' || row.status === 'reserved') {
      violations.push(
        `invalidation ${invalidation.id} (${invalidation.callerReference}) is ${row?.status ?? 'missing'} in the ledger`,
      );
    } else if (row.invalidationId !== invalidation.id) {
      violations.push(`ledger unit ${row.unitKey} names ${row.invalidationId}, CloudFront made ${invalidation.id}`);
    }
  }
  const unresolved = run.ledger.filter((row) => row.status === 'reserved');
  for (const row of unresolved) {
    violations.push(`unit ${row.unitKey} on ${row.distributionId} is still reserved (${row.pathCount} paths)`);
  }
  return { double, missing, unresolved: unresolved.length, billed };
}

function billedByMonth(
  run: RunObservation,
  ours: readonly RecordedInvalidation[],
  byReference: ReadonlyMap<string, RunObservation['ledger'][number]>,
  violations: string[],
): Map<string, RecordedInvalidation[]> {
  const billed = new Map<string, RecordedInvalidation[]>();
  for (const invalidation of ours) {
    const row = byReference.get(`${invalidation.distributionId}/${invalidation.callerReference}`);
    const month = billedMonthOf(invalidation, row?.month);
    if (!run.months.includes(month)) {
      violations.push(`invalidation ${invalidation.id} was created in ${month}, outside the run's months`);
    }
    billed.set(month, [...(billed.get(month) ?? []), invalidation]);
  }
  return billed;
}

/** Invariant 3: each month's hard cap, on the counter as sampled and on what CloudFront billed that month. */
export function checkCap(
  run: RunObservation,
  billed: ReadonlyMap<string, readonly RecordedInvalidation[]>,
  violations: string[],
): number {
  let breaches = 0;
  for (const month of run.months) {
    const sampled = run.capMax[month] ?? 0;
    if (sampled > run.hardCap) {
      breaches++;
      violations.push(`${month}: the month counter reached ${sampled} paths, over the hard cap ${run.hardCap}`);
    }
    const spent = (run.before.months[month]?.total.paths ?? 0) + sumPaths(billed.get(month) ?? []);
    if (spent > run.hardCap) {
      breaches++;
      violations.push(`${month}: CloudFront billed ${spent} paths, over the hard cap ${run.hardCap}`);
    }
  }
  return breaches;
}

/** Invariant 4: one invalidation per CallerReference and distribution, over every run so far. */
export function checkReferences(run: RunObservation, violations: string[]): number {
  const seen = new Map<string, number>();
  for (const invalidation of run.invalidations) {
    const key = `${invalidation.distributionId}/${invalidation.callerReference}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  let duplicates = 0;
  for (const [key, count] of seen) {
    if (count < 2) continue;
    duplicates++;
    violations.push(`CallerReference ${key} was issued ${count} times`);
  }
  // CloudFront refuses a CallerReference sent again with another batch: that answer means the service
  // reused one for different paths, which the count of created invalidations alone cannot show.
  if (run.alreadyExists > 0) {
    violations.push(`CloudFront answered InvalidationBatchAlreadyExists ${run.alreadyExists} times, expected never`);
  }
  return duplicates + run.alreadyExists;
}
