import { randomUUID } from 'node:crypto';
import {
  CreateTableCommand,
  type DynamoDBClient,
  GetItemCommand,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoClient, createSqsClient, uniqueName } from '../helpers/aws-clients.ts';

describe('local AWS servers', () => {
  let dynamo: DynamoDBClient;
  let sqs: SQSClient;

  beforeAll(() => {
    dynamo = createDynamoClient();
    sqs = createSqsClient();
  });

  afterAll(() => {
    dynamo.destroy();
    sqs.destroy();
  });

  describe('DynamoDB Local', () => {
    it('runs a TransactWriteItems with a ClientRequestToken idempotently', async () => {
      // Prepare
      const tableName = uniqueName('smoke');
      await dynamo.send(
        new CreateTableCommand({
          TableName: tableName,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [
            { AttributeName: 'pk', AttributeType: 'S' },
            { AttributeName: 'sk', AttributeType: 'S' },
          ],
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
        }),
      );
      const token = randomUUID();
      const transaction = new TransactWriteItemsCommand({
        ClientRequestToken: token,
        TransactItems: [
          {
            Update: {
              TableName: tableName,
              Key: { pk: { S: 'MONTH#2026-11' }, sk: { S: 'ACCOUNT' } },
              UpdateExpression: 'ADD #paths :n',
              ExpressionAttributeNames: { '#paths': 'paths' },
              ExpressionAttributeValues: { ':n': { N: '7' } },
            },
          },
          {
            Put: {
              TableName: tableName,
              Item: { pk: { S: 'UNIT#abc' }, sk: { S: 'UNIT' } },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      });

      // Act: the same token twice is one transaction (idempotent within 10 minutes).
      await dynamo.send(transaction);
      await dynamo.send(transaction);

      // Assess
      const counter = await dynamo.send(
        new GetItemCommand({ TableName: tableName, Key: { pk: { S: 'MONTH#2026-11' }, sk: { S: 'ACCOUNT' } } }),
      );
      expect(counter.Item?.paths?.N).toBe('7');
    });
  });

  describe('fauxqs SQS', () => {
    it('moves a message to the DLQ after maxReceiveCount receives', async () => {
      // Prepare
      const dlq = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('smoke-dlq') }));
      const dlqArn = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }),
      );
      const queue = await sqs.send(
        new CreateQueueCommand({
          QueueName: uniqueName('smoke'),
          Attributes: {
            VisibilityTimeout: '0',
            RedrivePolicy: JSON.stringify({
              deadLetterTargetArn: dlqArn.Attributes?.QueueArn,
              maxReceiveCount: 2,
            }),
          },
        }),
      );
      await sqs.send(new SendMessageCommand({ QueueUrl: queue.QueueUrl, MessageBody: 'poison' }));

      // Act: receive without deleting until SQS redrives it.
      const receiveCounts: number[] = [];
      for (let attempt = 0; attempt < 3; attempt++) {
        const received = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queue.QueueUrl,
            MaxNumberOfMessages: 1,
            WaitTimeSeconds: 0,
            MessageSystemAttributeNames: ['ApproximateReceiveCount'],
          }),
        );
        for (const message of received.Messages ?? []) {
          receiveCounts.push(Number(message.Attributes?.ApproximateReceiveCount));
        }
      }
      const dead = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: dlq.QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );

      // Assess
      expect(receiveCounts).toEqual([1, 2]);
      expect(dead.Messages?.map((message) => message.Body)).toEqual(['poison']);
    });
  });
});
