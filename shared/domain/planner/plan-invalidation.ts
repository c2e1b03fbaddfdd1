import { PlanBudgetError, PlanInputError } from '../errors.ts';
import { assemblePlan } from './assemble-plan.ts';
import { prepareChangedSet } from './changed-set.ts';
import { prepareFreePaths, withoutFreePaths } from './free-paths.ts';
import { findFreeWildcards } from './free-wildcards.ts';
import { buildNodeTable } from './node-table.ts';
import { DEFAULT_TUNING, INVENTORY_TUNING, type SearchTuning, searchPlan } from './plan-search.ts';
import { buildPrefixTrie } from './prefix-trie.ts';
import type { Plan, PlanInput } from './types.ts';
import { createCollateralCosts, createSpecificityCosts } from './wildcard-costs.ts';

/**
 * Plans one invalidation (DESIGN 3.2): covers every changed (must) path with at most `maxPaths` paths
 * and `maxWildcards` wildcards, then minimises collateral (unchanged served paths swept; free paths
 * never count), then paths, then wildcards. With an inventory
 * the plan is exactly optimal; without one, every path stays exact when they fit, and otherwise the
 * most specific wildcards that fit are used. Deterministic: the input order and duplicates do not
 * matter; output is sorted by path, and ties go to the deeper wildcards.
 *
 * @param input - changed and free paths (encoded, leading `/`), budget, optional inventory
 * @throws PlanBudgetError (retryable) when no plan fits the budget
 * @throws PlanInputError when a changed or free path lacks its leading `/` or a budget is not a number
 */
export function planInvalidation(input: PlanInput): Plan {
  return planInvalidationWith(input, input.inventory === undefined ? DEFAULT_TUNING : INVENTORY_TUNING);
}

/** `planInvalidation` with explicit search tuning (same result, different speed); for tests. */
export function planInvalidationWith(input: PlanInput, tuning: SearchTuning): Plan {
  const maxPaths = readBudget('maxPaths', input.maxPaths);
  const changed = prepareChangedSet(input.changed);
  const count = changed.paths.length;
  const maxWildcards = Math.min(readBudget('maxWildcards', input.maxWildcards), maxPaths, count);
  const free = prepareFreePaths(input.free ?? [], changed.paths);
  // Free paths need no cover: they only make wildcards over them cheaper.
  const inventory =
    input.inventory === undefined || free.length === 0 ? input.inventory : withoutFreePaths(input.inventory, free);
  // Without an inventory nothing is known to be free, so exact paths win whenever they fit.
  if (count === 0 || (inventory === undefined && changed.forcedCount === 0 && count <= maxPaths)) {
    return assemblePlan(changed.paths, [], inventory !== undefined, free.length);
  }
  const trie = buildPrefixTrie(changed.paths, changed.common);
  const costs = inventory === undefined ? createSpecificityCosts() : createCollateralCosts(inventory, changed.paths);
  const budget = { required: Math.max(0, count - maxPaths), maxPaths, maxWildcards };
  const chosen =
    tuning.freeWildcardShortcut && costs.exact && budget.required === 0 && changed.forcedCount === 0
      ? findFreeWildcards(trie, changed, costs, maxWildcards)
      : searchPlan(buildNodeTable(trie, changed, costs, budget), tuning);
  if (chosen === undefined) {
    throw new PlanBudgetError(
      `no plan covers ${count} changed paths (${changed.forcedCount} only by a wildcard) ` +
        `with at most ${maxPaths} paths and ${maxWildcards} wildcards`,
    );
  }
  return assemblePlan(changed.paths, chosen, costs.exact, free.length);
}

function readBudget(name: string, value: number): number {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new PlanInputError(`${name}: expected a number, got ${String(value)}`);
  }
  return Math.max(0, Math.floor(value));
}
