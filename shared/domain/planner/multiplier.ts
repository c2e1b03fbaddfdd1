import type { NodeTable } from './node-table.ts';
import type { Relaxation } from './relaxation.ts';

/** The chosen price, the cheapest plan cost seen that meets the budget, and the dual bound. */
export interface Multiplier {
  lambda: number;
  upperCost: number;
  lowerBound: number;
}

/**
 * Finds the price that maximises the dual bound, by cutting planes between a relaxed optimum below
 * the budget (save < required) and one meeting it; stops when the new point lies on the cut.
 *
 * @returns `undefined` when no plan meets the budget (the exact search would find none either)
 */
export function findMultiplier(
  table: NodeTable,
  relaxation: Relaxation,
  required: number,
  maxWildcards: number,
): Multiplier | undefined {
  let low = relaxation.relax(0);
  if (low.value === Number.POSITIVE_INFINITY) return undefined;
  if (low.save >= required) return { lambda: 0, upperCost: low.cost, lowerBound: low.cost };
  let maxCost = 0;
  for (const v of table.order) maxCost = Math.max(maxCost, table.cost[v] as number);
  // Above this price any extra saved path outweighs every cost, so the relaxed optimum saves the most.
  let high = relaxation.relax(2 * (maxWildcards + 1) * maxCost + Number.MIN_VALUE);
  if (high.save < required) return undefined;
  let best: Multiplier = { lambda: 0, upperCost: high.cost, lowerBound: low.value };
  for (let round = 0; round < 64; round++) {
    const lambda = (high.cost - low.cost) / (high.save - low.save);
    const line = low.cost - lambda * low.save;
    const point = relaxation.relax(lambda);
    const bound = point.value + lambda * required;
    if (bound > best.lowerBound) best = { ...best, lambda, lowerBound: bound };
    // Relative tolerance: costs may be collateral counts or tiny specificity weights.
    if (point.value >= line - 1e-12 * Math.abs(line)) break;
    if (point.save >= required) {
      high = point;
      best = { ...best, upperCost: Math.min(best.upperCost, point.cost) };
    } else {
      low = point;
    }
  }
  return best;
}
