/**
 * Small exact statistics for the report: percentiles over latencies and a largest-remainder split
 * of an integer amount (money in mills, free-tier paths) so per-distribution shares add up to the total.
 */

/**
 * The median of the values (mean of the two middle values for an even count, rounded to an integer),
 * or null for none.
 *
 * @param values - any order
 */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] as number;
  return sorted.length % 2 === 1 ? upper : Math.round(((sorted[middle - 1] as number) + upper) / 2);
}

/**
 * The nearest-rank percentile (the smallest value with at least `p`% of the values at or below it),
 * or null for none. p95 of 20 values is the 19th smallest.
 *
 * @param values - any order
 * @param p - 0 < p ≤ 100
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

/**
 * Splits a non-negative integer `amount` in proportion to `weights` (largest remainder, ties to the
 * earlier weight), so the parts are integers that add up to `amount` exactly. All-zero weights get
 * nothing unless `amount` is positive, in which case the split is even.
 *
 * @param amount - a non-negative integer
 * @param weights - non-negative numbers, one per part
 */
export function allocate(amount: number, weights: readonly number[]): number[] {
  if (weights.length === 0) return [];
  const sum = weights.reduce((total, weight) => total + weight, 0);
  const shares = sum === 0 ? weights.map(() => 1) : weights;
  const shareSum = sum === 0 ? weights.length : sum;
  const exact = shares.map((weight) => (amount * weight) / shareSum);
  const parts = exact.map(Math.floor);
  let left = amount - parts.reduce((total, part) => total + part, 0);
  const order = exact
    .map((value, index) => ({ index, remainder: value - Math.floor(value) }))
    .sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (const { index } of order) {
    if (left <= 0) break;
    parts[index] = (parts[index] as number) + 1;
    left--;
  }
  return parts;
}
