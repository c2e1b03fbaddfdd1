import type { S3Change } from './events.ts';
import { firstDoubtfulIndex } from './paths.ts';
import { sortUnique } from './planner/sorted-strings.ts';
import { type RouteTable, routeChange, type SkipReason } from './routes.ts';

/** Everything one batch asks of one distribution. */
export interface DistributionGroup {
  readonly distributionId: string;
  /** SQS message ids whose changes route here: with the distribution, the unit of work. */
  readonly messageIds: Set<string>;
  /** Served CloudFront paths to invalidate (encoded), distinct and sorted by code unit. */
  readonly paths: readonly string[];
  /** Distinct changed object keys, by bucket. */
  readonly objects: Map<string, Set<string>>;
  /** Routes (by index) that fed this group. */
  readonly routeIndexes: Set<number>;
  /** Earliest S3 event time of the group, epoch ms (undefined when no record had one). */
  firstEventAt: number | undefined;
}

/**
 * A group while it is being filled: event times are kept as ISO text (which sorts like time), and paths
 * are gathered with repeats, then sorted and de-duplicated once (cheaper than a `Set` per group, and the
 * planner then skips its own sort).
 */
interface OpenGroup extends Omit<DistributionGroup, 'paths'> {
  readonly pathList: string[];
  firstEventTime: string | undefined;
}

/** How many distinct objects a group's changes touched. */
export function countObjects(group: DistributionGroup): number {
  let count = 0;
  for (const keys of group.objects.values()) count += keys.size;
  return count;
}

/** A change that produced no path, with why (for the logs; never the object's content). */
export interface SkippedChange {
  readonly messageId: string;
  readonly bucket: string;
  readonly key: string;
  readonly reason: SkipReason;
}

/** The batch split by distribution. */
export interface GroupedBatch {
  readonly groups: Map<string, DistributionGroup>;
  readonly skipped: SkippedChange[];
}

/**
 * Routes every change and groups the resulting paths by distribution.
 *
 * @param changes - parsed object changes of one batch
 * @param table - compiled routes
 */
export function groupChanges(changes: readonly S3Change[], table: RouteTable): GroupedBatch {
  const groups = new Map<string, OpenGroup>();
  const skipped: SkippedChange[] = [];
  for (const change of changes) {
    const hits = routeChange(table, change.bucket, change.key);
    for (const hit of hits) {
      if (!hit.ok) {
        skipped.push({ messageId: change.messageId, bucket: change.bucket, key: change.key, reason: hit.reason });
        continue;
      }
      let group = groups.get(hit.distributionId);
      if (group === undefined) {
        group = {
          distributionId: hit.distributionId,
          messageIds: new Set(),
          pathList: [],
          objects: new Map(),
          routeIndexes: new Set(),
          firstEventAt: undefined,
          firstEventTime: undefined,
        };
        groups.set(hit.distributionId, group);
      }
      group.messageIds.add(change.messageId);
      let keys = group.objects.get(change.bucket);
      if (keys === undefined) {
        keys = new Set();
        group.objects.set(change.bucket, keys);
      }
      keys.add(change.key);
      group.routeIndexes.add(hit.routeIndex);
      for (const path of hit.servedPaths) group.pathList.push(path);
      // S3 writes ISO-8601 UTC times of one format, so text order is time order: parse once at the end.
      const time = change.eventTime;
      if (time !== undefined && (group.firstEventTime === undefined || time < group.firstEventTime))
        group.firstEventTime = time;
    }
  }
  const closed = new Map<string, DistributionGroup>();
  for (const [id, { firstEventTime, pathList, ...group }] of groups) {
    const at = firstEventTime === undefined ? Number.NaN : Date.parse(firstEventTime);
    closed.set(id, { ...group, paths: sortUnique(pathList), firstEventAt: Number.isNaN(at) ? undefined : at });
  }
  return { groups: closed, skipped };
}

/**
 * The longest prefix shared by the paths, cut before any `*`, `'` or `%7E` (such a path is planned as a wildcard
 * ending there). Every wildcard the planner may choose extends this prefix, so an inventory listed under
 * it is complete for the plan.
 *
 * @param paths - served CloudFront paths (non-empty for a useful answer)
 */
export function commonPathPrefix(paths: Iterable<string>): string {
  let prefix: string | undefined;
  for (const path of paths) {
    const star = firstDoubtfulIndex(path);
    const candidate = star === -1 ? path : path.slice(0, star);
    if (prefix === undefined) {
      prefix = candidate;
      continue;
    }
    let i = 0;
    const end = Math.min(prefix.length, candidate.length);
    while (i < end && prefix.charCodeAt(i) === candidate.charCodeAt(i)) i++;
    prefix = prefix.slice(0, i);
    if (prefix.length <= 1) break;
  }
  return prefix ?? '/';
}

/**
 * The S3 key prefix (relative to the origin path) whose objects are served under a path prefix: drops
 * the leading `/` and a trailing incomplete percent-escape, then decodes. Index-document paths
 * (`/docs/`) map to `docs/`, which lists `docs/index.html` as well.
 *
 * @param pathPrefix - an encoded CloudFront path prefix starting with `/`
 */
export function keyPrefixOfPathPrefix(pathPrefix: string): string {
  let text = pathPrefix.startsWith('/') ? pathPrefix.slice(1) : pathPrefix;
  // Cut back to a whole escape sequence (a prefix may end inside `%C3%A9`).
  while (true) {
    const percent = text.lastIndexOf('%');
    if (percent === -1 || percent + 3 <= text.length) break;
    text = text.slice(0, percent);
  }
  try {
    return decodeURIComponent(text);
  } catch {
    // A multi-byte character cut in half: drop escapes until it decodes.
    const percent = text.lastIndexOf('%');
    return percent === -1 ? text : keyPrefixOfPathPrefix(`/${text.slice(0, percent)}`);
  }
}
