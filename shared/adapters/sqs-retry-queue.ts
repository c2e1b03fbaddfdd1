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

  async delay(entries: readonly { readonly receiptHandle: string; readonly seconds: number }[]): Promise<void> {
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
        if ((result.Failed ?? []).length > 0) {
          // Not fatal: the record still returns after the queue's own visibility timeout.
          throw new AdapterError(`ChangeMessageVisibilityBatch failed for ${result.Failed?.length} entries`, {
            retryable: true,
          });
        }
      } catch (error) {
        if (error instanceof AdapterError) throw error;
        throw new AdapterError('ChangeMessageVisibilityBatch failed', { retryable: true, cause: error });
      }
    }
  }
}
