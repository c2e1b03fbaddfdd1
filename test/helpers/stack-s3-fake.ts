import {
  GetBucketNotificationConfigurationCommand,
  PutBucketNotificationConfigurationCommand,
  type QueueConfiguration,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { BucketNotificationConfig } from '../../shared/deploy/bucket-notifications.ts';

/**
 * An in-memory stand-in for the two S3 calls of the notifications custom resource. fauxqs accepts
 * but does not store bucket notification settings, so this is the one place a client fake is used.
 */
export interface FakeNotificationS3 {
  readonly client: Pick<S3Client, 'send'>;
  /** The stored configuration per bucket (missing: the bucket does not exist). */
  readonly buckets: Map<string, BucketNotificationConfig>;
  readonly puts: { bucket: string; config: BucketNotificationConfig }[];
  /** Makes the next `times` calls fail with an error of this name. */
  failNext(name: string, times?: number): void;
}

/** A fake S3 with the given buckets and their current notification configurations. */
export function createFakeNotificationS3(initial: Record<string, BucketNotificationConfig> = {}): FakeNotificationS3 {
  const buckets = new Map(Object.entries(structuredClone(initial)));
  const puts: FakeNotificationS3['puts'] = [];
  let failure = { name: '', times: 0 };
  const send = async (command: unknown): Promise<unknown> => {
    if (failure.times > 0) {
      failure.times -= 1;
      const error = new Error(`injected ${failure.name}`);
      error.name = failure.name;
      throw error;
    }
    if (command instanceof GetBucketNotificationConfigurationCommand) {
      const config = buckets.get(command.input.Bucket ?? '');
      if (config === undefined) throw noSuchBucket();
      return { $metadata: { httpStatusCode: 200 }, ...structuredClone(config) };
    }
    if (command instanceof PutBucketNotificationConfigurationCommand) {
      const bucket = command.input.Bucket ?? '';
      if (!buckets.has(bucket)) throw noSuchBucket();
      const config = structuredClone(command.input.NotificationConfiguration ?? {});
      buckets.set(bucket, config);
      puts.push({ bucket, config });
      return { $metadata: { httpStatusCode: 200 } };
    }
    throw new Error('the fake S3 only knows Get/PutBucketNotificationConfiguration');
  };
  return {
    client: { send } as unknown as Pick<S3Client, 'send'>,
    buckets,
    puts,
    failNext: (name, times = 1) => {
      failure = { name, times };
    },
  };
}

/** A queue entry of someone else (another stack or tool) on a shared bucket. */
export function foreignQueueEntry(id: string, prefix = 'uploads/'): QueueConfiguration {
  return {
    Id: id,
    QueueArn: 'arn:aws:sqs:us-east-1:123456789012:someone-else',
    Events: ['s3:ObjectCreated:*'],
    Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: prefix }] } },
  };
}

function noSuchBucket(): Error {
  const error = new Error('The specified bucket does not exist');
  error.name = 'NoSuchBucket';
  return error;
}
