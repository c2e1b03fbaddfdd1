/**
 * An independent, slower exact solver to check the planner on the corpus. It shares no code with
 * the planner: its own trie (recursive split of the sorted paths), its own legality test (a prefix
 * must decode), its own counting, every legal cut along each trie edge (not only the deepest), and a
 * plain DP over exact (wildcards, paths) tables with no Pareto pruning or bounds. Small budgets
 * only: tables are (maxWildcards + 1) x (maxPaths + 1). Free paths (new keys) are taken out of the
 * inventory before anything is counted: they need no cover and are never collateral.
 */

/** The optimum by (collateral, paths, wildcards). */
export interface ReferenceOptimum {
  collateral: number;
  paths: number;
  wildcards: number;
}

interface Context {
  paths: readonly string[];
  inventory: readonly string[];
  served: Set<string>;
  k: number;
  w: number;
}

/**
 * @param changed - changed paths that must be covered, sorted and distinct
 * @param inventory - served paths, sorted and distinct
 * @param free - new paths (no cover needed, never collateral), disjoint from `changed`
 * @returns the optimum, or `undefined` when no plan fits
 */
export function solveReference(
  changed: readonly string[],
  inventory: readonly string[],
  maxPaths: number,
  maxWildcards: number,
  free: readonly string[] = [],
): ReferenceOptimum | undefined {
  if (changed.length === 0) return { collateral: 0, paths: 0, wildcards: 0 };
  const context = contextOf(changed, inventory, free, maxPaths, maxWildcards);
  const table = solveRange(context, 0, changed.length, 0);
  let best: ReferenceOptimum | undefined;
  for (let q = 0; q <= maxWildcards; q++) {
    for (let p = 0; p <= maxPaths; p++) {
      const collateral = table[q * (maxPaths + 1) + p] as number;
      if (collateral === Number.POSITIVE_INFINITY) continue;
      const candidate = { collateral, paths: p, wildcards: q };
      if (best === undefined || isBetter(candidate, best)) best = candidate;
    }
  }
  return best;
}

/**
 * The optimum with no path limit and no forced path: collateral 0, and the fewest paths use the
 * largest zero-collateral subtrees. Scans every trie node (no best-first search, no pruning).
 */
export function solveReferenceUnlimited(
  changed: readonly string[],
  inventory: readonly string[],
  maxWildcards: number,
  free: readonly string[] = [],
): ReferenceOptimum {
  if (changed.length === 0) return { collateral: 0, paths: 0, wildcards: 0 };
  const context = contextOf(changed, inventory, free, 0, maxWildcards);
  const saves: number[] = [];
  const visit = (lo: number, hi: number, parentDepth: number): void => {
    if (hi - lo < 2) return;
    const first = changed[lo] as string;
    const depth = commonPrefix(first, changed[hi - 1] as string);
    if (cheapestWildcard(context, lo, hi, parentDepth, depth) === 0) {
      saves.push(hi - lo - 1);
      return;
    }
    let at = first.length === depth ? lo + 1 : lo;
    while (at < hi) {
      const code = (changed[at] as string).charCodeAt(depth);
      let end = at + 1;
      while (end < hi && (changed[end] as string).charCodeAt(depth) === code) end++;
      visit(at, end, depth);
      at = end;
    }
  };
  visit(0, changed.length, 0);
  const chosen = saves.sort((a, b) => b - a).slice(0, maxWildcards);
  const saved = chosen.reduce((sum, save) => sum + save, 0);
  return { collateral: 0, paths: changed.length - saved, wildcards: chosen.length };
}

function contextOf(
  paths: readonly string[],
  inventory: readonly string[],
  free: readonly string[],
  k: number,
  w: number,
): Context {
  const freeSet = new Set(free);
  const counted = free.length === 0 ? inventory : inventory.filter((path) => !freeSet.has(path));
  return { paths, inventory: counted, served: new Set(counted), k, w };
}

function isBetter(a: ReferenceOptimum, b: ReferenceOptimum): boolean {
  if (a.collateral !== b.collateral) return a.collateral < b.collateral;
  if (a.paths !== b.paths) return a.paths < b.paths;
  return a.wildcards < b.wildcards;
}

/** Table for the paths `[lo, hi)`, which share their first `parentDepth` characters and more. */
function solveRange(context: Context, lo: number, hi: number, parentDepth: number): Float64Array {
  const { paths, k, w } = context;
  const first = paths[lo] as string;
  const depth = commonPrefix(first, paths[hi - 1] as string);
  let table = emptyTable(k, w);
  if (hi - lo === 1) {
    if (isExactPath(first) && k >= 1) table[1] = 0;
  } else {
    table[0] = 0;
    let at = lo;
    if (first.length === depth) {
      table = isExactPath(first) ? shiftPaths(table, k, w) : emptyTable(k, w);
      at++;
    }
    while (at < hi) {
      const code = (paths[at] as string).charCodeAt(depth);
      let end = at + 1;
      while (end < hi && (paths[end] as string).charCodeAt(depth) === code) end++;
      table = combine(table, solveRange(context, at, end, depth), k, w);
      at = end;
    }
  }
  // A wildcard on one path that could be exact only adds a wildcard: try it for forced paths alone.
  if (w >= 1 && k >= 1 && (hi - lo > 1 || !isExactPath(first))) {
    const cost = cheapestWildcard(context, lo, hi, parentDepth, hi - lo === 1 ? first.length : depth);
    if (cost < (table[1 * (k + 1) + 1] as number)) table[1 * (k + 1) + 1] = cost;
  }
  return table;
}

/** The least collateral of a legal wildcard ending in `(parentDepth, depth]` on this range's paths. */
function cheapestWildcard(context: Context, lo: number, hi: number, parentDepth: number, depth: number): number {
  const path = context.paths[lo] as string;
  let best = Number.POSITIVE_INFINITY;
  for (let end = depth; end > parentDepth; end--) {
    const prefix = path.slice(0, end);
    if (!isLegalWildcardPrefix(prefix)) continue;
    let changedServed = 0;
    for (let i = lo; i < hi; i++) if (context.served.has(context.paths[i] as string)) changedServed++;
    best = Math.min(best, countWithPrefix(context.inventory, prefix) - changedServed);
  }
  return best;
}

/** DESIGN 3.1: `*`, `'` and an encoded `~` end a wildcard prefix and rule out an exact path. */
const DOUBTFUL = /[*']|%7E/;

function isLegalWildcardPrefix(prefix: string): boolean {
  if (prefix.length === 0 || prefix.length > 3999 || DOUBTFUL.test(prefix)) return false;
  try {
    decodeURIComponent(prefix);
    return true;
  } catch {
    return false;
  }
}

function isExactPath(path: string): boolean {
  return path.length <= 4000 && !DOUBTFUL.test(path);
}

function countWithPrefix(sorted: readonly string[], prefix: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((sorted[mid] as string) < prefix) low = mid + 1;
    else high = mid;
  }
  let end = low;
  while (end < sorted.length && (sorted[end] as string).startsWith(prefix)) end++;
  return end - low;
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

function emptyTable(k: number, w: number): Float64Array {
  return new Float64Array((w + 1) * (k + 1)).fill(Number.POSITIVE_INFINITY);
}

function shiftPaths(table: Float64Array, k: number, w: number): Float64Array {
  const out = emptyTable(k, w);
  for (let q = 0; q <= w; q++) {
    for (let p = 0; p < k; p++) out[q * (k + 1) + p + 1] = table[q * (k + 1) + p] as number;
  }
  return out;
}

function combine(a: Float64Array, b: Float64Array, k: number, w: number): Float64Array {
  const out = emptyTable(k, w);
  const finiteA = finiteCells(a);
  const finiteB = finiteCells(b);
  for (const cellA of finiteA) {
    const qa = Math.floor(cellA / (k + 1));
    const pa = cellA % (k + 1);
    for (const cellB of finiteB) {
      const q = qa + Math.floor(cellB / (k + 1));
      const p = pa + (cellB % (k + 1));
      if (q > w || p > k) continue;
      const cost = (a[cellA] as number) + (b[cellB] as number);
      if (cost < (out[q * (k + 1) + p] as number)) out[q * (k + 1) + p] = cost;
    }
  }
  return out;
}

function finiteCells(table: Float64Array): number[] {
  const cells: number[] = [];
  for (let i = 0; i < table.length; i++) if (table[i] !== Number.POSITIVE_INFINITY) cells.push(i);
  return cells;
}
