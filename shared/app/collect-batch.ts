import { backoffSeconds, visibilityCapSeconds } from '../domain/backoff.ts';
import { parseSqsRecords, type SqsRecordLike } from '../domain/events.ts';
import { countObjects, type DistributionGroup, groupChanges } from '../domain/group-changes.ts';
import { planInvalidation } from '../domain/planner/index.ts';
import { isBucketName } from '../domain/route-config.ts';
import type { RouteTable } from '../domain/routes.ts';
import { callerReferenceOf, unitKeyOf } from '../domain/unit-of-work.ts';
import { DeferredError } from './errors.ts';
import { loadInventory } from './inventory.ts';
import { type IsolationMetric, invalidateIsolating } from './isolate-refused.ts';
import type { BudgetPolicy, UnitDeps, UnitMetric } from './issue-unit.ts';
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
  | IsolationMetric
  | 'ChangedKeys'
  | 'Deferred'
  | 'RetriedRecords'
  | 'InvalidRecords';

/** Everything the collector talks to, injected. */
export interface CollectorDeps extends UnitDeps {
  readonly routes: RouteTable;
  readonly retryQueue: RetryQueue | undefined;
  readonly lister: KeyLister | undefined;
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
  const startedAt = deps.now();
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
        await processGroup(group, deps);
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
  await delayFailed(records, failures, startedAt, deps);
  return records.map((record) => {
    const failure = failures.get(record.messageId);
    return failure === undefined ? { status: 'fulfilled', value: undefined } : { status: 'rejected', reason: failure };
  });
}

async function processGroup(group: DistributionGroup, deps: CollectorDeps): Promise<void> {
  const unitKey = unitKeyOf(group.distributionId, group.messageIds);
  const inventory = await loadInventory(group, deps);
  const changed = [...group.paths];
  await invalidateIsolating(
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
    { ...deps, isolationMetrics: deps.metrics },
  );
}

async function delayFailed(
  records: readonly CollectorRecord[],
  failures: Map<string, Error>,
  startedAt: number,
  deps: CollectorDeps,
) {
  if (failures.size === 0) return;
  deps.metrics.count('RetriedRecords', failures.size);
  if (deps.retryQueue === undefined) return;
  const policy = { baseSeconds: deps.policy.backoffBaseSeconds, maxSeconds: deps.policy.backoffMaxSeconds };
  const entries: { receiptHandle: string; seconds: number }[] = [];
  for (const record of records) {
    const failure = failures.get(record.messageId);
    if (failure === undefined || record.receiptHandle === undefined) continue;
    const receiveCount = Number(record.attributes?.ApproximateReceiveCount ?? '1');
    const wanted =
      (failure as { retryable?: boolean }).retryable === false
        ? policy.maxSeconds
        : backoffSeconds(receiveCount, policy, deps.random());
    const firstReceive = Number(record.attributes?.ApproximateFirstReceiveTimestamp);
    const cap = visibilityCapSeconds({
      nowMs: deps.now(),
      invocationStartMs: startedAt,
      receiveCount,
      firstReceiveMs: Number.isFinite(firstReceive) && firstReceive > 0 ? firstReceive : undefined,
    });
    entries.push({ receiptHandle: record.receiptHandle, seconds: Math.min(wanted, cap) });
  }
  try {
    await deps.retryQueue.delay(entries);
  } catch (error) {
    // The records still come back after the queue's visibility timeout; only the backoff is lost.
    deps.log.warn('could not set retry backoff', { records: entries.length, error: (error as Error).name });
  }
}
