/**
 * The interfaces the use cases need from the outside world. Adapters in `shared/adapters/`
 * implement them over injected AWS SDK clients; the local stack and tests use the same adapters
 * against local servers.
 */

import type { PlanFigures } from './savings-ports.ts';

/** Lifecycle of a ledger item: reserved -> issued -> completed, or released / timed-out. */
export const LEDGER_STATUS = {
  reserved: 'reserved',
  issued: 'issued',
  completed: 'completed',
  released: 'released',
  timedOut: 'timed-out',
} as const;
export type LedgerStatus = (typeof LEDGER_STATUS)[keyof typeof LEDGER_STATUS];

/** Who asked for the invalidation. */
export type LedgerSource = 'collector' | 'pipeline';

/** The plan as stored: enough to re-issue the same CreateInvalidation on a retry. */
export interface StoredPlan {
  readonly paths: readonly string[];
  readonly exactPaths: number;
  readonly wildcardPaths: number;
  readonly changed: number;
  readonly collateral: number | null;
  /** What new keys and the inventory saved, and what the listing cost (collector plans only). */
  readonly figures?: PlanFigures;
}

/** One unit of work in the ledger (DynamoDB item `MONTH#m / INV#unitKey`). */
export interface LedgerEntry {
  readonly unitKey: string;
  /** UTC month `YYYY-MM` in which the paths were reserved (and are counted). */
  readonly month: string;
  /** UTC day of month (1..31) of the reservation, for the day counters. */
  readonly day: number;
  readonly distributionId: string;
  readonly callerReference: string;
  readonly status: LedgerStatus;
  readonly plan: StoredPlan;
  readonly messageCount: number;
  readonly changedObjects: number;
  readonly source: LedgerSource;
  readonly reservedAt: number;
  readonly firstEventAt?: number;
  readonly issuedAt?: number;
  readonly invalidationId?: string;
  readonly completedAt?: number;
  readonly latencyMs?: number;
}

/** Account-wide usage of one month. */
export interface MonthUsage {
  readonly paths: number;
  readonly invalidations: number;
}

export type ReserveOutcome =
  | { readonly kind: 'reserved' }
  | { readonly kind: 'exists'; readonly entry: LedgerEntry }
  | { readonly kind: 'cap-exceeded'; readonly usedPaths: number }
  /** The sweep released the unit in this month: it may be reserved again only with this plan. */
  | { readonly kind: 'swept'; readonly plan: StoredPlan };

/** The DynamoDB ledger and counters. */
export interface Ledger {
  /** The entry stored for a unit of work, if any (the idempotency lookup). */
  findUnit(unitKey: string): Promise<LedgerEntry | undefined>;
  /** Account-wide counters of a month (zero when nothing was counted yet). */
  usage(month: string): Promise<MonthUsage>;
  /**
   * Writes the entry and adds its paths to every counter in one transaction. With `hardCap`,
   * the account total never passes it (conditional update, race-free). With `owner`, the new
   * reservation is leased to that invocation: nobody else issues or releases it while the lease lasts.
   * A unit the sweep released in the entry's month is refused (`swept`, with its plan) unless `sweptPlan`
   * says the entry carries that plan: its CallerReference may still reach CloudFront late with those paths.
   */
  reserve(
    entry: LedgerEntry,
    options: {
      readonly hardCap?: number;
      readonly owner?: string;
      readonly leaseMs?: number;
      readonly sweptPlan?: boolean;
    },
  ): Promise<ReserveOutcome>;
  /**
   * Records the CloudFront invalidation id of a reserved entry. When the entry was released meanwhile
   * (its paths given back) CloudFront still holds the invalidation, so its paths are counted again:
   * the counters always equal what CloudFront received.
   */
  markIssued(entry: LedgerEntry, invalidationId: string, issuedAt: number): Promise<void>;
  /**
   * Gives the paths of a reserved entry back (CloudFront definitely did not create it). With
   * `lease`, only while nobody claimed the entry since the sweeper read it; with `owner`, only while
   * that invocation still holds the lease and no attempt ended in doubt.
   *
   * @returns false when the entry was no longer reserved (or claimed since): nothing given back
   */
  release(
    entry: LedgerEntry,
    options?: { readonly lease?: ReservationLease; readonly owner?: string },
  ): Promise<boolean>;
  /**
   * Takes the lease of a reserved entry before issuing it (a retry of the same messages, or the loser
   * of a reservation race): only when nobody holds it, `owner` holds it already, or the holder's lease
   * ran out (its claim + its own function timeout: it cannot be running any more). The new lease lasts
   * `leaseMs`. The sweeper leaves it alone meanwhile.
   *
   * @returns false when it is no longer reserved (the sweeper settled it) or another invocation holds it
   */
  claim(entry: LedgerEntry, lease: LeaseRequest): Promise<boolean>;
  /**
   * Gives up `owner`'s lease on a reserved entry whose issue failed: a retry may claim it at once. The
   * entry is marked in doubt (CloudFront may have created it), so no invocation releases it any more;
   * only the sweeper does, after searching CloudFront.
   */
  dropLease(entry: LedgerEntry, owner: string, at: number): Promise<void>;
  /**
   * Moves a reservation leased to `lease.owner` into the month of `to` (a retry that crossed a month
   * boundary): the old month's counters give its paths back and the new month's take them, in one
   * transaction whose hard-cap condition is checked on the new month.
   */
  moveReservation(
    entry: LedgerEntry,
    to: { readonly month: string; readonly day: number; readonly at: number },
    options: { readonly hardCap?: number; readonly owner: string; readonly leaseMs: number },
  ): Promise<MoveOutcome>;
  /** Reservations of a month opened at or before `reservedBefore` and not yet closed, with their entries. */
  openReservations(month: string, reservedBefore: number): Promise<OpenReservation[]>;
  /** Removes the open marker of a settled reservation (only if it still belongs to `reservedAt`). */
  closeReservation(month: string, unitKey: string, reservedAt: number): Promise<void>;
  /**
   * Records the sweeper's first look: CloudFront did not hold the stale reservation at `at`. The
   * reservation stays reserved and counted (a create still on its way may land); only a second look a
   * staleness later releases it. Only while nobody claimed it since the sweeper read `lease`; a claim
   * clears the mark.
   *
   * @returns false when it was settled or claimed meanwhile: nothing marked
   */
  markNotFound(entry: LedgerEntry, lease: ReservationLease, at: number): Promise<boolean>;
  /**
   * The plan of a unit the sweeper released in `month` (not found in CloudFront at two looks), if any.
   * Its CallerReference may still reach CloudFront late with that plan's paths, so the same unit is
   * reserved again with the same plan: CloudFront then answers the late request and the new one with one
   * invalidation, never InvalidationBatchAlreadyExists.
   */
  sweptPlan(unitKey: string, month: string): Promise<StoredPlan | undefined>;
}

/** A request for the issuing lease of a reserved entry. */
export interface LeaseRequest {
  /** Who asks: one id per invocation of the use case. */
  readonly owner: string;
  /** Epoch ms now. */
  readonly at: number;
  /** How long the lease protects its holder: at least the holder's function timeout. */
  readonly leaseMs: number;
}

export type MoveOutcome =
  | { readonly kind: 'moved'; readonly entry: LedgerEntry }
  | { readonly kind: 'cap-exceeded' }
  /** The lease was lost or the entry settled meanwhile: nothing changed. */
  | { readonly kind: 'lost' };

/** When a reservation was last reserved or claimed: the sweeper's proof that nobody works on it. */
export interface ReservationLease {
  /** Epoch ms of the last claim; undefined when never claimed since it was reserved. */
  readonly claimedAt: number | undefined;
  /**
   * Epoch ms of the sweeper's first look that did not find it in CloudFront since the last claim
   * ({@link Ledger.markNotFound}); undefined when none.
   */
  readonly notFoundAt?: number | undefined;
}

/** A reservation the sweeper may have to settle: its marker and the ledger entry as it is now. */
export interface OpenReservation {
  readonly unitKey: string;
  readonly month: string;
  /** `reservedAt` of the reservation that opened the marker. */
  readonly reservedAt: number;
  /** The entry now (undefined when it expired), and its lease. */
  readonly entry: LedgerEntry | undefined;
  readonly lease: ReservationLease;
}

/** In-flight invalidation paths of one distribution. */
export interface InFlight {
  readonly exactPaths: number;
  readonly wildcardPaths: number;
}

export interface CreatedInvalidation {
  readonly invalidationId: string;
  readonly status: string;
  /**
   * When CloudFront created it (epoch ms): for a CallerReference it already held, the time of that first
   * create, which is the month AWS bills it in. Absent when the answer did not carry it.
   */
  readonly createTime?: number;
}

/** CloudFront as the collector needs it. */
export interface InvalidationGateway {
  /** CreateInvalidation with a deterministic CallerReference (idempotent). */
  createInvalidation(
    distributionId: string,
    callerReference: string,
    paths: readonly string[],
  ): Promise<CreatedInvalidation>;
  /** Paths currently in progress for the distribution (cached for a few seconds). */
  inFlight(distributionId: string): Promise<InFlight>;
}

/** An invalidation CloudFront holds, found by its CallerReference. */
export interface FoundInvalidation {
  readonly invalidationId: string;
  readonly createTime: number;
}

/** What a CallerReference search found, and whether it looked at every invalidation of its window. */
export interface FoundInvalidations {
  readonly found: Map<string, FoundInvalidation>;
  /** False when the lookup budget ran out first: a reference not found may still exist. */
  readonly complete: boolean;
}

/** CloudFront as the reservation sweeper needs it. */
export interface InvalidationFinder {
  /**
   * The invalidations of a distribution created in [`sinceMs`, `untilMs`] whose CallerReference is one
   * of `references` (ListInvalidations, newest first, then GetInvalidation for each one in the window,
   * at most `maxLookups`; newer ones are skipped without a lookup).
   */
  findByCallerReference(
    distributionId: string,
    references: ReadonlySet<string>,
    options: { readonly sinceMs: number; readonly untilMs: number; readonly maxLookups: number },
  ): Promise<FoundInvalidations>;
}

/** SQS visibility changes for records that failed for a retryable reason. */
export interface RetryQueue {
  delay(entries: readonly { readonly receiptHandle: string; readonly seconds: number }[]): Promise<void>;
}

/** A bucket listing and what it cost. */
export interface KeyListing {
  /** Every key under the prefix, or `undefined` when it would take more requests than allowed. */
  readonly keys: readonly string[] | undefined;
  /** LIST requests this call made (0 when answered from the cache). */
  readonly requests: number;
}

/** Bucket listings that give the planner its inventory. */
export interface KeyLister {
  /**
   * Every key under `prefix` (the planner runs without an inventory when the listing is over its
   * request cap), and the LIST requests it took.
   * @throws InventoryError when S3 fails; its `requests` says how many were made
   */
  listKeys(bucket: string, prefix: string): Promise<KeyListing>;
}

/** One invalidation of the month the outside reconciler looked at. */
export interface SeenInvalidation {
  readonly distributionId: string;
  readonly invalidationId: string;
  readonly paths: number;
  /** True when someone else submitted it (console, CI, another tool): its paths join the account total. */
  readonly outside: boolean;
}

/** Account-wide usage of a month: every stage's paths plus outside ones, and the outside share. */
export interface AccountUsage {
  readonly paths: number;
  readonly outsidePaths: number;
  readonly outsideInvalidations: number;
}

/** The account counters every stage shares (an account table; docs/configuration.md). */
export interface AccountLedger {
  /** `distributionId/invalidationId` of every invalidation of the month already looked at. */
  seenInvalidations(month: string): Promise<Set<string>>;
  /**
   * Marks an invalidation as looked at; an outside one also adds its paths to the month's account
   * total, once (conditional on not being seen before).
   *
   * @returns false when it was seen before (nothing added)
   */
  recordSeen(month: string, invalidation: SeenInvalidation): Promise<boolean>;
  /** The month's account counters. */
  accountUsage(month: string): Promise<AccountUsage>;
}

/** An invalidation CloudFront holds; `callerReference`/`paths` are null for ids known beforehand (not fetched). */
export interface ListedInvalidation {
  readonly distributionId: string;
  readonly invalidationId: string;
  readonly createTime: number;
  readonly callerReference: string | null;
  readonly paths: readonly string[] | null;
}

/** Every invalidation CloudFront holds for a month, on every distribution of the account. */
export interface AccountInvalidationSource {
  listMonth(
    bounds: { readonly startMs: number; readonly endMs: number },
    options: { readonly knownIds: ReadonlySet<string> },
  ): Promise<{ readonly invalidations: readonly ListedInvalidation[] }>;
}
