/**
 * The compressed trie of the sorted changed paths, as flat arrays. Node 0 is a virtual root at depth
 * 0. Every other node is a longest common prefix of two neighbours (a branching point) or a changed
 * path; node `v` stands for the string `paths[lo[v]].slice(0, depth[v])` and its subtree is the
 * contiguous run `paths[lo[v]..hi[v])`. A changed path that prefixes another is an inner node whose
 * own path is `paths[lo[v]]` (a "terminal"). Children are linked in ascending order.
 */
export interface PrefixTrie {
  size: number;
  depth: Int32Array;
  lo: Int32Array;
  hi: Int32Array;
  parent: Int32Array;
  firstChild: Int32Array;
  nextSibling: Int32Array;
}

/**
 * Builds the trie in O(n) with the classic LCP stack: each path is a leaf; popping the stack down
 * to the common prefix with the next path closes finished subtrees.
 *
 * @param paths - distinct paths sorted by code unit
 * @param common - `common[i]`: common-prefix length of `paths[i - 1]` and `paths[i]`
 */
export function buildPrefixTrie(paths: readonly string[], common: Int32Array): PrefixTrie {
  const capacity = 2 * paths.length + 1;
  const trie: PrefixTrie = {
    size: 0,
    depth: new Int32Array(capacity),
    lo: new Int32Array(capacity),
    hi: new Int32Array(capacity),
    parent: new Int32Array(capacity).fill(-1),
    firstChild: new Int32Array(capacity).fill(-1),
    nextSibling: new Int32Array(capacity).fill(-1),
  };
  const lastChild = new Int32Array(capacity).fill(-1);
  const attach = (parent: number, child: number): void => {
    trie.parent[child] = parent;
    const last = lastChild[parent] as number;
    if (last === -1) trie.firstChild[parent] = child;
    else trie.nextSibling[last] = child;
    lastChild[parent] = child;
  };
  const create = (depth: number, lo: number): number => {
    const node = trie.size++;
    trie.depth[node] = depth;
    trie.lo[node] = lo;
    return node;
  };
  const stack: number[] = [create(0, 0)];
  for (let i = 0; i < paths.length; i++) {
    closeDeeperThan(trie, stack, i === 0 ? 0 : (common[i] as number), i, attach, create);
    stack.push(create((paths[i] as string).length, i));
  }
  closeDeeperThan(trie, stack, 0, paths.length, attach, create);
  trie.hi[0] = paths.length;
  return trie;
}

function closeDeeperThan(
  trie: PrefixTrie,
  stack: number[],
  common: number,
  end: number,
  attach: (parent: number, child: number) => void,
  create: (depth: number, lo: number) => number,
): void {
  while ((trie.depth[stack[stack.length - 1] as number] as number) > common) {
    const closed = stack.pop() as number;
    trie.hi[closed] = end;
    const top = stack[stack.length - 1] as number;
    if ((trie.depth[top] as number) < common) {
      const branch = create(common, trie.lo[closed] as number);
      attach(branch, closed);
      stack.push(branch);
      return;
    }
    attach(top, closed);
  }
}

/**
 * The node after `v` in pre-order, or -1 at the end; `descend: false` skips `v`'s subtree.
 * Children come in ascending order, so pre-order visits prefixes in ascending order.
 */
export function nextInPreorder(trie: PrefixTrie, v: number, descend: boolean): number {
  if (descend && trie.firstChild[v] !== -1) return trie.firstChild[v] as number;
  let at = v;
  while (at !== 0 && trie.nextSibling[at] === -1) at = trie.parent[at] as number;
  return at === 0 ? -1 : (trie.nextSibling[at] as number);
}
