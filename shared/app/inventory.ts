import { commonPathPrefix, type DistributionGroup, keyPrefixOfPathPrefix } from '../domain/group-changes.ts';
import { createSortedInventory, type Inventory } from '../domain/planner/index.ts';
import { servedPathsForKey } from '../domain/routes.ts';
import type { CollectorDeps } from './collect-batch.ts';

/**
 * The planner's inventory for one distribution, from S3 listings, or `undefined` to plan without one.
 *
 * Only when every route of the distribution has `inventory: true` (otherwise part of what it serves is
 * unknown). Lists, per route, the keys under the longest prefix shared by the changed paths: every
 * wildcard the planner may pick extends that prefix, so the counts it needs are exact. A listing over
 * its request cap or a failed listing falls back to planning without inventory (freshness first).
 */
export async function loadInventory(group: DistributionGroup, deps: CollectorDeps): Promise<Inventory | undefined> {
  if (deps.lister === undefined) return undefined;
  const routes = deps.routes.routes.filter((route) => route.distributionId === group.distributionId);
  if (routes.length === 0 || routes.some((route) => !route.config.inventory || route.config.trigger !== null)) {
    return undefined;
  }
  const relativePrefix = keyPrefixOfPathPrefix(commonPathPrefix(group.paths));
  const served: string[] = [];
  try {
    for (const route of routes) {
      const keyPrefix = `${route.originKeyPrefix}${relativePrefix}`;
      const keys = await deps.lister.listKeys(route.config.bucket, keyPrefix);
      if (keys === undefined) {
        deps.log.info('inventory over its request cap, planning without it', { distributionId: group.distributionId });
        return undefined;
      }
      for (const key of keys) for (const path of servedPathsForKey(route, key)) served.push(path);
    }
  } catch (error) {
    deps.log.warn('inventory listing failed, planning without it', {
      distributionId: group.distributionId,
      error: (error as Error).name,
    });
    return undefined;
  }
  served.sort();
  return createSortedInventory(served);
}
