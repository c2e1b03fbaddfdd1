/**
 * Which created keys are new, from evidence (docs/architecture.md, "Three kinds of served path").
 * Pure: the caller brings the version histories, the error-caching TTL and the time.
 */

/** What a versioned bucket knows about one key: its versions and delete markers, current included. */
export interface KeyHistory {
  readonly versions: number;
  readonly deleteMarkers: number;
}

/** A key the batch created, with the latest creation event's time. */
export interface CreatedKey {
  readonly key: string;
  /** Epoch ms of the latest `ObjectCreated` event for the key in the batch; `undefined` when unknown. */
  readonly createdAt: number | undefined;
}

/** The evidence for one bucket and distribution. */
export interface NewKeyEvidence {
  /** Histories from a versioned bucket (versioning Enabled); `undefined` when there are none. */
  readonly histories: ReadonlyMap<string, KeyHistory> | undefined;
  /** How long the distribution may cache a 403 or 404 (the longest of the two), ms. */
  readonly errorCachingMs: number;
  /** When the invalidation goes out, epoch ms. */
  readonly now: number;
}

/** CloudFront's error-caching minimum TTL when a distribution sets none for a status code (10 s). */
export const DEFAULT_ERROR_CACHING_SECONDS = 10;

/**
 * The created keys that are new: the bucket holds exactly one version of the key (the one created)
 * and no delete marker, and the creation is at least the error-caching TTL old, so a 404 or 403
 * cached before the upload has expired. Anything unknown (no histories, no event time, a key missing
 * from the histories) leaves the key out: it must be covered.
 *
 * @param created - keys whose every change in the batch was a creation
 * @param evidence - histories, TTL and time
 */
export function findNewKeys(created: readonly CreatedKey[], evidence: NewKeyEvidence): Set<string> {
  const found = new Set<string>();
  const { histories, errorCachingMs, now } = evidence;
  if (histories === undefined) return found;
  for (const { key, createdAt } of created) {
    if (createdAt === undefined || now - createdAt < errorCachingMs) continue;
    const history = histories.get(key);
    if (history !== undefined && history.versions === 1 && history.deleteMarkers === 0) found.add(key);
  }
  return found;
}

/**
 * The longest error-caching TTL for 404 and 403 among a distribution's custom error responses, ms:
 * a status with no entry, or an entry without `ErrorCachingMinTTL`, caches for the default 10 s.
 *
 * @param responses - `CustomErrorResponses.Items` of the distribution config
 */
export function errorCachingMsOf(
  responses: readonly { readonly ErrorCode?: number | undefined; readonly ErrorCachingMinTTL?: number | undefined }[],
): number {
  let longest = 0;
  for (const code of [403, 404]) {
    const entry = responses.find((response) => response.ErrorCode === code);
    const seconds = entry?.ErrorCachingMinTTL ?? DEFAULT_ERROR_CACHING_SECONDS;
    longest = Math.max(longest, seconds);
  }
  return longest * 1000;
}
