import { AUTO_DISTRIBUTION } from '../domain/route-config.ts';
import { compileRoutes, type RouteTable } from '../domain/routes.ts';
import { CollectorError } from './errors.ts';

/** Finds the distributions whose origin is a bucket (CloudFront ListDistributions). */
export interface OriginFinder {
  findOriginsForBucket(bucket: string): Promise<readonly { distributionId: string; originPath: string }[]>;
}

/**
 * Compiles the configured routes, replacing each `distributionId: "auto"` route by one route per
 * distribution that serves its bucket (with that origin's OriginPath). The result is cached for
 * `ttlMs`, so ListDistributions runs at most once per container and TTL.
 */
export function createRouteResolver(
  routes: unknown,
  finder: OriginFinder | undefined,
  options: { ttlMs: number; now: () => number },
): () => Promise<RouteTable> {
  const staticTable = compileRoutes(routes); // validates once, at cold start: bad config fails fast
  const hasAuto = staticTable.routes.some((route) => route.distributionId === AUTO_DISTRIBUTION);
  if (!hasAuto) return async () => staticTable;
  let cached: { at: number; table: RouteTable } | undefined;
  return async () => {
    if (cached !== undefined && options.now() - cached.at < options.ttlMs) return cached.table;
    if (finder === undefined) {
      throw new CollectorError('routes use distributionId "auto" but no CloudFront client was given', {
        retryable: false,
      });
    }
    const expanded: Record<string, unknown>[] = [];
    for (const route of staticTable.routes) {
      const config = { ...route.config } as Record<string, unknown>;
      if (route.distributionId !== AUTO_DISTRIBUTION) {
        expanded.push(config);
        continue;
      }
      const origins = await finder.findOriginsForBucket(route.config.bucket);
      if (origins.length === 0) {
        throw new CollectorError(
          `routes[${route.index}]: distributionId "auto" found no distribution with bucket ${route.config.bucket} as origin`,
          { retryable: false },
        );
      }
      for (const origin of origins) {
        expanded.push({ ...config, distributionId: origin.distributionId, originPath: origin.originPath });
      }
    }
    const table = compileRoutes(expanded);
    cached = { at: options.now(), table };
    return table;
  };
}
