import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

/** How the poller invokes a function: like Lambda, with the event, expecting a partial batch response. */
export type SqsHandler = (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;

/** The event source mapping settings (read from serverless.yml by the local stack). */
export interface PollerOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly handler: SqsHandler;
  /** Records per invocation, at most 10,000 (Lambda's limit for standard queues). */
  readonly batchSize: number;
  /** Seconds to gather records before invoking (MaximumBatchingWindowInSeconds). */
  readonly batchWindowSeconds: number;
  /** Invocations at once (Lambda runs at least two for an SQS source). */
  readonly concurrency?: number;
  readonly region?: string;
  /** Called when an invocation throws (the whole batch then comes back after its visibility). */
  readonly onError?: (error: unknown) => void;
}

/** A running poller. */
export interface Poller {
  /** Resolves once the queue has no visible or in-flight message and no invocation runs. */
  drain(options?: { timeoutMs?: number }): Promise<void>;
  /** Invocations made so far, with their sizes, failures and how long the handler ran. */
  readonly invocations: { records: number; failures: number; ms: number }[];
  /**
   * Holds every invocation not started yet until `resume()`, as disabling the event source mapping
   * does (messages wait in the queue; a batch already gathered waits within its visibility timeout).
   */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

const RECEIVE_MAX = 10; // SQS returns at most 10 messages per ReceiveMessage

/**
 * A local Lambda event source mapping for SQS: long polling, batch size and window, partial batch
 * responses (successes deleted, failures left to come back after their visibility timeout), and
 * the queue's own redrive policy sends them to the DLQ after maxReceiveCount.
 */
export function startPoller(options: PollerOptions): Poller {
  let running = true;
  const invocations: Poller['invocations'] = [];
  const inFlight = new Set<Promise<void>>();
  const limit = Math.max(1, options.concurrency ?? 1);
  let paused: { promise: Promise<void>; release: () => void } | undefined;
  const gathering = loop();

  // One receiver gathers batches; up to `concurrency` invocations run at once, like Lambda's
  // concurrent pollers, while a deploy inside one batching window still becomes one batch.
  async function loop(): Promise<void> {
    while (running) {
      while (inFlight.size >= limit) await Promise.race(inFlight);
      const messages = await gather();
      if (messages.length === 0) continue;
      if (paused !== undefined) await paused.promise;
      if (!running) break;
      const invocation = invoke(messages)
        .catch((error: unknown) => options.onError?.(error))
        .finally(() => inFlight.delete(invocation));
      inFlight.add(invocation);
    }
    await Promise.allSettled(inFlight);
  }

  async function gather(): Promise<Message[]> {
    const batch: Message[] = [];
    let deadline = Number.POSITIVE_INFINITY;
    while (running && batch.length < options.batchSize) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      const waitSeconds = batch.length === 0 ? 1 : Math.max(0, Math.min(1, Math.floor(left / 1000)));
      const received = await options.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: options.queueUrl,
          MaxNumberOfMessages: Math.min(RECEIVE_MAX, options.batchSize - batch.length),
          WaitTimeSeconds: waitSeconds,
          MessageSystemAttributeNames: ['All'],
        }),
      );
      const messages = received.Messages ?? [];
      if (messages.length > 0 && batch.length === 0) deadline = Date.now() + options.batchWindowSeconds * 1000;
      batch.push(...messages);
      if (messages.length === 0 && batch.length > 0 && options.batchWindowSeconds === 0) break;
    }
    return batch;
  }

  async function invoke(messages: Message[]): Promise<void> {
    const records = messages.map((message) => toRecord(message, options));
    let failed = new Set(records.map((record) => record.messageId));
    const started = performance.now();
    try {
      const response = await options.handler({ Records: records });
      failed = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
    } finally {
      invocations.push({ records: records.length, failures: failed.size, ms: performance.now() - started });
      const done = records.filter((record) => !failed.has(record.messageId));
      for (let i = 0; i < done.length; i += RECEIVE_MAX) {
        await options.sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: options.queueUrl,
            Entries: done.slice(i, i + RECEIVE_MAX).map((record, index) => ({
              Id: String(index),
              ReceiptHandle: record.receiptHandle,
            })),
          }),
        );
      }
    }
  }

  return {
    invocations,
    async drain({ timeoutMs = 60_000 } = {}) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const attributes = await options.sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: options.queueUrl,
            AttributeNames: [
              'ApproximateNumberOfMessages',
              'ApproximateNumberOfMessagesNotVisible',
              'ApproximateNumberOfMessagesDelayed',
            ],
          }),
        );
        const values = attributes.Attributes ?? {};
        const pending =
          Number(values.ApproximateNumberOfMessages ?? 0) +
          Number(values.ApproximateNumberOfMessagesNotVisible ?? 0) +
          Number(values.ApproximateNumberOfMessagesDelayed ?? 0);
        if (pending === 0 && inFlight.size === 0) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`queue ${options.queueUrl} not drained within ${timeoutMs} ms`);
    },
    pause() {
      if (paused !== undefined) return;
      let release = () => {};
      const promise = new Promise<void>((resolve) => {
        release = resolve;
      });
      paused = { promise, release };
    },
    resume() {
      paused?.release();
      paused = undefined;
    },
    async stop() {
      running = false;
      paused?.release();
      await gathering;
    },
  };
}

function toRecord(message: Message, options: PollerOptions): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: options.queueArn,
    awsRegion: options.region ?? 'us-east-1',
  };
}
