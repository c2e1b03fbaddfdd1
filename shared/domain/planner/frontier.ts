import { CandidateBuffer } from './candidates.ts';
import { SaveGrid } from './save-grid.ts';

/**
 * Pareto frontiers of partial plans for the tree DP. A partial plan for a subtree is summarised by
 * `q` (wildcards used), `cost` (their collateral) and `save` (paths saved against one exact path
 * per changed path: a wildcard covering m changed paths saves m - 1). The whole plan needs
 * `save >= required` (= changed - maxPaths) and `q <= maxWildcards`, and minimises cost, then
 * paths (maximises save), then wildcards.
 *
 * Dominance: A beats B when `q_A <= q_B`, `cost_A <= cost_B`, `min(save_A, required) >=
 * min(save_B, required)`, and `save_A >= save_B` if the costs tie. Saves above `required` only
 * matter at equal cost, because cost comes first; so a frontier holds saves below `required` plus
 * at most one entry per `q` that reaches it. Entries are flat `[q, cost, save, ref]` quadruples.
 */
export type Frontier = readonly number[];

/** No partial plan exists (a forced path in the subtree is left uncovered). */
export const EMPTY: Frontier = [];
/** The subtree is all exact paths: nothing used, nothing saved. */
export const TRIVIAL: Frontier = [0, 0, 0, 0];

/** Budget numbers the pruning needs, and the arena that records how entries were built. */
export interface FrontierContext {
  maxWildcards: number;
  required: number;
  refs: RefArena;
  /** Candidates pruned so far: a measure of the DP's work. */
  work: number;
  /** Merges of at least this many pairs of entries are pruned on the save grid (save-grid.ts). */
  gridPairs: number;
}

/**
 * Provenance of frontier entries. A ref is 0 (no wildcard), `-(node + 1)` (one wildcard at a trie
 * node) or a positive pair id whose two halves are refs; only pairs of two non-zero refs are stored.
 */
export class RefArena {
  private halves = new Int32Array(1024);
  private used = 0;

  /** The ref of the union of two partial plans. */
  combine(left: number, right: number): number {
    if (left === 0) return right;
    if (right === 0) return left;
    if (this.used + 2 > this.halves.length) {
      const grown = new Int32Array(this.halves.length * 2);
      grown.set(this.halves);
      this.halves = grown;
    }
    this.halves[this.used++] = left;
    this.halves[this.used++] = right;
    return this.used >> 1;
  }

  /** The trie nodes of the wildcards behind a ref. */
  collectNodes(ref: number): number[] {
    const nodes: number[] = [];
    const pending = [ref];
    while (pending.length > 0) {
      const next = pending.pop() as number;
      if (next < 0) nodes.push(-next - 1);
      else if (next > 0) pending.push(this.halves[2 * next - 2] as number, this.halves[2 * next - 1] as number);
    }
    return nodes;
  }
}

const candidates = new CandidateBuffer();
const grid = new SaveGrid();
/** A merge goes through the grid only when it has no more cells than this many per pair. */
const GRID_CELLS_PER_PAIR = 4;

/**
 * The frontier of the union of two disjoint subtrees: every pair of entries whose wildcards fit,
 * dropping saves below `minSave` (such partial plans cannot reach the budget), then pruned.
 */
export function mergeFrontiers(a: Frontier, b: Frontier, minSave: number, context: FrontierContext): Frontier {
  if (a.length === 0 || b.length === 0) return EMPTY;
  if (a === TRIVIAL) return b;
  if (b === TRIVIAL) return a;
  const w = context.maxWildcards;
  const pairs = (a.length >> 2) * (b.length >> 2);
  candidates.reset(pairs);
  for (let i = 0; i < a.length; i += 4) {
    const qa = a[i] as number;
    const costA = a[i + 1] as number;
    const saveA = a[i + 2] as number;
    const refA = a[i + 3] as number;
    for (let j = 0; j < b.length; j += 4) {
      const q = qa + (b[j] as number);
      const save = saveA + (b[j + 2] as number);
      if (q > w || save < minSave) continue;
      candidates.push(q, costA + (b[j + 1] as number), save, refA, b[j + 3] as number);
    }
  }
  if (pairs < context.gridPairs) return pruneCandidates(context);
  const { required } = context;
  const low = Math.min(required, Math.max(lowestSave(a) + lowestSave(b), minSave));
  const high = Math.min(required, highestSave(a) + highestSave(b));
  const cells = (w + 1) * (high - low + 1);
  if (high < low || cells > GRID_CELLS_PER_PAIR * pairs) return pruneCandidates(context);
  return pruneOnGrid(low, high, context);
}

/** `pruneCandidates` through the save grid (saves `low..high`): the same entries, without sorting them all. */
function pruneOnGrid(low: number, high: number, context: FrontierContext): Frontier {
  const { required, maxWildcards: w } = context;
  const count = candidates.count;
  context.work += count;
  if (count === 0) return EMPTY;
  grid.reset(w + 1, low, high);
  const { cost: cellCost, save: cellSave, left: cellLeft, right: cellRight, width } = grid;
  const { q: candQ, cost: candCost, save: candSave, left: candLeft, right: candRight } = candidates;
  for (let at = 0; at < count; at++) {
    const save = candSave[at] as number;
    const cost = candCost[at] as number;
    const cell = (candQ[at] as number) * width + (save < required ? save : required) - low;
    const best = cellCost[cell] as number;
    // Candidates come in order, so at a tie the earlier one stays.
    if (cost < best || (cost === best && save > (cellSave[cell] as number))) {
      cellCost[cell] = cost;
      cellSave[cell] = save;
      cellLeft[cell] = candLeft[at] as number;
      cellRight[cell] = candRight[at] as number;
    }
  }
  // The survivors in the candidates' sorted order (each row is a run), refs combined in that order.
  const survivors = grid.collect();
  candidates.reset(survivors);
  for (let at = 0; at < survivors; at++) {
    const cell = grid.survivors[at] as number;
    const q = Math.floor(cell / width);
    const save = cellSave[cell] as number;
    candidates.push(q, cellCost[cell] as number, save, cellLeft[cell] as number, cellRight[cell] as number);
  }
  return emitSorted(context);
}

function lowestSave(frontier: Frontier): number {
  let low = Number.POSITIVE_INFINITY;
  for (let i = 2; i < frontier.length; i += 4) low = Math.min(low, frontier[i] as number);
  return low;
}

function highestSave(frontier: Frontier): number {
  let high = Number.NEGATIVE_INFINITY;
  for (let i = 2; i < frontier.length; i += 4) high = Math.max(high, frontier[i] as number);
  return high;
}

/**
 * Adds a wildcard option (last, so it loses ties against deeper plans already there) and drops
 * entries whose save is below `minSaveByQ[q]`, then prunes.
 */
export function finishFrontier(
  frontier: Frontier,
  own: { cost: number; save: number; ref: number } | undefined,
  minSaveByQ: Float64Array | undefined,
  context: FrontierContext,
): Frontier {
  if (own === undefined && minSaveByQ === undefined) return frontier;
  candidates.reset((frontier.length >> 2) + 1);
  for (let i = 0; i < frontier.length; i += 4) {
    const q = frontier[i] as number;
    const save = frontier[i + 2] as number;
    if (minSaveByQ !== undefined && save < (minSaveByQ[q] as number)) continue;
    candidates.push(q, frontier[i + 1] as number, save, frontier[i + 3] as number, 0);
  }
  if (
    own !== undefined &&
    context.maxWildcards >= 1 &&
    (minSaveByQ === undefined || own.save >= (minSaveByQ[1] as number))
  ) {
    candidates.push(1, own.cost, own.save, own.ref, 0);
  }
  return pruneCandidates(context);
}

let bestEffective = new Float64Array(16);

function pruneCandidates(context: FrontierContext): Frontier {
  context.work += candidates.count;
  return emitSorted(context);
}

/** Sorts the candidates and keeps those no earlier one dominates (the work is counted by the caller). */
function emitSorted(context: FrontierContext): Frontier {
  const count = candidates.count;
  if (count === 0) return EMPTY;
  const { maxWildcards: w, required } = context;
  const order = candidates.sorted();
  const { q: candQ, cost: candCost, save: candSave, left: candLeft, right: candRight } = candidates;
  if (bestEffective.length < w + 1) bestEffective = new Float64Array(w + 1);
  bestEffective.fill(Number.NEGATIVE_INFINITY, 0, w + 1);
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const at = order[i] as number;
    const q = candQ[at] as number;
    const save = candSave[at] as number;
    const effective = Math.min(save, required);
    // Every entry kept so far costs no more; one with no more wildcards and as much effective save wins.
    if ((bestEffective[q] as number) >= effective) continue;
    for (let r = q; r <= w && (bestEffective[r] as number) < effective; r++) bestEffective[r] = effective;
    out.push(q, candCost[at] as number, save, context.refs.combine(candLeft[at] as number, candRight[at] as number));
  }
  return out;
}
