/**
 * Judges any list of invalidation paths against a deploy's inventory, independently of the
 * planner: which changed paths it covers and how many unchanged served paths it evicts (the union,
 * so overlapping wildcards are not counted twice).
 */

/** What a list of invalidation paths costs and misses. */
export interface Judgement {
  paths: number;
  wildcards: number;
  collateral: number;
  uncovered: number;
}

/**
 * @param planPaths - invalidation paths; a wildcard ends with `*`
 * @param changed - changed served paths
 * @param inventory - served paths
 * @param free - new served paths: never collateral, need no cover
 */
export function judgePaths(
  planPaths: readonly string[],
  changed: readonly string[],
  inventory: readonly string[],
  free: readonly string[] = [],
): Judgement {
  const exact = new Set(planPaths.filter((path) => !path.endsWith('*')));
  const prefixes = planPaths.filter((path) => path.endsWith('*')).map((path) => path.slice(0, -1));
  const matches = (path: string): boolean => exact.has(path) || prefixes.some((prefix) => path.startsWith(prefix));
  const changedSet = new Set([...changed, ...free]);
  let collateral = 0;
  for (const path of inventory) if (!changedSet.has(path) && matches(path)) collateral++;
  let uncovered = 0;
  for (const path of changed) if (!matches(path)) uncovered++;
  return { paths: planPaths.length, wildcards: prefixes.length, collateral, uncovered };
}
