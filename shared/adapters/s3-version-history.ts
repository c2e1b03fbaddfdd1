import { GetBucketVersioningCommand, ListObjectVersionsCommand, type S3Client } from '@aws-sdk/client-s3';
import type { S3RequestCount, VersionHistories, VersionHistoryReader } from '../app/new-keys.ts';
import type { KeyHistory } from '../domain/new-keys.ts';
import { isBilledS3Failure, NewKeyEvidenceError } from './errors.ts';

/** Options of the version-history reader. */
export interface S3VersionHistoryOptions {
  /** ListObjectVersions calls allowed per `histories` call (1,000 entries each). */
  readonly maxRequests: number;
  /** How long a bucket's versioning status is reused. */
  readonly versioningCacheMs: number;
  readonly now: () => number;
}

/**
 * Version histories from S3 for new-key evidence. GetBucketVersioning (cached per bucket) must say
 * `Enabled`: a suspended bucket overwrites its `null` version in place, so one version proves nothing.
 * The keys are listed per folder (ListObjectVersions with the folder as prefix and `/` as delimiter,
 * paginated), so a deploy of many files costs one call per folder and page, never one per key, and
 * no sub-folder is listed. Folders past the request cap are left out: their keys stay must.
 * Every call made is counted for the report: each ListObjectVersions page is a LIST-tier request and
 * GetBucketVersioning a GET-tier one (https://aws.amazon.com/s3/pricing/), also when S3 fails,
 * except a call S3 answered with 5xx, which it does not bill (`isBilledS3Failure`).
 * Needs s3:GetBucketVersioning and s3:ListBucketVersions on the bucket.
 */
export class S3VersionHistory implements VersionHistoryReader {
  readonly #client: S3Client;
  readonly #options: S3VersionHistoryOptions;
  readonly #versioning = new Map<string, { at: number; enabled: boolean }>();

  constructor(client: S3Client, options: S3VersionHistoryOptions) {
    this.#client = client;
    this.#options = options;
  }

  async histories(bucket: string, keys: readonly string[]): Promise<VersionHistories> {
    const requests = { list: 0, get: 0 };
    const histories = await this.#read(bucket, keys, requests);
    return { histories, requests };
  }

  async #read(
    bucket: string,
    keys: readonly string[],
    requests: { list: number; get: number },
  ): Promise<ReadonlyMap<string, KeyHistory> | undefined> {
    if (!(await this.#isVersioned(bucket, requests))) return undefined;
    const byFolder = new Map<string, Set<string>>();
    for (const key of keys) {
      const folder = key.slice(0, key.lastIndexOf('/') + 1);
      const set = byFolder.get(folder) ?? new Set<string>();
      set.add(key);
      byFolder.set(folder, set);
    }
    const found = new Map<string, { versions: number; deleteMarkers: number }>();
    for (const [folder, wanted] of [...byFolder].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const counts = new Map<string, { versions: number; deleteMarkers: number }>();
      for (const key of wanted) counts.set(key, { versions: 0, deleteMarkers: 0 });
      let marker: { KeyMarker?: string; VersionIdMarker?: string } = {};
      let complete = false;
      while (requests.list < this.#options.maxRequests) {
        requests.list++;
        const page = await evidence('ListObjectVersions', bucket, requests, 'list', () =>
          this.#client.send(
            new ListObjectVersionsCommand({ Bucket: bucket, Prefix: folder, Delimiter: '/', ...marker }),
          ),
        );
        for (const version of page.Versions ?? []) {
          const entry = version.Key === undefined ? undefined : counts.get(version.Key);
          if (entry !== undefined) entry.versions++;
        }
        for (const deleteMarker of page.DeleteMarkers ?? []) {
          const entry = deleteMarker.Key === undefined ? undefined : counts.get(deleteMarker.Key);
          if (entry !== undefined) entry.deleteMarkers++;
        }
        if (page.IsTruncated !== true) {
          complete = true;
          break;
        }
        marker = {
          ...(page.NextKeyMarker === undefined ? {} : { KeyMarker: page.NextKeyMarker }),
          ...(page.NextVersionIdMarker === undefined ? {} : { VersionIdMarker: page.NextVersionIdMarker }),
        };
      }
      // A folder listed only in part proves nothing about its keys: they stay out (must).
      if (complete) for (const [key, entry] of counts) found.set(key, entry);
    }
    return found;
  }

  async #isVersioned(bucket: string, requests: { list: number; get: number }): Promise<boolean> {
    const now = this.#options.now();
    const cached = this.#versioning.get(bucket);
    if (cached !== undefined && now - cached.at < this.#options.versioningCacheMs) return cached.enabled;
    requests.get++;
    const answer = await evidence('GetBucketVersioning', bucket, requests, 'get', () =>
      this.#client.send(new GetBucketVersioningCommand({ Bucket: bucket })),
    );
    const enabled = answer.Status === 'Enabled';
    this.#versioning.set(bucket, { at: now, enabled });
    return enabled;
  }
}

/**
 * Runs an S3 call, already counted in `requests[tier]`; a failure says which call on which bucket, and
 * the billed requests so far (the failed call uncounted when S3 answered 5xx).
 */
async function evidence<T>(
  action: string,
  bucket: string,
  requests: { list: number; get: number },
  tier: keyof S3RequestCount,
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!isBilledS3Failure(error)) requests[tier]--;
    const name = error instanceof Error ? error.name : 'UnknownError';
    throw new NewKeyEvidenceError(`${action} on s3://${bucket} failed: ${name}`, {
      retryable: true,
      requests: { ...requests },
      cause: error,
    });
  }
}
