/**
 * What the distribution serves, in the planner's path space: encoded CloudFront paths with a
 * leading `/` (as `toCloudFrontPath` makes them). Counts must be exact: the planner's optimality
 * rests on them.
 */
export interface Inventory {
  /** How many served paths start with `prefix` (a path equal to `prefix` counts). */
  countWithPrefix(prefix: string): number;
  /** Whether `path` is served. */
  has(path: string): boolean;
  /**
   * Optional bulk form of `has` for paths asked in ascending order: sets `served[i]` to 1 when
   * `paths[i]` is served and 0 otherwise, for every i in `[from, to)`. Same answers as `has`, in one
   * pass instead of one search per path.
   */
  markServed?(paths: readonly string[], from: number, to: number, served: Uint8Array): void;
}

/** What to plan: the changed paths and the budget for this invalidation. */
export interface PlanInput {
  /**
   * Changed CloudFront paths that must be covered (modified or deleted: a stale copy may be cached),
   * encoded, each starting with `/`; any order, duplicates allowed.
   */
  changed: readonly string[];
  /**
   * Changed paths that need no cover (new keys, with evidence that nothing stale can be cached): a
   * wildcard may sweep them and they never count as collateral. A path also in `changed` must be
   * covered. Every other served path is unchanged (collateral when a wildcard sweeps it).
   */
  free?: readonly string[];
  /** Most paths the invalidation may hold, `k` (wildcards included). */
  maxPaths: number;
  /** Most wildcard paths the invalidation may hold, `w`. */
  maxWildcards: number;
  /** Everything the distribution serves; without it collateral is unknown and the plan heuristic. */
  inventory?: Inventory;
}

/** One path of a plan, with why it is there. */
export interface PlannedPath {
  /** The invalidation path; a wildcard ends with `*`. */
  path: string;
  wildcard: boolean;
  /** How many changed paths it covers (1 for an exact path). */
  covers: number;
  /** Unchanged served paths it evicts for nothing (free paths excluded); `null` without an inventory. */
  collateral: number | null;
}

/** An invalidation plan: the paths, sorted by code unit, and its totals. */
export interface Plan {
  paths: PlannedPath[];
  exactPaths: number;
  wildcardPaths: number;
  /** Distinct changed paths the plan covers (all of them). */
  changed: number;
  /** Distinct free paths (not also in `changed`): new, left without a path of their own. */
  free: number;
  /** Total collateral; `null` without an inventory. */
  collateral: number | null;
}
