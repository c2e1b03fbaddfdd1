import type { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqsRetryQueue } from '../../shared/adapters/sqs-retry-queue.ts';
import { collectBatch } from '../../shared/app/collect-batch.ts';
import type { RetryQueue } from '../../shared/app/ports.ts';
import { MAX_VISIBILITY_SECONDS } from '../../shared/domain/backoff.ts';
import { type CloudFrontEmulator, startCloudFrontEmulator } from '../../shared/local/cloudfront-emulator/index.ts';
import { createCloudFrontClient, createDynamoClient, createSqsClient, uniqueName } from '../helpers/aws-clients.ts';
import { buildCollectorDeps, createLedgerTable } from '../helpers/collector.ts';
import { buildSqsBatch } from '../helpers/events.ts';

const HOUR_MS = 3_600_000;

async function receiveAll(sqs: SQSClient, queueUrl: string, visibility: number): Promise<string[]> {
  const handles: string[] = [];
  for (let round = 0; round < 5; round++) {
    const page = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: visibility }),
    );
    const found = (page.Messages ?? []).map((message) => message.ReceiptHandle ?? '');
    if (found.length === 0) break;
    handles.push(...found);
  }
  return handles;
}

describe('retry backoff within SQS limits', () => {
  let sqs: SQSClient;

  beforeAll(() => {
    sqs = createSqsClient();
  });

  afterAll(() => sqs.destroy());

  describe('SqsRetryQueue.delay', () => {
    it('tries every chunk of 10 when one entry of the first chunk fails', async () => {
      // Prepare: 11 messages held for 10 minutes; the delay makes them visible again at once.
      const queue = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('retry') }));
      const queueUrl = queue.QueueUrl ?? '';
      for (const start of [0, 10]) {
        const ids = Array.from({ length: start === 0 ? 10 : 1 }, (_, i) => `m${start + i}`);
        await sqs.send(
          new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: ids.map((Id) => ({ Id, MessageBody: Id })) }),
        );
      }
      const handles = await receiveAll(sqs, queueUrl, 600);
      const entries = ['AQEBbm90LWEtcmVjZWlwdA==', ...handles].map((receiptHandle) => ({ receiptHandle, seconds: 0 }));

      // Act
      const outcome = await new SqsRetryQueue(sqs, queueUrl).delay(entries).catch((error: Error) => error);

      // Assess
      expect(handles).toHaveLength(11);
      expect(await receiveAll(sqs, queueUrl, 600)).toHaveLength(11);
      expect(outcome).toBeInstanceOf(Error);
      expect((outcome as Error).message).toContain('got 1 of 12');
    });
  });

  describe('collectBatch', () => {
    const SITE = 'E1BACKOFF0000A';
    let emulator: CloudFrontEmulator;
    let dynamo: DynamoDBClient;
    let cloudFront: CloudFrontClient;

    beforeAll(async () => {
      emulator = await startCloudFrontEmulator({ distributions: [] });
      dynamo = createDynamoClient();
      cloudFront = createCloudFrontClient(emulator.endpoint);
    });

    afterAll(async () => {
      cloudFront.destroy();
      dynamo.destroy();
      await emulator.stop();
    });

    it('never asks for visibility past 12 hours from the receipt, even for the longest backoff', async () => {
      // Prepare: a permanent failure (no such distribution) waits the longest backoff, 12 hours here.
      const now = Date.parse('2026-11-21T12:00:00Z');
      const firstReceipt = now - 11.5 * HOUR_MS;
      const records = buildSqsBatch({ bucket: 'site-bucket', keys: ['a.html', 'b.html'] }).map((record) => ({
        ...record,
        attributes: { ...record.attributes, ApproximateFirstReceiveTimestamp: String(firstReceipt) },
      }));
      const asked: { receiptHandle: string; seconds: number }[] = [];
      const retryQueue: RetryQueue = { delay: async (entries) => void asked.push(...entries) };
      const deps = buildCollectorDeps({
        dynamo,
        tableName: await createLedgerTable(dynamo),
        cloudFront,
        routes: [{ bucket: 'site-bucket', distributionId: SITE }],
        policy: { backoffMaxSeconds: MAX_VISIBILITY_SECONDS },
        now: () => now,
        retryQueue,
      });

      // Act
      const results = await collectBatch(records, deps);

      // Assess: SQS's rule, written from its documentation, not from the code.
      expect(results.every((result) => result.status === 'rejected')).toBe(true);
      expect(asked).toHaveLength(2);
      for (const entry of asked) {
        expect((now - firstReceipt) / 1000 + entry.seconds).toBeLessThanOrEqual(MAX_VISIBILITY_SECONDS);
      }
    });
  });
});
