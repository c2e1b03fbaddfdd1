/**
 * Factories and checks for planner tests: build served paths and inventories from plain keys, and
 * recount a plan's coverage and collateral independently of the planner.
 */
import { toCloudFrontPath } from '../../shared/domain/paths.ts';
import { createSortedInventory, type Inventory, type Plan } from '../../shared/domain/planner/index.ts';

/** `/` + encoded key for each key (`toCloudFrontPath`). */
export function pathsOf(keys: readonly string[]): string[] {
  return keys.map(toCloudFrontPath);
}

/** An inventory serving exactly these keys. */
export function inventoryOf(keys: readonly string[]): Inventory {
  return createSortedInventory([...new Set(pathsOf(keys))].sort());
}

/** The keys `prefix1 .. prefixN` plus `suffix` (e.g. `icons/arrow-1.svg`). */
export function numberedKeys(prefix: string, count: number, suffix = ''): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${i + 1}${suffix}`);
}

/** The plan's paths as strings, in plan order. */
export function pathStrings(plan: Plan): string[] {
  return plan.paths.map((path) => path.path);
}

/** Whether an invalidation path matches a served path (exact, or prefix for a trailing `*`). */
export function matches(invalidationPath: string, servedPath: string): boolean {
  return invalidationPath.endsWith('*')
    ? servedPath.startsWith(invalidationPath.slice(0, -1))
    : servedPath === invalidationPath;
}

/** Changed paths no plan path matches. */
export function uncoveredPaths(plan: Plan, changed: readonly string[]): string[] {
  return changed.filter((path) => !plan.paths.some((planned) => matches(planned.path, path)));
}

/** Unchanged served paths (neither changed nor free) matched by any plan path (the union, counted once each). */
export function recountCollateral(
  plan: Plan,
  changed: readonly string[],
  served: readonly string[],
  free: readonly string[] = [],
): number {
  const changedSet = new Set([...changed, ...free]);
  const evicted = [...new Set(served)].filter(
    (path) => !changedSet.has(path) && plan.paths.some((planned) => matches(planned.path, path)),
  );
  return evicted.length;
}

/** Objective values of a plan: what the optimality tests compare. */
export function objectiveOf(plan: Plan): { collateral: number | null; paths: number; wildcards: number } {
  return { collateral: plan.collateral, paths: plan.paths.length, wildcards: plan.wildcardPaths };
}
