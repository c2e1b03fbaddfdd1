import { backoffSeconds, visibilityCapSeconds } from '../domain/backoff.ts';
import type { BatchBudget } from '../domain/budget.ts';
import { stalenessOfRoutes } from '../domain/drain-order.ts';
import type { SqsRecordLike } from '../domain/events.ts';
import { type DistributionGroup, groupSqsRecords } from '../domain/group-changes.ts';
import { DEFAULT_MAX_STALENESS_SECONDS } from '../domain/pending-policy.ts';
import type { Inventory } from '../domain/planner/index.ts';
import { isBucketName } from '../domain/route-config.ts';
import type { RouteTable } from '../domain/routes.ts';
import { callerReferenceOf, unitKeyOf } from '../domain/unit-of-work.ts';
import { type BatchEnd, BatchSavings, planWithFigures } from './batch-savings.ts';
import { DeferredError } from './errors.ts';
import { loadInventory } from './inventory.ts';
import { type IsolationMetric, invalidateIsolating } from './isolate-refused.ts';
import type { BudgetPolicy, UnitDeps, UnitMetric } from './issue-unit.ts';
import { issueWithPending, type PendingDeps, type PendingMetric } from './issue-with-pending.ts';
import { recordHandled, sharedMessagesOf, skipHandledMessages } from './message-progress.ts';
import { type NewKeySources, splitNewKeys } from './new-keys.ts';
import type { MessageProgress, PendingStore } from './pending-ports.ts';
import type { KeyLister, RetryQueue } from './ports.ts';
import type { SavingsCounters } from './savings-ports.ts';
import type { SweepMetric } from './sweep-reservations.ts';

export type { Log } from './issue-unit.ts';

/** The stage policy the collector applies: the budget plus the retry backoff. */
export interface CollectorPolicy extends BudgetPolicy {
  readonly backoffBaseSeconds: number;
  readonly backoffMaxSeconds: number;
  /**
   * The stage's freshness SLO: how long a change may be held in the pending set to coalesce (default 0:
   * never), for routes without a `maxStalenessSeconds` of their own.
   */
  readonly maxStalenessSeconds?: number;
}

/** Counters for CloudWatch (EMF through Powertools Metrics in Lambda). */
export interface MetricSink {
  count(name: CollectorMetric, value: number): void;
}

export type CollectorMetric =
  | UnitMetric
  | SweepMetric
  | IsolationMetric
  | PendingMetric
  | 'PendingPaths'
  | 'OldestPendingAgeSeconds'
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
  /** The month's savings counters (new keys, listings); without them only the ledger entries hold the figures. */
  readonly savings?: SavingsCounters | undefined;
  /** Evidence that created keys are new (free); without it every change is covered. */
  readonly newKeys?: NewKeySources | undefined;
  readonly policy: CollectorPolicy;
  readonly metrics: MetricSink;
  readonly random: () => number;
  /** The durable pending set; without it, changes that cannot go now wait in SQS (backoff, then DLQ). */
  readonly pending?: PendingStore;
  /** Per-distribution progress of messages feeding several distributions. */
  readonly progress?: MessageProgress;
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
  const batch = groupSqsRecords(records, deps.routes);
  for (const problem of batch.problems) deps.log.warn('record skipped', { ...problem });
  deps.metrics.count('InvalidRecords', batch.problems.length);
  const { skipped } = batch;
  // The bucket is named only when it is a bucket name: the field comes from the message (docs/security.md).
  for (const skip of skipped) {
    const bucket = isBucketName(skip.bucket) ? skip.bucket : 'not a bucket name';
    deps.log.info('change not routed', { messageId: skip.messageId, bucket, reason: skip.reason });
  }
  deps.metrics.count('ChangedKeys', batch.changeCount);

  const retried = new Set(
    records.filter((record) => Number(record.attributes?.ApproximateReceiveCount ?? '1') > 1).map((r) => r.messageId),
  );
  const groups =
    deps.progress === undefined
      ? batch.groups
      : await skipHandledMessages(batch.groups, retried, deps.routes, deps.progress);
  const failures = new Map<string, Error>();
  const list = [...groups.values()];
  const shared = sharedMessagesOf(list);
  await Promise.all(
    list.map(async (group) => {
      try {
        await processGroup(group, deps);
      } catch (error) {
        const failure = error instanceof Error ? error : new Error(String(error));
        const retryable = (failure as { retryable?: boolean }).retryable !== false;
        deps.log.error('distribution failed', {
          distributionId: group.distributionId,
          messages: group.messageIds.length,
          error: failure.name,
          reason: failure.message,
          retryable,
        });
        if (failure instanceof DeferredError) deps.metrics.count('Deferred', group.messageIds.length);
        // Permanent failures come back too, at the longest backoff: after maxReceiveCount they land in
        // the DLQ with this log line, so nothing is lost while someone fixes the cause.
        for (const id of group.messageIds) failures.set(id, failure);
        return;
      }
      // At once, not after the other groups: should this invocation die or time out while another
      // distribution of the same messages is still at work, their retry must skip this one.
      if (deps.progress !== undefined) await recordHandled(group, shared, deps.progress, deps);
    }),
  );
  await delayFailed(records, failures, startedAt, deps);
  return records.map((record) => {
    const failure = failures.get(record.messageId);
    return failure === undefined ? { status: 'fulfilled', value: undefined } : { status: 'rejected', reason: failure };
  });
}

async function processGroup(group: DistributionGroup, deps: CollectorDeps) {
  const { inventory, requests } = await loadInventory(group, deps);
  const { changed, free, newKeys, requests: evidence } = await splitNewKeys(group, deps);
  deps.metrics.count('NewKeysFree', newKeys);
  // Every S3 request the batch made is billed: the inventory's and the evidence's LIST pages alike.
  const savings = new BatchSavings(group.distributionId, {
    newKeys,
    free,
    listRequests: requests + evidence.list,
    getRequests: evidence.get,
  });
  let end: BatchEnd = 'failed';
  try {
    end =
      changed.length === 0
        ? nothingToIssue(group, newKeys, deps)
        : await issueGroup(group, changed, inventory, savings, deps);
  } finally {
    await savings.record(end, deps);
  }
}

/** Only new keys: nothing stale can be cached, so there is nothing to invalidate or to count. */
function nothingToIssue(group: DistributionGroup, newKeys: number, deps: CollectorDeps): BatchEnd {
  deps.log.info('nothing to invalidate: every change is a new key', { distributionId: group.distributionId, newKeys });
  return 'waiting';
}

async function issueGroup(
  group: DistributionGroup,
  changed: readonly string[],
  inventory: Inventory | undefined,
  savings: BatchSavings,
  deps: CollectorDeps,
): Promise<BatchEnd> {
  const unitKey = unitKeyOf(group.distributionId, group.messageIds);
  // The inventory was listed under the group's own paths: merged pending paths plan without it. Free
  // paths stay free in any plan (a new key has nothing stale to evict).
  const own = new Set(changed);
  const plan = (paths: readonly string[], budget: BatchBudget) =>
    savings.plan(paths, budget, paths.length === own.size && paths.every((p) => own.has(p)) ? inventory : undefined);
  if (deps.pending !== undefined) {
    const fresh = {
      unitKey,
      paths: changed,
      messageIds: [...group.messageIds],
      changedObjects: group.objectCount,
      firstSeenAt: group.firstEventAt ?? deps.now(),
      maxStalenessSeconds: stalenessOfRoutes(
        deps.routes,
        group.routeIndexes,
        deps.policy.maxStalenessSeconds ?? DEFAULT_MAX_STALENESS_SECONDS,
      ),
    };
    const outcome = await issueWithPending(group.distributionId, fresh, plan, pendingDepsOf(deps, deps.pending));
    return outcome === 'issued' ? 'issued' : 'waiting';
  }
  await invalidateIsolating(
    {
      distributionId: group.distributionId,
      unitKey,
      callerReference: callerReferenceOf(unitKey),
      source: 'collector',
      messageCount: group.messageIds.length,
      changedObjects: group.objectCount,
      ...(group.firstEventAt === undefined ? {} : { firstEventAt: group.firstEventAt }),
      plan: (budget) => plan(changed, budget),
    },
    { ...deps, isolationMetrics: deps.metrics },
  );
  return 'issued';
}

/**
 * Drains the pending sets of every routed distribution (the scheduled drain): each is merged into one
 * plan and issued, or held while it may still wait, or left pending when the budget says not now.
 *
 * @returns what happened per distribution
 */
export async function drainPending(deps: CollectorDeps): Promise<Map<string, string>> {
  const outcomes = new Map<string, string>();
  if (deps.pending === undefined) return outcomes;
  const distributions = new Set(deps.routes.routes.map((route) => route.distributionId));
  for (const distributionId of distributions) {
    const outcome = await issueWithPending(
      distributionId,
      undefined,
      (paths, budget) => planWithFigures(paths, budget, undefined, undefined),
      pendingDepsOf(deps, deps.pending),
    );
    outcomes.set(distributionId, outcome);
  }
  return outcomes;
}

function pendingDepsOf(deps: CollectorDeps, pending: PendingStore): PendingDeps {
  const defaultMaxStalenessSeconds = deps.policy.maxStalenessSeconds ?? DEFAULT_MAX_STALENESS_SECONDS;
  return {
    ...deps,
    isolationMetrics: deps.metrics,
    pending,
    pendingPolicy: { ...deps.policy, defaultMaxStalenessSeconds },
    pendingMetrics: deps.metrics,
  };
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
