import { type CloudFrontClient, CreateInvalidationCommand } from '@aws-sdk/client-cloudfront';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudFrontGateway } from '../../shared/adapters/cloudfront-gateway.ts';
import { SqsRetryQueue } from '../../shared/adapters/sqs-retry-queue.ts';
import { collectBatch } from '../../shared/app/collect-batch.ts';
import { type CloudFrontEmulator, startCloudFrontEmulator } from '../../shared/local/cloudfront-emulator/index.ts';
import { startPoller } from '../../shared/local/event-source-poller.ts';
import { wrapSqsFunction } from '../../shared/runtime/sqs-handler.ts';
import { createCloudFrontClient, createDynamoClient, createSqsClient, uniqueName } from '../helpers/aws-clients.ts';
import { buildCollectorDeps, createLedgerTable } from '../helpers/collector.ts';
import { buildS3Notification, buildS3Record } from '../helpers/events.ts';

const SITE = 'E1SITE0000000A';
const ASSETS = 'E3ASSETS00000C';
const ROUTES = [
  { bucket: 'site-bucket', distributionId: SITE },
  { bucket: 'assets-bucket', distributionId: ASSETS },
];
const MAX_RECEIVE_COUNT = 3;

async function createQueueWithDlq(sqs: SQSClient): Promise<{ queueUrl: string; queueArn: string; dlqUrl: string }> {
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('dlq') }));
  const dlqArn = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: uniqueName('changes'),
      Attributes: {
        VisibilityTimeout: '30',
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: dlqArn.Attributes?.QueueArn,
          maxReceiveCount: MAX_RECEIVE_COUNT,
        }),
      },
    }),
  );
  const arn = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queue.QueueUrl, AttributeNames: ['QueueArn'] }));
  return { queueUrl: queue.QueueUrl ?? '', queueArn: arn.Attributes?.QueueArn ?? '', dlqUrl: dlq.QueueUrl ?? '' };
}

describe('collector retries through SQS', () => {
  let emulator: CloudFrontEmulator;
  let dynamo: DynamoDBClient;
  let sqs: SQSClient;
  let cloudFront: CloudFrontClient;

  beforeAll(async () => {
    emulator = await startCloudFrontEmulator({
      distributions: [
        { id: SITE, origins: [{ id: 's', domainName: 'site-bucket.s3.us-east-1.amazonaws.com' }] },
        { id: ASSETS, origins: [{ id: 'a', domainName: 'assets-bucket.s3.us-east-1.amazonaws.com' }] },
      ],
    });
    dynamo = createDynamoClient();
    sqs = createSqsClient();
    cloudFront = createCloudFrontClient(emulator.endpoint);
  });

  afterAll(async () => {
    cloudFront.destroy();
    sqs.destroy();
    dynamo.destroy();
    await emulator.stop();
  });

  describe('a distribution whose in-flight quota stays full', () => {
    it('backs off its records with growing visibility and leaves them in the DLQ after maxReceiveCount', async () => {
      // Prepare: the collector last saw ASSETS idle (cached), then 3,000 exact paths went in flight.
      const { queueUrl, queueArn, dlqUrl } = await createQueueWithDlq(sqs);
      const tableName = await createLedgerTable(dynamo);
      const retryQueue = new SqsRetryQueue(sqs, queueUrl);
      const delays: number[] = [];
      const base = buildCollectorDeps({
        dynamo,
        tableName,
        cloudFront,
        routes: ROUTES,
        policy: { backoffBaseSeconds: 1, backoffMaxSeconds: 8 },
        retryQueue: {
          delay: async (entries) => {
            delays.push(...entries.map((entry) => entry.seconds));
            await retryQueue.delay(entries);
          },
        },
      });
      const gateway = new CloudFrontGateway(cloudFront, { inFlightCacheMs: 600_000, now: Date.now });
      await gateway.inFlight(ASSETS);
      emulator.setCompletionDelay('never');
      const filler = Array.from({ length: 3000 }, (_, i) => `/filler-${i}.css`);
      await cloudFront.send(
        new CreateInvalidationCommand({
          DistributionId: ASSETS,
          InvalidationBatch: {
            CallerReference: uniqueName('outside'),
            Paths: { Quantity: filler.length, Items: filler },
          },
        }),
      );
      const deps = { ...base, gateway };
      const bodies = [
        buildS3Notification([buildS3Record({ bucket: 'site-bucket', key: 'index.html' })]),
        buildS3Notification([buildS3Record({ bucket: 'assets-bucket', key: 'app.css' })]),
      ];
      await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: bodies.map((body, index) => ({ Id: String(index), MessageBody: JSON.stringify(body) })),
        }),
      );
      const poller = startPoller({
        sqs,
        queueUrl,
        queueArn,
        batchSize: 10,
        batchWindowSeconds: 1,
        handler: wrapSqsFunction((event) => collectBatch(event.Records, deps), { log: deps.log }),
      });

      // Act
      try {
        await poller.drain({ timeoutMs: 45_000 });
      } finally {
        await poller.stop();
      }

      // Assess
      const dead = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      expect(emulator.invalidations(SITE)).toHaveLength(1);
      expect(dead.Messages?.map((message) => JSON.parse(message.Body ?? '{}').Records[0].s3.bucket.name)).toEqual([
        'assets-bucket',
      ]);
      expect(delays).toHaveLength(MAX_RECEIVE_COUNT);
      for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThan(delays[i - 1] ?? 0);
      const failures = deps.log.lines.filter((line) => line.message === 'distribution failed');
      expect(failures.map((line) => line.extra.error)).toEqual(Array(MAX_RECEIVE_COUNT).fill('CloudFrontError'));
    });
  });
});
