import type { RouteConfig } from '../domain/route-config.ts';
import { encodeFilterValue, notificationPrefixes } from './bucket-notifications.ts';

/** The EventBridge detail types S3 sends for the changes the collector needs (lifecycle expirations are deletes). */
export const EVENTBRIDGE_DETAIL_TYPES = ['Object Created', 'Object Deleted'] as const;

/**
 * The event pattern of a stage's EventBridge rule: S3 events of the route buckets, narrowed to the
 * routes' key prefixes where that is safe. The collector skips unrouted keys anyway, so the prefixes
 * only save messages: a bucket with a whole-bucket route, or a prefix with characters that encoding
 * would change (AWS does not document whether EventBridge keys are encoded), matches the whole bucket.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html
 *
 * @param routes - the stage's routes
 * @returns the pattern, as the template's `EventPattern`
 */
export function eventRulePattern(routes: readonly RouteConfig[]): Record<string, unknown> {
  const buckets = [...new Set(routes.map((route) => route.bucket))].sort();
  const clauses = buckets.map((bucket) => {
    const prefixes = notificationPrefixes(routes, bucket);
    const filterable = prefixes.every((prefix) => prefix !== '' && encodeFilterValue(prefix) === prefix);
    return filterable
      ? { bucket: { name: [bucket] }, object: { key: prefixes.map((prefix) => ({ prefix })) } }
      : { bucket: { name: [bucket] } };
  });
  const wholeBuckets = clauses.every((clause) => !('object' in clause));
  const detail = wholeBuckets ? { bucket: { name: buckets } } : clauses.length === 1 ? clauses[0] : { $or: clauses };
  return { source: ['aws.s3'], 'detail-type': [...EVENTBRIDGE_DETAIL_TYPES], detail };
}
