import type { S3RequestCount } from '../app/new-keys.ts';

/** Base class for failures talking to an AWS service. `retryable` tells the handler what to do. */
export class AdapterError extends Error {
  override name = 'AdapterError';
  readonly retryable: boolean;

  constructor(message: string, options: { retryable: boolean; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryable = options.retryable;
  }
}

/** DynamoDB ledger read or write failed. */
export class LedgerError extends AdapterError {
  override name = 'LedgerError';
}

/**
 * Wraps a DynamoDB SDK error of a ledger call: retryable unless the request itself was wrong.
 *
 * @param action - what failed, e.g. `reserve`
 * @param subject - an id (unit key, month), never a payload
 */
export function ledgerErrorOf(action: string, subject: string, error: unknown): LedgerError {
  const name = error instanceof Error ? error.name : 'UnknownError';
  const retryable = !['ValidationException', 'ResourceNotFoundException', 'AccessDeniedException'].includes(name);
  return new LedgerError(`ledger ${action} failed for ${subject}: ${name}`, { retryable, cause: error });
}

/** A CloudFront call failed; `code` is CloudFront's error code (e.g. TooManyInvalidationsInProgress). */
export class CloudFrontError extends AdapterError {
  override name = 'CloudFrontError';
  readonly code: string;
  /** True when CloudFront answered with an error, so the invalidation was definitely not created. */
  readonly definite: boolean;

  constructor(message: string, options: { retryable: boolean; code: string; definite: boolean; cause?: unknown }) {
    super(message, options);
    this.code = options.code;
    this.definite = options.definite;
  }
}

/**
 * Whether S3 bills a call that failed. S3 bills 2xx and 4xx answers, never 5xx ones such as 503 Slow
 * Down (AWS, "Billing for Amazon S3 error responses"), and the SDK's own retries are of 5xx answers
 * and dropped connections. A failure without an HTTP answer (a timeout, a reset) is counted: whether
 * S3 saw it is unknown, and counting it can only make the reported savings smaller, never larger.
 *
 * @param error - what the S3 client threw
 */
export function isBilledS3Failure(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: unknown } } | null | undefined)?.$metadata?.httpStatusCode;
  return !(typeof status === 'number' && status >= 500);
}

/** Listing the bucket for the planner's inventory failed or went past its request cap. */
export class InventoryError extends AdapterError {
  override name = 'InventoryError';
  /** Billed LIST requests made up to the failure (the failed one too, unless S3 answered 5xx). */
  readonly requests: number;

  constructor(message: string, options: { retryable: boolean; requests: number; cause?: unknown }) {
    super(message, options);
    this.requests = options.requests;
  }
}

/** Reading the evidence that keys are new (bucket versions, error-caching TTL) failed. */
export class NewKeyEvidenceError extends AdapterError {
  override name = 'NewKeyEvidenceError';
  /** Billed S3 requests made up to the failure, by price tier (the failed one too, unless S3 answered 5xx; none for CloudFront). */
  readonly requests: S3RequestCount;

  constructor(message: string, options: { retryable: boolean; requests?: S3RequestCount; cause?: unknown }) {
    super(message, options);
    this.requests = options.requests ?? { list: 0, get: 0 };
  }
}
