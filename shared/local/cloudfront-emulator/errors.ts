import { LocalStackError } from '../errors.ts';

/** Base class for every failure raised inside the CloudFront emulator. */
export class CloudFrontEmulatorError extends LocalStackError {
  override name = 'CloudFrontEmulatorError';
  /** Whether the same call could succeed later unchanged. */
  readonly retryable: boolean;

  constructor(message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryable = options.retryable ?? false;
  }
}

/** `Sender` for the caller's mistakes (4xx), `Receiver` for the service's own (5xx). */
export type CloudFrontFaultType = 'Sender' | 'Receiver';

/**
 * A CloudFront API error: the server turns it into the 2020-05-31 `ErrorResponse` XML with
 * its HTTP status, so the SDK raises its own typed exception for `code`.
 */
export class CloudFrontApiError extends CloudFrontEmulatorError {
  override name = 'CloudFrontApiError';
  readonly code: string;
  readonly status: number;
  readonly type: CloudFrontFaultType;

  constructor(code: string, status: number, message: string, options: { cause?: unknown } = {}) {
    super(message, { ...options, retryable: status >= 500 || code === 'Throttling' });
    this.code = code;
    this.status = status;
    this.type = status >= 500 ? 'Receiver' : 'Sender';
  }
}

/** The emulator was started with a configuration it cannot serve (duplicate ids, bad origin path, ...). */
export class EmulatorConfigError extends CloudFrontEmulatorError {
  override name = 'EmulatorConfigError';
}

/** A request body is not well-formed XML; the server answers `MalformedInput`. */
export class XmlSyntaxError extends CloudFrontEmulatorError {
  override name = 'XmlSyntaxError';
}

/** Builds `InvalidArgument` (400), CloudFront's answer to a value it rejects. */
export function createInvalidArgument(message: string): CloudFrontApiError {
  return new CloudFrontApiError('InvalidArgument', 400, message);
}
