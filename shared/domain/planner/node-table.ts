import { firstDoubtfulIndex, floorCharBoundary, MAX_PATH_LENGTH } from '../paths.ts';
import type { ChangedSet } from './changed-set.ts';
import { nextInPreorder, type PrefixTrie } from './prefix-trie.ts';
import { fillMinSave, findTopChildren, holdsNoInsidePlan, type SaveBudget, writeHanging } from './save-bounds.ts';
import type { WildcardCosts } from './wildcard-costs.ts';

/** What the DP passes need per trie node, computed once in pre-order. */
export interface NodeTable {
  trie: PrefixTrie;
  changed: ChangedSet;
  /** Length of the node's wildcard prefix; 0 when it has no legal wildcard of its own. */
  prefixLength: Int32Array;
  /** Cost of the node's wildcard (when `prefixLength > 0`). */
  cost: Float64Array;
  /**
   * 1 for a node whose inside the DP never looks at: its wildcard has zero collateral (it beats any
   * plan inside), or no plan meeting the budget puts a wildcard strictly inside it.
   */
  closed: Uint8Array;
  /** The nodes the DP visits (no plain leaves, nothing below a closed node), in pre-order. */
  order: Int32Array;
  /**
   * 1 where leaving the node unwildcarded, before its children are looked at, already leaves a
   * forced path uncovered: a forced leaf, a forced terminal, a closed node holding a forced path.
   */
  blocked: Uint8Array;
  /** Forced paths among `paths[0..i)`, to tell whether a subtree holds one. */
  forcedBefore: Int32Array;
  budget: SaveBudget;
  /** When the budget forces merging: per node, `maxWildcards` hanging saves (see save-bounds). */
  hanging: Float64Array | undefined;
}

/**
 * Walks the trie in pre-order, asking the cost of each node's longest legal wildcard (ascending
 * prefixes, which the sorted inventory answers by galloping) and closing nodes whose inside cannot
 * matter; nothing below a closed node is asked or visited.
 */
export function buildNodeTable(
  trie: PrefixTrie,
  changed: ChangedSet,
  costs: WildcardCosts,
  budget: SaveBudget,
): NodeTable {
  const { paths, forced } = changed;
  const w = budget.maxWildcards;
  const prefixLength = new Int32Array(trie.size);
  const cost = new Float64Array(trie.size);
  const closed = new Uint8Array(trie.size);
  const blocked = new Uint8Array(trie.size);
  const hanging = budget.required > 0 ? new Float64Array(trie.size * w) : undefined;
  const minSave = new Float64Array(w + 1);
  const order = new Int32Array(trie.size);
  const forcedBefore = new Int32Array(paths.length + 1);
  for (let i = 0; i < paths.length; i++) forcedBefore[i + 1] = (forcedBefore[i] as number) + (forced[i] as number);
  let count = 0;
  for (let v = 0; v !== -1; ) {
    const first = trie.lo[v] as number;
    const leaf = trie.firstChild[v] === -1;
    if (leaf && forced[first] === 0) {
      v = nextInPreorder(trie, v, false);
      continue;
    }
    const size = (trie.hi[v] as number) - first;
    if (hanging !== undefined) fillMinSave(minSave, budget, hanging, v, size);
    if (v !== 0) {
      const path = paths[first] as string;
      let length = legalPrefixLength(path, trie.depth[v] as number, trie.depth[trie.parent[v] as number] as number);
      // A wildcard here that cannot save enough for the budget is never part of a plan: skip its cost.
      if (w < 1 || (hanging !== undefined && size - 1 < (minSave[1] as number))) length = 0;
      prefixLength[v] = length;
      if (length > 0) cost[v] = costs.costOf(path.slice(0, length), first, trie.hi[v] as number);
      if (length > 0 && costs.exact && cost[v] === 0) closed[v] = 1;
    }
    if (hanging !== undefined && closed[v] === 0 && !leaf) {
      const top = findTopChildren(trie, v, w + 1);
      if (holdsNoInsidePlan(budget, minSave, top)) closed[v] = 1;
      else {
        for (let child = trie.firstChild[v] as number; child !== -1; child = trie.nextSibling[child] as number) {
          if (trie.firstChild[child] !== -1 || forced[trie.lo[child] as number] === 1) {
            writeHanging(hanging, w, v, top, child);
          }
        }
      }
    }
    const forcedHere = forced[first] === 1 && (paths[first] as string).length === trie.depth[v];
    if (closed[v] === 1 ? forcedBefore[trie.hi[v] as number] !== forcedBefore[first] : forcedHere) blocked[v] = 1;
    order[count++] = v;
    v = nextInPreorder(trie, v, closed[v] === 0);
  }
  const table = { trie, changed, prefixLength, cost, closed, order: order.subarray(0, count), blocked, forcedBefore };
  return { ...table, budget, hanging };
}

/**
 * The longest prefix of a node's string that can end a wildcard: before any `*` (or other doubtful character), short enough for
 * the 4,000-character limit with the `*`, and on a character boundary. 0 when that prefix is no
 * longer than the parent's (it would cover more than this node's paths).
 */
export function legalPrefixLength(path: string, depth: number, parentDepth: number): number {
  let limit = Math.min(depth, MAX_PATH_LENGTH - 1);
  const star = firstDoubtfulIndex(path);
  if (star !== -1 && star < limit) limit = star;
  const cut = floorCharBoundary(path, limit);
  return cut > parentDepth ? cut : 0;
}

/** Changed paths under node `v`. */
export function sizeOf(table: NodeTable, v: number): number {
  return (table.trie.hi[v] as number) - (table.trie.lo[v] as number);
}
