/**
 * Errors of the deployment helpers (stage params, stack values, bucket notifications). `retryable`
 * says whether trying the same thing again can help: a bad setting never heals by itself, a
 * throttled S3 call may.
 */

/** Base class of every deployment failure. */
export class DeployError extends Error {
  override name = 'DeployError';
  readonly retryable: boolean;

  constructor(message: string, options: { retryable: boolean; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryable = options.retryable;
  }
}

/** A stage param in serverless.yml is missing or invalid; the message names `params.<stage>.<name>`. */
export class StageParamsError extends DeployError {
  override name = 'StageParamsError';

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { retryable: false, cause: options.cause });
  }
}

/** Our bucket notification entries would overlap another entry on the bucket, which S3 rejects. */
export class NotificationConflictError extends DeployError {
  override name = 'NotificationConflictError';

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { retryable: false, cause: options.cause });
  }
}

/** Reading or writing a bucket's notification configuration failed. */
export class BucketNotificationError extends DeployError {
  override name = 'BucketNotificationError';
}

/** A CloudFormation custom resource request is malformed (missing or wrong properties). */
export class CustomResourceRequestError extends DeployError {
  override name = 'CustomResourceRequestError';

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { retryable: false, cause: options.cause });
  }
}

/**
 * The bucket cannot take this stack's notifications as configured: it does not exist, is in another
 * region, or belongs to another account. Never retried; the message names the stage param to fix.
 */
export class BucketSetupError extends DeployError {
  override name = 'BucketSetupError';

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { retryable: false, cause: options.cause });
  }
}

/**
 * S3 could not deliver its test message to one of the configuration's destinations ("Unable to
 * validate the following destination configurations"). Retryable when the failing destination is
 * ours (a queue policy S3 does not see yet) or unknown; `destinations` lists the ARNs S3 named.
 */
export class DestinationValidationError extends DeployError {
  override name = 'DestinationValidationError';
  readonly destinations: readonly string[];

  constructor(message: string, options: { retryable: boolean; destinations: readonly string[]; cause?: unknown }) {
    super(message, options);
    this.destinations = options.destinations;
  }
}
