import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { LedgerEntry } from '../app/ports.ts';

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

/** First check after this many seconds: CloudFront invalidations usually take one to a few minutes. */
export const FIRST_CHECK_DELAY_SECONDS = 60;

/**
 * Schedules a completion check as a delayed SQS message on the watch queue: no idle compute while
 * CloudFront works. SQS allows at most 900 s of delay per message.
 */
export function createWatchScheduler(
  sqs: SQSClient,
  watchQueueUrl: string,
  now: () => number = Date.now,
): (entry: LedgerEntry, invalidationId: string) => Promise<void> {
  return async (entry, invalidationId) => {
    const message: WatchMessage = {
      distributionId: entry.distributionId,
      invalidationId,
      unitKey: entry.unitKey,
      month: entry.month,
      attempt: 1,
      since: now(),
    };
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: watchQueueUrl,
        MessageBody: JSON.stringify(message),
        DelaySeconds: FIRST_CHECK_DELAY_SECONDS,
      }),
    );
  };
}
