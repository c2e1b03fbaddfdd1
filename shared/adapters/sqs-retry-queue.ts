import { ChangeMessageVisibilityBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { RetryQueue } from '../app/ports.ts';
import { AdapterError } from './errors.ts';

/** SQS accepts at most 10 entries per ChangeMessageVisibilityBatch. */
const BATCH_LIMIT = 10;

/**
 * Sets the visibility timeout of failed records, so they come back after their backoff instead of
 * after the queue's default visibility.
 */
export class SqsRetryQueue implements RetryQueue {
  readonly #client: SQSClient;
  readonly #queueUrl: string;

  constructor(client: SQSClient, queueUrl: string) {
    this.#client = client;
    this.#queueUrl = queueUrl;
  }

  /**
   * Sends every chunk of 10, also after one failed, so one bad receipt handle does not cost the rest
   * of the batch its backoff.
   *
   * @throws AdapterError (retryable) after all chunks were tried, when any entry failed
   */
  async delay(entries: readonly { readonly receiptHandle: string; readonly seconds: number }[]): Promise<void> {
    let failed = 0;
    let firstCause: unknown;
    for (let start = 0; start < entries.length; start += BATCH_LIMIT) {
      const chunk = entries.slice(start, start + BATCH_LIMIT);
      try {
        const result = await this.#client.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: this.#queueUrl,
            Entries: chunk.map((entry, index) => ({
              Id: String(index),
              ReceiptHandle: entry.receiptHandle,
              VisibilityTimeout: entry.seconds,
            })),
          }),
        );
        failed += (result.Failed ?? []).length;
      } catch (error) {
        failed += chunk.length;
        firstCause ??= error;
      }
    }
    if (failed > 0) {
      // Not fatal: a record without its backoff still returns after the queue's own visibility timeout.
      throw new AdapterError(
        `ChangeMessageVisibilityBatch: expected 0 failed entries, got ${failed} of ${entries.length}`,
        {
          retryable: true,
          ...(firstCause === undefined ? {} : { cause: firstCause }),
        },
      );
    }
  }
}
