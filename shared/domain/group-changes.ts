import { distinctInOrder } from './distinct-strings.ts';
import { type ChangeKind, type RecordProblem, type S3Change, type SqsRecordLike, walkSqsRecords } from './events.ts';
import { firstDoubtfulIndex } from './paths.ts';
import { sortUnique } from './planner/sorted-strings.ts';
import { type RouteTable, routeChange, type SkipReason } from './routes.ts';

/** Everything one batch asks of one distribution. */
export interface DistributionGroup {
  readonly distributionId: string;
  /** SQS message ids whose changes route here, distinct, in the order they first came: with the distribution, the unit of work. */
  readonly messageIds: readonly string[];
  /** Served CloudFront paths to invalidate (encoded), distinct and sorted by code unit. */
  readonly paths: readonly string[];
  /** The changes routed here, in batch order, each once (also when several of the distribution's routes took it). */
  readonly changes: GroupChanges;
  /** How many distinct objects (bucket and key) the changes touched. */
  readonly objectCount: number;
  /** Routes (by index) that fed this group. */
  readonly routeIndexes: ReadonlySet<number>;
  /** Earliest S3 event time of the group, epoch ms (undefined when no record had one). */
  readonly firstEventAt: number | undefined;
}

/**
 * A group's changes as columns, entry `i` of each for change `i`. Not an object per change: 10,000 small
 * objects held from the parse to the plan cost the garbage collector more than the parse itself, while
 * the same fields in a few arrays cost little (docs/benchmarks.md, "Collector").
 */
export interface GroupChanges {
  readonly messageIds: readonly string[];
  readonly buckets: readonly string[];
  /** Decoded object keys. */
  readonly keys: readonly string[];
  readonly kinds: readonly ChangeKind[];
  readonly eventTimes: readonly (string | undefined)[];
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

/** One SQS batch parsed, routed and grouped in a single walk. */
export interface CollectedBatch extends GroupedBatch {
  readonly problems: RecordProblem[];
  /** Message ids of `s3:TestEvent` messages: acknowledge silently. */
  readonly testEvents: string[];
  /** How many object changes the batch held, routed or not. */
  readonly changeCount: number;
}

/**
 * Parses, routes and groups one SQS batch in a single walk: each change is routed as soon as it is read
 * (`walkSqsRecords`) and only what the groups need is kept. Problems and test events are those
 * `parseSqsRecords` reports; groups and skips those `groupChanges` makes of its changes. Never throws
 * for bad input.
 *
 * @param records - the SQS records of one batch
 * @param table - compiled routes
 */
export function groupSqsRecords(records: readonly SqsRecordLike[], table: RouteTable): CollectedBatch {
  const grouping = openGrouping(table);
  const { problems, testEvents } = walkSqsRecords(records, (change) =>
    addChange(grouping, change.messageId, change.bucket, change.key, change.kind, change.eventTime),
  );
  return { ...closeGrouping(grouping), problems, testEvents, changeCount: grouping.changeCount };
}

/**
 * Routes every change and groups the resulting paths by distribution.
 *
 * @param changes - parsed object changes of one batch
 * @param table - compiled routes
 */
export function groupChanges(changes: readonly S3Change[], table: RouteTable): GroupedBatch {
  const grouping = openGrouping(table);
  for (const change of changes) {
    addChange(grouping, change.messageId, change.bucket, change.key, change.kind, change.eventTime);
  }
  return closeGrouping(grouping);
}

/**
 * The group as it would be without some of its messages' changes.
 *
 * @param group - one distribution's group
 * @param dropped - message ids whose changes to leave out
 * @param table - the routes the group was made with
 * @returns the smaller group, or undefined when no change is left
 */
export function regroupWithout(
  group: DistributionGroup,
  dropped: ReadonlySet<string>,
  table: RouteTable,
): DistributionGroup | undefined {
  const grouping = openGrouping(table);
  const { messageIds, buckets, keys, kinds, eventTimes } = group.changes;
  for (let i = 0; i < messageIds.length; i++) {
    const messageId = messageIds[i] as string;
    if (dropped.has(messageId)) continue;
    addChange(grouping, messageId, buckets[i] as string, keys[i] as string, kinds[i] as ChangeKind, eventTimes[i]);
  }
  return closeGrouping(grouping).groups.get(group.distributionId);
}

/**
 * A group while it is being filled. Nothing is hashed per change: message ids are gathered without
 * adjacent repeats (a message's changes come one after the other) and made distinct once at the end;
 * paths are gathered with repeats and sorted and de-duplicated once at the end (the planner then skips
 * its own sort); event times are compared as ISO text (which sorts like time).
 */
interface OpenGroup {
  readonly distributionId: string;
  /** Message ids as they came, a run of one id kept once (repeats further apart are dropped at the end). */
  readonly messageIds: string[];
  readonly pathList: string[];
  readonly changes: { [K in keyof GroupChanges]: GroupChanges[K] extends readonly (infer T)[] ? T[] : never };
  readonly routeIndexes: Set<number>;
  /** The last change added, by its number in the grouping (one change may reach the group by two routes). */
  lastChange: number;
  lastMessageId: string | undefined;
  /** The previous change's bucket: equal bucket names are kept as one string. */
  lastBucket: string | undefined;
  firstEventTime: string | undefined;
  /** Whether some hit served no path (then an object changed twice may leave no repeated path). */
  pathless: boolean;
}

interface Grouping {
  readonly table: RouteTable;
  readonly groups: Map<string, OpenGroup>;
  readonly skipped: SkippedChange[];
  changeCount: number;
}

function openGrouping(table: RouteTable): Grouping {
  return { table, groups: new Map(), skipped: [], changeCount: 0 };
}

function openGroup(distributionId: string): OpenGroup {
  return {
    distributionId,
    messageIds: [],
    pathList: [],
    changes: { messageIds: [], buckets: [], keys: [], kinds: [], eventTimes: [] },
    routeIndexes: new Set(),
    lastChange: -1,
    lastMessageId: undefined,
    lastBucket: undefined,
    firstEventTime: undefined,
    pathless: false,
  };
}

function addChange(
  grouping: Grouping,
  messageId: string,
  bucket: string,
  key: string,
  kind: ChangeKind,
  eventTime: string | undefined,
): void {
  const number = grouping.changeCount++;
  const hits = routeChange(grouping.table, bucket, key);
  for (let i = 0; i < hits.length; i++) {
    const hit = hits[i] as (typeof hits)[number];
    if (!hit.ok) {
      grouping.skipped.push({ messageId, bucket, key, reason: hit.reason });
      continue;
    }
    let group = grouping.groups.get(hit.distributionId);
    if (group === undefined) {
      group = openGroup(hit.distributionId);
      grouping.groups.set(hit.distributionId, group);
    }
    if (group.lastChange !== number) {
      group.lastChange = number;
      if (group.lastMessageId !== messageId) {
        group.lastMessageId = messageId;
        group.messageIds.push(messageId);
      }
      if (group.lastBucket !== bucket) group.lastBucket = bucket;
      const { changes } = group;
      changes.messageIds.push(messageId);
      changes.buckets.push(group.lastBucket);
      changes.keys.push(key);
      changes.kinds.push(kind);
      changes.eventTimes.push(eventTime);
      // S3 writes ISO-8601 UTC times of one format, so text order is time order: parse once at the end.
      if (eventTime !== undefined && (group.firstEventTime === undefined || eventTime < group.firstEventTime))
        group.firstEventTime = eventTime;
    }
    group.routeIndexes.add(hit.routeIndex);
    const served = hit.servedPaths;
    if (served.length === 0) group.pathless = true;
    for (let j = 0; j < served.length; j++) group.pathList.push(served[j] as string);
  }
}

function closeGrouping({ groups, skipped }: Grouping): GroupedBatch {
  const closed = new Map<string, DistributionGroup>();
  for (const [id, group] of groups) {
    const at = group.firstEventTime === undefined ? Number.NaN : Date.parse(group.firstEventTime);
    const paths = sortUnique(group.pathList);
    // Two changes of one object take the same routes, so they push the same paths: when no path was
    // pushed twice (and every hit pushed one), no object changed twice and each change is one object.
    const objectCount =
      paths.length === group.pathList.length && !group.pathless
        ? group.changes.keys.length
        : countDistinctObjects(group.changes);
    closed.set(id, {
      distributionId: group.distributionId,
      messageIds: distinctInOrder(group.messageIds),
      paths,
      changes: group.changes,
      objectCount,
      routeIndexes: group.routeIndexes,
      firstEventAt: Number.isNaN(at) ? undefined : at,
    });
  }
  return { groups: closed, skipped };
}

function countDistinctObjects({ buckets, keys }: GroupChanges): number {
  const byBucket = new Map<string, Set<string>>();
  for (let i = 0; i < keys.length; i++) {
    const bucket = buckets[i] as string;
    let inBucket = byBucket.get(bucket);
    if (inBucket === undefined) {
      inBucket = new Set();
      byBucket.set(bucket, inBucket);
    }
    inBucket.add(keys[i] as string);
  }
  let count = 0;
  for (const inBucket of byBucket.values()) count += inBucket.size;
  return count;
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
