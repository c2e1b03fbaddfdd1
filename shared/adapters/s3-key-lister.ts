import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { KeyLister, KeyListing } from '../app/ports.ts';
import { InventoryError, isBilledS3Failure } from './errors.ts';

/** Options of the S3 lister. */
export interface S3KeyListerOptions {
  /** ListObjectsV2 calls allowed per listing (1,000 keys each). */
  readonly maxRequests: number;
  /** How long a listing is reused. */
  readonly cacheMs: number;
  readonly now: () => number;
}

/**
 * Lists bucket keys for the planner's inventory, with a request cap and a short cache.
 * Needs s3:ListBucket on the bucket, which the stack grants only to routes with `inventory: true`.
 */
export class S3KeyLister implements KeyLister {
  readonly #client: S3Client;
  readonly #options: S3KeyListerOptions;
  readonly #cache = new Map<string, { at: number; keys: readonly string[] | undefined }>();

  constructor(client: S3Client, options: S3KeyListerOptions) {
    this.#client = client;
    this.#options = options;
  }

  async listKeys(bucket: string, prefix: string): Promise<KeyListing> {
    const cacheKey = `${bucket}\n${prefix}`;
    const cached = this.#cache.get(cacheKey);
    if (cached !== undefined && this.#options.now() - cached.at < this.#options.cacheMs) {
      return { keys: cached.keys, requests: 0 };
    }
    const keys: string[] = [];
    let token: string | undefined;
    let requests = 0;
    let complete = false;
    try {
      while (requests < this.#options.maxRequests) {
        requests++;
        const page = await this.#client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }),
        );
        for (const object of page.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key);
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
        if (token === undefined) {
          complete = true;
          break;
        }
      }
    } catch (error) {
      if (!isBilledS3Failure(error)) requests--;
      const name = error instanceof Error ? error.name : 'UnknownError';
      throw new InventoryError(`ListObjectsV2 on s3://${bucket}/${prefix} failed: ${name}`, {
        retryable: true,
        requests,
        cause: error,
      });
    }
    const result = complete ? keys : undefined;
    this.#cache.set(cacheKey, { at: this.#options.now(), keys: result });
    return { keys: result, requests };
  }
}
