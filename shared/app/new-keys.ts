import { CHANGE_KIND } from '../domain/events.ts';
import type { DistributionGroup, GroupChanges } from '../domain/group-changes.ts';
import { type CreatedKey, findNewKeys, type KeyHistory } from '../domain/new-keys.ts';
import { type RouteTable, routeChange } from '../domain/routes.ts';

/**
 * S3 requests made, by price tier: `list` at the LIST tier (ListObjectsV2, ListObjectVersions), `get` at
 * the GET tier ("GET, SELECT, and all other requests": GetBucketVersioning). https://aws.amazon.com/s3/pricing/
 */
export interface S3RequestCount {
  readonly list: number;
  readonly get: number;
}

/** The histories of some keys, and the S3 requests it took to read them. */
export interface VersionHistories {
  /** `undefined` when the bucket's versioning is not `Enabled`. */
  readonly histories: ReadonlyMap<string, KeyHistory> | undefined;
  /** ListObjectVersions pages and GetBucketVersioning calls made (a cached versioning status costs none). */
  readonly requests: S3RequestCount;
}

/** Version histories of keys in a versioned bucket (ListObjectVersions). */
export interface VersionHistoryReader {
  /**
   * The histories of `keys`, or none when the bucket's versioning is not `Enabled`. A key whose listing
   * was not complete (over the request cap) is left out of the map: it stays must.
   * @throws when S3 fails (the caller then treats every key as must); a `requests` property of the
   *   error ({@link S3RequestCount}) says the billed requests made up to the failure (S3 bills 4xx answers, not 5xx)
   */
  histories(bucket: string, keys: readonly string[]): Promise<VersionHistories>;
}

/** The error-caching TTL of a distribution (GetDistribution: CustomErrorResponses). */
export interface ErrorCachingReader {
  /** The longest time the distribution caches a 403 or 404, ms. */
  errorCachingMs(distributionId: string): Promise<number>;
}

/** The evidence sources the collector asks before planning; absent, every change is must. */
export interface NewKeySources {
  readonly versions: VersionHistoryReader;
  readonly errorCaching: ErrorCachingReader;
}

/** What `splitNewKeys` needs from the collector. */
export interface NewKeyDeps {
  readonly routes: RouteTable;
  readonly newKeys?: NewKeySources | undefined;
  readonly now: () => number;
  readonly log: { warn(message: string, fields: Record<string, unknown>): void };
}

/** A group's paths split by kind, how many changed keys were new, and what the evidence cost. */
export interface SplitPaths {
  /** Paths to cover (modified or deleted keys, and created keys without evidence). */
  readonly changed: string[];
  /** Paths of new keys only: no cover needed, never collateral. */
  readonly free: string[];
  readonly newKeys: number;
  /** S3 requests made for the evidence, also when it failed (billed: a 5xx answer is not). */
  readonly requests: S3RequestCount;
}

/**
 * Splits a distribution's changed paths into must and free. A created key is new when every change
 * of it in the batch is a creation, its versioned bucket holds one version and no delete marker, and
 * the creation is at least the distribution's error-caching TTL old (findNewKeys). A path that a key
 * with no such evidence also serves stays must. Any failure to get evidence: everything is must.
 *
 * @param group - the distribution's share of the batch, with its changes
 */
export async function splitNewKeys(group: DistributionGroup, deps: NewKeyDeps): Promise<SplitPaths> {
  const tally = { list: 0, get: 0 };
  const all = { changed: [...group.paths], free: [], newKeys: 0, requests: tally };
  if (deps.newKeys === undefined) return all;
  const objects = objectsByBucket(group.changes);
  const created = createdKeysByBucket(objects);
  if (created.size === 0) return all;
  let fresh: Map<string, Set<string>>;
  try {
    fresh = await findNewKeysByBucket(group.distributionId, created, { ...deps, newKeys: deps.newKeys }, tally);
  } catch (error) {
    addRequests(tally, (error as { requests?: unknown }).requests);
    deps.log.warn('new-key evidence failed, covering every change', {
      distributionId: group.distributionId,
      error: (error as Error).name,
    });
    return all;
  }
  const freePaths = new Set<string>();
  const mustPaths = new Set<string>();
  let newKeys = 0;
  for (const [bucket, keys] of objects) {
    for (const key of keys.keys()) {
      const isNew = fresh.get(bucket)?.has(key) === true;
      if (isNew) newKeys++;
      for (const hit of routeChange(deps.routes, bucket, key)) {
        if (!hit.ok || hit.distributionId !== group.distributionId) continue;
        for (const path of hit.servedPaths) (isNew ? freePaths : mustPaths).add(path);
      }
    }
  }
  const free = [...freePaths].filter((path) => !mustPaths.has(path));
  const freeSet = new Set(free);
  return { changed: all.changed.filter((path) => !freeSet.has(path)), free, newKeys, requests: tally };
}

/** Adds a request count (from a result, or the `requests` of an error when it has one) to `tally`. */
function addRequests(tally: { list: number; get: number }, made: unknown): void {
  const count = made as Partial<S3RequestCount> | undefined;
  if (typeof count?.list === 'number') tally.list += count.list;
  if (typeof count?.get === 'number') tally.get += count.get;
}

/** What the batch did to one object: its latest event time (undefined when one is unknown) and whether it was removed. */
interface ObjectHistory {
  readonly at: number | undefined;
  readonly removed: boolean;
}

/** The group's distinct objects, by bucket, in the order they first changed. */
function objectsByBucket(changes: GroupChanges): Map<string, Map<string, ObjectHistory>> {
  const byBucket = new Map<string, Map<string, ObjectHistory>>();
  for (let i = 0; i < changes.keys.length; i++) {
    const bucket = changes.buckets[i] as string;
    const key = changes.keys[i] as string;
    const eventTime = changes.eventTimes[i];
    let keys = byBucket.get(bucket);
    if (keys === undefined) {
      keys = new Map();
      byBucket.set(bucket, keys);
    }
    const at = eventTime === undefined ? Number.NaN : Date.parse(eventTime);
    const seen = keys.get(key) ?? { at: 0, removed: false };
    // An unknown time makes the key's creation time unknown (must).
    const time = Number.isNaN(at) || seen.at === undefined ? undefined : Math.max(seen.at, at);
    keys.set(key, { at: time, removed: seen.removed || changes.kinds[i] === CHANGE_KIND.removed });
  }
  return byBucket;
}

/** Per bucket, the keys whose every change was a creation, with the latest creation time. */
function createdKeysByBucket(objects: Map<string, Map<string, ObjectHistory>>): Map<string, CreatedKey[]> {
  const byBucket = new Map<string, CreatedKey[]>();
  for (const [bucket, keys] of objects) {
    for (const [key, { at, removed }] of keys) {
      if (removed) continue;
      const created = byBucket.get(bucket) ?? [];
      created.push({ key, createdAt: at });
      byBucket.set(bucket, created);
    }
  }
  return byBucket;
}

/**
 * Whether the distribution's routes from this bucket all list it (`inventory: true`): the stack grants
 * s3:ListBucketVersions only there, so other buckets stay conservative (every created key is must).
 * A trigger route's paths are not the key's own (a new trigger key still asks for its fixed paths), so
 * a bucket feeding one stays conservative too.
 */
function listsBucket(routes: RouteTable, distributionId: string, bucket: string): boolean {
  const mine = (routes.byBucket.get(bucket) ?? []).filter((route) => route.distributionId === distributionId);
  return mine.length > 0 && mine.every((route) => route.config.inventory && route.config.trigger === null);
}

async function findNewKeysByBucket(
  distributionId: string,
  created: Map<string, CreatedKey[]>,
  deps: NewKeyDeps & { readonly newKeys: NewKeySources },
  tally: { list: number; get: number },
): Promise<Map<string, Set<string>>> {
  const sources = deps.newKeys;
  const now = deps.now();
  const errorCachingMs = await sources.errorCaching.errorCachingMs(distributionId);
  const found = new Map<string, Set<string>>();
  for (const [bucket, keys] of created) {
    if (!listsBucket(deps.routes, distributionId, bucket)) continue;
    // Keys too young for the TTL are must whatever their history: no listing needed for them.
    const old = keys.filter((entry) => entry.createdAt !== undefined && now - entry.createdAt >= errorCachingMs);
    if (old.length === 0) continue;
    const { histories, requests } = await sources.versions.histories(
      bucket,
      old.map((entry) => entry.key),
    );
    addRequests(tally, requests);
    found.set(bucket, findNewKeys(old, { histories, errorCachingMs, now }));
  }
  return found;
}
