/**
 * When the watcher checks an invalidation or a deployment again, and when it gives up.
 * Pure: time comes in as epoch milliseconds, nothing here reads a clock or the environment.
 */

/** SQS caps a message's DelaySeconds at 15 minutes. https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html */
export const SQS_MAX_DELAY_SECONDS = 900;

/** How the checks of one watch are spaced and bounded. */
export interface WatchSchedule {
  /**
   * Delay before each check, first check first; the last one repeats until the wait ends. Dense where
   * the change usually completes, so it is seen soon after, sparse after that (each check costs a
   * CloudFront read and an SQS message). Each at most {@link SQS_MAX_DELAY_SECONDS}.
   */
  readonly delaysSeconds: readonly number[];
  /** Total wait after which a change still in progress is reported as timed out. */
  readonly maxWaitSeconds: number;
}

/**
 * Invalidations usually complete in one to a few minutes and sometimes take 10-15: checks at 30 s,
 * 1, 2, 3, 4, 5, 6, 8 and 10 minutes, then every 5 minutes, for at most an hour. A 7-minute
 * invalidation is seen at 8 minutes (the old doubling from 60 s saw it at 15).
 */
export const DEFAULT_WATCH_SCHEDULE: WatchSchedule = Object.freeze({
  delaysSeconds: Object.freeze([30, 30, 60, 60, 60, 60, 60, 120, 120, 300]),
  maxWaitSeconds: 3600,
});

/**
 * Distribution deployments (Create/UpdateDistribution) usually reach every edge location within
 * about 5 minutes, sometimes 15-30: checks every minute for 5 minutes, every 2 minutes to 11 minutes,
 * then every 5 minutes, for at most an hour.
 */
export const DEFAULT_DEPLOY_SCHEDULE: WatchSchedule = Object.freeze({
  delaysSeconds: Object.freeze([60, 60, 60, 60, 60, 120, 120, 120, 300]),
  maxWaitSeconds: 3600,
});

/** What to do after a check found the change still in progress. */
export type WatchDecision =
  | { readonly kind: 'recheck'; readonly attempt: number; readonly delaySeconds: number }
  | { readonly kind: 'give-up'; readonly waitedMs: number };

/**
 * The delay before check number `attempt` (1-based): the schedule's entry, the last one repeating,
 * clamped to 1..{@link SQS_MAX_DELAY_SECONDS}.
 *
 * @param attempt - 1 for the first check
 * @param schedule - spacing of the checks
 */
export function checkDelaySeconds(attempt: number, schedule: WatchSchedule): number {
  const { delaysSeconds } = schedule;
  const index = Math.min(Math.max(0, Math.floor(attempt) - 1), delaysSeconds.length - 1);
  const delay = delaysSeconds[index] ?? SQS_MAX_DELAY_SECONDS;
  return Math.max(1, Math.min(SQS_MAX_DELAY_SECONDS, Math.floor(delay)));
}

/**
 * Every delay of a watch that never completes, first check included; the last one is cut so the
 * delays add up to exactly `maxWaitSeconds`.
 *
 * @param schedule - spacing and bound of the checks
 */
export function checkSchedule(schedule: WatchSchedule): number[] {
  const delays: number[] = [];
  let total = 0;
  for (let attempt = 1; total < schedule.maxWaitSeconds; attempt++) {
    const delay = Math.min(checkDelaySeconds(attempt, schedule), schedule.maxWaitSeconds - total);
    delays.push(delay);
    total += delay;
  }
  return delays;
}

/**
 * How many checks {@link checkSchedule} holds, without building it (the delays stop changing after
 * the schedule's last entry).
 *
 * @param schedule - spacing and bound of the checks
 */
export function scheduledCheckCount(schedule: WatchSchedule): number {
  let total = 0;
  let count = 0;
  for (let attempt = 1; total < schedule.maxWaitSeconds; attempt++) {
    const delay = checkDelaySeconds(attempt, schedule);
    if (attempt >= schedule.delaysSeconds.length) return count + Math.ceil((schedule.maxWaitSeconds - total) / delay);
    total += delay;
    count++;
  }
  return count;
}

/**
 * Decides what follows a check that found the change in progress: another check (the delay is cut so
 * the last check lands on the deadline) or giving up. Giving up is certain once the total wait passes
 * `maxWaitSeconds`, or after twice the scheduled number of checks (a guard against a bad clock), so a
 * watch never runs forever.
 *
 * @param check - the attempt that just ran and when the watch started (epoch ms)
 * @param nowMs - now, epoch ms
 * @param schedule - spacing and bound of the checks
 */
export function decideAfterInProgress(
  check: { readonly attempt: number; readonly sinceMs: number },
  nowMs: number,
  schedule: WatchSchedule,
): WatchDecision {
  const waitedMs = Math.max(0, nowMs - check.sinceMs);
  const leftSeconds = Math.ceil((schedule.maxWaitSeconds * 1000 - waitedMs) / 1000);
  const maxAttempts = 2 * scheduledCheckCount(schedule);
  if (leftSeconds <= 0 || check.attempt >= maxAttempts) return { kind: 'give-up', waitedMs };
  const attempt = check.attempt + 1;
  return { kind: 'recheck', attempt, delaySeconds: Math.min(checkDelaySeconds(attempt, schedule), leftSeconds) };
}

/**
 * Parses a schedule's delays as configured (`"30,30,60,120,300"`): 1 to 50 whole numbers of seconds,
 * each from 1 to {@link SQS_MAX_DELAY_SECONDS}.
 *
 * @param text - comma-separated seconds
 * @returns the delays, or a reason the text is not a schedule
 */
export function parseCheckDelays(text: string): readonly number[] | { readonly problem: string } {
  const parts = text.split(',').map((part) => part.trim());
  if (parts.length < 1 || parts.length > 50 || parts.some((part) => !/^\d{1,3}$/.test(part))) {
    return { problem: 'a comma-separated list of 1 to 50 whole seconds, such as "30,30,60,120,300"' };
  }
  const delays = parts.map(Number);
  if (delays.some((delay) => delay < 1 || delay > SQS_MAX_DELAY_SECONDS)) {
    return { problem: `delays from 1 to ${SQS_MAX_DELAY_SECONDS} seconds (SQS DelaySeconds)` };
  }
  return delays;
}

/**
 * Milliseconds from the first change (or the reservation, when the change time is unknown) to the
 * check that saw the invalidation completed. An upper bound: completion is only seen at a check.
 */
export function completionLatencyMs(
  entry: { readonly firstEventAt?: number; readonly reservedAt: number },
  completedAt: number,
): number {
  return Math.max(0, completedAt - (entry.firstEventAt ?? entry.reservedAt));
}

/**
 * A duration for people: `45 s`, `2 min 5 s`, `1 h 3 min`.
 *
 * @param ms - milliseconds, negative counts as 0
 */
export function formatDuration(ms: number): string {
  const seconds = Math.round(Math.max(0, ms) / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return seconds % 60 === 0 ? `${minutes} min` : `${minutes} min ${seconds % 60} s`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
}
