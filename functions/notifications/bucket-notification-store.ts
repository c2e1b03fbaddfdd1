import {
  GetBucketNotificationConfigurationCommand,
  PutBucketNotificationConfigurationCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import {
  type BucketNotificationConfig,
  mergeOwnEntries,
  ownQueueConfigurations,
  removeOwnEntries,
} from '../../shared/deploy/bucket-notifications.ts';
import { BucketNotificationError, CustomResourceRequestError, type DeployError } from '../../shared/deploy/errors.ts';

/** The S3 calls this module makes (an `S3Client` in Lambda, a fake in unit tests). */
export type NotificationS3 = Pick<S3Client, 'send'>;

/** The custom resource's properties (see `bucketResources` in shared/deploy/stack-values.ts). */
export interface NotificationProperties {
  readonly bucket: string;
  readonly queueArn: string;
  readonly idPrefix: string;
  readonly prefixes: readonly string[];
}

/**
 * Validates the custom resource's properties. CloudFormation passes every scalar as a string.
 *
 * @throws CustomResourceRequestError naming the property
 */
export function readNotificationProperties(properties: Readonly<Record<string, unknown>>): NotificationProperties {
  const text = (name: string): string => {
    const value = properties[name];
    if (typeof value !== 'string' || value === '') {
      throw new CustomResourceRequestError(`${name}: expected a non-empty string, got ${typeof value}`);
    }
    return value;
  };
  const prefixes = properties.Prefixes ?? [''];
  if (!Array.isArray(prefixes) || prefixes.length === 0 || !prefixes.every((p) => typeof p === 'string')) {
    throw new CustomResourceRequestError('Prefixes: expected a non-empty list of key prefixes');
  }
  return { bucket: text('Bucket'), queueArn: text('QueueArn'), idPrefix: text('IdPrefix'), prefixes };
}

/** The physical id of one bucket's notifications: a new bucket or prefix means a new resource. */
export function physicalIdOf(properties: NotificationProperties): string {
  return `${properties.idPrefix}${properties.bucket}`;
}

/**
 * Reads the bucket's notification configuration, replaces our entries (Id prefix) with the current
 * ones, and writes it back. Other entries and settings stay as they were.
 *
 * @returns how many entries are ours now
 * @throws NotificationConflictError when ours would overlap another entry; BucketNotificationError on S3 failures
 */
export async function putOwnNotifications(s3: NotificationS3, properties: NotificationProperties): Promise<number> {
  const own = ownQueueConfigurations(properties.idPrefix, properties.queueArn, properties.prefixes);
  const current = await readConfiguration(s3, properties.bucket);
  await writeConfiguration(s3, properties.bucket, mergeOwnEntries(current, own, properties.idPrefix));
  return own.length;
}

/**
 * Removes our entries (Id prefix) from the bucket; others stay. A bucket that is gone has none.
 *
 * @returns how many entries were removed
 * @throws BucketNotificationError on S3 failures
 */
export async function removeOwnNotifications(s3: NotificationS3, bucket: string, idPrefix: string): Promise<number> {
  let current: BucketNotificationConfig;
  try {
    current = await readConfiguration(s3, bucket);
  } catch (error) {
    if (
      error instanceof BucketNotificationError &&
      error.cause instanceof Error &&
      error.cause.name === 'NoSuchBucket'
    ) {
      return 0;
    }
    throw error;
  }
  const kept = removeOwnEntries(current, idPrefix);
  const removed = countEntries(current) - countEntries(kept);
  if (removed > 0) await writeConfiguration(s3, bucket, kept);
  return removed;
}

async function readConfiguration(s3: NotificationS3, bucket: string): Promise<BucketNotificationConfig> {
  try {
    const output = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: bucket }));
    const { QueueConfigurations, TopicConfigurations, LambdaFunctionConfigurations, EventBridgeConfiguration } = output;
    return {
      ...(QueueConfigurations === undefined ? {} : { QueueConfigurations }),
      ...(TopicConfigurations === undefined ? {} : { TopicConfigurations }),
      ...(LambdaFunctionConfigurations === undefined ? {} : { LambdaFunctionConfigurations }),
      ...(EventBridgeConfiguration === undefined ? {} : { EventBridgeConfiguration }),
    };
  } catch (error) {
    throw s3Failure('GetBucketNotificationConfiguration', bucket, error);
  }
}

async function writeConfiguration(s3: NotificationS3, bucket: string, config: BucketNotificationConfig): Promise<void> {
  try {
    await s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: bucket, NotificationConfiguration: config }));
  } catch (error) {
    throw s3Failure('PutBucketNotificationConfiguration', bucket, error);
  }
}

function s3Failure(operation: string, bucket: string, error: unknown): DeployError {
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  const retryable = /Throttl|SlowDown|InternalError|ServiceUnavailable/.test(name);
  return new BucketNotificationError(`${operation} on bucket ${bucket}: expected success, got ${name}: ${message}`, {
    retryable,
    cause: error,
  });
}

function countEntries(config: BucketNotificationConfig): number {
  return (
    (config.QueueConfigurations?.length ?? 0) +
    (config.TopicConfigurations?.length ?? 0) +
    (config.LambdaFunctionConfigurations?.length ?? 0)
  );
}
