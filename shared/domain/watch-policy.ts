import { FREE_PATHS_PER_MONTH, formatUsd, monthCostUsd } from './pricing.ts';

/**
 * When the watcher checks an invalidation again, when it gives up, and what it tells people.
 * Pure: time comes in as epoch milliseconds, nothing here reads a clock or the environment.
 */

/** SQS caps a message's DelaySeconds at 15 minutes. https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html */
export const SQS_MAX_DELAY_SECONDS = 900;

/** How the checks of one invalidation are spaced and bounded. */
export interface WatchSchedule {
  /** Delay before the first check (the collector schedules it; invalidations take a minute or more). */
  readonly firstDelaySeconds: number;
  /** Longest delay between two checks (at most {@link SQS_MAX_DELAY_SECONDS}). */
  readonly maxDelaySeconds: number;
  /** Total wait after which an invalidation still in progress is reported as timed out. */
  readonly maxWaitSeconds: number;
}

/** 60, 120, 240, 480, 900, 900… seconds, for at most an hour. */
export const DEFAULT_WATCH_SCHEDULE: WatchSchedule = Object.freeze({
  firstDelaySeconds: 60,
  maxDelaySeconds: SQS_MAX_DELAY_SECONDS,
  maxWaitSeconds: 3600,
});

/** What to do after a check found the invalidation still in progress. */
export type WatchDecision =
  | { readonly kind: 'recheck'; readonly attempt: number; readonly delaySeconds: number }
  | { readonly kind: 'give-up'; readonly waitedMs: number };

/**
 * The delay before check number `attempt` (1-based): doubling from the first delay, capped.
 *
 * @param attempt - 1 for the first check
 * @param schedule - spacing of the checks
 */
export function checkDelaySeconds(attempt: number, schedule: WatchSchedule): number {
  const cap = Math.min(schedule.maxDelaySeconds, SQS_MAX_DELAY_SECONDS);
  const exponent = Math.min(Math.max(0, Math.floor(attempt) - 1), 30);
  return Math.max(1, Math.min(cap, schedule.firstDelaySeconds * 2 ** exponent));
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
 * How many checks {@link checkSchedule} holds, without building it (the delays stop growing at the cap).
 *
 * @param schedule - spacing and bound of the checks
 */
export function scheduledCheckCount(schedule: WatchSchedule): number {
  let total = 0;
  let count = 0;
  for (let attempt = 1; total < schedule.maxWaitSeconds; attempt++) {
    const delay = checkDelaySeconds(attempt, schedule);
    if (delay === checkDelaySeconds(attempt + 1, schedule))
      return count + Math.ceil((schedule.maxWaitSeconds - total) / delay);
    total += delay;
    count++;
  }
  return count;
}

/**
 * Decides what follows a check that found the invalidation in progress: another check (the delay is
 * cut so the last check lands on the deadline) or giving up. Giving up is certain once the total wait
 * passes `maxWaitSeconds`, or after twice the scheduled number of checks (a guard against a bad clock),
 * so a watch never runs forever.
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
 * Milliseconds from the first change (or the reservation, when the change time is unknown) to the
 * check that saw the invalidation completed. An upper bound: completion is only seen at a check.
 */
export function completionLatencyMs(
  entry: { readonly firstEventAt?: number; readonly reservedAt: number },
  completedAt: number,
): number {
  return Math.max(0, completedAt - (entry.firstEventAt ?? entry.reservedAt));
}

/** How much the watcher tells the topic (the `NOTIFY` setting). */
export type NotifyLevel = 'all' | 'failures' | 'off';

/** The kinds of notification, also sent as the `kind` message attribute (for SNS filter policies). */
export const NOTICE_KIND = { completed: 'completed', timedOut: 'timed-out' } as const;
export type NoticeKind = (typeof NOTICE_KIND)[keyof typeof NOTICE_KIND];

/** A notification, ready to publish. */
export interface Notice {
  readonly kind: NoticeKind;
  /** At most 100 characters, one line (SNS Subject rules; e-mail subscribers see it). */
  readonly subject: string;
  readonly message: string;
  readonly distributionId: string;
  readonly invalidationId: string;
}

/** Whether a notification of `kind` goes out at `level`. */
export function shouldNotify(level: NotifyLevel, kind: NoticeKind): boolean {
  return level === 'all' || (level === 'failures' && kind === NOTICE_KIND.timedOut);
}

/** The facts of one invalidation that both notifications show. */
export interface InvalidationFacts {
  readonly distributionId: string;
  readonly invalidationId: string;
  readonly paths: readonly string[];
  readonly changedObjects: number;
  readonly source: string;
}

/** Paths listed in a notification; the rest is counted. */
export const PATHS_SHOWN = 5;
const SUBJECT_MAX = 100;

/**
 * The notification for a completed invalidation: latency, paths, and the month's usage and cost.
 *
 * @param facts - the invalidation
 * @param usage - latency, the month (`YYYY-MM`) and the account's paths in it so far
 */
export function completionNotice(
  facts: InvalidationFacts,
  usage: { readonly latencyMs: number; readonly month: string; readonly monthPaths: number },
): Notice {
  const latency = formatDuration(usage.latencyMs);
  const freeLeft = Math.max(0, FREE_PATHS_PER_MONTH - usage.monthPaths);
  return {
    kind: NOTICE_KIND.completed,
    subject: subjectOf(`CloudFront invalidation completed: ${facts.distributionId} in ${latency}`),
    message: [
      `Invalidation ${facts.invalidationId} on distribution ${facts.distributionId} is complete: the edge serves fresh content.`,
      '',
      `Latency: ${latency} from the first change (or pipeline request) to the check that saw it complete.`,
      ...factLines(facts),
      `Month ${usage.month} so far: ${usage.monthPaths} paths, ${formatUsd(monthCostUsd(usage.monthPaths))} (${freeLeft} free paths left).`,
    ].join('\n'),
    distributionId: facts.distributionId,
    invalidationId: facts.invalidationId,
  };
}

/**
 * The notification for an invalidation that was still in progress when the watcher gave up.
 *
 * @param facts - the invalidation
 * @param waitedMs - how long the watcher waited
 */
export function timeoutNotice(facts: InvalidationFacts, waitedMs: number): Notice {
  const waited = formatDuration(waitedMs);
  return {
    kind: NOTICE_KIND.timedOut,
    subject: subjectOf(`CloudFront invalidation NOT completed after ${waited}: ${facts.distributionId}`),
    message: [
      `Invalidation ${facts.invalidationId} on distribution ${facts.distributionId} was still in progress after ${waited}; the watcher stopped checking.`,
      'Viewers may still get stale copies of these paths.',
      '',
      ...factLines(facts),
      '',
      `Check it: aws cloudfront get-invalidation --distribution-id ${facts.distributionId} --id ${facts.invalidationId}`,
      'See docs/operations.md, "Invalidation timed out".',
    ].join('\n'),
    distributionId: facts.distributionId,
    invalidationId: facts.invalidationId,
  };
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

function factLines(facts: InvalidationFacts): string[] {
  const shown = facts.paths.slice(0, PATHS_SHOWN).map((path) => `  ${path}`);
  const more = facts.paths.length - shown.length;
  return [
    `Paths: ${facts.paths.length}${more > 0 ? ` (first ${shown.length} shown)` : ''}`,
    ...shown,
    ...(more > 0 ? [`  … and ${more} more`] : []),
    `Changed objects: ${facts.changedObjects} (source: ${facts.source})`,
  ];
}

function subjectOf(text: string): string {
  // SNS: at most 100 printable ASCII characters, no line breaks.
  const ascii = text.replace(/[^\x20-\x7e]/g, '?');
  return ascii.length <= SUBJECT_MAX ? ascii : `${ascii.slice(0, SUBJECT_MAX - 3)}...`;
}
