import { GetBucketLocationCommand } from '@aws-sdk/client-s3';
import { BucketSetupError } from '../../shared/deploy/errors.ts';
import type { NotificationS3 } from './bucket-notification-store.ts';

/** Where the stack runs: the bucket must be in this account and region. */
export interface StackPlace {
  readonly accountId: string;
  readonly region: string;
  /** The stage, for messages that name the param to fix (`params.<stage>.routes`). */
  readonly stage: string;
}

/**
 * The account and region of a stack, from its id (`arn:aws:cloudformation:<region>:<account>:stack/...`).
 *
 * @returns undefined when the id is not a CloudFormation stack ARN
 */
export function stackAccountAndRegion(stackId: string): { accountId: string; region: string } | undefined {
  const match = /^arn:[^:]+:cloudformation:([^:]+):(\d{12}):stack\//.exec(stackId);
  return match === null ? undefined : { region: match[1] as string, accountId: match[2] as string };
}

// Errors S3 answers when a request signed for one region reaches a bucket of another.
const WRONG_REGION = new Set([
  'PermanentRedirect',
  'AuthorizationHeaderMalformed',
  'IllegalLocationConstraintException',
]);

/**
 * Checks, before anything is written, that the bucket exists, belongs to this account
 * (ExpectedBucketOwner: S3 answers 403 for a bucket of another account) and is in the stack's region.
 * The S3 client does not follow region redirects, and S3 only sends notifications to a queue of the
 * bucket's own region: https://docs.aws.amazon.com/AmazonS3/latest/userguide/EventNotifications.html
 *
 * @throws BucketSetupError naming `params.<stage>.routes` (or `region`) and what was found; its cause
 *   is the S3 error, so an AccessDenied (an IAM policy S3 does not see yet) is retried by the caller
 */
export async function checkBucket(s3: NotificationS3, bucket: string, place: StackPlace): Promise<void> {
  const routes = `params.${place.stage}.routes`;
  let location: string | undefined;
  try {
    const output = await s3.send(
      new GetBucketLocationCommand({ Bucket: bucket, ExpectedBucketOwner: place.accountId }),
    );
    location = output.LocationConstraint;
  } catch (error) {
    const name = error instanceof Error ? error.name : 'Error';
    if (name === 'NoSuchBucket') {
      throw new BucketSetupError(
        `bucket ${bucket}: expected an existing bucket, got NoSuchBucket; fix the bucket in ${routes}, or let the stack create it (params.${place.stage}.createBuckets)`,
        { cause: error },
      );
    }
    if (name === 'AccessDenied' || name === 'Forbidden') {
      throw new BucketSetupError(
        `bucket ${bucket}: expected a bucket of account ${place.accountId}, got AccessDenied (another account's bucket, or a placeholder); fix the bucket in ${routes}`,
        { cause: error },
      );
    }
    if (WRONG_REGION.has(name)) throw wrongRegion(bucket, 'another region', place, error);
    throw error;
  }
  const region = regionOf(location);
  if (region !== place.region) throw wrongRegion(bucket, region, place);
}

function wrongRegion(bucket: string, found: string, place: StackPlace, cause?: unknown): BucketSetupError {
  return new BucketSetupError(
    `bucket ${bucket}: expected a bucket in ${place.region} (the stack's region), got ${found}; deploy the stage to the bucket's region (params.${place.stage}.region) or fix the bucket in params.${place.stage}.routes`,
    { cause },
  );
}

// GetBucketLocation answers no constraint for us-east-1 and the legacy `EU` for eu-west-1.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLocation.html
function regionOf(location: string | undefined): string {
  if (location === undefined || location === '' || location === null) return 'us-east-1';
  if (location === 'EU') return 'eu-west-1';
  return location;
}
