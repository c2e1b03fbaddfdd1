import {
  type CloudFrontClient,
  GetInvalidationCommand,
  type InvalidationSummary,
  ListDistributionsCommand,
  ListInvalidationsCommand,
} from '@aws-sdk/client-cloudfront';
import type { AccountInvalidationSource } from '../app/ports.ts';
import type { MonthBounds } from '../domain/month.ts';
import type { CloudFrontInvalidationRecord, LedgerItemSummary } from '../domain/report/index.ts';
import { classifyCloudFrontError } from './cloudfront-gateway.ts';

/** Options of the reconciler. */
export interface CloudFrontReconcilerOptions {
  /** ListInvalidations page size (CloudFront allows up to 100). */
  readonly pageSize?: number;
}

/** What CloudFront holds for a month on the distributions that were checked. */
export interface MonthInvalidations {
  readonly distributionIds: readonly string[];
  readonly invalidations: readonly CloudFrontInvalidationRecord[];
}

const MAX_PAGE_SIZE = 100;

interface InvalidationPage {
  readonly items: readonly InvalidationSummary[];
  readonly isTruncated: boolean;
  readonly nextMarker: string | undefined;
}

/**
 * Lists what CloudFront itself holds for a month, so the report can find invalidations someone else
 * submitted (console, CI, other tools): they use the same account-wide free tier.
 *
 * ListInvalidations gives ids, status and creation time, newest first; GetInvalidation is called
 * only for ids the ledger does not know, to get their CallerReference and paths.
 * https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_ListInvalidations.html
 */
export class CloudFrontReconciler implements AccountInvalidationSource {
  readonly #client: CloudFrontClient;
  readonly #pageSize: number;

  constructor(client: CloudFrontClient, options: CloudFrontReconcilerOptions = {}) {
    this.#client = client;
    this.#pageSize = Math.min(Math.max(1, options.pageSize ?? MAX_PAGE_SIZE), MAX_PAGE_SIZE);
  }

  /**
   * The month's invalidations on `distributionIds` (or, when none are given, on every distribution
   * of the account). Distributions that no longer exist are skipped and left out of `distributionIds`.
   *
   * @param bounds - the UTC month
   * @param options - the distributions to check and the ledger items of the month
   * @throws CloudFrontError when CloudFront refuses or fails (`retryable` for throttling and 5xx)
   */
  async listMonth(
    bounds: MonthBounds,
    options: {
      readonly distributionIds?: readonly string[];
      readonly ledger?: readonly LedgerItemSummary[];
      /** `distributionId/invalidationId` known beforehand: listed, never fetched. */
      readonly knownIds?: ReadonlySet<string>;
    },
  ): Promise<MonthInvalidations> {
    const wanted = options.distributionIds;
    const ids =
      wanted === undefined || wanted.length === 0 ? await this.listDistributionIds() : [...new Set(wanted)].sort();
    const known = new Set(options.knownIds ?? []);
    for (const item of options.ledger ?? []) {
      if (item.invalidationId !== null) known.add(`${item.distributionId}/${item.invalidationId}`);
    }
    const checked: string[] = [];
    const invalidations: CloudFrontInvalidationRecord[] = [];
    for (const distributionId of ids) {
      const found = await this.#listDistributionMonth(distributionId, bounds, known);
      if (found === undefined) continue;
      checked.push(distributionId);
      invalidations.push(...found);
    }
    return { distributionIds: checked, invalidations };
  }

  /**
   * Every distribution id of the account (ListDistributions, paginated).
   *
   * @throws CloudFrontError when CloudFront refuses or fails
   */
  async listDistributionIds(): Promise<string[]> {
    const ids: string[] = [];
    let marker: string | undefined;
    try {
      do {
        const page = await this.#client.send(
          new ListDistributionsCommand(marker === undefined ? {} : { Marker: marker }),
        );
        for (const distribution of page.DistributionList?.Items ?? []) {
          if (distribution.Id !== undefined) ids.push(distribution.Id);
        }
        marker = page.DistributionList?.IsTruncated ? page.DistributionList.NextMarker : undefined;
      } while (marker !== undefined);
    } catch (error) {
      throw classifyCloudFrontError('ListDistributions', error);
    }
    return ids.sort();
  }

  async #listDistributionMonth(
    distributionId: string,
    bounds: MonthBounds,
    known: ReadonlySet<string>,
  ): Promise<CloudFrontInvalidationRecord[] | undefined> {
    const records: CloudFrontInvalidationRecord[] = [];
    let marker: string | undefined;
    do {
      let page: InvalidationPage;
      try {
        page = await this.#listPage(distributionId, marker);
      } catch (error) {
        if (error instanceof Error && error.name === 'NoSuchDistribution') return undefined;
        throw classifyCloudFrontError(`ListInvalidations on ${distributionId}`, error);
      }
      let reachedOlder = false;
      for (const summary of page.items) {
        const createTime = summary.CreateTime?.getTime() ?? 0;
        if (createTime < bounds.startMs) reachedOlder = true;
        if (summary.Id === undefined || createTime < bounds.startMs || createTime >= bounds.endMs) continue;
        const isKnown = known.has(`${distributionId}/${summary.Id}`);
        records.push(
          isKnown
            ? {
                distributionId,
                invalidationId: summary.Id,
                createTime,
                status: summary.Status ?? 'Unknown',
                callerReference: null,
                paths: null,
              }
            : await this.#details(distributionId, summary.Id, createTime),
        );
      }
      // Newest first: once a page reaches back before the month, later pages are older still.
      marker = !reachedOlder && page.isTruncated ? page.nextMarker : undefined;
    } while (marker !== undefined);
    return records;
  }

  async #listPage(distributionId: string, marker: string | undefined): Promise<InvalidationPage> {
    const result = await this.#client.send(
      new ListInvalidationsCommand({
        DistributionId: distributionId,
        MaxItems: this.#pageSize,
        ...(marker === undefined ? {} : { Marker: marker }),
      }),
    );
    const list = result.InvalidationList;
    return { items: list?.Items ?? [], isTruncated: list?.IsTruncated === true, nextMarker: list?.NextMarker };
  }

  async #details(
    distributionId: string,
    invalidationId: string,
    createTime: number,
  ): Promise<CloudFrontInvalidationRecord> {
    try {
      const result = await this.#client.send(
        new GetInvalidationCommand({ DistributionId: distributionId, Id: invalidationId }),
      );
      const invalidation = result.Invalidation;
      return {
        distributionId,
        invalidationId,
        createTime: invalidation?.CreateTime?.getTime() ?? createTime,
        status: invalidation?.Status ?? 'Unknown',
        callerReference: invalidation?.InvalidationBatch?.CallerReference ?? '',
        paths: invalidation?.InvalidationBatch?.Paths?.Items ?? [],
      };
    } catch (error) {
      throw classifyCloudFrontError(`GetInvalidation ${invalidationId} on ${distributionId}`, error);
    }
  }
}
