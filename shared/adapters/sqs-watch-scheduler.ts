import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { LedgerEntry } from '../app/ports.ts';
import type { EdgeWatchMessage, WatchMessage } from '../app/watch-ports.ts';
import { checkDelaySeconds, DEFAULT_WATCH_SCHEDULE, type WatchSchedule } from '../domain/watch-policy.ts';

/** The watch queue: sends a check message that becomes visible after `delaySeconds` (at most 900). */
export class SqsWatchQueue {
  readonly #sqs: SQSClient;
  readonly #queueUrl: string;

  constructor(sqs: SQSClient, queueUrl: string) {
    this.#sqs = sqs;
    this.#queueUrl = queueUrl;
  }

  async send(message: WatchMessage | EdgeWatchMessage, delaySeconds: number): Promise<void> {
    await this.#sqs.send(
      new SendMessageCommand({
        QueueUrl: this.#queueUrl,
        MessageBody: JSON.stringify(message),
        DelaySeconds: delaySeconds,
      }),
    );
  }
}

/**
 * Schedules a completion check as a delayed SQS message on the watch queue: no idle compute while
 * CloudFront works. The first check comes after the schedule's first delay (`WATCH_CHECK_DELAYS`).
 */
export function createWatchScheduler(
  sqs: SQSClient,
  watchQueueUrl: string,
  now: () => number = Date.now,
  schedule: WatchSchedule = DEFAULT_WATCH_SCHEDULE,
): (entry: LedgerEntry, invalidationId: string) => Promise<void> {
  const queue = new SqsWatchQueue(sqs, watchQueueUrl);
  return async (entry, invalidationId) => {
    const message: WatchMessage = {
      distributionId: entry.distributionId,
      invalidationId,
      unitKey: entry.unitKey,
      month: entry.month,
      attempt: 1,
      since: now(),
    };
    await queue.send(message, checkDelaySeconds(1, schedule));
  };
}
