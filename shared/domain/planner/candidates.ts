/**
 * The scratch buffer of frontier candidates, `[q, cost, save, left ref, right ref]` in flat typed
 * arrays reused across merges (a large plan makes hundreds of thousands of candidates; objects or
 * per-merge arrays would make that garbage).
 */
export class CandidateBuffer {
  q = new Int32Array(256);
  cost = new Float64Array(256);
  save = new Float64Array(256);
  left = new Int32Array(256);
  right = new Int32Array(256);
  count = 0;
  private order = new Uint32Array(256);
  private scratch = new Uint32Array(256);
  private runs = new Uint32Array(257);

  /** Empties the buffer and makes room for `capacity` candidates. */
  reset(capacity: number): void {
    this.count = 0;
    if (this.q.length >= capacity) return;
    const size = Math.max(capacity, this.q.length * 2);
    this.q = grow(this.q, new Int32Array(size));
    this.cost = grow(this.cost, new Float64Array(size));
    this.save = grow(this.save, new Float64Array(size));
    this.left = grow(this.left, new Int32Array(size));
    this.right = grow(this.right, new Int32Array(size));
    this.order = new Uint32Array(size);
    this.scratch = new Uint32Array(size);
    this.runs = new Uint32Array(size + 1);
  }

  /** Appends a candidate (the caller made room with `reset`). */
  push(q: number, cost: number, save: number, left: number, right: number): void {
    const at = this.count++;
    this.q[at] = q;
    this.cost[at] = cost;
    this.save[at] = save;
    this.left[at] = left;
    this.right[at] = right;
  }

  /**
   * The candidates' indexes, cheapest first; at equal cost the larger save, then fewer wildcards,
   * then the earlier candidate. A stable natural merge sort: candidates arrive as a few runs already
   * in order (a frontier is kept in this order, so a merge's rows are runs), which it merges in
   * O(count * log runs) with no comparator callback.
   */
  sorted(): Uint32Array {
    const count = this.count;
    let from = this.order;
    let to = this.scratch;
    const runs = this.runs;
    let runCount = 0;
    for (let i = 0; i < count; i++) {
      from[i] = i;
      if (i === 0 || this.before(i, i - 1)) runs[runCount++] = i;
    }
    runs[runCount] = count;
    while (runCount > 1) {
      let next = 0;
      for (let r = 0; r < runCount; r += 2) {
        const start = runs[r] as number;
        runs[next++] = start;
        if (r + 1 === runCount) {
          to.set(from.subarray(start, count), start);
          break;
        }
        this.mergeRuns(from, to, start, runs[r + 1] as number, runs[r + 2] as number);
      }
      runs[next] = count;
      runCount = next;
      const swapped = from;
      from = to;
      to = swapped;
    }
    return from.subarray(0, count);
  }

  /** Whether candidate `x` sorts strictly before candidate `y`, ignoring their positions. */
  private before(x: number, y: number): boolean {
    const costX = this.cost[x] as number;
    const costY = this.cost[y] as number;
    if (costX !== costY) return costX < costY;
    const saveX = this.save[x] as number;
    const saveY = this.save[y] as number;
    if (saveX !== saveY) return saveX > saveY;
    return (this.q[x] as number) < (this.q[y] as number);
  }

  /** Merges `from[start..middle)` and `from[middle..end)` into `to[start..end)`; ties take the left. */
  private mergeRuns(from: Uint32Array, to: Uint32Array, start: number, middle: number, end: number): void {
    let i = start;
    let j = middle;
    let out = start;
    while (i < middle && j < end) {
      if (this.before(from[j] as number, from[i] as number)) to[out++] = from[j++] as number;
      else to[out++] = from[i++] as number;
    }
    while (i < middle) to[out++] = from[i++] as number;
    while (j < end) to[out++] = from[j++] as number;
  }
}

function grow<T extends Int32Array | Float64Array>(old: T, grown: T): T {
  grown.set(old);
  return grown;
}
