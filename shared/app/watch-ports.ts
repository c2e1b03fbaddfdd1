import type { Notice, NotifyLevel } from '../domain/notices.ts';
import type { WatchSchedule } from '../domain/watch-policy.ts';
import type { Log } from './issue-unit.ts';
import type { LedgerEntry } from './ports.ts';

/** The message the watcher receives: which invalidation to check, and how many checks came before. */
export interface WatchMessage {
  readonly distributionId: string;
  readonly invalidationId: string;
  readonly unitKey: string;
  readonly month: string;
  readonly attempt: number;
  /** When the first check was scheduled, epoch ms (bounds the total wait). */
  readonly since: number;
}

/**
 * What the watcher needs from the outside world. Adapters: `DynamoWatchLedger`, `SnsNotifier`,
 * `CloudFrontGateway` (getInvalidation) and an SQS sender for the watch queue.
 */

/** A ledger item as the watcher reads it: the entry plus its notification state. */
export interface WatchedEntry extends LedgerEntry {
  /** When the one notification about this item was published (set once, after publishing). */
  readonly notifiedAt?: number;
  readonly timedOutAt?: number;
}

/** Outcome of trying to become the one publisher of an item's notification. */
export type NotificationClaim = 'claimed' | 'notified' | 'busy';

/** The ledger writes of the watcher: every one is a conditional update, so duplicates are harmless. */
export interface WatchLedger {
  /** The ledger item `MONTH#month / INV#unitKey` (consistent read), if it exists. */
  find(month: string, unitKey: string): Promise<WatchedEntry | undefined>;
  /** `issued`/`reserved` → `completed` with the times; true only for the call that made the change. */
  markCompleted(entry: LedgerEntry, completedAt: number, latencyMs: number): Promise<boolean>;
  /** `issued`/`reserved` → `timed-out`; true only for the call that made the change. */
  markTimedOut(entry: LedgerEntry, at: number): Promise<boolean>;
  /**
   * Claims the scheduling of check `attempt` while the item is still watched. One claimer per attempt
   * number; the same claimer (a redelivered SQS message) may claim again.
   */
  claimCheck(entry: LedgerEntry, attempt: number, claimer: string): Promise<boolean>;
  /**
   * Claims the right to publish the item's notification: `notified` when it was published already,
   * `busy` while another claimer's lease (`leaseMs`) runs.
   */
  claimNotification(entry: LedgerEntry, claimer: string, nowMs: number, leaseMs: number): Promise<NotificationClaim>;
  /** Gives a claim back after a failed publish, so the retry can take it at once. */
  releaseNotification(entry: LedgerEntry, claimer: string): Promise<void>;
  /** Records that the notification was published. */
  markNotified(entry: LedgerEntry, at: number): Promise<void>;
  /** Account-wide paths counted in a month (`MONTH#month / TOTAL`). */
  monthPaths(month: string): Promise<number>;
}

/**
 * A check of a change made outside the ledger: an invalidation anyone created (console, CLI, other
 * tools), or a distribution deployment. The watch queue carries it; the first one comes from the
 * CloudTrail event, read at once.
 */
export type EdgeWatchMessage =
  | {
      readonly kind: 'outside-invalidation';
      readonly distributionId: string;
      readonly invalidationId: string;
      readonly paths: number;
      readonly attempt: number;
      /** When the call was made, epoch ms (latency and the bound of the wait count from it). */
      readonly since: number;
    }
  | {
      readonly kind: 'deployment';
      readonly distributionId: string;
      readonly eTag: string;
      readonly operation: 'CreateDistribution' | 'UpdateDistribution';
      readonly attempt: number;
      readonly since: number;
    };

/**
 * State of one edge watch (`WATCH#<key>` items, expiring): which check is scheduled and whether its one
 * notice went out. The same conditional claims as the ledger items, so duplicate events and duplicate
 * SQS messages neither double the checks nor the notices. Adapter: `DynamoWatchMarks`.
 */
export interface WatchMarks {
  /** Notified already? (consistent read) */
  isNotified(key: string): Promise<boolean>;
  /** Claims the scheduling of check `attempt` of `key` (creates the item); one claimer per attempt. */
  claimCheck(key: string, attempt: number, claimer: string, nowMs: number): Promise<boolean>;
  claimNotification(key: string, claimer: string, nowMs: number, leaseMs: number): Promise<NotificationClaim>;
  releaseNotification(key: string, claimer: string): Promise<void>;
  markNotified(key: string, at: number): Promise<void>;
}

/** Reads a distribution's deployment status (CloudFront GetDistribution). */
export interface DistributionStatusReader {
  getDistribution(distributionId: string): Promise<{ readonly status: string; readonly eTag: string }>;
}

/** Publishes notifications (SNS). */
export interface Notifier {
  publish(notice: Notice): Promise<void>;
}

/** Reads an invalidation's status (CloudFront GetInvalidation). */
export interface InvalidationStatusReader {
  getInvalidation(distributionId: string, invalidationId: string): Promise<{ readonly status: string }>;
}

/** Sends a delayed check to the watch queue. */
export interface WatchQueue {
  send(message: WatchMessage | EdgeWatchMessage, delaySeconds: number): Promise<void>;
}

export type WatchMetric =
  | 'InvalidationCompleted'
  | 'InvalidationTimedOut'
  | 'WatchRechecks'
  | 'NotificationsSent'
  | 'OutsideInvalidationCompleted'
  | 'DeploymentCompleted'
  | 'DeploymentTimedOut';

/** Metrics of the watcher (EMF through Powertools in Lambda). */
export interface WatchMetrics {
  count(name: WatchMetric, value: number): void;
  /** Latency of a completed invalidation (metric `InvalidationLatency`, milliseconds). */
  latency(ms: number): void;
}

/** Everything the watcher talks to, injected. */
export interface WatchDeps {
  readonly ledger: WatchLedger;
  readonly invalidations: InvalidationStatusReader;
  readonly queue: WatchQueue;
  /** Undefined when no topic is configured (or `NOTIFY=off`). */
  readonly notifier: Notifier | undefined;
  readonly notify: NotifyLevel;
  /** Spacing of invalidation checks (the collector's, the pipeline's and outside ones). */
  readonly schedule: WatchSchedule;
  /** Spacing of deployment checks. */
  readonly deploySchedule: WatchSchedule;
  readonly marks: WatchMarks;
  readonly distributions: DistributionStatusReader;
  /** Whether this stage may watch a distribution (IAM names them; `"auto"` routes allow all). */
  readonly isWatched: (distributionId: string) => boolean;
  /** How long a notification claim holds before another message may take it over (crashed publisher). */
  readonly notifyLeaseMs: number;
  readonly log: Log;
  readonly metrics: WatchMetrics;
  readonly now: () => number;
}
