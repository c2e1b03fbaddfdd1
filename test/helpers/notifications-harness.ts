import type { LambdaFunctionConfiguration, S3Client, TopicConfiguration } from '@aws-sdk/client-s3';
import { handleNotificationsRequest, type NotificationsDeps } from '../../functions/notifications/handler.ts';
import type { BucketNotificationConfig } from '../../shared/deploy/bucket-notifications.ts';
import { notificationIdPrefix } from '../../shared/deploy/bucket-notifications.ts';
import { type customResourceEvent, type ReceivedResponse, startResponseServer } from './stack-response-server.ts';
import { foreignQueueEntry } from './stack-s3-fake.ts';

/** Stage dev's Id prefix and change queue, as the packaged stack names them. */
export const PREFIX = notificationIdPrefix('invalidator', 'dev');
export const QUEUE = 'arn:aws:sqs:us-east-1:123456789012:invalidator-dev-changes';
/** A queue of another team that was deleted while their entry stayed on the bucket. */
export const DELETED_QUEUE = 'arn:aws:sqs:us-east-1:123456789012:legacy-ingest';

/** The custom resource's properties, as CloudFormation passes them. */
export function notificationProperties(bucket = 'example-site', prefixes: string[] = ['']): Record<string, unknown> {
  return { Bucket: bucket, QueueArn: QUEUE, IdPrefix: PREFIX, Prefixes: prefixes, Stage: 'dev' };
}

/** A topic entry of the ops team (restore events only, so it never overlaps ours). */
export const TOPIC_ENTRY: TopicConfiguration = {
  Id: 'ops-topic',
  TopicArn: 'arn:aws:sns:us-east-1:123456789012:ops',
  Events: ['s3:ObjectRestore:Completed'],
};

const LAMBDA_ENTRY: LambdaFunctionConfiguration = {
  Id: 'thumbnails',
  LambdaFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:thumbnails',
  Events: ['s3:ObjectCreated:*'],
  Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'images/' }] } },
};

/**
 * A bucket several teams use: a Lambda function, an SQS queue, an SNS topic, EventBridge delivery
 * switched on, and a queue entry whose queue was deleted (S3 cannot validate it any more).
 */
export function otherTeamsConfiguration(): BucketNotificationConfig {
  return {
    QueueConfigurations: [
      foreignQueueEntry('uploads', 'uploads/'),
      foreignQueueEntry('legacy-ingest', 'incoming/', DELETED_QUEUE),
    ],
    TopicConfigurations: [TOPIC_ENTRY],
    LambdaFunctionConfigurations: [LAMBDA_ENTRY],
    EventBridgeConfiguration: {},
  };
}

/** Runs custom resource requests against a local stand-in for CloudFormation's ResponseURL. */
export interface NotificationsHarness {
  readonly sleeps: number[];
  url(): string;
  deps(s3: Pick<S3Client, 'send'>, timeLeftMs?: number): NotificationsDeps;
  run(
    event: ReturnType<typeof customResourceEvent>,
    deps: NotificationsDeps,
  ): Promise<{ response: Awaited<ReturnType<typeof handleNotificationsRequest>>; received: ReceivedResponse[] }>;
  failNext(count: number, status: number): void;
  close(): Promise<void>;
}

/** Starts the ResponseURL server; close it in `afterAll`. */
export async function startNotificationsHarness(): Promise<NotificationsHarness> {
  const server = await startResponseServer();
  const sleeps: number[] = [];
  return {
    sleeps,
    url: () => server.url(),
    deps: (s3, timeLeftMs = 60_000) => ({
      s3,
      log: { info: () => {}, warn: () => {}, error: () => {} },
      timeLeftMs: () => timeLeftMs,
      logStreamName: 'stream-1',
      region: 'us-east-1',
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    }),
    run: async (event, deps) => {
      const before = server.received.length;
      const response = await handleNotificationsRequest(event, deps);
      return { response, received: server.received.slice(before) };
    },
    failNext: (count, status) => server.failNext(count, status),
    close: () => server.close(),
  };
}
