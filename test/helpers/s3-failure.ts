import { S3ServiceException } from '@aws-sdk/client-s3';

/**
 * An S3 failure as the SDK throws it: a service exception carrying the HTTP status S3 answered with,
 * or, without a status, a plain error as for a dropped connection (no answer at all).
 *
 * @param name - the error code (`SlowDown`) or the system error (`ECONNRESET`)
 * @param status - the HTTP status of S3's answer, if any
 */
export function s3Failure(name: string, status: number | undefined): Error {
  if (status === undefined) return Object.assign(new Error('socket hang up'), { name, code: name });
  return new S3ServiceException({
    name,
    message: `S3 answered ${status} ${name}`,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status, attempts: status >= 500 ? 3 : 1 },
  });
}
