import { type Frontier, type FrontierContext, RefArena } from './frontier.ts';
import { findMultiplier, type Multiplier } from './multiplier.ts';
import { type NodeTable, sizeOf } from './node-table.ts';
import { computeOutsideValues } from './outside-bounds.ts';
import { createRelaxation } from './relaxation.ts';
import { TreeFold } from './tree-fold.ts';

/** A wildcard of the chosen plan, `paths[start].slice(0, prefixLength) + '*'`, covering `paths[start..end)`. */
export interface ChosenWildcard {
  start: number;
  end: number;
  prefixLength: number;
  cost: number;
}

/** Knobs that change how fast the search is, never its result (tests turn them to exercise every path). */
export interface SearchTuning {
  /** Nodes with at least this many changed paths get branch-and-bound pruning (small frontiers stay small). */
  largeNode: number;
  /**
   * Branch and bound starts once a frontier holds this many entries and the DP has pruned `largeWork`
   * candidates: below that the DP is cheaper than the price search (small budgets, small inputs).
   */
  largeFrontier: number;
  largeWork: number;
  /** Whether a budget that fits every path takes the best-first shortcut (free-wildcards.ts). */
  freeWildcardShortcut: boolean;
  /**
   * Merges of at least this many pairs of frontier entries are pruned on a grid of (wildcards, save)
   * instead of sorted (save-grid.ts), when the grid is not much larger than the pairs.
   */
  gridPairs: number;
  /** Whether bounds first try cost limits guessed above the dual bound (else only the best plan the price search met). */
  guessLimits: boolean;
}

/**
 * The tuning without an inventory, measured in bench/collector.ts: the price search starts only once
 * the DP has done real work (small plans, where it would cost more than it saves); no guessed cost
 * limits (specificity costs put the relaxation's best plan near the optimum, so guesses all fail).
 */
export const DEFAULT_TUNING: SearchTuning = {
  largeNode: 24,
  largeFrontier: 64,
  largeWork: 100_000,
  freeWildcardShortcut: true,
  gridPairs: 256,
  guessLimits: false,
};

/**
 * The tuning with an inventory, measured in bench/planner.ts: bounds from the first large merge
 * (about a third less search time at 1M/100k, k=1000; the collector's no-inventory plans got slower),
 * and guessed cost limits (collateral counts leave a gap between the relaxation's best plan and the
 * optimum: with a third of the changed keys new, 16,000 against 260 above the dual bound).
 */
export const INVENTORY_TUNING: SearchTuning = { ...DEFAULT_TUNING, largeFrontier: 0, largeWork: 0, guessLimits: true };

/**
 * Finds the plan that minimises total wildcard cost, then paths, then wildcards, among plans of at
 * most `maxPaths` paths and `maxWildcards` wildcards covering every changed path. Candidates are the
 * trie nodes (for the changed paths a prefix covers, the longest such prefix is the most specific),
 * each cut back to its longest legal prefix. Bottom-up, each node merges its children's Pareto
 * frontiers and adds its own wildcard; plain leaves and the inside of closed nodes (zero collateral,
 * or no room for a wildcard inside) cost nothing. When the budget forces merging, partial plans are
 * dropped when they cannot reach the budget (save bounds) or cannot beat a known plan (Lagrangian
 * bounds, started once a frontier grows); both keep the result exact. Ties between equal plans go to
 * the one built first: children (deeper wildcards) before a node's own wildcard.
 *
 * With bounds, the search first guesses a cost limit just above the dual bound and raises it until a
 * plan fits: a tight limit drops far more partial plans than the best plan the relaxation found, and
 * any limit at or above the optimum keeps every partial plan of an optimal plan, with the same
 * frontier entries before it, so the plan found is the one the search without a guess finds.
 *
 * @returns the chosen wildcards (every other changed path stays exact), or `undefined` when none fits
 */
export function searchPlan(table: NodeTable, tuning: SearchTuning = DEFAULT_TUNING): ChosenWildcard[] | undefined {
  const { budget, hanging } = table;
  const { required, maxWildcards: w } = budget;
  const refs = new RefArena();
  const context: FrontierContext = { maxWildcards: w, required, refs, work: 0, gridPairs: tuning.gridPairs };
  const wantsBounds = (frontier: Frontier): boolean =>
    hanging !== undefined && frontier.length > 4 * tuning.largeFrontier && context.work >= tuning.largeWork;
  const fold = new TreeFold(table);
  const plain = fold.fold(context, undefined, wantsBounds);
  if (plain !== undefined) return chooseFrom(table, plain, refs);
  const relaxation = createRelaxation(table, w);
  const multiplier = findMultiplier(table, relaxation, required, w);
  if (multiplier === undefined) return undefined;
  const isLarge = (v: number): boolean => v === 0 || sizeOf(table, v) >= tuning.largeNode;
  const outside = computeOutsideValues(table, relaxation, multiplier.lambda, w, isLarge);
  for (const limit of limitsUpTo(multiplier, required, tuning.guessLimits)) {
    const root = fold.fold({ ...context, work: 0 }, { multiplier, outside, limit }, () => false) as Frontier;
    const chosen = chooseFrom(table, root, refs);
    if (chosen !== undefined) return chosen;
  }
  return undefined;
}

/** The first guess, as a share of the gap between the dual bound and the best plan the relaxation found. */
const FIRST_GUESS = 1 / 128;
/** How much each failed guess grows. */
const GUESS_GROWTH = 1.5;

/**
 * Cost limits to try, ascending: guesses above the dual bound, then the cost of the best plan the
 * price search met (always feasible). Each carries a relative slack that absorbs rounding in the
 * relaxed values, whatever the scale of the costs.
 */
function limitsUpTo(multiplier: Multiplier, required: number, guess: boolean): number[] {
  const { lambda, upperCost, lowerBound } = multiplier;
  const slack = 1e-9 * (Math.abs(upperCost) + Math.abs(lambda * required));
  const gap = upperCost - lowerBound;
  const limits: number[] = [];
  if (guess && gap > slack)
    for (let f = FIRST_GUESS; f < 1; f *= GUESS_GROWTH) limits.push(lowerBound + gap * f + slack);
  limits.push(upperCost + slack);
  return limits;
}

/** The wildcards of the root's best entry that meets the budget, if any. */
function chooseFrom(table: NodeTable, root: Frontier, refs: RefArena): ChosenWildcard[] | undefined {
  const { trie, prefixLength, cost } = table;
  const best = bestIndex(root, table.budget.required);
  if (best === -1) return undefined;
  return refs.collectNodes(root[best + 3] as number).map((node) => ({
    start: trie.lo[node] as number,
    end: trie.hi[node] as number,
    prefixLength: prefixLength[node] as number,
    cost: cost[node] as number,
  }));
}

/** The cheapest entry that meets the budget (then the largest save, then fewest wildcards), or -1. */
function bestIndex(frontier: Frontier, required: number): number {
  let best = -1;
  for (let i = 0; i < frontier.length; i += 4) {
    if ((frontier[i + 2] as number) < required) continue;
    const costDelta = best === -1 ? -1 : (frontier[i + 1] as number) - (frontier[best + 1] as number);
    const saveDelta = best === -1 ? 0 : (frontier[i + 2] as number) - (frontier[best + 2] as number);
    const wildcardDelta = best === -1 ? 0 : (frontier[i] as number) - (frontier[best] as number);
    if (costDelta < 0 || (costDelta === 0 && (saveDelta > 0 || (saveDelta === 0 && wildcardDelta < 0)))) best = i;
  }
  return best;
}
