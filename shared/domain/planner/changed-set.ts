import { describeValue, PlanInputError } from '../errors.ts';
import { firstDoubtfulIndex, MAX_PATH_LENGTH } from '../paths.ts';
import { sortWithCommonPrefixes } from './sorted-strings.ts';

/** The changed paths as the planner works on them. */
export interface ChangedSet {
  /** Distinct changed paths, sorted by code unit. */
  paths: readonly string[];
  /** `common[i]`: length of the common prefix of `paths[i - 1]` and `paths[i]` (0 for i = 0). */
  common: Int32Array;
  /** 1 where a path cannot be invalidated exactly: it holds `*`, `'` or `%7E` or is longer than 4,000 characters. */
  forced: Uint8Array;
  forcedCount: number;
}

/**
 * Checks, sorts and de-duplicates the changed paths (the sort is skipped when they already ascend)
 * and marks those only a wildcard can cover.
 *
 * @param changed - encoded CloudFront paths, each starting with `/`
 * @throws PlanInputError when an entry is not a string starting with `/`
 */
export function prepareChangedSet(changed: readonly string[]): ChangedSet {
  let ascending = true;
  for (let i = 0; i < changed.length; i++) {
    const path = changed[i];
    if (typeof path !== 'string' || path.charCodeAt(0) !== 0x2f) {
      throw new PlanInputError(`changed[${i}]: expected a path starting with "/", got ${describeValue(path)}`);
    }
    if (ascending && i > 0 && (changed[i - 1] as string) >= path) ascending = false;
  }
  const { sorted: paths, common } = ascending ? withCommonPrefixes(changed) : sortWithCommonPrefixes(changed);
  const forced = new Uint8Array(paths.length);
  let forcedCount = 0;
  for (let i = 0; i < paths.length; i++) {
    const path = paths[i] as string;
    if (path.length > MAX_PATH_LENGTH || firstDoubtfulIndex(path) !== -1) {
      forced[i] = 1;
      forcedCount++;
    }
  }
  return { paths, common, forced, forcedCount };
}

function withCommonPrefixes(paths: readonly string[]): { sorted: readonly string[]; common: Int32Array } {
  const common = new Int32Array(paths.length);
  for (let i = 1; i < paths.length; i++) common[i] = commonPrefixLength(paths[i - 1] as string, paths[i] as string);
  return { sorted: paths, common };
}

/** Length of the longest common prefix of two strings, in code units. */
export function commonPrefixLength(a: string, b: string): number {
  const end = Math.min(a.length, b.length);
  let i = 0;
  while (i < end && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}
