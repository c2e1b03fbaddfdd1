import type { ChangedSet } from './changed-set.ts';
import { legalPrefixLength } from './node-table.ts';
import type { ChosenWildcard } from './plan-search.ts';
import type { PrefixTrie } from './prefix-trie.ts';
import type { WildcardCosts } from './wildcard-costs.ts';

/**
 * The optimal plan when every changed path fits as an exact path and none needs a wildcard (the
 * common case): collateral 0 is reachable, so only zero-collateral wildcards may be used, and the
 * fewest paths come from the `maxWildcards` largest maximal zero-collateral nodes (disjoint, and any
 * zero-collateral node lies inside a maximal one that saves at least as much). Best-first by subtree
 * size: a subtree too small to beat the current `maxWildcards`-th best is never asked about, so a
 * large deploy costs a few hundred inventory queries, not one per node.
 *
 * @returns the chosen wildcards, largest saving first (ties: earlier path first)
 */
export function findFreeWildcards(
  trie: PrefixTrie,
  changed: ChangedSet,
  costs: WildcardCosts,
  maxWildcards: number,
): ChosenWildcard[] {
  const sizeOf = (v: number): number => (trie.hi[v] as number) - (trie.lo[v] as number);
  const before = (a: number, b: number): boolean =>
    sizeOf(a) > sizeOf(b) || (sizeOf(a) === sizeOf(b) && (trie.lo[a] as number) < (trie.lo[b] as number));
  const chosen: ChosenWildcard[] = [];
  const worstSave = (): number =>
    chosen.length < maxWildcards
      ? 1
      : (chosen[chosen.length - 1] as ChosenWildcard).end - (chosen[chosen.length - 1] as ChosenWildcard).start - 1;
  const heap = new NodeHeap(before);
  const pushChildren = (v: number): void => {
    for (let child = trie.firstChild[v] as number; child !== -1; child = trie.nextSibling[child] as number) {
      if (trie.firstChild[child] !== -1 && sizeOf(child) - 1 >= worstSave()) heap.push(child);
    }
  };
  if (maxWildcards < 1) return chosen;
  pushChildren(0);
  for (let v = heap.pop(); v !== -1; v = heap.pop()) {
    const save = sizeOf(v) - 1;
    if (save < worstSave()) break;
    const start = trie.lo[v] as number;
    const path = changed.paths[start] as string;
    const parentDepth = trie.depth[trie.parent[v] as number] as number;
    const prefixLength = legalPrefixLength(path, trie.depth[v] as number, parentDepth);
    if (prefixLength > 0 && costs.isFree(path.slice(0, prefixLength), start, trie.hi[v] as number)) {
      insertRanked(chosen, { start, end: trie.hi[v] as number, prefixLength, cost: 0 }, maxWildcards);
    } else {
      pushChildren(v);
    }
  }
  return chosen;
}

/** Keeps `chosen` sorted by saving (then start) and at most `limit` long. */
function insertRanked(chosen: ChosenWildcard[], wildcard: ChosenWildcard, limit: number): void {
  const save = wildcard.end - wildcard.start;
  let at = chosen.length;
  while (at > 0) {
    const other = chosen[at - 1] as ChosenWildcard;
    const otherSave = other.end - other.start;
    if (otherSave > save || (otherSave === save && other.start < wildcard.start)) break;
    at--;
  }
  chosen.splice(at, 0, wildcard);
  if (chosen.length > limit) chosen.pop();
}

/** A binary max-heap of trie nodes under a strict "comes first" order. */
class NodeHeap {
  private readonly items: number[] = [];

  constructor(private readonly before: (a: number, b: number) => boolean) {}

  push(node: number): void {
    const items = this.items;
    let at = items.length;
    items.push(node);
    while (at > 0) {
      const up = (at - 1) >> 1;
      if (!this.before(node, items[up] as number)) break;
      items[at] = items[up] as number;
      at = up;
    }
    items[at] = node;
  }

  /** The first node, or -1 when empty. */
  pop(): number {
    const items = this.items;
    if (items.length === 0) return -1;
    const top = items[0] as number;
    const last = items.pop() as number;
    if (items.length > 0) {
      let at = 0;
      for (;;) {
        let next = 2 * at + 1;
        if (next >= items.length) break;
        if (next + 1 < items.length && this.before(items[next + 1] as number, items[next] as number)) next++;
        if (!this.before(items[next] as number, last)) break;
        items[at] = items[next] as number;
        at = next;
      }
      items[at] = last;
    }
    return top;
  }
}
