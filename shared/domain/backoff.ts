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
