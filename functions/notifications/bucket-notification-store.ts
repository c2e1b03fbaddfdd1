import {
  GetBucketNotificationConfigurationCommand,
  PutBucketNotificationConfigurationCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import {
  type BucketNotificationConfig,
  countEntries,
  mergeOwnEntries,
  ownQueueConfigurations,
  removeOwnEntries,
} from '../../shared/deploy/bucket-notifications.ts';
import {
  BucketNotificationError,
  CustomResourceRequestError,
  type DeployError,
  DestinationValidationError,
} from '../../shared/deploy/errors.ts';

/** The S3 calls this module makes (an `S3Client` in Lambda, a fake in unit tests). */
export type NotificationS3 = Pick<S3Client, 'send'>;

/** The custom resource's properties (see `bucketResources` in shared/deploy/bucket-resources.ts). */
export interface NotificationProperties {
  readonly bucket: string;
  readonly queueArn: string;
  readonly idPrefix: string;
  readonly prefixes: readonly string[];
  /** The stage, named in messages; stacks deployed before it was a property derive it from the Id prefix. */
  readonly stage: string;
  /** `notifications` (queue entries of ours) or `eventbridge` (the bucket's EventBridge switch on, no entries). */
  readonly delivery: 'notifications' | 'eventbridge';
}

/** Who may own the bucket: every call carries ExpectedBucketOwner, so S3 refuses another account's bucket. */
export interface BucketOwner {
  readonly bucket: string;
  readonly accountId: string;
}

/** What a successful write did. */
export interface WriteOutcome {
  readonly entries: number;
  /** Destinations of other entries S3 could not validate; we wrote without the test because of them. */
  readonly brokenForeignDestinations: readonly string[];
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
  const idPrefix = text('IdPrefix');
  const stage =
    typeof properties.Stage === 'string' && properties.Stage !== '' ? properties.Stage : idPrefix.split(':')[1];
  const delivery = properties.Delivery ?? 'notifications';
  if (delivery !== 'notifications' && delivery !== 'eventbridge') {
    throw new CustomResourceRequestError(`Delivery: expected notifications or eventbridge, got ${String(delivery)}`);
  }
  return {
    bucket: text('Bucket'),
    queueArn: text('QueueArn'),
    idPrefix,
    prefixes,
    stage: stage || 'your-stage',
    delivery,
  };
}

/** The physical id of one bucket's notifications: a new bucket or prefix means a new resource. */
export function physicalIdOf(properties: NotificationProperties): string {
  return `${properties.idPrefix}${properties.bucket}`;
}

/**
 * Reads the bucket's notification configuration, replaces our entries (Id prefix) with the current
 * ones, and writes it back. Other entries and settings stay as they were. S3 tests every destination
 * of the configuration; when it names only other teams' destinations, ours passed, and the write is
 * repeated with SkipDestinationValidation so their stale entry does not block our deploy.
 *
 * @throws NotificationConflictError when ours would overlap another entry; DestinationValidationError
 *   (retryable) when S3 could not validate our queue; BucketNotificationError on other S3 failures
 */
export async function putOwnNotifications(
  s3: NotificationS3,
  properties: NotificationProperties,
  accountId: string,
): Promise<WriteOutcome> {
  const owner = { bucket: properties.bucket, accountId };
  const own = ownQueueConfigurations(properties.idPrefix, properties.queueArn, properties.prefixes);
  const merged = mergeOwnEntries(await readConfiguration(s3, owner), own, properties.idPrefix);
  try {
    await writeConfiguration(s3, owner, merged, { skipValidation: false, own: [properties.queueArn] });
    return { entries: own.length, brokenForeignDestinations: [] };
  } catch (error) {
    if (!(error instanceof DestinationValidationError) || error.retryable) throw error;
    await writeConfiguration(s3, owner, merged, { skipValidation: true, own: [properties.queueArn] });
    return { entries: own.length, brokenForeignDestinations: error.destinations };
  }
}

/**
 * EventBridge delivery: switches the bucket's EventBridge delivery on (kept as it is when on already)
 * and removes queue entries of ours left from direct delivery. Nothing of ours stays in the shared
 * configuration, so no other writer can drop it. We add no destination, so S3's test could only
 * fail on other teams' destinations: written with SkipDestinationValidation.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-event-notifications-eventbridge.html
 *
 * @returns how many entries of ours were removed
 * @throws BucketNotificationError on S3 failures
 */
export async function enableEventBridge(
  s3: NotificationS3,
  properties: NotificationProperties,
  accountId: string,
): Promise<number> {
  const owner = { bucket: properties.bucket, accountId };
  const current = await readConfiguration(s3, owner);
  const kept = removeOwnEntries(current, properties.idPrefix);
  const removed = countEntries(current) - countEntries(kept);
  if (removed > 0 || current.EventBridgeConfiguration === undefined) {
    await writeConfiguration(s3, owner, { ...kept, EventBridgeConfiguration: {} }, { skipValidation: true, own: [] });
  }
  return removed;
}

/**
 * Removes our entries (Id prefix) from the bucket; others stay. A bucket that is gone has none.
 * Written with SkipDestinationValidation: we add nothing, so S3's test could only fail on other
 * teams' destinations, which must never block our remove.
 *
 * @returns how many entries were removed
 * @throws BucketNotificationError on S3 failures
 */
export async function removeOwnNotifications(
  s3: NotificationS3,
  owner: BucketOwner,
  idPrefix: string,
): Promise<number> {
  let current: BucketNotificationConfig;
  try {
    current = await readConfiguration(s3, owner);
  } catch (error) {
    if (error instanceof BucketNotificationError && nameOf(error.cause) === 'NoSuchBucket') return 0;
    throw error;
  }
  const kept = removeOwnEntries(current, idPrefix);
  const removed = countEntries(current) - countEntries(kept);
  if (removed > 0) await writeConfiguration(s3, owner, kept, { skipValidation: true, own: [] });
  return removed;
}

/**
 * The bucket's notification configuration, as S3 returns it (without response metadata).
 *
 * @throws BucketNotificationError naming the operation and the bucket
 */
export async function readConfiguration(s3: NotificationS3, owner: BucketOwner): Promise<BucketNotificationConfig> {
  try {
    const output = await s3.send(
      new GetBucketNotificationConfigurationCommand({ Bucket: owner.bucket, ExpectedBucketOwner: owner.accountId }),
    );
    const { QueueConfigurations, TopicConfigurations, LambdaFunctionConfigurations, EventBridgeConfiguration } = output;
    return {
      ...(QueueConfigurations === undefined ? {} : { QueueConfigurations }),
      ...(TopicConfigurations === undefined ? {} : { TopicConfigurations }),
      ...(LambdaFunctionConfigurations === undefined ? {} : { LambdaFunctionConfigurations }),
      ...(EventBridgeConfiguration === undefined ? {} : { EventBridgeConfiguration }),
    };
  } catch (error) {
    throw s3Failure('GetBucketNotificationConfiguration', owner.bucket, error, []);
  }
}

async function writeConfiguration(
  s3: NotificationS3,
  owner: BucketOwner,
  config: BucketNotificationConfig,
  options: { skipValidation: boolean; own: readonly string[] },
): Promise<void> {
  try {
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: owner.bucket,
        ExpectedBucketOwner: owner.accountId,
        NotificationConfiguration: config,
        // Header x-amz-skip-destination-validation: S3 sends no test message to the destinations.
        ...(options.skipValidation ? { SkipDestinationValidation: true } : {}),
      }),
    );
  } catch (error) {
    throw s3Failure('PutBucketNotificationConfiguration', owner.bucket, error, options.own);
  }
}

const VALIDATION_FAILED = /Unable to validate the following destination configurations/;

function s3Failure(operation: string, bucket: string, error: unknown, own: readonly string[]): DeployError {
  const name = nameOf(error);
  const message = error instanceof Error ? error.message : String(error);
  const text = `${operation} on bucket ${bucket}: expected success, got ${name}: ${message}`;
  if (name === 'InvalidArgument' && VALIDATION_FAILED.test(message)) {
    // S3 names each failing destination in ArgumentName1, ArgumentName2, ... of its error body, which the
    // SDK copies onto the exception. None named, or ours among them: a queue policy S3 does not see yet.
    const destinations = failingDestinations(error);
    const retryable = destinations.length === 0 || destinations.some((arn) => own.includes(arn));
    const which = destinations.length === 0 ? '' : ` (${destinations.join(', ')})`;
    return new DestinationValidationError(`${text}${which}`, { retryable, destinations, cause: error });
  }
  const retryable = /Throttl|SlowDown|InternalError|ServiceUnavailable/.test(name);
  return new BucketNotificationError(text, { retryable, cause: error });
}

function failingDestinations(error: unknown): string[] {
  if (typeof error !== 'object' || error === null) return [];
  return Object.entries(error)
    .filter(([key, value]) => /^ArgumentName\d+$/.test(key) && typeof value === 'string')
    .sort(([a], [b]) => Number(a.slice(12)) - Number(b.slice(12)))
    .map(([, value]) => value as string);
}

function nameOf(error: unknown): string {
  return error instanceof Error ? error.name : 'Error';
}
