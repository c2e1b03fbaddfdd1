/**
 * A brute-force planner for tiny inputs, independent of the real one: it tries every set of at most
 * `maxWildcards` wildcards drawn from every prefix of every changed path, leaves the rest exact, and
 * keeps the best plan by (collateral, paths, wildcards). Collateral is the union of what the
 * wildcards match, counted directly on the inventory list. Free paths need no cover and are never
 * collateral; a path both changed and free must be covered.
 */

/** The objective values of the best plan, or `undefined` when no plan fits. */
export interface BruteForceBest {
  collateral: number;
  paths: number;
  wildcards: number;
}

const MAX_WILDCARD_LENGTH = 3999;
/** Characters an exact path or a wildcard prefix may not hold: `*`, `'`, an encoded `~`. */
const DOUBTFUL = /[*']|%7E/;

/**
 * A prefix can end a wildcard when it holds no `*`, `'` or `%7E` (DESIGN 3.1's doubtful characters) and ends on a character boundary: decoding it
 * succeeds (no escape or UTF-8 sequence cut in half).
 */
function isWildcardPrefix(prefix: string): boolean {
  if (prefix.length === 0 || prefix.length > MAX_WILDCARD_LENGTH || DOUBTFUL.test(prefix)) return false;
  try {
    decodeURIComponent(prefix);
    return true;
  } catch {
    return false;
  }
}

/**
 * @param changed - encoded changed paths (duplicates allowed)
 * @param inventory - encoded served paths (at most 31 distinct, for bitmasks)
 * @param free - encoded new paths that need no cover (duplicates allowed)
 */
export function bruteForcePlan(
  changed: readonly string[],
  inventory: readonly string[],
  maxPaths: number,
  maxWildcards: number,
  free: readonly string[] = [],
): BruteForceBest | undefined {
  const targets = [...new Set(changed)];
  const notCollateral = new Set([...targets, ...free]);
  const bystanders = [...new Set(inventory)].filter((path) => !notCollateral.has(path));
  if (targets.length > 31 || bystanders.length > 31) throw new Error('brute force is for tiny inputs only');
  const exactOk = targets.map((path) => !DOUBTFUL.test(path) && path.length <= 4000);
  const prefixes = new Set<string>();
  for (const path of notCollateral) {
    for (let end = 1; end <= path.length; end++) {
      const prefix = path.slice(0, end);
      if (isWildcardPrefix(prefix)) prefixes.add(prefix);
    }
  }
  const candidates = [...prefixes].map((prefix) => ({
    covers: maskOf(targets, (path) => path.startsWith(prefix)),
    evicts: maskOf(bystanders, (path) => path.startsWith(prefix)),
  }));
  const everything = targets.length === 0 ? 0 : 2 ** targets.length - 1;
  let best: BruteForceBest | undefined;
  const consider = (covered: number, evicted: number, wildcards: number): void => {
    let exact = 0;
    for (let i = 0; i < targets.length; i++) {
      if ((covered & (1 << i)) !== 0) continue;
      if (!exactOk[i]) return;
      exact++;
    }
    const candidate = { collateral: popCount(evicted), paths: exact + wildcards, wildcards };
    if (candidate.paths > maxPaths) return;
    if (best === undefined || isBetter(candidate, best)) best = candidate;
  };
  const search = (from: number, covered: number, evicted: number, wildcards: number): void => {
    consider(covered, evicted, wildcards);
    if (wildcards === maxWildcards || covered === everything) return;
    for (let i = from; i < candidates.length; i++) {
      const candidate = candidates[i] as { covers: number; evicts: number };
      search(i + 1, covered | candidate.covers, evicted | candidate.evicts, wildcards + 1);
    }
  };
  search(0, 0, 0, 0);
  return best;
}

function isBetter(a: BruteForceBest, b: BruteForceBest): boolean {
  if (a.collateral !== b.collateral) return a.collateral < b.collateral;
  if (a.paths !== b.paths) return a.paths < b.paths;
  return a.wildcards < b.wildcards;
}

function maskOf(paths: readonly string[], test: (path: string) => boolean): number {
  let mask = 0;
  for (let i = 0; i < paths.length; i++) if (test(paths[i] as string)) mask |= 1 << i;
  return mask;
}

function popCount(mask: number): number {
  let count = 0;
  for (let rest = mask; rest !== 0; rest &= rest - 1) count++;
  return count;
}
