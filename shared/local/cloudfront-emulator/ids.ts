import { randomInt, randomUUID } from 'node:crypto';

const UPPER_ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const LOWER_ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyz0123456789';

function pickCharacters(alphabet: string, length: number): string {
  let out = '';
  for (let index = 0; index < length; index++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** An invalidation id shaped like CloudFront's: `I` + 13 upper-case alphanumerics. */
export function createInvalidationId(): string {
  return `I${pickCharacters(UPPER_ALPHANUMERIC, 13)}`;
}

/** A distribution id shaped like CloudFront's: `E` + 13 upper-case alphanumerics. */
export function createDistributionId(): string {
  return `E${pickCharacters(UPPER_ALPHANUMERIC, 13)}`;
}

/** A distribution ETag shaped like CloudFront's (`E2QWRUHAPOMQZL`). */
export function createEtag(): string {
  return `E${pickCharacters(UPPER_ALPHANUMERIC, 13)}`;
}

/** A `dxxxxxxxxxxxxx.cloudfront.net` domain name. */
export function createDistributionDomainName(): string {
  return `d${pickCharacters(LOWER_ALPHANUMERIC, 13)}.cloudfront.net`;
}

/** A request id for the `x-amzn-RequestId` header and the error body. */
export function createRequestId(): string {
  return randomUUID();
}
