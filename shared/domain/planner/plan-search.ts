import {
  EMPTY,
  type Frontier,
  type FrontierContext,
  finishFrontier,
  mergeFrontiers,
  RefArena,
  TRIVIAL,
} from './frontier.ts';
import { findMultiplier, type Multiplier } from './multiplier.ts';
import { type NodeTable, sizeOf } from './node-table.ts';
import { computeOutsideValues, type OutsideValues } from './outside-bounds.ts';
import { createRelaxation } from './relaxation.ts';
import { fillMinSave } from './save-bounds.ts';

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
}

/**
 * The tuning without an inventory, measured in bench/collector.ts: the price search starts only once
 * the DP has done real work (small plans, where it would cost more than it saves).
 */
export const DEFAULT_TUNING: SearchTuning = {
  largeNode: 24,
  largeFrontier: 64,
  largeWork: 100_000,
  freeWildcardShortcut: true,
};

/**
 * The tuning with an inventory, measured in bench/planner.ts: bounds from the first large merge
 * (about a third less search time at 1M/100k, k=1000; the collector's no-inventory plans got slower).
 */
export const INVENTORY_TUNING: SearchTuning = { ...DEFAULT_TUNING, largeFrontier: 0, largeWork: 0 };

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
 * @returns the chosen wildcards (every other changed path stays exact), or `undefined` when none fits
 */
export function searchPlan(table: NodeTable, tuning: SearchTuning = DEFAULT_TUNING): ChosenWildcard[] | undefined {
  const { trie, order, prefixLength, cost, blocked, budget, hanging } = table;
  const { required, maxPaths, maxWildcards: w } = budget;
  const bounded = hanging !== undefined;
  const minSave = new Float64Array(w + 1);
  const context: FrontierContext = { maxWildcards: w, required, refs: new RefArena(), work: 0 };
  const isBig = (frontier: Frontier): boolean =>
    frontier.length > 4 * tuning.largeFrontier && context.work >= tuning.largeWork;
  const isLarge = (v: number): boolean => v === 0 || sizeOf(table, v) >= tuning.largeNode;
  let multiplier: Multiplier | undefined;
  let outside: OutsideValues | undefined;
  const startBounds = (): boolean => {
    const relaxation = createRelaxation(table, w);
    multiplier = findMultiplier(table, relaxation, required, w);
    if (multiplier !== undefined) outside = computeOutsideValues(table, relaxation, multiplier.lambda, w, isLarge);
    return multiplier !== undefined;
  };

  // Filled up front: written out of order, a growing array would fall back to slow sparse storage.
  const acc: (Frontier | undefined)[] = new Array(trie.size).fill(undefined);
  const merged = new Int32Array(trie.size);
  let result: Frontier = EMPTY;
  for (let index = order.length - 1; index >= 0; index--) {
    const v = order[index] as number;
    const base = acc[v] ?? (blocked[v] === 1 ? EMPTY : TRIVIAL);
    acc[v] = undefined;
    const size = sizeOf(table, v);
    const own =
      (prefixLength[v] as number) > 0 ? { cost: cost[v] as number, save: size - 1, ref: -(v + 1) } : undefined;
    if (bounded) fillMinSave(minSave, budget, hanging, v, size);
    let frontier = finishFrontier(base, own, bounded ? minSave : undefined, context);
    if (bounded && outside === undefined && isBig(frontier) && !startBounds()) return undefined;
    const rest = outside?.ofNode.get(v);
    if (multiplier !== undefined && rest !== undefined)
      frontier = dropHopeless(frontier, rest, multiplier, required, w);
    if (v === 0) {
      result = frontier;
      break;
    }
    const parent = trie.parent[v] as number;
    merged[parent] = (merged[parent] as number) + size;
    const folded = acc[parent] ?? (blocked[parent] === 1 ? EMPTY : TRIVIAL);
    const foldMinSave = bounded ? (merged[parent] as number) - maxPaths : Number.NEGATIVE_INFINITY;
    let partial = mergeFrontiers(folded, frontier, foldMinSave, context);
    if (bounded && outside === undefined && isBig(partial) && !startBounds()) return undefined;
    const partialRest = outside?.afterMerging.get(v);
    if (multiplier !== undefined && partialRest !== undefined) {
      partial = dropHopeless(partial, partialRest, multiplier, required, w);
    }
    acc[parent] = partial;
  }
  const best = pickBest(result, required);
  if (best === undefined) return undefined;
  return context.refs.collectNodes(best).map((node) => ({
    start: trie.lo[node] as number,
    end: trie.hi[node] as number,
    prefixLength: prefixLength[node] as number,
    cost: cost[node] as number,
  }));
}

/**
 * Drops entries that cannot lead to a plan cheaper than the best known one: a plan through an entry
 * costs at least its cost, plus the best relaxed value outside with the wildcards left, plus the
 * price of the saves still missing.
 */
function dropHopeless(
  frontier: Frontier,
  outside: Float64Array,
  multiplier: { lambda: number; upperCost: number },
  required: number,
  w: number,
): Frontier {
  const { lambda, upperCost } = multiplier;
  // A relative slack absorbs rounding in the relaxed values, whatever the scale of the costs.
  const limit = upperCost + 1e-9 * (Math.abs(upperCost) + Math.abs(lambda * required));
  const kept: number[] = [];
  for (let i = 0; i < frontier.length; i += 4) {
    const q = frontier[i] as number;
    const save = frontier[i + 2] as number;
    const bound = (frontier[i + 1] as number) + (outside[w - q] as number) + lambda * Math.max(0, required - save);
    if (bound <= limit) kept.push(q, frontier[i + 1] as number, save, frontier[i + 3] as number);
  }
  return kept.length === frontier.length ? frontier : kept;
}

/** The ref of the cheapest entry that meets the budget (then the largest save, then fewest wildcards). */
function pickBest(frontier: Frontier, required: number): number | undefined {
  let best = -1;
  for (let i = 0; i < frontier.length; i += 4) {
    if ((frontier[i + 2] as number) < required) continue;
    const costDelta = best === -1 ? -1 : (frontier[i + 1] as number) - (frontier[best + 1] as number);
    const saveDelta = best === -1 ? 0 : (frontier[i + 2] as number) - (frontier[best + 2] as number);
    const wildcardDelta = best === -1 ? 0 : (frontier[i] as number) - (frontier[best] as number);
    if (costDelta < 0 || (costDelta === 0 && (saveDelta > 0 || (saveDelta === 0 && wildcardDelta < 0)))) best = i;
  }
  return best === -1 ? undefined : (frontier[best + 3] as number);
}
