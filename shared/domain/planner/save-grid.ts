/**
 * Pruning a large merge without sorting it. A merge of two frontiers makes every pair of entries
 * (hundreds of thousands when the budget forces merging), of which a few thousand survive; sorting
 * them all to find the survivors cost most of the search. Here each pair goes into a cell of a
 * (wildcards q, effective save s) grid that keeps only its best pair: the first of the cheapest, and
 * at equal cost the larger raw save (saves at or above `required` share one cell per q). A cell's best
 * survives exactly when no cell with no more wildcards and as much effective save holds a pair that
 * sorts before it, which one sweep over the grid tells (a running minimum from the top save down, per
 * q, carried up to the next q). The survivors come out as the same entries, with the same
 * provenance, as sorting every pair and pruning (frontier.ts). Saves are whole numbers (paths saved),
 * so a row has one cell per save.
 */

/** A grid cell's best pair: cost, raw save and the provenance halves; cost +Infinity when empty. */
export class SaveGrid {
  cost = new Float64Array(1024);
  save = new Float64Array(1024);
  left = new Int32Array(1024);
  right = new Int32Array(1024);
  /** Per save row, the best cell found so far among no more wildcards and at least that save. */
  private best: Int32Array = new Int32Array(256);
  /** The cells `collect` found, row by row. */
  survivors: Int32Array = new Int32Array(256);
  /** Lowest effective save in the grid, and how many saves a row spans. */
  low = 0;
  width = 0;
  rows = 0;

  /** Makes an empty grid of `rows` wildcard counts by saves `low..high`. */
  reset(rows: number, low: number, high: number): void {
    this.low = low;
    this.width = high - low + 1;
    this.rows = rows;
    const cells = rows * this.width;
    if (this.cost.length < cells) {
      const size = Math.max(cells, this.cost.length * 2);
      this.cost = new Float64Array(size);
      this.save = new Float64Array(size);
      this.left = new Int32Array(size);
      this.right = new Int32Array(size);
    }
    this.cost.fill(Number.POSITIVE_INFINITY, 0, cells);
    if (this.best.length < this.width) this.best = new Int32Array(Math.max(this.width, this.best.length * 2));
  }

  /**
   * Finds the cells whose best pair no other pair dominates and lists them in `survivors`, every row
   * in ascending save (so ascending cost: each row is a sorted run).
   *
   * @returns how many survived
   */
  collect(): number {
    const { width, rows, cost, save } = this;
    const best = this.best;
    best.fill(-1, 0, width);
    let found = 0;
    for (let q = 0; q < rows; q++) {
      const rowStart = found;
      let carried = -1;
      for (let s = width - 1; s >= 0; s--) {
        let dominant = best[s] as number;
        if (carried !== -1 && (dominant === -1 || sortsBefore(cost, save, width, carried, dominant))) {
          dominant = carried;
        }
        const cell = q * width + s;
        if ((cost[cell] as number) < Number.POSITIVE_INFINITY) {
          if (dominant === -1 || sortsBefore(cost, save, width, cell, dominant)) {
            if (found === this.survivors.length) this.survivors = growInts(this.survivors);
            this.survivors[found++] = cell;
            dominant = cell;
          }
        }
        best[s] = dominant;
        carried = dominant;
      }
      this.survivors.subarray(rowStart, found).reverse();
    }
    return found;
  }
}

/** Whether cell `x`'s pair sorts before cell `y`'s: cheaper, then larger save, then fewer wildcards. */
function sortsBefore(cost: Float64Array, save: Float64Array, width: number, x: number, y: number): boolean {
  const costX = cost[x] as number;
  const costY = cost[y] as number;
  if (costX !== costY) return costX < costY;
  const saveX = save[x] as number;
  const saveY = save[y] as number;
  if (saveX !== saveY) return saveX > saveY;
  return Math.floor(x / width) < Math.floor(y / width);
}

function growInts(old: Int32Array): Int32Array {
  const grown = new Int32Array(old.length * 2);
  grown.set(old);
  return grown;
}
