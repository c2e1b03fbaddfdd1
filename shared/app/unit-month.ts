import { dayOfMonth, monthKeyOf } from '../domain/month.ts';
import { checkAfterCreate, recordAfterCreate } from './after-create.ts';
import { DeferredError, UnitBusyError } from './errors.ts';
import type { UnitDeps } from './issue-unit.ts';
import { type FoundInvalidation, LEDGER_STATUS, type LedgerEntry } from './ports.ts';

// A unit of work crossing a UTC month boundary: AWS bills paths in the month CloudFront receives them,
// so a reservation follows the month of its create (moved forward under that month's cap, or back to
// the month CloudFront says it created it in). Used by `invalidateUnit` (issue-unit.ts).

/** Lease of an invocation that did not say its timeout: Lambda's longest. */
export const DEFAULT_LEASE_MS = 900_000;

/** The most invalidations a look-up before a month move reads (GetInvalidation calls). */
const MOVE_LOOKUPS = 100;
/** Clock skew allowed between us and CloudFront when searching by creation time. */
const LOOKUP_SKEW_MS = 60_000;

/**
 * A unit reserved in an earlier month that CloudFront already holds, created in that month: an earlier
 * attempt created it and died before recording it. It stays in that month (AWS bills it there): moving
 * it first would free that month's cap for others while CloudFront holds the paths.
 */
export async function heldFromEarlierMonth(
  entry: LedgerEntry,
  at: number,
  deps: UnitDeps,
): Promise<FoundInvalidation | undefined> {
  if (deps.finder === undefined || monthKeyOf(at) === entry.month) return undefined;
  const { found } = await deps.finder.findByCallerReference(entry.distributionId, new Set([entry.callerReference]), {
    sinceMs: entry.reservedAt - LOOKUP_SKEW_MS,
    untilMs: at + LOOKUP_SKEW_MS,
    maxLookups: MOVE_LOOKUPS,
  });
  const held = found.get(entry.callerReference);
  return held !== undefined && monthKeyOf(held.createTime) === entry.month ? held : undefined;
}

/**
 * Records an invalidation CloudFront already held as the unit's, in the unit's own month. CloudFront
 * holds it, so like a fresh create nothing here throws (after-create.ts).
 */
export async function recordHeld(entry: LedgerEntry, held: FoundInvalidation, deps: UnitDeps): Promise<LedgerEntry> {
  deps.log.info('invalidation found in CloudFront before the month move', {
    distributionId: entry.distributionId,
    unitKey: entry.unitKey,
    invalidationId: held.invalidationId,
    month: entry.month,
  });
  await recordAfterCreate(entry, held.invalidationId, deps, () =>
    deps.ledger.markIssued(entry, held.invalidationId, held.createTime),
  );
  await checkAfterCreate(entry, held.invalidationId, deps);
  return { ...entry, status: LEDGER_STATUS.issued, invalidationId: held.invalidationId, issuedAt: held.createTime };
}

/**
 * Paths are billed in the month CloudFront receives them: a reservation of an earlier month moves into
 * this one, and passes this month's hard cap first. At the cap, the lease is dropped and the unit waits
 * (the sweeper settles the old month's reservation from CloudFront's own record).
 */
export async function moveIntoMonth(
  entry: LedgerEntry,
  owner: string,
  at: number,
  deps: UnitDeps,
): Promise<LedgerEntry> {
  const month = monthKeyOf(at);
  if (month === entry.month) return entry;
  const cap = deps.policy.hardMonthlyCap === undefined ? {} : { hardCap: deps.policy.hardMonthlyCap };
  const outcome = await deps.ledger.moveReservation(
    entry,
    { month, day: dayOfMonth(at), at },
    { owner, leaseMs: deps.leaseMs ?? DEFAULT_LEASE_MS, ...cap },
  );
  if (outcome.kind === 'moved') {
    deps.log.info('reservation moved to the month it is issued in', movedFields(entry, month));
    return outcome.entry;
  }
  if (outcome.kind === 'cap-exceeded') {
    await deps.ledger.dropLease(entry, owner, at);
    throw new DeferredError(`distribution ${entry.distributionId} deferred: hard monthly cap of ${month} reached`, {
      retryable: true,
    });
  }
  throw new UnitBusyError(`unit ${entry.unitKey}: expected to hold its lease while moving it, got it taken`, {
    retryable: true,
  });
}

/**
 * A retry moved into this month ({@link moveIntoMonth}) may find that an earlier attempt, one that died
 * before recording it, had CloudFront create the invalidation last month: CloudFront answers the same
 * CallerReference with that invalidation and its CreateTime, and AWS bills it in that month. The
 * reservation moves back there (no cap: the paths are spent already) before it is marked issued.
 */
export async function backToCreateMonth(
  entry: LedgerEntry,
  createTime: number | undefined,
  owner: string,
  deps: UnitDeps,
): Promise<LedgerEntry> {
  if (createTime === undefined) return entry;
  const month = monthKeyOf(createTime);
  if (month >= entry.month) return entry;
  const outcome = await deps.ledger.moveReservation(
    entry,
    { month, day: dayOfMonth(createTime), at: createTime },
    { owner, leaseMs: deps.leaseMs ?? DEFAULT_LEASE_MS },
  );
  if (outcome.kind !== 'moved') return entry; // lease lost: the holder or the sweep settles it
  deps.log.info('reservation moved back to the month CloudFront created it in', movedFields(entry, month));
  return outcome.entry;
}

/** The log fields of a reservation moved from its month to `to`. */
function movedFields(entry: LedgerEntry, to: string): Record<string, unknown> {
  return {
    distributionId: entry.distributionId,
    unitKey: entry.unitKey,
    from: entry.month,
    to,
    paths: entry.plan.paths.length,
  };
}
