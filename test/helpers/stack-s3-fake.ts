import {
  GetBucketLocationCommand,
  GetBucketNotificationConfigurationCommand,
  PutBucketNotificationConfigurationCommand,
  type QueueConfiguration,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { BucketNotificationConfig } from '../../shared/deploy/bucket-notifications.ts';

/** The account the fake's buckets belong to unless told otherwise (the test stacks' account). */
export const FAKE_ACCOUNT = '123456789012';

/** One bucket of the fake: its configuration, region and owner. */
export interface FakeBucket {
  config: BucketNotificationConfig;
  region: string;
  owner: string;
}

/**
 * An in-memory stand-in for the S3 calls of the notifications custom resource. fauxqs has no bucket
 * notification or location API at all, so this is the one place a client fake is used. It follows S3
 * where the custom resource depends on it: ExpectedBucketOwner (403 AccessDenied for another
 * account's bucket), GetBucketLocation (no constraint for us-east-1), and destination validation on
 * Put: every queue, topic and function destination gets a test message unless
 * SkipDestinationValidation is set, and a failure names each failing ARN in ArgumentName<n>.
 */
export interface FakeNotificationS3 {
  readonly client: Pick<S3Client, 'send'>;
  /** The stored buckets (missing: the bucket does not exist). */
  readonly buckets: Map<string, FakeBucket>;
  readonly puts: { bucket: string; config: BucketNotificationConfig; skipValidation: boolean }[];
  /** Every command name sent, in order. */
  readonly calls: string[];
  /** Destinations that no longer exist (a deleted queue): validation fails on them every time. */
  readonly deleted: Set<string>;
  /** Makes the next `times` calls fail with an error of this name. */
  failNext(name: string, times?: number): void;
  /** Makes the next `times` validated Puts fail to reach `arn` (a queue policy S3 does not see yet). */
  failValidationNext(arn: string, times: number): void;
}

/** A fake S3 with the given buckets (us-east-1, account FAKE_ACCOUNT unless `extra` says otherwise). */
export function createFakeNotificationS3(
  initial: Record<string, BucketNotificationConfig> = {},
  extra: Record<string, Partial<Omit<FakeBucket, 'config'>>> = {},
): FakeNotificationS3 {
  const buckets = new Map(
    Object.entries(structuredClone(initial)).map(([name, config]) => [
      name,
      { config, region: 'us-east-1', owner: FAKE_ACCOUNT, ...extra[name] },
    ]),
  );
  const puts: FakeNotificationS3['puts'] = [];
  const calls: string[] = [];
  const deleted = new Set<string>();
  const flaky = new Map<string, number>();
  let failure = { name: '', times: 0 };

  const bucketFor = (name: string | undefined, expectedOwner: string | undefined): FakeBucket => {
    const bucket = buckets.get(name ?? '');
    if (bucket === undefined) throw s3Error('NoSuchBucket', 'The specified bucket does not exist');
    if (expectedOwner !== undefined && expectedOwner !== bucket.owner) throw s3Error('AccessDenied', 'Access Denied');
    return bucket;
  };

  const send = async (command: unknown): Promise<unknown> => {
    calls.push((command as { constructor: { name: string } }).constructor.name);
    if (failure.times > 0) {
      failure.times -= 1;
      throw s3Error(failure.name, `injected ${failure.name}`);
    }
    if (command instanceof GetBucketLocationCommand) {
      const bucket = bucketFor(command.input.Bucket, command.input.ExpectedBucketOwner);
      return {
        $metadata: { httpStatusCode: 200 },
        ...(bucket.region === 'us-east-1' ? {} : { LocationConstraint: bucket.region }),
      };
    }
    if (command instanceof GetBucketNotificationConfigurationCommand) {
      const bucket = bucketFor(command.input.Bucket, command.input.ExpectedBucketOwner);
      return { $metadata: { httpStatusCode: 200 }, ...structuredClone(bucket.config) };
    }
    if (command instanceof PutBucketNotificationConfigurationCommand) {
      const bucket = bucketFor(command.input.Bucket, command.input.ExpectedBucketOwner);
      const config = structuredClone(command.input.NotificationConfiguration ?? {});
      const skipValidation = command.input.SkipDestinationValidation === true;
      if (!skipValidation) validate(config);
      bucket.config = config;
      puts.push({ bucket: command.input.Bucket ?? '', config, skipValidation });
      return { $metadata: { httpStatusCode: 200 } };
    }
    throw new Error('the fake S3 only knows GetBucketLocation and Get/PutBucketNotificationConfiguration');
  };

  const validate = (config: BucketNotificationConfig) => {
    const failing = destinationsOf(config).filter((arn) => {
      const left = flaky.get(arn) ?? 0;
      if (left > 0) flaky.set(arn, left - 1);
      return deleted.has(arn) || left > 0;
    });
    if (failing.length === 0) return;
    const error = s3Error('InvalidArgument', 'Unable to validate the following destination configurations');
    for (const [i, arn] of failing.entries()) {
      Object.assign(error, { [`ArgumentName${i + 1}`]: arn, [`ArgumentValue${i + 1}`]: 'Not found' });
    }
    throw error;
  };

  return {
    client: { send } as unknown as Pick<S3Client, 'send'>,
    buckets,
    puts,
    calls,
    deleted,
    failNext: (name, times = 1) => {
      failure = { name, times };
    },
    failValidationNext: (arn, times) => {
      flaky.set(arn, times);
    },
  };
}

/** Every destination ARN of a configuration, in S3's order: queues, topics, functions. */
function destinationsOf(config: BucketNotificationConfig): string[] {
  return [
    ...(config.QueueConfigurations ?? []).map((entry) => entry.QueueArn ?? ''),
    ...(config.TopicConfigurations ?? []).map((entry) => entry.TopicArn ?? ''),
    ...(config.LambdaFunctionConfigurations ?? []).map((entry) => entry.LambdaFunctionArn ?? ''),
  ];
}

/** A queue entry of someone else (another stack or tool) on a shared bucket. */
export function foreignQueueEntry(
  id: string,
  prefix = 'uploads/',
  queueArn = 'arn:aws:sqs:us-east-1:123456789012:someone-else',
): QueueConfiguration {
  return {
    Id: id,
    QueueArn: queueArn,
    Events: ['s3:ObjectCreated:*'],
    Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: prefix }] } },
  };
}

function s3Error(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}
