import { needsEncoding, toCloudFrontPath } from '../paths.ts';
import { endOfRun, isStrictlyAscending, sortUnique } from './sorted-strings.ts';
import type { Inventory } from './types.ts';

/**
 * An inventory over a sorted array of served paths. Paths under a prefix form one contiguous run
 * of a code-unit-sorted array, so a count is two searches. The planner asks in ascending order, so
 * each search gallops forward from the previous answer: O(log gap) instead of O(log n).
 *
 * @param sortedPaths - encoded served paths, sorted by code unit (`Array.prototype.sort()` order);
 *   checked in O(n), and a sorted, de-duplicated copy is made only when they are not
 */
export function createSortedInventory(sortedPaths: readonly string[]): Inventory {
  return searchSorted(isStrictlyAscending(sortedPaths) ? sortedPaths : sortUnique(sortedPaths));
}

/**
 * An inventory over S3 keys each served at `/` + key (no origin path, no index documents), answered
 * in key space so a million keys cost no path strings. That is exact without checking each key:
 * a query whose characters all stay literal (no `%`) matches a key exactly when the raw key matches
 * (a key that needs encoding gets a `%` at its first unsafe character, and that raw character is
 * never in such a query). Other queries look only at the keys that need encoding, collected and
 * encoded on the first such query.
 *
 * @param sortedKeys - decoded keys without a leading `/`, sorted by code unit; checked in O(n), and
 *   sorted (in key space) only when they are not
 */
export function createKeyInventory(sortedKeys: readonly string[]): Inventory {
  const keys = isStrictlyAscending(sortedKeys) ? sortedKeys : sortUnique(sortedKeys);
  const plain = searchSorted(keys);
  let encoded: Inventory | undefined;
  const encodedKeys = (): Inventory => {
    encoded ??= searchSorted(sortUnique(keys.filter(needsEncoding).map(toCloudFrontPath)));
    return encoded;
  };
  return {
    countWithPrefix(prefix) {
      if (prefix.charCodeAt(0) !== 0x2f) return 0;
      const rest = prefix.slice(1);
      return needsEncoding(rest) ? encodedKeys().countWithPrefix(prefix) : plain.countWithPrefix(rest);
    },
    has(path) {
      if (path.charCodeAt(0) !== 0x2f) return false;
      const rest = path.slice(1);
      return needsEncoding(rest) ? encodedKeys().has(path) : plain.has(rest);
    },
    markServed(paths, from, to, served) {
      for (let i = from; i < to; i++) {
        const path = paths[i] as string;
        let answer = false;
        if (path.charCodeAt(0) === 0x2f) {
          const rest = path.slice(1);
          answer = needsEncoding(rest) ? encodedKeys().has(path) : plain.has(rest);
        }
        served[i] = answer ? 1 : 0;
      }
    },
  };
}

/** An inventory over strings already sorted by code unit and distinct (not checked). */
export function searchSorted(paths: readonly string[]): Required<Inventory> {
  // Separate hints: the planner asks counts in ascending prefix order and membership in ascending
  // path order, but interleaved, so one shared hint would keep jumping back (a full search each time).
  let countHint = 0;
  let hasHint = 0;
  return {
    countWithPrefix(prefix: string): number {
      const start = lowerBound(paths, prefix, countHint);
      countHint = start;
      return endOfPrefix(paths, prefix, start) - start;
    },
    has(path: string): boolean {
      // Ascending queries of served paths mostly land a few entries on: equality tests first, which
      // V8 answers without leaving compiled code (`<` on sliced strings, what `split` makes, does not).
      const end = Math.min(paths.length, hasHint + EQUALITY_SCAN);
      for (let at = hasHint; at < end; at++) {
        if (paths[at] === path) {
          hasHint = at + 1;
          return true;
        }
      }
      const at = lowerBound(paths, path, hasHint);
      hasHint = at;
      return at < paths.length && paths[at] === path;
    },
    markServed(queries, from, to, served) {
      for (let i = from; i < to; i++) served[i] = this.has(queries[i] as string) ? 1 : 0;
    },
  };
}

/** How many entries after the last answer `has` tests for equality before it searches. */
const EQUALITY_SCAN = 16;

/** First index whose path is `>= key`, galloping from `hint` when the key lies after it. */
function lowerBound(paths: readonly string[], key: string, hint: number): number {
  const before = (at: number): boolean => (paths[at] as string) < key;
  const from = hint > 0 && hint <= paths.length && before(hint - 1) ? hint : 0;
  return endOfRun(before, from, paths.length);
}

/** First index from `start` whose path does not start with `prefix` (they are contiguous). */
function endOfPrefix(paths: readonly string[], prefix: string, start: number): number {
  return endOfRun((at) => (paths[at] as string).startsWith(prefix), start, paths.length);
}
