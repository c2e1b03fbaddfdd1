/** Backoff settings for records that failed for a retryable reason. */
export interface BackoffPolicy {
  /** Delay for the first retry, in seconds. */
  readonly baseSeconds: number;
  /** Upper bound; SQS allows at most 12 hours (43,200 s) of visibility. */
  readonly maxSeconds: number;
}

/** SQS ChangeMessageVisibility cannot exceed 12 hours. */
export const MAX_VISIBILITY_SECONDS = 43_200;

/**
 * Visibility timeout for a failed record: exponential in its receive count, with full jitter.
 *
 * Full jitter (a random value in [cap/2, cap]) spreads retries of a throttled batch so they do not
 * return together. https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
 *
 * @param receiveCount - SQS ApproximateReceiveCount of the record (1 on the first delivery)
 * @param policy - base and maximum delay
 * @param random - a number in [0, 1), injected so the function stays pure
 */
export function backoffSeconds(receiveCount: number, policy: BackoffPolicy, random: number): number {
  const attempt = Math.max(1, Math.floor(receiveCount));
  const ceiling = Math.min(policy.maxSeconds, MAX_VISIBILITY_SECONDS, policy.baseSeconds * 2 ** (attempt - 1));
  const jittered = ceiling / 2 + (ceiling / 2) * Math.min(Math.max(random, 0), 1);
  return Math.max(1, Math.min(Math.round(jittered), MAX_VISIBILITY_SECONDS));
}

/**
 * The most the longest batching window (300 s) can hold a message between its receipt and the
 * invocation that sees it: Lambda's poller receives first, then waits for the window.
 */
export const RECEIPT_SLACK_SECONDS = 300;

/** When a record was received, as far as the collector can tell. */
export interface ReceiptTimes {
  /** Now, epoch ms. */
  readonly nowMs: number;
  /** Start of the invocation, epoch ms. */
  readonly invocationStartMs: number;
  /** SQS ApproximateReceiveCount (1 on the first delivery). */
  readonly receiveCount: number;
  /** SQS ApproximateFirstReceiveTimestamp, epoch ms, when present. */
  readonly firstReceiveMs: number | undefined;
}

/**
 * The longest visibility timeout ChangeMessageVisibility accepts for a record now: SQS rejects a
 * total visibility past 12 hours from the receipt (the call does not clip it,
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ChangeMessageVisibility.html).
 * On the first delivery the receipt is ApproximateFirstReceiveTimestamp; on a later one it is at
 * most the batching window before the invocation started.
 *
 * @returns seconds in [0, 43,200]
 */
export function visibilityCapSeconds(times: ReceiptTimes): number {
  const sinceStart = Math.max(0, times.nowMs - times.invocationStartMs) / 1000 + RECEIPT_SLACK_SECONDS;
  const sinceFirst =
    times.receiveCount <= 1 && times.firstReceiveMs !== undefined
      ? Math.max(0, times.nowMs - times.firstReceiveMs) / 1000
      : 0;
  // Both bound the time since this receipt; the larger one is the safe one.
  const elapsed = Math.max(sinceStart, sinceFirst);
  return Math.max(0, Math.min(MAX_VISIBILITY_SECONDS, Math.floor(MAX_VISIBILITY_SECONDS - Math.ceil(elapsed))));
}
