import {
  type CloudFrontClient,
  CreateInvalidationCommand,
  GetInvalidationCommand,
  ListDistributionsCommand,
  ListInvalidationsCommand,
} from '@aws-sdk/client-cloudfront';
import type {
  CreatedInvalidation,
  FoundInvalidation,
  FoundInvalidations,
  InFlight,
  InvalidationFinder,
  InvalidationGateway,
} from '../app/ports.ts';
import { CloudFrontError } from './errors.ts';

/** Options of the CloudFront adapter. */
export interface CloudFrontGatewayOptions {
  /** How long an in-flight count is reused before asking CloudFront again. */
  readonly inFlightCacheMs: number;
  readonly now: () => number;
}

/** An invalidation as GetInvalidation returns it. */
export interface InvalidationDetails {
  readonly id: string;
  readonly status: string;
  readonly createTime: number;
  readonly callerReference: string;
  readonly paths: readonly string[];
}

/** A distribution serving a bucket, found by auto-discovery. */
export interface DiscoveredOrigin {
  readonly distributionId: string;
  readonly originPath: string;
}

// Codes after which CloudFront surely did not create the invalidation, and which a retry can fix.
const RETRYABLE_DEFINITE = new Set([
  'TooManyInvalidationsInProgress',
  'Throttling',
  'ThrottlingException',
  'RequestLimitExceeded',
]);

/**
 * CloudFront for the collector, watcher and report, over an injected client.
 *
 * The in-flight count (3,000 exact and 15 wildcard paths per distribution are allowed in progress,
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html#limits-invalidations)
 * comes from ListInvalidations + GetInvalidation for the ones in progress, cached briefly and bumped
 * by what this container issued since.
 */
export class CloudFrontGateway implements InvalidationGateway, InvalidationFinder {
  readonly #client: CloudFrontClient;
  readonly #options: CloudFrontGatewayOptions;
  readonly #inFlight = new Map<string, { at: number; value: InFlight }>();

  constructor(client: CloudFrontClient, options: CloudFrontGatewayOptions) {
    this.#client = client;
    this.#options = options;
  }

  async createInvalidation(
    distributionId: string,
    callerReference: string,
    paths: readonly string[],
  ): Promise<CreatedInvalidation> {
    try {
      const result = await this.#client.send(
        new CreateInvalidationCommand({
          DistributionId: distributionId,
          InvalidationBatch: { CallerReference: callerReference, Paths: { Quantity: paths.length, Items: [...paths] } },
        }),
      );
      this.#bump(distributionId, paths);
      const createTime = result.Invalidation?.CreateTime?.getTime();
      return {
        invalidationId: result.Invalidation?.Id ?? '',
        status: result.Invalidation?.Status ?? 'InProgress',
        ...(createTime === undefined || Number.isNaN(createTime) ? {} : { createTime }),
      };
    } catch (error) {
      throw classifyCloudFrontError(`CreateInvalidation on ${distributionId}`, error);
    }
  }

  async inFlight(distributionId: string): Promise<InFlight> {
    const cached = this.#inFlight.get(distributionId);
    if (cached !== undefined && this.#options.now() - cached.at < this.#options.inFlightCacheMs) return cached.value;
    let exactPaths = 0;
    let wildcardPaths = 0;
    try {
      for await (const summary of this.#inProgress(distributionId)) {
        const details = await this.getInvalidation(distributionId, summary);
        if (details.status !== 'InProgress') continue;
        for (const path of details.paths) {
          if (path.endsWith('*')) wildcardPaths++;
          else exactPaths++;
        }
      }
    } catch (error) {
      throw error instanceof CloudFrontError
        ? error
        : classifyCloudFrontError(`ListInvalidations on ${distributionId}`, error);
    }
    const value = { exactPaths, wildcardPaths };
    this.#inFlight.set(distributionId, { at: this.#options.now(), value });
    return value;
  }

  async findByCallerReference(
    distributionId: string,
    references: ReadonlySet<string>,
    options: { readonly sinceMs: number; readonly untilMs: number; readonly maxLookups: number },
  ): Promise<FoundInvalidations> {
    const found = new Map<string, FoundInvalidation>();
    let marker: string | undefined;
    let lookups = 0;
    try {
      do {
        const page = await this.#client.send(
          new ListInvalidationsCommand({
            DistributionId: distributionId,
            MaxItems: 100,
            ...(marker ? { Marker: marker } : {}),
          }),
        );
        let reachedOlder = false;
        for (const item of page.InvalidationList?.Items ?? []) {
          const createTime = item.CreateTime?.getTime() ?? 0;
          if (createTime < options.sinceMs) {
            reachedOlder = true;
            continue;
          }
          // Created after every attempt of the references could have been: not one of them, no lookup.
          if (item.Id === undefined || createTime > options.untilMs) continue;
          if (lookups >= options.maxLookups) return { found, complete: false };
          // ListInvalidations has no CallerReference: GetInvalidation for each one in the window.
          lookups++;
          const details = await this.getInvalidation(distributionId, item.Id);
          if (references.has(details.callerReference)) {
            found.set(details.callerReference, { invalidationId: details.id, createTime: details.createTime });
          }
        }
        // Newest first: once a page reaches back before the window, the rest is older still.
        const done = reachedOlder || found.size === references.size;
        marker = !done && page.InvalidationList?.IsTruncated ? page.InvalidationList.NextMarker : undefined;
      } while (marker !== undefined);
    } catch (error) {
      throw error instanceof CloudFrontError
        ? error
        : classifyCloudFrontError(`ListInvalidations on ${distributionId}`, error);
    }
    return { found, complete: true };
  }

  /** GetInvalidation, flattened. */
  async getInvalidation(distributionId: string, invalidationId: string): Promise<InvalidationDetails> {
    try {
      const result = await this.#client.send(
        new GetInvalidationCommand({ DistributionId: distributionId, Id: invalidationId }),
      );
      const invalidation = result.Invalidation;
      return {
        id: invalidation?.Id ?? invalidationId,
        status: invalidation?.Status ?? 'Unknown',
        createTime: invalidation?.CreateTime?.getTime() ?? 0,
        callerReference: invalidation?.InvalidationBatch?.CallerReference ?? '',
        paths: invalidation?.InvalidationBatch?.Paths?.Items ?? [],
      };
    } catch (error) {
      throw classifyCloudFrontError(`GetInvalidation ${invalidationId} on ${distributionId}`, error);
    }
  }

  /** Distributions with an S3 origin for `bucket` (REST or website endpoint), with its OriginPath. */
  async findOriginsForBucket(bucket: string): Promise<DiscoveredOrigin[]> {
    const found: DiscoveredOrigin[] = [];
    let marker: string | undefined;
    try {
      do {
        const page = await this.#client.send(
          new ListDistributionsCommand(marker === undefined ? {} : { Marker: marker }),
        );
        for (const distribution of page.DistributionList?.Items ?? []) {
          for (const origin of distribution.Origins?.Items ?? []) {
            if (!isBucketDomain(origin.DomainName ?? '', bucket)) continue;
            found.push({ distributionId: distribution.Id ?? '', originPath: origin.OriginPath ?? '' });
          }
        }
        marker = page.DistributionList?.IsTruncated ? page.DistributionList.NextMarker : undefined;
      } while (marker !== undefined);
    } catch (error) {
      throw classifyCloudFrontError('ListDistributions', error);
    }
    return found;
  }

  async *#inProgress(distributionId: string): AsyncGenerator<string> {
    let marker: string | undefined;
    do {
      const page = await this.#client.send(
        new ListInvalidationsCommand({
          DistributionId: distributionId,
          MaxItems: 100,
          ...(marker ? { Marker: marker } : {}),
        }),
      );
      const items = page.InvalidationList?.Items ?? [];
      let anyInProgress = false;
      for (const item of items) {
        if (item.Status !== 'InProgress' || item.Id === undefined) continue;
        anyInProgress = true;
        yield item.Id;
      }
      // Newest first: a page with nothing in progress means the rest is older and done.
      marker = anyInProgress && page.InvalidationList?.IsTruncated ? page.InvalidationList.NextMarker : undefined;
    } while (marker !== undefined);
  }

  #bump(distributionId: string, paths: readonly string[]): void {
    const cached = this.#inFlight.get(distributionId);
    if (cached === undefined) return;
    const wildcards = paths.filter((path) => path.endsWith('*')).length;
    cached.value = {
      exactPaths: cached.value.exactPaths + paths.length - wildcards,
      wildcardPaths: cached.value.wildcardPaths + wildcards,
    };
  }
}

function isBucketDomain(domain: string, bucket: string): boolean {
  const host = domain.toLowerCase();
  const name = bucket.toLowerCase();
  return (
    host === `${name}.s3.amazonaws.com` ||
    (host.startsWith(`${name}.s3.`) && host.endsWith('.amazonaws.com')) ||
    (host.startsWith(`${name}.s3-website`) && host.endsWith('.amazonaws.com'))
  );
}

/**
 * Turns an SDK error into a CloudFrontError with `retryable` (fail the records and back off) and
 * `definite` (CloudFront answered, so nothing was created and a reservation can be released).
 */
export function classifyCloudFrontError(action: string, error: unknown): CloudFrontError {
  const code = error instanceof Error ? error.name : 'UnknownError';
  const metadata = (error as { $metadata?: { httpStatusCode?: number; attempts?: number } })?.$metadata;
  const status = metadata?.httpStatusCode;
  const throttled = (error as { $retryable?: { throttling?: boolean } })?.$retryable?.throttling === true;
  // The SDK retries 5xx and dropped connections itself and reports only the last error: after more
  // than one attempt, an earlier one may have created the invalidation, so nothing is definite.
  const retried = (metadata?.attempts ?? 1) > 1;
  if (RETRYABLE_DEFINITE.has(code) || throttled) {
    return new CloudFrontError(`${action} failed: ${code}${retried ? ' after retries' : ''}`, {
      retryable: true,
      definite: !retried,
      code,
      cause: error,
    });
  }
  if (status === undefined || status >= 500) {
    // A 5xx, a timeout or a dropped connection: CloudFront may have created it. Keep the reservation;
    // the retry sends the same CallerReference and gets the existing invalidation back.
    return new CloudFrontError(`${action} failed: ${code}${status ? ` (HTTP ${status})` : ''}`, {
      retryable: true,
      definite: false,
      code,
      cause: error,
    });
  }
  return new CloudFrontError(`${action} failed: ${code} (HTTP ${status})`, {
    retryable: false,
    definite: !retried,
    code,
    cause: error,
  });
}
