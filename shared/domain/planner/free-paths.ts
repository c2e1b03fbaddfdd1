import { describeValue, PlanInputError } from '../errors.ts';
import { endOfRun, sortWithCommonPrefixes } from './sorted-strings.ts';
import type { Inventory } from './types.ts';

/**
 * The free paths that matter to the plan: distinct, sorted, none of them also a must path (a path
 * that is both, say created and then overwritten in one batch, must be covered).
 *
 * @param free - new paths that need no cover, encoded, each starting with `/`
 * @param must - the sorted, distinct must paths
 * @throws PlanInputError when an entry is not a string starting with `/`
 */
export function prepareFreePaths(free: readonly string[], must: readonly string[]): readonly string[] {
  if (free.length === 0) return [];
  for (let i = 0; i < free.length; i++) {
    const path = free[i];
    if (typeof path !== 'string' || path.charCodeAt(0) !== 0x2f) {
      throw new PlanInputError(`free[${i}]: expected a path starting with "/", got ${describeValue(path)}`);
    }
  }
  const { sorted } = sortWithCommonPrefixes(free);
  const out: string[] = [];
  let m = 0;
  for (const path of sorted) {
    while (m < must.length && (must[m] as string) < path) m++;
    if (m < must.length && must[m] === path) continue;
    out.push(path);
  }
  return out;
}

/**
 * The inventory minus the free paths: what a wildcard evicts for nothing. A free path has no stale
 * copy to evict, so it never counts as collateral; everything else the planner does is unchanged
 * (free paths need no cover, so they add no trie node and no exact path). Answers stay exact.
 *
 * @param inventory - everything the distribution serves
 * @param free - sorted, distinct free paths
 */
export function withoutFreePaths(inventory: Inventory, free: readonly string[]): Inventory {
  const servedFree = servedAmong(inventory, free);
  if (servedFree.length === 0) return inventory;
  // Wildcard costs are asked in ascending prefix order: the search for the next one starts at the last.
  let cursor = 0;
  const countFree = (prefix: string): number => {
    if (cursor > 0 && (servedFree[cursor - 1] as string) >= prefix) cursor = 0;
    const start = lowerBound(servedFree, prefix, cursor);
    cursor = start;
    return endOfRun((i) => (servedFree[i] as string).startsWith(prefix), start, servedFree.length) - start;
  };
  const isFree = (path: string): boolean => {
    const at = lowerBound(servedFree, path, 0);
    return at < servedFree.length && servedFree[at] === path;
  };
  const markServed = inventory.markServed;
  return {
    countWithPrefix: (prefix) => inventory.countWithPrefix(prefix) - countFree(prefix),
    has: (path) => inventory.has(path) && !isFree(path),
    ...(markServed === undefined
      ? {}
      : {
          markServed(paths: readonly string[], from: number, to: number, served: Uint8Array): void {
            markServed.call(inventory, paths, from, to, served);
            // Both lists ascend: one merge walk clears the free ones.
            let f = from < to ? lowerBound(servedFree, paths[from] as string, 0) : 0;
            for (let i = from; i < to && f < servedFree.length; i++) {
              const path = paths[i] as string;
              while (f < servedFree.length && (servedFree[f] as string) < path) f++;
              if (servedFree[f] === path) served[i] = 0;
            }
          },
        }),
  };
}

/** The free paths the inventory serves (a free path it does not serve changes no count). */
function servedAmong(inventory: Inventory, free: readonly string[]): string[] {
  const served = new Uint8Array(free.length);
  if (inventory.markServed !== undefined) inventory.markServed(free, 0, free.length, served);
  else for (let i = 0; i < free.length; i++) served[i] = inventory.has(free[i] as string) ? 1 : 0;
  return free.filter((_, i) => served[i] === 1);
}

/** First index at or after `from` whose string is not below `target` (galloping from `from`). */
function lowerBound(sorted: readonly string[], target: string, from: number): number {
  return endOfRun((i) => (sorted[i] as string) < target, from, sorted.length);
}
