import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { LedgerEntry } from '../app/ports.ts';
import type { WatchMessage } from '../app/watch-ports.ts';

/** First check after this many seconds: CloudFront invalidations usually take one to a few minutes. */
export const FIRST_CHECK_DELAY_SECONDS = 60;

/** The watch queue: sends a check message that becomes visible after `delaySeconds` (at most 900). */
export class SqsWatchQueue {
  readonly #sqs: SQSClient;
  readonly #queueUrl: string;

  constructor(sqs: SQSClient, queueUrl: string) {
    this.#sqs = sqs;
    this.#queueUrl = queueUrl;
  }

  async send(message: WatchMessage, delaySeconds: number): Promise<void> {
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
 * CloudFront works. SQS allows at most 900 s of delay per message.
 */
export function createWatchScheduler(
  sqs: SQSClient,
  watchQueueUrl: string,
  now: () => number = Date.now,
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
    await queue.send(message, FIRST_CHECK_DELAY_SECONDS);
  };
}
