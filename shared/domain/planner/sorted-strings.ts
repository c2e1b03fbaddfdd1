/** Whether the strings strictly ascend by code unit (sorted, no duplicates). O(n). */
export function isStrictlyAscending(strings: readonly string[]): boolean {
  for (let i = 1; i < strings.length; i++) {
    if ((strings[i - 1] as string) >= (strings[i] as string)) return false;
  }
  return true;
}

/**
 * The first index in `[from, count)` where `holds` is false, for a `holds` that is true on a leading
 * run of that range and false after it (a sorted array's "before the key" or "starts with the
 * prefix"): gallops from `from`, then binary-searches the last step, O(log distance).
 */
export function endOfRun(holds: (index: number) => boolean, from: number, count: number): number {
  let low = from;
  let step = 1;
  while (low + step <= count && holds(low + step - 1)) {
    low += step;
    step *= 2;
  }
  let high = Math.min(count, low + step - 1);
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (holds(middle)) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** A sorted (by code unit), de-duplicated copy. */
export function sortUnique(strings: readonly string[]): string[] {
  return sortWithCommonPrefixes(strings).sorted;
}

/** Sorted distinct strings with `common[i]` = length of the common prefix of `sorted[i - 1]` and `sorted[i]`. */
export interface SortedWithPrefixes {
  sorted: string[];
  common: Int32Array;
}

const SMALL_RANGE = 12;

/**
 * Sorts by code unit, drops duplicates and reports each neighbour's common-prefix length, with a
 * multikey quicksort (Bentley and Sedgewick): each partition looks at one character, so shared
 * prefixes, the rule among URL paths, are read once per level instead of once per comparison; the
 * depth at which two neighbours part is their common-prefix length.
 */
export function sortWithCommonPrefixes(strings: readonly string[]): SortedWithPrefixes {
  const items = [...strings];
  const common = new Int32Array(items.length);
  const stack: number[] = [0, items.length, 0];
  while (stack.length > 0) {
    const depth = stack.pop() as number;
    const high = stack.pop() as number;
    const low = stack.pop() as number;
    if (high - low <= SMALL_RANGE) {
      sortSmallRange(items, common, low, high, depth);
      continue;
    }
    const pivot = medianOfThree(
      charAt(items[low] as string, depth),
      charAt(items[(low + high) >>> 1] as string, depth),
      charAt(items[high - 1] as string, depth),
    );
    let less = low;
    let greater = high - 1;
    let i = low;
    while (i <= greater) {
      const code = charAt(items[i] as string, depth);
      if (code < pivot) swap(items, less++, i++);
      else if (code > pivot) swap(items, i, greater--);
      else i++;
    }
    if (less > low) common[less] = depth;
    if (greater + 1 < high) common[greater + 1] = depth;
    stack.push(low, less, depth, greater + 1, high, depth);
    if (pivot >= 0) stack.push(less, greater + 1, depth + 1);
    else for (let j = less + 1; j <= greater; j++) common[j] = depth;
  }
  return dropDuplicates(items, common);
}

function charAt(text: string, index: number): number {
  return index < text.length ? text.charCodeAt(index) : -1;
}

function medianOfThree(a: number, b: number, c: number): number {
  return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
}

function swap(items: string[], a: number, b: number): void {
  const kept = items[a] as string;
  items[a] = items[b] as string;
  items[b] = kept;
}

/** Insertion sort of a small range whose strings share their first `depth` characters. */
function sortSmallRange(items: string[], common: Int32Array, low: number, high: number, depth: number): void {
  for (let i = low + 1; i < high; i++) {
    const item = items[i] as string;
    let j = i - 1;
    while (j >= low && (items[j] as string) > item) {
      items[j + 1] = items[j] as string;
      j--;
    }
    items[j + 1] = item;
  }
  for (let i = low + 1; i < high; i++) {
    const a = items[i - 1] as string;
    const b = items[i] as string;
    const end = Math.min(a.length, b.length);
    let k = depth;
    while (k < end && a.charCodeAt(k) === b.charCodeAt(k)) k++;
    common[i] = k;
  }
}

function dropDuplicates(items: string[], common: Int32Array): SortedWithPrefixes {
  let kept = 0;
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as string;
    if (i > 0 && common[i] === item.length && (items[i - 1] as string).length === item.length) continue;
    common[kept] = i === 0 ? 0 : (common[i] as number);
    items[kept++] = item;
  }
  items.length = kept;
  return { sorted: items, common: common.subarray(0, kept) };
}
