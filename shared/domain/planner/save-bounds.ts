import type { PrefixTrie } from './prefix-trie.ts';

/**
 * Lower bounds on what a subtree must save, used to drop partial plans that cannot reach the path
 * budget. Outside a subtree, with its ancestors left unwildcarded, the rest of the plan can only put
 * wildcards inside the "hanging" subtrees (the other children of each ancestor); j wildcards there
 * save at most the sum of the j largest `size - 1`. So a subtree using q of the w wildcards must
 * save at least `required - hanging(w - q)`. Also, at most `maxPaths` changed paths stay exact
 * overall, so a subtree of n changed paths must save at least `n - maxPaths`.
 */

/** The path budget as the bounds see it: `required` = changed paths - maxPaths (saves needed). */
export interface SaveBudget {
  required: number;
  maxPaths: number;
  maxWildcards: number;
}

/** A node's largest children by `size - 1` (at most `limit`), largest first, with their nodes. */
export interface TopChildren {
  saves: number[];
  nodes: number[];
}

/** Collects a node's `limit` largest children by `size - 1` (ties: the earlier child first). */
export function findTopChildren(trie: PrefixTrie, v: number, limit: number): TopChildren {
  const saves: number[] = [];
  const nodes: number[] = [];
  for (let child = trie.firstChild[v] as number; child !== -1; child = trie.nextSibling[child] as number) {
    const save = (trie.hi[child] as number) - (trie.lo[child] as number) - 1;
    if (save <= 0 || (saves.length === limit && save <= (saves[limit - 1] as number))) continue;
    let at = saves.length;
    while (at > 0 && (saves[at - 1] as number) < save) at--;
    saves.splice(at, 0, save);
    nodes.splice(at, 0, child);
    if (saves.length > limit) {
      saves.pop();
      nodes.pop();
    }
  }
  return { saves, nodes };
}

/**
 * Writes `child`'s hanging saves (w slots at `hanging[child * w]`, largest first, 0-padded): its
 * parent's plus the parent's other children.
 */
export function writeHanging(hanging: Float64Array, w: number, parent: number, siblings: TopChildren, child: number) {
  let i = 0;
  let j = 0;
  const from = parent * w;
  const to = child * w;
  for (let slot = 0; slot < w; slot++) {
    if (j < siblings.nodes.length && siblings.nodes[j] === child) j++;
    const fromParent = i < w ? (hanging[from + i] as number) : 0;
    const fromSiblings = j < siblings.saves.length ? (siblings.saves[j] as number) : 0;
    if (fromParent >= fromSiblings) {
      hanging[to + slot] = fromParent;
      i++;
    } else {
      hanging[to + slot] = fromSiblings;
      j++;
    }
  }
}

/**
 * Fills `out[q]` (q = 0..w) with the least save a partial plan of node `v` using q wildcards needs.
 *
 * @param size - changed paths under `v`
 */
export function fillMinSave(out: Float64Array, budget: SaveBudget, hanging: Float64Array, v: number, size: number) {
  const w = budget.maxWildcards;
  let outside = 0;
  for (let q = w; q >= 0; q--) {
    out[q] = Math.max(size - budget.maxPaths, budget.required - outside);
    if (q > 0) outside += hanging[v * w + (w - q)] as number;
  }
}

/**
 * Whether no plan meeting the budget puts a wildcard strictly inside `v`: q wildcards there save at
 * most the q largest children's saves, which falls short of what `v` needs for every q.
 */
export function holdsNoInsidePlan(budget: SaveBudget, minSave: Float64Array, top: TopChildren): boolean {
  let inside = 0;
  for (let q = 1; q <= budget.maxWildcards; q++) {
    inside += top.saves[q - 1] ?? 0;
    if (inside >= (minSave[q] as number)) return false;
  }
  return true;
}
