import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { ledgerTableDefinition } from '../adapters/ledger-table.ts';

/** A queue and its DLQ, as the stack creates them. */
export interface LocalQueue {
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly dlqUrl: string;
}

/**
 * Creates a queue with a DLQ and redrive policy, like the deployed stack's change queue.
 *
 * @param visibilityTimeoutSeconds - at least 6 x the collector timeout, as deployed
 */
export async function createQueueWithDlq(
  sqs: SQSClient,
  name: string,
  settings: { visibilityTimeoutSeconds: number; maxReceiveCount: number },
): Promise<LocalQueue> {
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
  const dlqArn = await queueArn(sqs, dlq.QueueUrl ?? '');
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: {
        VisibilityTimeout: String(settings.visibilityTimeoutSeconds),
        MaximumMessageSize: '262144',
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: settings.maxReceiveCount }),
      },
    }),
  );
  return {
    queueUrl: queue.QueueUrl ?? '',
    queueArn: await queueArn(sqs, queue.QueueUrl ?? ''),
    dlqUrl: dlq.QueueUrl ?? '',
  };
}

async function queueArn(sqs: SQSClient, queueUrl: string): Promise<string> {
  const attributes = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  return attributes.Attributes?.QueueArn ?? '';
}

/** Creates the ledger table (same key schema as deployed). */
export async function createLedger(dynamo: DynamoDBClient, tableName: string): Promise<void> {
  await dynamo.send(new CreateTableCommand(ledgerTableDefinition(tableName)));
}

/** Creates a bucket. */
export async function createBucket(s3: S3Client, bucket: string): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
}
