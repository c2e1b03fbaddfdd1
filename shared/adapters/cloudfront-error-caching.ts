import { type CloudFrontClient, GetDistributionCommand } from '@aws-sdk/client-cloudfront';
import type { ErrorCachingReader } from '../app/new-keys.ts';
import { errorCachingMsOf } from '../domain/new-keys.ts';
import { NewKeyEvidenceError } from './errors.ts';

/** Options of the error-caching reader. */
export interface CloudFrontErrorCachingOptions {
  /** How long a distribution's answer is reused. */
  readonly cacheMs: number;
  readonly now: () => number;
}

/**
 * The error-caching TTL of a distribution, from GetDistribution's `CustomErrorResponses`: the longest
 * `ErrorCachingMinTTL` of 403 and 404, CloudFront's 10 s for a code without one (S3 answers 403 for a
 * missing key when the reader may not list the bucket). Cached per distribution. Needs
 * cloudfront:GetDistribution on the distribution.
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/HTTPStatusCodes.html
 */
export class CloudFrontErrorCaching implements ErrorCachingReader {
  readonly #client: CloudFrontClient;
  readonly #options: CloudFrontErrorCachingOptions;
  readonly #cache = new Map<string, { at: number; ms: number }>();

  constructor(client: CloudFrontClient, options: CloudFrontErrorCachingOptions) {
    this.#client = client;
    this.#options = options;
  }

  async errorCachingMs(distributionId: string): Promise<number> {
    const now = this.#options.now();
    const cached = this.#cache.get(distributionId);
    if (cached !== undefined && now - cached.at < this.#options.cacheMs) return cached.ms;
    let items: readonly { ErrorCode?: number | undefined; ErrorCachingMinTTL?: number | undefined }[];
    try {
      const answer = await this.#client.send(new GetDistributionCommand({ Id: distributionId }));
      items = answer.Distribution?.DistributionConfig?.CustomErrorResponses?.Items ?? [];
    } catch (error) {
      const name = error instanceof Error ? error.name : 'UnknownError';
      throw new NewKeyEvidenceError(`GetDistribution ${distributionId} failed: ${name}`, {
        retryable: true,
        cause: error,
      });
    }
    const ms = errorCachingMsOf(items);
    this.#cache.set(distributionId, { at: now, ms });
    return ms;
  }
}
