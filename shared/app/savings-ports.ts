/**
 * What new keys and inventory listings save and cost, per batch (on its ledger entry) and per month
 * (counters the report reads). Definitions: docs/report.md, "What new keys and listings save".
 */

/** A batch's figures, stored with its plan on the ledger entry. */
export interface PlanFigures {
  /** Changed keys that were new (evidence: docs/architecture.md): no path needed. */
  readonly newKeys: number;
  /** Their served paths, planned free (not also the path of a changed key). */
  readonly freePaths: number;
  /** Free paths no path of the plan matches: what covering every change would have added. */
  readonly newKeyPathsAvoided: number;
  /**
   * S3 LIST requests made for this batch: its inventory (ListObjectsV2) and its new-key evidence
   * (ListObjectVersions pages); 0: none, or from the cache.
   */
  readonly listRequests: number;
  /** min(changed paths, k) minus the plan's paths; null when planned without an inventory. */
  readonly inventoryPathsSaved: number | null;
}

/** Additions to a month's savings counters (absent fields add nothing). */
export interface SavingsDelta {
  readonly newKeys?: number;
  readonly newKeyPathsAvoided?: number;
  readonly listRequests?: number;
  /** S3 GET-tier requests (GetBucketVersioning, when not cached). */
  readonly getRequests?: number;
  /** Batches issued with an inventory (what `inventoryPathsSaved` is summed over). */
  readonly inventoryPlans?: number;
  readonly inventoryPathsSaved?: number;
}

/** The month's savings counters, account-wide and per distribution (DynamoDB `SAVINGS#` items). */
export interface SavingsCounters {
  /**
   * Adds to the month (UTC) of `at`, for the stage and for `distributionId`. Items of their own, so
   * they never conflict with a reservation's transaction on the path counters.
   *
   * @throws LedgerError when DynamoDB fails (the caller logs it: the figures are for the report only)
   */
  add(distributionId: string, at: number, delta: SavingsDelta): Promise<void>;
}
