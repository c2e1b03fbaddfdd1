import type { Plan } from '../domain/planner/index.ts';
import type { StoredPlan } from './ports.ts';

/**
 * What the ledger keeps of a planner result: the paths and their counts.
 *
 * @param plan - from `planInvalidation`
 */
export function storedPlanOf(plan: Plan): StoredPlan {
  return {
    paths: plan.paths.map((path) => path.path),
    exactPaths: plan.exactPaths,
    wildcardPaths: plan.wildcardPaths,
    changed: plan.changed,
    collateral: plan.collateral,
  };
}

/**
 * A plan of fixed paths, as given (a pipeline's own paths, an isolated part of a refused request).
 *
 * @param paths - CloudFront paths; those ending in `*` are wildcards
 * @param changed - how many changed objects the paths stand for
 */
export function fixedPlanOf(paths: readonly string[], changed: number): StoredPlan {
  const wildcardPaths = paths.filter((path) => path.endsWith('*')).length;
  return { paths: [...paths], exactPaths: paths.length - wildcardPaths, wildcardPaths, changed, collateral: null };
}
