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

/**
 * One bottom-up pass at price `lambda`. Curves live in slots of flat typed arrays; only the nodes
 * on the current root path hold one, so memory stays O(depth * maxWildcards).
 */
export function relax(table: NodeTable, lambda: number, maxWildcards: number, recorder?: CurveRecorder): RelaxedPoint {
  const { trie, order, prefixLength, cost, blocked } = table;
  const stride = maxWildcards + 1;
  let capacity = 64;
  let value = new Float64Array(capacity * stride);
  let save = new Float64Array(capacity * stride);
  let spent = new Float64Array(capacity * stride);
  let length = new Int32Array(capacity);
  const slotOf = new Int32Array(trie.size).fill(-1);
  const free: number[] = [];
  let used = 0;
  const take = (): number => {
    const reused = free.pop();
    if (reused !== undefined) return reused;
    if (used === capacity) {
      capacity *= 2;
      value = grow(value, capacity * stride);
      save = grow(save, capacity * stride);
      spent = grow(spent, capacity * stride);
      length = grow(length, capacity);
    }
    return used++;
  };
  // The curve being finished and a scratch curve, outside the slot arrays.
  const cur = { value: new Float64Array(stride), save: new Float64Array(stride), cost: new Float64Array(stride) };
  let curLength = 1;
  for (let index = order.length - 1; index >= 0; index--) {
    const v = order[index] as number;
    const slot = slotOf[v] as number;
    if (slot !== -1) {
      curLength = length[slot] as number;
      for (let j = 0, at = slot * stride; j < curLength; j++, at++) {
        cur.value[j] = value[at] as number;
        cur.save[j] = save[at] as number;
        cur.cost[j] = spent[at] as number;
      }
      free.push(slot);
    } else {
      curLength = 1;
      cur.value[0] = blocked[v] === 1 ? Number.POSITIVE_INFINITY : 0;
      cur.save[0] = 0;
      cur.cost[0] = 0;
    }
    if ((prefixLength[v] as number) > 0 && maxWildcards >= 1) {
      const gain = sizeOf(table, v) - 1;
      const own = (cost[v] as number) - lambda * gain;
      if (curLength === 1) {
        cur.value[1] = cur.value[0] as number;
        cur.save[1] = cur.save[0] as number;
        cur.cost[1] = cur.cost[0] as number;
        curLength = 2;
      }
      for (let j = 1; j < curLength; j++) {
        if (own < (cur.value[j] as number) || (own === cur.value[j] && gain > (cur.save[j] as number))) {
          cur.value[j] = own;
          cur.save[j] = gain;
          cur.cost[j] = cost[v] as number;
        }
      }
    }
    if (v === 0) {
      const last = curLength - 1;
      return { value: cur.value[last] as number, save: cur.save[last] as number, cost: cur.cost[last] as number };
    }
    if (recorder?.keep(v)) recorder.curves.set(v, cur.value.slice(0, curLength));
    const parent = trie.parent[v] as number;
    let target = slotOf[parent] as number;
    if (target === -1) {
      if (curLength === 1 && cur.value[0] === 0 && blocked[parent] === 0) continue;
      target = take();
      slotOf[parent] = target;
      length[target] = 1;
      value[target * stride] = blocked[parent] === 1 ? Number.POSITIVE_INFINITY : 0;
      save[target * stride] = 0;
      spent[target * stride] = 0;
    }
    // Min-plus product into the parent's slot, highest j first so each cell is read before written.
    const base = target * stride;
    const la = length[target] as number;
    const out = Math.min(stride, la + curLength - 1);
    for (let j = out - 1; j >= 0; j--) {
      let bestValue = Number.POSITIVE_INFINITY;
      let bestSave = 0;
      let bestCost = 0;
      for (let i = Math.max(0, j - curLength + 1); i <= Math.min(j, la - 1); i++) {
        const candidate = (value[base + i] as number) + (cur.value[j - i] as number);
        const gained = (save[base + i] as number) + (cur.save[j - i] as number);
        if (candidate < bestValue || (candidate === bestValue && gained > bestSave)) {
          bestValue = candidate;
          bestSave = gained;
          bestCost = (spent[base + i] as number) + (cur.cost[j - i] as number);
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
    length[target] = out;
  }
  return { value: Number.POSITIVE_INFINITY, save: 0, cost: 0 };
}

function grow<T extends Float64Array | Int32Array>(array: T, size: number): T {
  const grown = new (array.constructor as new (size: number) => T)(size);
  grown.set(array);
  return grown;
}
