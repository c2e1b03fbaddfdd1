import type { ChosenWildcard } from './plan-search.ts';
import type { Plan, PlannedPath } from './types.ts';

/**
 * Turns the chosen wildcards into a plan: each wildcard in place of the run of changed paths it
 * covers, every other changed path exact. Walking the sorted paths keeps the output sorted by code
 * unit: a run's neighbours sort before and after its `prefix*`.
 *
 * @param paths - the sorted, distinct changed paths
 * @param withCollateral - whether costs are inventory collateral (otherwise collateral is `null`)
 * @param free - how many free paths were left without a path of their own
 */
export function assemblePlan(
  paths: readonly string[],
  chosen: readonly ChosenWildcard[],
  withCollateral: boolean,
  free: number,
): Plan {
  const wildcards = [...chosen].sort((a, b) => a.start - b.start);
  const out: PlannedPath[] = [];
  const exactCollateral = withCollateral ? 0 : null;
  let total = 0;
  let next = 0;
  for (const wildcard of wildcards) {
    const { start, end } = wildcard;
    for (; next < start; next++) {
      out.push({ path: paths[next] as string, wildcard: false, covers: 1, collateral: exactCollateral });
    }
    out.push({
      path: `${(paths[start] as string).slice(0, wildcard.prefixLength)}*`,
      wildcard: true,
      covers: end - start,
      collateral: withCollateral ? wildcard.cost : null,
    });
    total += wildcard.cost;
    next = end;
  }
  for (; next < paths.length; next++) {
    out.push({ path: paths[next] as string, wildcard: false, covers: 1, collateral: exactCollateral });
  }
  return {
    paths: out,
    exactPaths: out.length - wildcards.length,
    wildcardPaths: wildcards.length,
    changed: paths.length,
    free,
    collateral: withCollateral ? total : null,
  };
}
