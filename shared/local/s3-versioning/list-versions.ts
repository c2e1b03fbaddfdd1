import { compareUtf8 } from '../fauxqs-byte-order.ts';
import type { ObjectVersion } from './version-store.ts';

/** The selection of a ListObjectVersions request. */
export interface ListVersionsQuery {
  readonly prefix: string;
  readonly delimiter: string | undefined;
  readonly keyMarker: string | undefined;
  readonly versionIdMarker: string | undefined;
  /** At most 1,000 (larger values are capped). */
  readonly maxKeys: number;
}

/** One listed entry: a version or a delete marker, and whether it is its key's current one. */
export interface ListedVersion extends ObjectVersion {
  readonly isLatest: boolean;
}

/** One page of ListObjectVersions. */
export interface ListVersionsPage {
  /** Versions and delete markers in S3's order: by key (UTF-8 bytes), then newest first. */
  readonly entries: readonly ListedVersion[];
  readonly commonPrefixes: readonly string[];
  readonly isTruncated: boolean;
  /** The last key (or common prefix) returned, when truncated. */
  readonly nextKeyMarker: string | undefined;
  /** The last version returned, when truncated and it was a version. */
  readonly nextVersionIdMarker: string | undefined;
}

/** Why a ListObjectVersions request is refused (S3's InvalidArgument). */
export class ListVersionsArgumentError extends Error {
  override name = 'ListVersionsArgumentError';
}

/** S3 answers at most 1,000 entries a page, whatever MaxKeys asks. */
export function effectiveMaxKeys(maxKeys: number): number {
  return Math.min(Math.max(maxKeys, 0), 1000);
}

/**
 * One page of a bucket's versions as S3 lists them: keys in UTF-8 byte order, each key's versions
 * newest first; MaxKeys counts versions, delete markers and common prefixes alike. KeyMarker alone
 * starts after every version of that key; with VersionIdMarker, after that version of it.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html
 *
 * @param versions - every key's versions, newest first (any key order)
 * @throws ListVersionsArgumentError for a VersionIdMarker without a KeyMarker, or one the key does not hold
 */
export function listVersions(
  versions: ReadonlyMap<string, readonly ObjectVersion[]>,
  query: ListVersionsQuery,
): ListVersionsPage {
  const { prefix, delimiter, keyMarker, versionIdMarker } = query;
  if (versionIdMarker !== undefined && keyMarker === undefined) {
    throw new ListVersionsArgumentError('A version-id marker cannot be specified without a key marker.');
  }
  if (
    versionIdMarker !== undefined &&
    !(versions.get(keyMarker ?? '') ?? []).some((v) => v.versionId === versionIdMarker)
  ) {
    throw new ListVersionsArgumentError('Invalid version id specified');
  }
  const maxKeys = effectiveMaxKeys(query.maxKeys);
  const keys = [...versions.keys()].filter((key) => key.startsWith(prefix)).sort(compareUtf8);
  const entries: ListedVersion[] = [];
  const commonPrefixes: string[] = [];
  let last: { key: string; versionId: string | undefined } | undefined;
  const full = () => entries.length + commonPrefixes.length >= maxKeys;
  for (const key of keys) {
    const order = keyMarker === undefined ? 1 : compareUtf8(key, keyMarker);
    if (order < 0 || (order === 0 && versionIdMarker === undefined)) continue;
    const cut = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
    if (delimiter && cut >= 0) {
      const common = key.slice(0, cut + delimiter.length);
      if (keyMarker !== undefined && compareUtf8(common, keyMarker) <= 0) continue;
      if (commonPrefixes.at(-1) === common) continue; // keys sharing it are adjacent in this order
      if (full()) return truncated(entries, commonPrefixes, last);
      commonPrefixes.push(common);
      last = { key: common, versionId: undefined };
      continue;
    }
    const history = versions.get(key) ?? [];
    const start = order === 0 ? history.findIndex((version) => version.versionId === versionIdMarker) + 1 : 0;
    for (let index = start; index < history.length; index++) {
      if (full()) return truncated(entries, commonPrefixes, last);
      const version = history[index] as ObjectVersion;
      entries.push({ ...version, isLatest: index === 0 });
      last = { key, versionId: version.versionId };
    }
  }
  return { entries, commonPrefixes, isTruncated: false, nextKeyMarker: undefined, nextVersionIdMarker: undefined };
}

function truncated(
  entries: ListedVersion[],
  commonPrefixes: string[],
  last: { key: string; versionId: string | undefined } | undefined,
): ListVersionsPage {
  return {
    entries,
    commonPrefixes,
    isTruncated: true,
    nextKeyMarker: last?.key,
    nextVersionIdMarker: last?.versionId,
  };
}
