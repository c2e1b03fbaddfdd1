/**
 * Ports of the durable pending set: changes accepted from SQS but not issued yet (hard cap, quotas,
 * no wildcard slot, CloudFront refusing or throttling, held to coalesce), kept per distribution until
 * a drain issues them. Written BEFORE the SQS messages are acknowledged, so nothing accepted is lost.
 */

/** A set of changed paths of one distribution that waits to be issued. */
export interface PendingSet {
  readonly distributionId: string;
  /** Unique and deterministic: the unit key of the changes that were deferred (a retry writes the same set). */
  readonly setKey: string;
  /** Served CloudFront paths (encoded). */
  readonly paths: readonly string[];
  /** Earliest S3 event time (or receipt) of its changes, epoch ms: what staleness counts from. */
  readonly firstSeenAt: number;
  /**
   * Freshness SLO of its changes, seconds: the smallest `maxStalenessSeconds` of the routes that produced
   * them. Absent on sets stored before routes had one: the stage's applies.
   */
  readonly maxStalenessSeconds?: number;
  /** SQS message ids the changes came from (at most {@link MAX_SOURCE_IDS} kept, for the logs). */
  readonly messageIds: readonly string[];
  readonly messageCount: number;
  readonly changedObjects: number;
  /** Unit key of the drain that took the set; the ledger tells whether that unit was issued. */
  readonly claimedBy?: string;
  /** How many stored items hold the paths (the adapter's business; 1 when absent). */
  readonly parts?: number;
}

/** How many source message ids a pending set keeps (the count is always exact). */
export const MAX_SOURCE_IDS = 100;

/** What waits for one distribution (the report and the alarms). */
export interface PendingSummary {
  readonly distributionId: string;
  readonly sets: number;
  readonly paths: number;
  /** Epoch ms of the oldest pending change; undefined when nothing waits. */
  readonly oldestFirstSeenAt: number | undefined;
}

/** The pending sets in DynamoDB (shared/adapters/dynamodb-pending-store.ts). */
export interface PendingStore {
  /** Writes a set; a set with the same key already stored is left as it is (idempotent). */
  put(set: PendingSet): Promise<void>;
  /** Every set of a distribution, oldest first. */
  list(distributionId: string): Promise<PendingSet[]>;
  /**
   * Takes the distribution's drain lease (conditional write), so concurrent drains never plan the same
   * sets. A lease older than `ttlMs` is taken over (its holder died).
   *
   * @returns false when another live drain holds it
   */
  acquireLease(distributionId: string, owner: string, now: number, ttlMs: number): Promise<boolean>;
  /** Gives the lease back (only when `owner` still holds it). */
  releaseLease(distributionId: string, owner: string): Promise<void>;
  /** Records which drain unit takes the sets, before that unit is issued. */
  claim(sets: readonly PendingSet[], unitKey: string): Promise<void>;
  /** Deletes sets whose changes were issued. */
  remove(sets: readonly PendingSet[]): Promise<void>;
  /** Per distribution that ever had pending sets: what waits now. */
  summarize(): Promise<PendingSummary[]>;
}

/**
 * Per-distribution progress of SQS messages: a message feeding several distributions is retried when
 * one of them fails in a way that cannot wait in the pending set; the ones that succeeded are skipped.
 */
export interface MessageProgress {
  /** Of `messageIds`, those already handled for the distribution. */
  handled(distributionId: string, messageIds: readonly string[]): Promise<Set<string>>;
  /** Records messages as handled for the distribution (kept for SQS's longest retention). */
  markHandled(distributionId: string, messageIds: readonly string[], now: number): Promise<void>;
}
