import { RouteConfigError } from './errors.ts';
import { compileExcludeGlob } from './exclude-glob.ts';
import { toCloudFrontPath } from './paths.ts';
import { parseRouteConfig, type RouteConfig } from './route-config.ts';

/** Why a change produced no paths on a route. */
export const SKIP_REASON = {
  /** The key lies outside the route's originPath, so the distribution does not serve it. */
  outsideOriginPath: 'outside-origin-path',
  /** The key matches an `exclude` glob (e.g. a fingerprinted asset that never changes in place). */
  excluded: 'excluded',
  /** No route takes this bucket and key. */
  noRoute: 'no-route',
  /** The route is a trigger route and this key is not one of its trigger keys. */
  notATrigger: 'not-a-trigger',
} as const;
export type SkipReason = (typeof SKIP_REASON)[keyof typeof SKIP_REASON];

/** A route ready for the hot path: globs compiled, prefixes and index suffix precomputed. */
export interface CompiledRoute {
  /** Position in the configuration (`routes[index]`). */
  readonly index: number;
  readonly config: RouteConfig;
  readonly distributionId: string;
  /** The key prefix the origin path stands for: `prod/` for `/prod`, `""` for none. */
  readonly originKeyPrefix: string;
  /** `/index.html` for the default index document, `null` when off. */
  readonly indexSuffix: string | null;
  readonly isExcluded: ((key: string) => boolean) | null;
  readonly triggerKeys: ReadonlySet<string> | null;
}

/** All routes, indexed by bucket. */
export interface RouteTable {
  readonly routes: readonly CompiledRoute[];
  readonly byBucket: ReadonlyMap<string, readonly CompiledRoute[]>;
  /** Routes that take any bucket (only the CLI's catch-all table has them). */
  readonly anyBucket: readonly CompiledRoute[];
}

/** The outcome of one change on one route. */
export type RouteHit =
  | {
      readonly ok: true;
      readonly routeIndex: number;
      readonly distributionId: string;
      readonly servedPaths: readonly string[];
    }
  | {
      readonly ok: false;
      readonly routeIndex: number | null;
      readonly distributionId: string | null;
      readonly reason: SkipReason;
    };

const NO_ROUTE: readonly RouteHit[] = Object.freeze([
  Object.freeze({ ok: false, routeIndex: null, distributionId: null, reason: SKIP_REASON.noRoute }),
]);

/**
 * Validates a route configuration and compiles it once (globs, prefixes, lookup by bucket).
 *
 * @param config - parsed JSON: `{ "routes": [...] }` or the array of routes
 * @throws RouteConfigError naming the first bad field
 */
export function compileRoutes(config: unknown): RouteTable {
  const routes = parseRouteConfig(config).map(compileRoute);
  const byBucket = new Map<string, CompiledRoute[]>();
  for (const route of routes) {
    const list = byBucket.get(route.config.bucket);
    if (list === undefined) byBucket.set(route.config.bucket, [route]);
    else list.push(route);
  }
  return { routes, byBucket, anyBucket: [] };
}

/**
 * A table with one route that takes every bucket and key: `/` + key on one distribution. The CLI uses
 * it when no configuration is given.
 *
 * @param distributionId - the name shown for the distribution (the CLI uses `-`)
 * @param indexDocument - index document, or `null` for none
 */
export function createCatchAllRouteTable(distributionId: string, indexDocument: string | null): RouteTable {
  const config: RouteConfig = {
    bucket: '*',
    prefix: '',
    distributionId,
    originPath: '',
    indexDocument,
    indexNoSlash: false,
    exclude: [],
    trigger: null,
    inventory: false,
    maxStalenessSeconds: undefined,
  };
  const route = compileRoute(config, 0);
  return { routes: [route], byBucket: new Map(), anyBucket: [route] };
}

/**
 * Routes one object change: one hit per route that takes the bucket and key prefix (a bucket may feed
 * several routes and distributions), or a single `no-route` skip.
 *
 * @param table - from {@link compileRoutes}
 * @param bucket - the bucket of the change
 * @param key - the decoded object key
 */
export function routeChange(table: RouteTable, bucket: string, key: string): readonly RouteHit[] {
  const routes = table.byBucket.get(bucket) ?? table.anyBucket;
  let hits: RouteHit[] | undefined;
  for (let i = 0; i < routes.length; i++) {
    const route = routes[i] as CompiledRoute;
    if (!key.startsWith(route.config.prefix)) continue;
    const hit = hitOf(route, key);
    if (hits === undefined) hits = [hit];
    else hits.push(hit);
  }
  return hits ?? NO_ROUTE;
}

/**
 * The CloudFront paths at which a distribution serves a key, ignoring `prefix`, `exclude` and `trigger`
 * (an excluded object is still cached, so it belongs in the planner's inventory). Used to turn an S3
 * listing into an inventory.
 *
 * @param route - a compiled route
 * @param key - the object key
 * @returns the paths (the object path, then index-document paths); none when outside the origin path
 */
export function servedPathsForKey(route: CompiledRoute, key: string): string[] {
  if (!key.startsWith(route.originKeyPrefix)) return [];
  return servedPathsOf(route, key.slice(route.originKeyPrefix.length));
}

/**
 * The key prefix to list for a route's inventory: everything its distribution serves from the bucket.
 *
 * @param route - a compiled route
 */
export function inventoryPrefixOf(route: CompiledRoute): string {
  return route.originKeyPrefix;
}

function hitOf(route: CompiledRoute, key: string): RouteHit {
  const { index: routeIndex, distributionId } = route;
  const trigger = route.config.trigger;
  if (trigger !== null) {
    return route.triggerKeys?.has(key)
      ? { ok: true, routeIndex, distributionId, servedPaths: trigger.paths }
      : { ok: false, routeIndex, distributionId, reason: SKIP_REASON.notATrigger };
  }
  if (!key.startsWith(route.originKeyPrefix)) {
    return { ok: false, routeIndex, distributionId, reason: SKIP_REASON.outsideOriginPath };
  }
  if (route.isExcluded?.(key)) return { ok: false, routeIndex, distributionId, reason: SKIP_REASON.excluded };
  return {
    ok: true,
    routeIndex,
    distributionId,
    servedPaths: servedPathsOf(route, key.slice(route.originKeyPrefix.length)),
  };
}

function servedPathsOf(route: CompiledRoute, servedKey: string): string[] {
  const exact = toCloudFrontPath(servedKey);
  const suffix = route.indexSuffix;
  if (suffix === null) return [exact];
  // Root index document: `index.html` is also served at `/`.
  if (servedKey === route.config.indexDocument) return [exact, '/'];
  if (!servedKey.endsWith(suffix)) return [exact];
  const directory = toCloudFrontPath(servedKey.slice(0, servedKey.length - suffix.length + 1));
  return route.config.indexNoSlash ? [exact, directory, directory.slice(0, -1)] : [exact, directory];
}

function compileRoute(config: RouteConfig, index: number): CompiledRoute {
  return {
    index,
    config,
    distributionId: config.distributionId,
    originKeyPrefix: config.originPath === '' ? '' : `${config.originPath.slice(1)}/`,
    indexSuffix: config.indexDocument === null ? null : `/${config.indexDocument}`,
    isExcluded: compileExclude(config.exclude, index),
    triggerKeys: config.trigger === null ? null : new Set(config.trigger.keys),
  };
}

function compileExclude(globs: readonly string[], index: number): ((key: string) => boolean) | null {
  if (globs.length === 0) return null;
  // dot: "assets/**" also covers "assets/.well-known/x" (keys are not file-system paths), as
  // picomatch.makeRe(glob, { dot: true }) did; shared/domain/exclude-glob.ts builds the same regexes.
  const patterns = globs.map((glob) => {
    const compiled = compileExcludeGlob(glob);
    if (compiled.ok) return compiled.regex;
    throw new RouteConfigError(`routes[${index}].exclude: expected ${compiled.expected}, got ${JSON.stringify(glob)}`);
  });
  const [only] = patterns;
  if (patterns.length === 1 && only !== undefined) return (key) => only.test(key);
  return (key) => {
    for (let i = 0; i < patterns.length; i++) if ((patterns[i] as RegExp).test(key)) return true;
    return false;
  };
}
