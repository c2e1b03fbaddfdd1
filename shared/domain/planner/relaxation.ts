import { type NodeTable, sizeOf } from './node-table.ts';

/**
 * The Lagrangian relaxation of the save constraint, which bounds the exact DP (branch and bound).
 * At a price `lambda >= 0` per saved path a plan's value is `cost - lambda * save`; the best value
 * with at most j wildcards is a scalar tree DP over small per-node curves. A plan meeting the budget
 * costs at least its value plus `lambda * required`, so the relaxation yields lower bounds; the best
 * price comes from cutting planes on the concave dual, a handful of passes.
 */

/** The root's best relaxed plan at some price. */
export interface RelaxedPoint {
  value: number;
  save: number;
  cost: number;
}

/** Where one pass records the value curves (`values[j]`, at most j wildcards) of chosen nodes. */
export interface CurveRecorder {
  keep(v: number): boolean;
  curves: Map<number, Float64Array>;
}

/** Relaxation passes over one node table; the tree is laid out once and every pass reuses it. */
export interface Relaxation {
  /** One bottom-up pass at price `lambda`; records the curves of the nodes `recorder` keeps. */
  relax(lambda: number, recorder?: CurveRecorder): RelaxedPoint;
}

/**
 * Lays the visited nodes out by position in `table.order` (parents before children), with each
 * node's parent position, gain (`size - 1`), own cost and blocked flag in flat arrays, so a pass is
 * a few tight loops over small typed arrays. The passes run once each and cold, so they are kept in
 * small functions that the engine optimises early.
 */
export function createRelaxation(table: NodeTable, maxWildcards: number): Relaxation {
  const layout = layOut(table);
  const stride = maxWildcards + 1;
  const state: PassState = {
    ...layout,
    stride,
    hasOwn: maxWildcards >= 1 ? layout.hasOwn : new Uint8Array(layout.count),
    slotOf: new Int32Array(layout.count),
    free: new Int32Array(layout.count),
    freeCount: 0,
    used: 0,
    capacity: 64,
    value: new Float64Array(64 * stride),
    save: new Float64Array(64 * stride),
    spent: new Float64Array(64 * stride),
    length: new Int32Array(64),
    curValue: new Float64Array(stride),
    curSave: new Float64Array(stride),
    curCost: new Float64Array(stride),
    curLength: 1,
  };
  return { relax: (lambda, recorder) => runPass(state, lambda, recorder) };
}

interface Layout {
  count: number;
  node: Int32Array;
  parentAt: Int32Array;
  gain: Float64Array;
  ownCost: Float64Array;
  hasOwn: Uint8Array;
  blocked: Uint8Array;
}

function layOut(table: NodeTable): Layout {
  const { trie, order, prefixLength, cost } = table;
  const count = order.length;
  const positionOf = new Int32Array(trie.size);
  const layout: Layout = {
    count,
    node: order,
    parentAt: new Int32Array(count),
    gain: new Float64Array(count),
    ownCost: new Float64Array(count),
    hasOwn: new Uint8Array(count),
    blocked: new Uint8Array(count),
  };
  for (let at = 0; at < count; at++) {
    const v = order[at] as number;
    positionOf[v] = at;
    layout.parentAt[at] = v === 0 ? -1 : (positionOf[trie.parent[v] as number] as number);
    layout.gain[at] = sizeOf(table, v) - 1;
    layout.ownCost[at] = cost[v] as number;
    layout.hasOwn[at] = (prefixLength[v] as number) > 0 ? 1 : 0;
    layout.blocked[at] = table.blocked[v] as number;
  }
  return layout;
}

/**
 * A pass's working state. Curves live in slots of flat typed arrays; only nodes with a partly
 * merged curve hold one (at most the current root path), so memory stays O(depth * maxWildcards).
 * The curve being finished is in the `cur` arrays.
 */
interface PassState extends Layout {
  stride: number;
  slotOf: Int32Array;
  free: Int32Array;
  freeCount: number;
  used: number;
  capacity: number;
  value: Float64Array;
  save: Float64Array;
  spent: Float64Array;
  length: Int32Array;
  curValue: Float64Array;
  curSave: Float64Array;
  curCost: Float64Array;
  curLength: number;
}

function runPass(state: PassState, lambda: number, recorder: CurveRecorder | undefined): RelaxedPoint {
  state.slotOf.fill(-1);
  state.freeCount = 0;
  state.used = 0;
  for (let at = state.count - 1; at >= 0; at--) {
    loadCurve(state, at);
    if (state.hasOwn[at] === 1) addOwnWildcard(state, at, lambda);
    const parentAt = state.parentAt[at] as number;
    if (parentAt === -1) {
      const last = state.curLength - 1;
      return {
        value: state.curValue[last] as number,
        save: state.curSave[last] as number,
        cost: state.curCost[last] as number,
      };
    }
    const v = state.node[at] as number;
    if (recorder?.keep(v)) recorder.curves.set(v, state.curValue.slice(0, state.curLength));
    // An unblocked node whose curve is just [0] changes nothing in its parent.
    if (state.curLength === 1 && state.curValue[0] === 0 && state.slotOf[parentAt] === -1) {
      if (state.blocked[parentAt] === 0) continue;
    }
    foldIntoParent(state, parentAt);
  }
  return { value: Number.POSITIVE_INFINITY, save: 0, cost: 0 };
}

/** Puts node `at`'s merged children curve (or its empty plan) into `cur`, freeing its slot. */
function loadCurve(state: PassState, at: number): void {
  const slot = state.slotOf[at] as number;
  if (slot === -1) {
    state.curLength = 1;
    state.curValue[0] = state.blocked[at] === 1 ? Number.POSITIVE_INFINITY : 0;
    state.curSave[0] = 0;
    state.curCost[0] = 0;
    return;
  }
  const length = state.length[slot] as number;
  const base = slot * state.stride;
  for (let j = 0; j < length; j++) {
    state.curValue[j] = state.value[base + j] as number;
    state.curSave[j] = state.save[base + j] as number;
    state.curCost[j] = state.spent[base + j] as number;
  }
  state.curLength = length;
  state.free[state.freeCount++] = slot;
}

/** The node's own wildcard replaces any plan inside it that is worth less (at one wildcard or more). */
function addOwnWildcard(state: PassState, at: number, lambda: number): void {
  const gain = state.gain[at] as number;
  const ownCost = state.ownCost[at] as number;
  const own = ownCost - lambda * gain;
  const { curValue, curSave, curCost } = state;
  if (state.curLength === 1) {
    curValue[1] = curValue[0] as number;
    curSave[1] = curSave[0] as number;
    curCost[1] = curCost[0] as number;
    state.curLength = 2;
  }
  for (let j = 1; j < state.curLength; j++) {
    if (own < (curValue[j] as number) || (own === curValue[j] && gain > (curSave[j] as number))) {
      curValue[j] = own;
      curSave[j] = gain;
      curCost[j] = ownCost;
    }
  }
}

function takeSlot(state: PassState): number {
  if (state.freeCount > 0) return state.free[--state.freeCount] as number;
  if (state.used === state.capacity) {
    state.capacity *= 2;
    state.value = grow(state.value, state.capacity * state.stride);
    state.save = grow(state.save, state.capacity * state.stride);
    state.spent = grow(state.spent, state.capacity * state.stride);
    state.length = grow(state.length, state.capacity);
  }
  return state.used++;
}

/** Min-plus product of `cur` into the parent's slot ("at most j wildcards" curves). */
function foldIntoParent(state: PassState, parentAt: number): void {
  let target = state.slotOf[parentAt] as number;
  const stride = state.stride;
  if (target === -1) {
    target = takeSlot(state);
    state.slotOf[parentAt] = target;
    state.length[target] = 1;
    state.value[target * stride] = state.blocked[parentAt] === 1 ? Number.POSITIVE_INFINITY : 0;
    state.save[target * stride] = 0;
    state.spent[target * stride] = 0;
  }
  const { value, save, spent, curValue, curSave, curCost } = state;
  const curLength = state.curLength;
  const base = target * stride;
  const la = state.length[target] as number;
  const out = Math.min(stride, la + curLength - 1);
  // Highest j first, so each cell is read before it is written.
  for (let j = out - 1; j >= 0; j--) {
    let bestValue = Number.POSITIVE_INFINITY;
    let bestSave = 0;
    let bestCost = 0;
    const last = Math.min(j, la - 1);
    for (let i = Math.max(0, j - curLength + 1); i <= last; i++) {
      const candidate = (value[base + i] as number) + (curValue[j - i] as number);
      const gained = (save[base + i] as number) + (curSave[j - i] as number);
      if (candidate < bestValue || (candidate === bestValue && gained > bestSave)) {
        bestValue = candidate;
        bestSave = gained;
        bestCost = (spent[base + i] as number) + (curCost[j - i] as number);
      }
    }
    value[base + j] = bestValue;
    save[base + j] = bestSave;
    spent[base + j] = bestCost;
  }
  // "At most j": carry the best of fewer wildcards forward.
  for (let j = 1; j < out; j++) {
    const before = base + j - 1;
    if (
      (value[before] as number) < (value[base + j] as number) ||
      (value[before] === value[base + j] && (save[before] as number) > (save[base + j] as number))
    ) {
      value[base + j] = value[before] as number;
      save[base + j] = save[before] as number;
      spent[base + j] = spent[before] as number;
    }
  }
  state.length[target] = out;
}

function grow<T extends Float64Array | Int32Array>(array: T, size: number): T {
  const grown = new (array.constructor as new (size: number) => T)(size);
  grown.set(array);
  return grown;
}
