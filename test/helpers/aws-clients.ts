import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { inject } from 'vitest';

/** Dummy credentials: the local servers accept any signature. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
export const LOCAL_REGION = 'us-east-1';

const base = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS } as const;

/** A real DynamoDB client pointed at the project's DynamoDB Local. */
export function createDynamoClient(): DynamoDBClient {
  return new DynamoDBClient({ ...base, endpoint: inject('dynamoEndpoint') });
}

/** A real SQS client pointed at fauxqs. */
export function createSqsClient(): SQSClient {
  return new SQSClient({ ...base, endpoint: inject('awsEndpoint') });
}

/** A real S3 client pointed at fauxqs (path-style, as local endpoints need). */
export function createS3Client(): S3Client {
  return new S3Client({ ...base, endpoint: inject('awsEndpoint'), forcePathStyle: true });
}

/** A real SNS client pointed at fauxqs. */
export function createSnsClient(): SNSClient {
  return new SNSClient({ ...base, endpoint: inject('awsEndpoint') });
}

/** A real CloudFront client pointed at an emulator endpoint. */
export function createCloudFrontClient(endpoint: string): CloudFrontClient {
  return new CloudFrontClient({ ...base, endpoint, maxAttempts: 1 });
}

/** A name unique to this test run, so test files can share the servers without clashes. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * Counts the commands a client sends, by name (`ListObjectVersionsCommand`: 2), at the client itself:
 * one per `send`, the way S3 bills a request, whatever the code that sends them counts.
 *
 * @param client - any SDK v3 client (its middleware stack gets one counting step)
 */
export function countCommands(client: { middlewareStack: S3Client['middlewareStack'] }): Map<string, number> {
  const counts = new Map<string, number>();
  client.middlewareStack.add(
    (next, context) => (args) => {
      const name = String(context.commandName);
      counts.set(name, (counts.get(name) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'countCommandsForTests' },
  );
  return counts;
}
