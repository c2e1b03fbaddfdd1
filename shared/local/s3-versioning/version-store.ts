import { randomBytes } from 'node:crypto';

/** A bucket's versioning status, as GetBucketVersioning spells it (a bucket never versioned has none). */
export const VERSIONING_STATUS = { enabled: 'Enabled', suspended: 'Suspended' } as const;

/** `Enabled` or `Suspended`. */
export type VersioningStatus = (typeof VERSIONING_STATUS)[keyof typeof VERSIONING_STATUS];

/** The version id of objects written while a bucket was not versioned, or while versioning was suspended. */
export const NULL_VERSION_ID = 'null';

/** The fields of a fauxqs object a version keeps. */
export interface StoredObjectFields {
  readonly key: string;
  readonly etag: string;
  readonly contentLength: number;
  readonly lastModified: Date;
}

/** One version of a key: an object or a delete marker. */
export interface ObjectVersion {
  readonly key: string;
  readonly versionId: string;
  readonly deleteMarker: boolean;
  readonly lastModified: Date;
  /** `''` for a delete marker. */
  readonly etag: string;
  readonly size: number;
}

/**
 * The version histories of fauxqs's buckets, kept beside its object store (which holds only the current
 * objects). Histories start lazily: a key untouched since versioning was enabled has one `null` version,
 * its current object, as S3 keeps objects written before versioning. A bucket never versioned records
 * nothing, so unversioned buckets cost nothing.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html
 */
export class VersionStore {
  readonly #status = new Map<string, VersioningStatus>();
  /** bucket -> key -> versions, newest first. */
  readonly #histories = new Map<string, Map<string, ObjectVersion[]>>();

  /** The bucket's versioning status; `undefined` when it was never versioned. */
  status(bucket: string): VersioningStatus | undefined {
    return this.#status.get(bucket);
  }

  /** PutBucketVersioning: once versioned, a bucket can be suspended but never unversioned again. */
  setStatus(bucket: string, status: VersioningStatus): void {
    this.#status.set(bucket, status);
  }

  /**
   * Records a put (PutObject, CopyObject, CompleteMultipartUpload) of `object`, which replaced `previous`.
   * @returns the new version, `undefined` for a bucket never versioned
   */
  recordPut(
    bucket: string,
    object: StoredObjectFields,
    previous: StoredObjectFields | undefined,
  ): ObjectVersion | undefined {
    return this.#record(bucket, object.key, previous, (versionId) => ({
      key: object.key,
      versionId,
      deleteMarker: false,
      lastModified: object.lastModified,
      etag: object.etag,
      size: object.contentLength,
    }));
  }

  /**
   * Records a DeleteObject without a version id: a delete marker, also for a key that holds no object
   * (S3 creates one all the same in a versioned bucket).
   * @returns the delete marker, `undefined` for a bucket never versioned
   */
  recordDelete(
    bucket: string,
    key: string,
    previous: StoredObjectFields | undefined,
    at: Date,
  ): ObjectVersion | undefined {
    return this.#record(bucket, key, previous, (versionId) => ({
      key,
      versionId,
      deleteMarker: true,
      lastModified: at,
      etag: '',
      size: 0,
    }));
  }

  /** Whether the bucket holds a version or delete marker besides its current objects (DeleteBucket refuses then). */
  holdsVersions(bucket: string): boolean {
    for (const versions of this.#histories.get(bucket)?.values() ?? []) if (versions.length > 0) return true;
    return false;
  }

  /** The latest version of a key when its bucket is versioned (the `x-amz-version-id` of a write). */
  latest(bucket: string, key: string): ObjectVersion | undefined {
    return this.#histories.get(bucket)?.get(key)?.[0];
  }

  /**
   * Every key's versions, newest first: recorded histories, and a `null` version for each current
   * object without one.
   * @param current - the bucket's current objects, by key
   */
  versionsOf(bucket: string, current: ReadonlyMap<string, StoredObjectFields>): Map<string, readonly ObjectVersion[]> {
    const histories = this.#histories.get(bucket);
    const all = new Map<string, readonly ObjectVersion[]>(histories ?? []);
    for (const [key, object] of current) if (!all.has(key)) all.set(key, [nullVersionOf(object)]);
    return all;
  }

  #record(
    bucket: string,
    key: string,
    previous: StoredObjectFields | undefined,
    build: (versionId: string) => ObjectVersion,
  ): ObjectVersion | undefined {
    const status = this.#status.get(bucket);
    if (status === undefined) return undefined;
    const histories = this.#histories.get(bucket) ?? new Map<string, ObjectVersion[]>();
    this.#histories.set(bucket, histories);
    let versions = histories.get(key) ?? (previous === undefined ? [] : [nullVersionOf(previous)]);
    let versionId = newVersionId();
    if (status === VERSIONING_STATUS.suspended) {
      // Suspended: the write takes the `null` id, replacing the `null` version wherever it is.
      versions = versions.filter((version) => version.versionId !== NULL_VERSION_ID);
      versionId = NULL_VERSION_ID;
    }
    const version = build(versionId);
    histories.set(key, [version, ...versions]);
    return version;
  }
}

function nullVersionOf(object: StoredObjectFields): ObjectVersion {
  return {
    key: object.key,
    versionId: NULL_VERSION_ID,
    deleteMarker: false,
    lastModified: object.lastModified,
    etag: object.etag,
    size: object.contentLength,
  };
}

/** An opaque, URL-safe id of 32 characters, like S3's. */
function newVersionId(): string {
  return randomBytes(24).toString('base64url');
}
