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
 * are dropped where the outside values allow. A pass with bounds remembers the frontiers of the
 * subtrees no bound reaches (they do not depend on the limit), so a later pass with another limit
 * only redoes the nodes the bounds touch.
 */
export class TreeFold {
  private readonly table: NodeTable;
  private readonly minSave: Float64Array;
  /** The frontiers of the nodes the bounds do not reach whose parent they do; filled by the first pass with bounds. */
  private settled: (Frontier | undefined)[] | undefined;
  /** The nodes a pass with bounds visits once `settled` is filled, in visiting order. */
  private steps: Int32Array | undefined;

  constructor(table: NodeTable) {
    this.table = table;
    this.minSave = new Float64Array(table.budget.maxWildcards + 1);
  }

  /**
   * One pass. Without bounds, stops and returns `undefined` as soon as `wantsBounds` says a frontier
   * grew large enough for them.
   *
   * @returns the root's frontier
   */
  fold(context: FrontierContext, bounds: Bounds | undefined, wantsBounds: (frontier: Frontier) => boolean) {
    const { trie, order, blocked, budget, hanging } = this.table;
    const { required, maxPaths, maxWildcards: w } = budget;
    let steps: Int32Array = order;
    let settled: (Frontier | undefined)[] | undefined;
    let boundary: Uint8Array | undefined;
    if (bounds !== undefined) {
      if (this.settled === undefined) {
        boundary = this.findBoundary(bounds.outside);
        this.settled = new Array(trie.size).fill(undefined);
      } else {
        steps = this.steps as Int32Array;
      }
      settled = this.settled;
    }
    // Filled up front: written out of order, a growing array would fall back to slow sparse storage.
    const acc: (Frontier | undefined)[] = new Array(trie.size).fill(undefined);
    const merged = new Int32Array(trie.size);
    for (let index = steps.length - 1; index >= 0; index--) {
      const v = steps[index] as number;
      const size = sizeOf(this.table, v);
      let frontier = settled?.[v];
      if (frontier === undefined) {
        frontier = this.finish(v, acc[v], context);
        acc[v] = undefined;
        if (bounds === undefined && wantsBounds(frontier)) return undefined;
        const rest = bounds?.outside.ofNode.get(v);
        if (bounds !== undefined && rest !== undefined) frontier = dropHopeless(frontier, rest, bounds, required, w);
        if (boundary?.[v] === 1) (settled as Frontier[])[v] = frontier;
      }
      if (v === 0) return frontier;
      const parent = trie.parent[v] as number;
      merged[parent] = (merged[parent] as number) + size;
      const folded = acc[parent] ?? (blocked[parent] === 1 ? EMPTY : TRIVIAL);
      const foldMinSave = hanging !== undefined ? (merged[parent] as number) - maxPaths : Number.NEGATIVE_INFINITY;
      let partial = mergeFrontiers(folded, frontier, foldMinSave, context);
      if (bounds === undefined && wantsBounds(partial)) return undefined;
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
   * Marks the nodes whose frontier no bound reaches but whose parent's does (they are remembered),
   * and lists the nodes later passes visit: those the bounds reach and these.
   */
  private findBoundary(outside: OutsideValues): Uint8Array {
    const { trie, order } = this.table;
    const reached = new Uint8Array(trie.size);
    for (let index = order.length - 1; index > 0; index--) {
      const v = order[index] as number;
      if (outside.ofNode.has(v)) reached[v] = 1;
      // A bound on the parent's partial merge after v, or anything reached below v, reaches the parent.
      if (reached[v] === 1 || outside.afterMerging.has(v)) reached[trie.parent[v] as number] = 1;
    }
    reached[0] = 1;
    const boundary = new Uint8Array(trie.size);
    const steps: number[] = [];
    for (const v of order) {
      if (v !== 0 && reached[trie.parent[v] as number] === 0) continue;
      if (reached[v] === 0) boundary[v] = 1;
      steps.push(v);
    }
    this.steps = Int32Array.from(steps);
    return boundary;
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
