import { EMPTY, type Frontier, type FrontierContext, finishFrontier, mergeFrontiers, TRIVIAL } from './frontier.ts';
import type { Multiplier } from './multiplier.ts';
import { type NodeTable, sizeOf } from './node-table.ts';
import type { OutsideValues } from './outside-bounds.ts';
import { fillMinSave } from './save-bounds.ts';

/** Lagrangian bounds and the cost a plan must not exceed (rounding slack included). */
export interface Bounds {
  multiplier: Multiplier;
  outside: OutsideValues;
  limit: number;
}

/**
 * The tree DP's bottom-up passes over one node table. Each node's frontier is its children's merged
 * frontiers plus its own wildcard; with bounds, entries that cannot lead to a plan within the limit
 * are dropped where the outside values allow. The frontiers of the subtrees no bound reaches do not
 * depend on the limit, so they are folded once (by the pass without bounds when it got that far) and
 * a pass with another limit only redoes the nodes the bounds reach.
 */
export class TreeFold {
  private readonly table: NodeTable;
  private readonly minSave: Float64Array;
  /** Per node, its children merged so far in the current pass. */
  private readonly acc: (Frontier | undefined)[];
  /** Per node, changed paths under the children merged so far in the current pass. */
  private readonly merged: Int32Array;
  /** Whether a pass stopped early and left `acc` and `merged` to clear. */
  private dirty = false;
  /** Frontiers a pass without bounds finished (every one of them is the same with bounds below it). */
  private finished: (Frontier | undefined)[] | undefined;
  /** 1 for a node whose frontier a bound reaches (its own, or one in its subtree or on its merges). */
  private reached: Uint8Array | undefined;
  /** Frontiers of the nodes the bounds do not reach whose parent they do, once known. */
  private settled: (Frontier | undefined)[] = [];

  constructor(table: NodeTable) {
    this.table = table;
    this.minSave = new Float64Array(table.budget.maxWildcards + 1);
    // Filled up front: written out of order, a growing array would fall back to slow sparse storage.
    this.acc = new Array(table.trie.size).fill(undefined);
    this.merged = new Int32Array(table.trie.size);
  }

  /**
   * One pass. Without bounds, stops and returns `undefined` as soon as `wantsBounds` says a frontier
   * grew large enough for them; the subtrees it finished are not folded again.
   *
   * @returns the root's frontier
   */
  fold(context: FrontierContext, bounds: Bounds | undefined, wantsBounds: (frontier: Frontier) => boolean) {
    const { trie, blocked, budget, hanging } = this.table;
    const { required, maxPaths, maxWildcards: w } = budget;
    if (this.dirty) {
      this.acc.fill(undefined);
      this.merged.fill(0);
      this.dirty = false;
    }
    const { acc, merged } = this;
    // Only a pass that may stop for bounds keeps what it finished (otherwise frontiers go as they merge).
    if (bounds === undefined) {
      if (hanging !== undefined) this.finished ??= new Array(trie.size).fill(undefined);
    } else if (this.reached === undefined) this.settleFinished(bounds.outside);
    const steps = bounds === undefined ? this.table.order : this.stepsWithBounds();
    const reached = this.reached;
    const settled = this.settled;
    const finished = bounds === undefined ? this.finished : undefined;
    for (let index = steps.length - 1; index >= 0; index--) {
      const v = steps[index] as number;
      const size = sizeOf(this.table, v);
      let frontier = reached !== undefined && reached[v] === 0 ? settled[v] : undefined;
      if (frontier === undefined) {
        frontier = this.finish(v, acc[v], context);
        acc[v] = undefined;
        merged[v] = 0;
        if (finished !== undefined) finished[v] = frontier;
        if (bounds === undefined && wantsBounds(frontier)) {
          this.dirty = true;
          return undefined;
        }
        const rest = bounds?.outside.ofNode.get(v);
        if (bounds !== undefined && rest !== undefined) frontier = dropHopeless(frontier, rest, bounds, required, w);
        if (reached !== undefined && reached[v] === 0 && reached[trie.parent[v] as number] === 1) settled[v] = frontier;
      }
      if (v === 0) return frontier;
      const parent = trie.parent[v] as number;
      merged[parent] = (merged[parent] as number) + size;
      const folded = acc[parent] ?? (blocked[parent] === 1 ? EMPTY : TRIVIAL);
      const foldMinSave = hanging !== undefined ? (merged[parent] as number) - maxPaths : Number.NEGATIVE_INFINITY;
      let partial = mergeFrontiers(folded, frontier, foldMinSave, context);
      if (bounds === undefined && wantsBounds(partial)) {
        this.dirty = true;
        return undefined;
      }
      const partialRest = bounds?.outside.afterMerging.get(v);
      if (bounds !== undefined && partialRest !== undefined) {
        partial = dropHopeless(partial, partialRest, bounds, required, w);
      }
      acc[parent] = partial;
    }
    return EMPTY;
  }

  /** Node `v`'s frontier from its merged children (`undefined`: none yet) and its own wildcard. */
  private finish(v: number, children: Frontier | undefined, context: FrontierContext): Frontier {
    const { prefixLength, cost, blocked, budget, hanging } = this.table;
    const base = children ?? (blocked[v] === 1 ? EMPTY : TRIVIAL);
    const size = sizeOf(this.table, v);
    const own =
      (prefixLength[v] as number) > 0 ? { cost: cost[v] as number, save: size - 1, ref: -(v + 1) } : undefined;
    if (hanging === undefined) return finishFrontier(base, own, undefined, context);
    fillMinSave(this.minSave, budget, hanging, v, size);
    return finishFrontier(base, own, this.minSave, context);
  }

  /**
   * Marks the nodes the bounds reach and keeps, of the frontiers the pass without bounds finished,
   * those of the nodes outside that reach whose parent is inside it.
   */
  private settleFinished(outside: OutsideValues): void {
    const { trie, order } = this.table;
    const reached = new Uint8Array(trie.size);
    for (let index = order.length - 1; index > 0; index--) {
      const v = order[index] as number;
      if (outside.ofNode.has(v)) reached[v] = 1;
      // A bound on the parent's partial merge after v, or anything reached below v, reaches the parent.
      if (reached[v] === 1 || outside.afterMerging.has(v)) reached[trie.parent[v] as number] = 1;
    }
    reached[0] = 1;
    this.reached = reached;
    this.settled = new Array(trie.size).fill(undefined);
    const finished = this.finished;
    if (finished !== undefined) {
      for (const v of order) {
        if (v !== 0 && reached[v] === 0 && reached[trie.parent[v] as number] === 1) this.settled[v] = finished[v];
      }
    }
    this.finished = undefined;
  }

  /** The nodes a pass with bounds visits: all but those inside a subtree whose frontier is settled. */
  private stepsWithBounds(): Int32Array {
    const { trie, order } = this.table;
    const reached = this.reached as Uint8Array;
    const steps = new Int32Array(order.length);
    let count = 0;
    for (let at = 0; at < order.length; ) {
      const v = order[at++] as number;
      steps[count++] = v;
      if (reached[v] === 0 && this.settled[v] !== undefined) {
        // Pre-order: the nodes right after v that lie in its run of paths are its subtree.
        const end = trie.hi[v] as number;
        while (at < order.length && (trie.lo[order[at] as number] as number) < end) at++;
      }
    }
    return steps.subarray(0, count);
  }
}

/**
 * Drops entries that cannot lead to a plan within the limit: a plan through an entry costs at least
 * its cost, plus the best relaxed value outside with the wildcards left, plus the price of the saves
 * still missing.
 */
function dropHopeless(frontier: Frontier, outside: Float64Array, bounds: Bounds, required: number, w: number) {
  const { lambda } = bounds.multiplier;
  const kept: number[] = [];
  for (let i = 0; i < frontier.length; i += 4) {
    const q = frontier[i] as number;
    const save = frontier[i + 2] as number;
    const bound = (frontier[i + 1] as number) + (outside[w - q] as number) + lambda * Math.max(0, required - save);
    if (bound <= bounds.limit) kept.push(q, frontier[i + 1] as number, save, frontier[i + 3] as number);
  }
  return kept.length === frontier.length ? frontier : kept;
}
