import type { Inventory } from './types.ts';

/** What a wildcard costs the plan; the tree DP minimises the sum. */
export interface WildcardCosts {
  /** True when costs are collateral counts from an inventory (so 0 means the wildcard is free). */
  readonly exact: boolean;
  /**
   * The cost of `prefix*`, which covers exactly the changed paths `lo..hi` of the sorted set.
   * Called in ascending prefix order.
   */
  costOf(prefix: string, lo: number, hi: number): number;
  /** Whether `prefix*` costs nothing; may answer without computing the cost. */
  isFree(prefix: string, lo: number, hi: number): boolean;
}

/**
 * Collateral from an inventory: served paths under the prefix minus the changed ones among them
 * (a changed path that was deleted is not served and so is not subtracted). Whether a changed path
 * is served is asked once, and only for the runs a cost needs: a prefix serving more paths than it
 * covers changed ones is not free, whatever they are.
 *
 * @param inventory - served paths
 * @param paths - the sorted, distinct changed paths
 */
export function createCollateralCosts(inventory: Inventory, paths: readonly string[]): WildcardCosts {
  // Prefix sums of `served`, extended on demand in index order (which keeps the inventory's
  // searches galloping); `served[i]` is known below `known` and wherever `asked[i]` is 1.
  const served = new Uint8Array(paths.length);
  const asked = new Uint8Array(paths.length);
  const servedBefore = new Int32Array(paths.length + 1);
  let known = 0;
  const isServed = (i: number): boolean => {
    if (i >= known && asked[i] === 0) {
      served[i] = inventory.has(paths[i] as string) ? 1 : 0;
      asked[i] = 1;
    }
    return served[i] === 1;
  };
  const countServedBefore = (end: number): number => {
    if (known >= end) return servedBefore[end] as number;
    if (inventory.markServed !== undefined) inventory.markServed(paths, known, end, served);
    else for (let i = known; i < end; i++) if (asked[i] === 0) served[i] = inventory.has(paths[i] as string) ? 1 : 0;
    for (; known < end; known++) servedBefore[known + 1] = (servedBefore[known] as number) + (served[known] as number);
    return servedBefore[end] as number;
  };
  return {
    exact: true,
    costOf(prefix, lo, hi) {
      return Math.max(0, inventory.countWithPrefix(prefix) - (countServedBefore(hi) - countServedBefore(lo)));
    },
    isFree(prefix, lo, hi) {
      const count = inventory.countWithPrefix(prefix);
      if (count > hi - lo) return false;
      if (hi <= known) return count <= (servedBefore[hi] as number) - (servedBefore[lo] as number);
      let changedServed = 0;
      for (let i = lo; i < hi; i++) if (isServed(i)) changedServed++;
      return count <= changedServed;
    },
  };
}

/** Name characters that still count towards specificity (past a few, a shared stem such as `chunk-` says little). */
const NAME_STEPS = 4;
/** A directory level outranks any name prefix inside the level above it. */
const LEVEL_STEPS = NAME_STEPS + 1;
const MAX_STEPS = 240;

/**
 * A stand-in for collateral when there is no inventory: the more general a prefix, the more
 * unchanged objects it is likely to evict. Specificity is counted in steps: 5 per directory level
 * (`/`) and 1 per character into the last name, up to 4 (`/icons/arrow-` is 2 levels and 4 name
 * steps, between `/icons/` and `/icons/svg/`). A wildcard costs `16^-steps`, so with at most 15
 * wildcards a plan never takes one wildcard a step more general to save several more specific ones:
 * the DP picks the most specific wildcards that fit the budget, then the fewest paths. A prefix
 * covering a subset of a directory's changed paths evicts a subset of that directory, so more
 * specific is never worse on its own.
 */
export function createSpecificityCosts(): WildcardCosts {
  return {
    exact: false,
    costOf(prefix) {
      let slashes = 0;
      let lastSlash = -1;
      for (let i = prefix.indexOf('/'); i !== -1; i = prefix.indexOf('/', i + 1)) {
        slashes++;
        lastSlash = i;
      }
      const nameSteps = Math.min(prefix.length - lastSlash - 1, NAME_STEPS);
      return 16 ** -Math.min(MAX_STEPS, LEVEL_STEPS * slashes + nameSteps);
    },
    isFree: () => false,
  };
}
