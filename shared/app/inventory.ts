import { commonPathPrefix, type DistributionGroup, keyPrefixOfPathPrefix } from '../domain/group-changes.ts';
import { createSortedInventory, type Inventory } from '../domain/planner/index.ts';
import { servedPathsForKey } from '../domain/routes.ts';
import type { CollectorDeps } from './collect-batch.ts';

/** A distribution's inventory for one batch, and the LIST requests it took. */
export interface LoadedInventory {
  /** `undefined`: plan without one (inventory off, over the request cap, or the listing failed). */
  readonly inventory: Inventory | undefined;
  /** LIST requests made (0 when off or answered from the cache); billed even when the listing failed. */
  readonly requests: number;
}

/**
 * The planner's inventory for one distribution, from S3 listings, and what listing it cost.
 *
 * Only when every route of the distribution has `inventory` on (the default; otherwise part of what
 * it serves is unknown). Lists, per route, the keys under the longest prefix shared by the changed
 * paths: every wildcard the planner may pick extends that prefix, so the counts it needs are exact. A
 * listing over its request cap or a failed listing falls back to planning without inventory
 * (freshness first).
 */
export async function loadInventory(group: DistributionGroup, deps: CollectorDeps): Promise<LoadedInventory> {
  let requests = 0;
  const without = () => ({ inventory: undefined, requests });
  if (deps.lister === undefined) return without();
  const routes = deps.routes.routes.filter((route) => route.distributionId === group.distributionId);
  if (routes.length === 0 || routes.some((route) => !route.config.inventory || route.config.trigger !== null)) {
    return without();
  }
  const relativePrefix = keyPrefixOfPathPrefix(commonPathPrefix(group.paths));
  const served: string[] = [];
  try {
    for (const route of routes) {
      const keyPrefix = `${route.originKeyPrefix}${relativePrefix}`;
      const listing = await deps.lister.listKeys(route.config.bucket, keyPrefix);
      requests += listing.requests;
      if (listing.keys === undefined) {
        deps.log.info('inventory over its request cap, planning without it', { distributionId: group.distributionId });
        return without();
      }
      for (const key of listing.keys) for (const path of servedPathsForKey(route, key)) served.push(path);
    }
  } catch (error) {
    const made = (error as { requests?: unknown }).requests;
    if (typeof made === 'number') requests += made;
    deps.log.warn('inventory listing failed, planning without it', {
      distributionId: group.distributionId,
      error: (error as Error).name,
    });
    return without();
  }
  served.sort();
  return { inventory: createSortedInventory(served), requests };
}
