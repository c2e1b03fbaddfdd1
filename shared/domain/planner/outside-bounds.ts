import type { NodeTable } from './node-table.ts';
import type { Relaxation } from './relaxation.ts';

/** Outside values (`[j]` for j = 0..maxWildcards) for finished nodes and for a parent's partial merges. */
export interface OutsideValues {
  /** Per large node: outside its subtree. */
  ofNode: Map<number, Float64Array>;
  /** Per child of a large node: outside the parent's merge once this child and the later ones are in. */
  afterMerging: Map<number, Float64Array>;
}

/**
 * For the large nodes of the trie, the best relaxed value of the rest of the plan: the plans outside
 * the node's subtree that leave its ancestors unwildcarded (otherwise the node's own plan would not
 * matter), with at most j wildcards. Computed top-down: a child's outside is its parent's outside
 * times its siblings' curves (prefix and suffix min-plus products over the parent's children). The
 * DP merges children last to first, so a partial merge's outside is the parent's outside times the
 * children not merged yet (a prefix product).
 *
 * @param isLarge - the nodes worth bounding; a large node's parent must be large too (size grows upward)
 */
export function computeOutsideValues(
  table: NodeTable,
  relaxation: Relaxation,
  lambda: number,
  maxWildcards: number,
  isLarge: (v: number) => boolean,
): OutsideValues {
  const { trie, order, closed } = table;
  const curves = new Map<number, Float64Array>();
  relaxation.relax(lambda, { keep: (v) => isLarge(trie.parent[v] as number), curves });
  const pending = new Map<number, Float64Array>([[0, new Float64Array(1)]]);
  const ofNode = new Map<number, Float64Array>();
  const afterMerging = new Map<number, Float64Array>();
  for (const v of order) {
    const own = pending.get(v);
    if (own === undefined || closed[v] === 1) continue;
    pending.delete(v);
    ofNode.set(v, expand(own, maxWildcards));
    const children: number[] = [];
    for (let child = trie.firstChild[v] as number; child !== -1; child = trie.nextSibling[child] as number) {
      if (curves.has(child)) children.push(child);
    }
    // Under a forced terminal left unwildcarded nothing is feasible: its own path stays uncovered.
    const blocked = table.blocked[v] === 1;
    let partial = own;
    for (const child of children) {
      afterMerging.set(child, expand(blocked ? INFEASIBLE : partial, maxWildcards));
      partial = combineValues(partial, curves.get(child) as Float64Array, maxWildcards);
    }
    if (!children.some((child) => isLarge(child) && closed[child] === 0)) continue;
    const suffix: Float64Array[] = new Array(children.length + 1);
    suffix[children.length] = own;
    for (let i = children.length - 1; i >= 0; i--) {
      suffix[i] = combineValues(
        curves.get(children[i] as number) as Float64Array,
        suffix[i + 1] as Float64Array,
        maxWildcards,
      );
    }
    let prefix: Float64Array = new Float64Array(1);
    for (let i = 0; i < children.length; i++) {
      const child = children[i] as number;
      if (isLarge(child) && closed[child] === 0) {
        const rest = combineValues(prefix, suffix[i + 1] as Float64Array, maxWildcards);
        pending.set(child, blocked ? INFEASIBLE : rest);
      }
      prefix = combineValues(prefix, curves.get(child) as Float64Array, maxWildcards);
    }
  }
  return { ofNode, afterMerging };
}

const INFEASIBLE = new Float64Array([Number.POSITIVE_INFINITY]);

/** Min-plus product of two "at most j wildcards" value curves (the last entry extends). */
function combineValues(a: Float64Array, b: Float64Array, maxWildcards: number): Float64Array {
  const length = Math.min(maxWildcards + 1, a.length + b.length - 1);
  const out = new Float64Array(length);
  for (let j = 0; j < length; j++) {
    let best = j > 0 ? (out[j - 1] as number) : Number.POSITIVE_INFINITY;
    for (let i = Math.max(0, j - b.length + 1); i <= Math.min(j, a.length - 1); i++) {
      const value = (a[i] as number) + (b[j - i] as number);
      if (value < best) best = value;
    }
    out[j] = best;
  }
  return out;
}

function expand(curve: Float64Array, maxWildcards: number): Float64Array {
  const out = new Float64Array(maxWildcards + 1);
  for (let j = 0; j <= maxWildcards; j++) out[j] = curve[Math.min(j, curve.length - 1)] as number;
  return out;
}
