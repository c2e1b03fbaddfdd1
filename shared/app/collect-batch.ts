import { backoffSeconds } from '../domain/backoff.ts';
import { parseSqsRecords, type S3Change, type SqsRecordLike } from '../domain/events.ts';
import { countObjects, type DistributionGroup, groupChanges } from '../domain/group-changes.ts';
import { planInvalidation } from '../domain/planner/index.ts';
import { isBucketName } from '../domain/route-config.ts';
import type { RouteTable } from '../domain/routes.ts';
import { callerReferenceOf, unitKeyOf } from '../domain/unit-of-work.ts';
import { DeferredError } from './errors.ts';
import { loadInventory } from './inventory.ts';
import { type BudgetPolicy, invalidateUnit, type UnitDeps, type UnitMetric } from './issue-unit.ts';
import { type NewKeySources, splitNewKeys } from './new-keys.ts';
import type { KeyLister, RetryQueue } from './ports.ts';

export type { Log } from './issue-unit.ts';

/** The stage policy the collector applies: the budget plus the retry backoff. */
export interface CollectorPolicy extends BudgetPolicy {
  readonly backoffBaseSeconds: number;
  readonly backoffMaxSeconds: number;
}

/** Counters for CloudWatch (EMF through Powertools Metrics in Lambda). */
export interface MetricSink {
  count(name: CollectorMetric, value: number): void;
}

export type CollectorMetric =
  | UnitMetric
  | 'ChangedKeys'
  | 'NewKeysFree'
  | 'Deferred'
  | 'RetriedRecords'
  | 'InvalidRecords';

/** Everything the collector talks to, injected. */
export interface CollectorDeps extends UnitDeps {
  readonly routes: RouteTable;
  readonly retryQueue: RetryQueue | undefined;
  readonly lister: KeyLister | undefined;
  /** Evidence that created keys are new (free); without it every change is covered. */
  readonly newKeys?: NewKeySources | undefined;
  readonly policy: CollectorPolicy;
  readonly metrics: MetricSink;
  readonly random: () => number;
}

/** An SQS record as the collector reads it (the aws-lambda SQSRecord fits). */
export interface CollectorRecord extends SqsRecordLike {
  readonly receiptHandle?: string;
}

/**
 * Processes one SQS batch: parse, route, and per distribution budget, plan, reserve, invalidate.
 *
 * Returns one settled result per record, in order, as `@middy/sqs-partial-batch-failure` expects:
 * a record is rejected when a distribution it feeds failed (retryable failures back off by receive
 * count; permanent ones wait the longest backoff and reach the DLQ after maxReceiveCount, so no change
 * is lost). Junk, test events and unrouted keys are fulfilled (acknowledged) and logged.
 *
 * @param records - the batch's SQS records
 * @param deps - adapters, routes, policy and clock
 */
export async function collectBatch(
  records: readonly CollectorRecord[],
  deps: CollectorDeps,
): Promise<PromiseSettledResult<void>[]> {
  const parsed = parseSqsRecords(records);
  for (const problem of parsed.problems) deps.log.warn('record skipped', { ...problem });
  deps.metrics.count('InvalidRecords', parsed.problems.length);
  const { groups, skipped } = groupChanges(parsed.changes, deps.routes);
  // The bucket is named only when it is a bucket name: the field comes from the message (docs/security.md).
  for (const skip of skipped) {
    const bucket = isBucketName(skip.bucket) ? skip.bucket : 'not a bucket name';
    deps.log.info('change not routed', { messageId: skip.messageId, bucket, reason: skip.reason });
  }
  deps.metrics.count('ChangedKeys', parsed.changes.length);

  const failures = new Map<string, Error>();
  await Promise.all(
    [...groups.values()].map(async (group) => {
      try {
        await processGroup(group, parsed.changes, deps);
      } catch (error) {
        const failure = error instanceof Error ? error : new Error(String(error));
        const retryable = (failure as { retryable?: boolean }).retryable !== false;
        deps.log.error('distribution failed', {
          distributionId: group.distributionId,
          messages: group.messageIds.size,
          error: failure.name,
          reason: failure.message,
          retryable,
        });
        if (failure instanceof DeferredError) deps.metrics.count('Deferred', group.messageIds.size);
        // Permanent failures come back too, at the longest backoff: after maxReceiveCount they land in
        // the DLQ with this log line, so nothing is lost while someone fixes the cause.
        for (const id of group.messageIds) failures.set(id, failure);
      }
    }),
  );
  await delayFailed(records, failures, deps);
  return records.map((record) => {
    const failure = failures.get(record.messageId);
    return failure === undefined ? { status: 'fulfilled', value: undefined } : { status: 'rejected', reason: failure };
  });
}

async function processGroup(group: DistributionGroup, changes: readonly S3Change[], deps: CollectorDeps) {
  const unitKey = unitKeyOf(group.distributionId, group.messageIds);
  const inventory = await loadInventory(group, deps);
  const { changed, free, newKeys } = await splitNewKeys(group, changes, deps);
  deps.metrics.count('NewKeysFree', newKeys);
  if (changed.length === 0) {
    // Only new keys: nothing stale can be cached, so there is nothing to invalidate or to count.
    deps.log.info('nothing to invalidate: every change is a new key', {
      distributionId: group.distributionId,
      newKeys,
    });
    return;
  }
  await invalidateUnit(
    {
      distributionId: group.distributionId,
      unitKey,
      callerReference: callerReferenceOf(unitKey),
      source: 'collector',
      messageCount: group.messageIds.size,
      changedObjects: countObjects(group),
      ...(group.firstEventAt === undefined ? {} : { firstEventAt: group.firstEventAt }),
      plan: (budget) => {
        const plan = planInvalidation({
          changed,
          free,
          maxPaths: budget.maxPaths,
          maxWildcards: budget.maxWildcards,
          ...(inventory === undefined ? {} : { inventory }),
        });
        return {
          paths: plan.paths.map((path) => path.path),
          exactPaths: plan.exactPaths,
          wildcardPaths: plan.wildcardPaths,
          changed: plan.changed,
          collateral: plan.collateral,
        };
      },
    },
    deps,
  );
}

async function delayFailed(records: readonly CollectorRecord[], failures: Map<string, Error>, deps: CollectorDeps) {
  if (failures.size === 0) return;
  deps.metrics.count('RetriedRecords', failures.size);
  if (deps.retryQueue === undefined) return;
  const policy = { baseSeconds: deps.policy.backoffBaseSeconds, maxSeconds: deps.policy.backoffMaxSeconds };
  const entries: { receiptHandle: string; seconds: number }[] = [];
  for (const record of records) {
    const failure = failures.get(record.messageId);
    if (failure === undefined || record.receiptHandle === undefined) continue;
    const receiveCount = Number(record.attributes?.ApproximateReceiveCount ?? '1');
    const seconds =
      (failure as { retryable?: boolean }).retryable === false
        ? policy.maxSeconds
        : backoffSeconds(receiveCount, policy, deps.random());
    entries.push({ receiptHandle: record.receiptHandle, seconds });
  }
  try {
    await deps.retryQueue.delay(entries);
  } catch (error) {
    // The records still come back after the queue's visibility timeout; only the backoff is lost.
    deps.log.warn('could not set retry backoff', { records: entries.length, error: (error as Error).name });
  }
}
