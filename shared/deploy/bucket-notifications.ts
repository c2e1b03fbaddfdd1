import type { NotificationConfiguration, QueueConfiguration } from '@aws-sdk/client-s3';
import type { RouteConfig } from '../domain/route-config.ts';
import { NotificationConflictError } from './errors.ts';

/** The S3 events the collector needs: uploads, deletes, and lifecycle expirations (which are not deletes). */
export const NOTIFICATION_EVENTS = ['s3:ObjectCreated:*', 's3:ObjectRemoved:*', 's3:LifecycleExpiration:*'] as const;

/** The notification configuration as the S3 API reads and writes it, without response metadata. */
export type BucketNotificationConfig = Pick<
  NotificationConfiguration,
  'QueueConfigurations' | 'TopicConfigurations' | 'LambdaFunctionConfigurations' | 'EventBridgeConfiguration'
>;

/**
 * The key prefixes a bucket must notify about: the routes' prefixes, without those another one
 * covers (S3 rejects overlapping rules for the same events), sorted. `[""]` means the whole bucket.
 *
 * @param routes - all routes of the stage
 * @param bucket - the bucket
 */
export function notificationPrefixes(routes: readonly RouteConfig[], bucket: string): string[] {
  const prefixes = [...new Set(routes.filter((route) => route.bucket === bucket).map((route) => route.prefix))].sort();
  return prefixes.filter((prefix, i) => !prefixes.slice(0, i).some((shorter) => prefix.startsWith(shorter)));
}

/**
 * The Id prefix that marks one stack's entries on a shared bucket, e.g. `invalidator:dev:`. Stage
 * names cannot hold `:`, so `invalidator:dev:` never matches the entries of stage `dev-2`.
 */
export function notificationIdPrefix(service: string, stage: string): string {
  return `${service}:${stage}:`;
}

/**
 * Our queue entries for one bucket: one per prefix, all three event types, Ids `<idPrefix><n>`.
 *
 * @param idPrefix - from `notificationIdPrefix`
 * @param queueArn - the change queue
 * @param prefixes - from `notificationPrefixes`
 */
export function ownQueueConfigurations(
  idPrefix: string,
  queueArn: string,
  prefixes: readonly string[],
): QueueConfiguration[] {
  return prefixes.map((prefix, i) => ({
    Id: `${idPrefix}${i}`,
    QueueArn: queueArn,
    Events: [...NOTIFICATION_EVENTS],
    ...(prefix === ''
      ? {}
      : { Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: encodeFilterValue(prefix) }] } } }),
  }));
}

/**
 * A key prefix as S3 filter rules expect it: URL-encoded the way S3 writes keys in its events (form
 * style: space as `+`, everything but unreserved characters and `/` percent-encoded), because S3
 * matches the rule against the encoded key. A raw `a b/` would never match a key `a b/x`.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-filtering.html
 */
export function encodeFilterValue(prefix: string): string {
  return encodeURIComponent(prefix)
    .replace(/%2F/g, '/')
    .replace(/%20/g, '+')
    .replace(/[!'()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** How many queue, topic and function entries a configuration holds (EventBridge is a switch, not an entry). */
export function countEntries(config: BucketNotificationConfig): number {
  return (
    (config.QueueConfigurations?.length ?? 0) +
    (config.TopicConfigurations?.length ?? 0) +
    (config.LambdaFunctionConfigurations?.length ?? 0)
  );
}

/**
 * The bucket's configuration without our entries (those whose Id starts with `idPrefix`), every
 * other entry and setting (topics, functions, EventBridge) kept as it was.
 */
export function removeOwnEntries(current: BucketNotificationConfig, idPrefix: string): BucketNotificationConfig {
  const foreign = <T extends { Id?: string | undefined }>(entries: T[] | undefined) =>
    (entries ?? []).filter((entry) => !entry.Id?.startsWith(idPrefix));
  const result: BucketNotificationConfig = {};
  const queues = foreign(current.QueueConfigurations);
  const topics = foreign(current.TopicConfigurations);
  const lambdas = foreign(current.LambdaFunctionConfigurations);
  if (queues.length > 0) result.QueueConfigurations = queues;
  if (topics.length > 0) result.TopicConfigurations = topics;
  if (lambdas.length > 0) result.LambdaFunctionConfigurations = lambdas;
  if (current.EventBridgeConfiguration !== undefined)
    result.EventBridgeConfiguration = current.EventBridgeConfiguration;
  return result;
}

/**
 * The bucket's configuration with our entries replaced by `own`: older entries of ours are dropped,
 * every other entry is kept untouched.
 *
 * @throws NotificationConflictError when one of ours would overlap another entry (same event type and
 *   overlapping prefix/suffix filters), which S3 would reject with a less helpful message
 */
export function mergeOwnEntries(
  current: BucketNotificationConfig,
  own: readonly QueueConfiguration[],
  idPrefix: string,
): BucketNotificationConfig {
  const others = removeOwnEntries(current, idPrefix);
  const foreignEntries = [
    ...(others.QueueConfigurations ?? []),
    ...(others.TopicConfigurations ?? []),
    ...(others.LambdaFunctionConfigurations ?? []),
  ];
  for (const mine of own) {
    const clash = foreignEntries.find((other) => overlaps(mine, other));
    if (clash !== undefined) {
      throw new NotificationConflictError(
        `notification ${mine.Id}: expected no other entry with the same events and an overlapping filter, got entry ${clash.Id ?? '(no id)'}`,
      );
    }
  }
  return { ...others, QueueConfigurations: [...(others.QueueConfigurations ?? []), ...own] };
}

type Entry = Pick<QueueConfiguration, 'Id' | 'Events' | 'Filter'>;

// S3's rule: two entries overlap when they share an event type and both their prefixes and suffixes overlap.
function overlaps(a: Entry, b: Entry): boolean {
  const shareEvent = (a.Events ?? []).some((x) => (b.Events ?? []).some((y) => eventsOverlap(x, y)));
  if (!shareEvent) return false;
  const [prefixA, suffixA] = [rule(a, 'prefix'), rule(a, 'suffix')];
  const [prefixB, suffixB] = [rule(b, 'prefix'), rule(b, 'suffix')];
  const prefixesOverlap = prefixA.startsWith(prefixB) || prefixB.startsWith(prefixA);
  const suffixesOverlap = suffixA.endsWith(suffixB) || suffixB.endsWith(suffixA);
  return prefixesOverlap && suffixesOverlap;
}

function eventsOverlap(x: string, y: string): boolean {
  if (x === y) return true;
  const family = (event: string) => (event.endsWith(':*') ? event.slice(0, -1) : undefined);
  const [fx, fy] = [family(x), family(y)];
  return (fx !== undefined && y.startsWith(fx)) || (fy !== undefined && x.startsWith(fy));
}

function rule(entry: Entry, name: 'prefix' | 'suffix'): string {
  const found = entry.Filter?.Key?.FilterRules?.find((filter) => filter.Name?.toLowerCase() === name);
  return found?.Value ?? '';
}
