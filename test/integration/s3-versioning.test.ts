import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  ListObjectVersionsCommand,
  type ListObjectVersionsCommandOutput,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Client, uniqueName } from '../helpers/aws-clients.ts';
import { captureRejection } from '../helpers/cloudfront-emulator.ts';

// Ground truth from the S3 API reference (API_ListObjectVersions, "Working with versions"), written
// without reading the emulation: entries are ordered by key (UTF-8 bytes), then newest first; only
// a key's newest entry is latest; objects written before versioning have the version id "null";
// MaxKeys counts versions, delete markers and common prefixes; NextKeyMarker/NextVersionIdMarker
// continue a truncated listing; every DeleteObject in a versioned bucket adds a delete marker.

interface Written {
  readonly key: string;
  readonly versionId: string;
  readonly deleteMarker: boolean;
}

type Entry = { key: string; versionId: string; deleteMarker: boolean; isLatest: boolean };

/** The documented listing of `written` (oldest first): by key in UTF-8 byte order, newest first. */
function documentedListing(written: readonly Written[]): Entry[] {
  const order = written.map((entry, index) => ({ ...entry, index }));
  order.sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)) || b.index - a.index);
  return order.map(({ key, versionId, deleteMarker }, index) => ({
    key,
    versionId,
    deleteMarker,
    isLatest: index === 0 || order[index - 1]?.key !== key,
  }));
}

type Item = Entry | { readonly prefix: string };

/**
 * With a delimiter, the keys holding it after the (empty) prefix roll up into one common prefix each,
 * in the listing where its first key would be: keys between a prefix and its first key share it.
 */
function documentedItems(listing: readonly Entry[], delimiter: string | undefined): Item[] {
  const items: Item[] = [];
  for (const entry of listing) {
    const cut = delimiter === undefined ? -1 : entry.key.indexOf(delimiter);
    if (cut < 0) items.push(entry);
    else {
      const prefix = entry.key.slice(0, cut + (delimiter ?? '').length);
      if (!items.some((item) => 'prefix' in item && item.prefix === prefix)) items.push({ prefix });
    }
  }
  return items;
}

/** A page as the SDK gives it: versions, delete markers and common prefixes in three arrays, each in listing order. */
function splitPage(page: ListObjectVersionsCommandOutput) {
  return {
    prefixes: (page.CommonPrefixes ?? []).map((common) => common.Prefix),
    versions: (page.Versions ?? []).map((v) => ({
      key: v.Key,
      versionId: v.VersionId,
      deleteMarker: false,
      isLatest: v.IsLatest,
    })),
    markers: (page.DeleteMarkers ?? []).map((m) => ({
      key: m.Key,
      versionId: m.VersionId,
      deleteMarker: true,
      isLatest: m.IsLatest,
    })),
  };
}

/** The documented pages of a listing: MaxKeys items each, split as the SDK splits them. */
function documentedPages(items: readonly Item[], maxKeys: number) {
  const pages = [];
  for (let start = 0; start === 0 || start < items.length; start += maxKeys) {
    const chunk = items.slice(start, start + maxKeys);
    const entries = chunk.filter((item): item is Entry => !('prefix' in item));
    pages.push({
      prefixes: chunk.flatMap((item) => ('prefix' in item ? [item.prefix] : [])),
      versions: entries.filter((e) => !e.deleteMarker),
      markers: entries.filter((e) => e.deleteMarker),
    });
  }
  return pages;
}

async function listAll(s3: S3Client, bucket: string, maxKeys: number, delimiter: string | undefined) {
  const pages: ListObjectVersionsCommandOutput[] = [];
  let marker: { KeyMarker?: string; VersionIdMarker?: string } = {};
  for (;;) {
    const page = await s3.send(
      new ListObjectVersionsCommand({
        Bucket: bucket,
        MaxKeys: maxKeys,
        ...(delimiter === undefined ? {} : { Delimiter: delimiter }),
        ...marker,
      }),
    );
    pages.push(page);
    if (page.IsTruncated !== true) break;
    if (pages.length >= 100) throw new Error('expected the listing to end within 100 pages, got more');
    marker = {
      ...(page.NextKeyMarker === undefined ? {} : { KeyMarker: page.NextKeyMarker }),
      ...(page.NextVersionIdMarker === undefined ? {} : { VersionIdMarker: page.NextVersionIdMarker }),
    };
  }
  return pages;
}

describe('local S3 bucket versioning', () => {
  let s3: S3Client;

  beforeAll(() => {
    s3 = createS3Client();
  });

  afterAll(() => {
    s3.destroy();
  });

  async function versionedBucket(prefix: string): Promise<string> {
    const bucket = uniqueName(prefix);
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    return bucket;
  }

  it('reads as never versioned, then Enabled, then Suspended through GetBucketVersioning', async () => {
    // Prepare
    const bucket = uniqueName('versioning-status');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const status = async () => (await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status;
    // Act
    const before = await status();
    await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    const enabled = await status();
    await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Suspended' } }));
    // Assess
    expect([before, enabled, await status()]).toEqual([undefined, 'Enabled', 'Suspended']);
  });

  it('lists every put and delete in the documented order, page by page, for any MaxKeys, with or without a delimiter', async () => {
    const keys = fc.constantFrom('a', 'a/b', 'a/c', 'Z', 'é', 'é/x', 'ab', 'a b');
    const op = fc.record({ key: keys, remove: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 5 }),
        fc.constantFrom(undefined, '/'),
        async (ops, maxKeys, delimiter) => {
          // Prepare: an object from before versioning, then the operations, recording what S3 answered.
          const bucket = uniqueName('versions-order');
          await s3.send(new CreateBucketCommand({ Bucket: bucket }));
          await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'ab', Body: 'before' }));
          await s3.send(
            new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }),
          );
          const written: Written[] = [{ key: 'ab', versionId: 'null', deleteMarker: false }];
          for (const { key, remove } of ops) {
            if (remove) {
              const answer = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
              expect(answer.DeleteMarker).toBe(true);
              written.push({ key, versionId: answer.VersionId ?? '', deleteMarker: true });
            } else {
              const answer = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'x' }));
              written.push({ key, versionId: answer.VersionId ?? '', deleteMarker: false });
            }
          }
          // Act
          const pages = await listAll(s3, bucket, maxKeys, delimiter);
          // Assess
          const items = documentedItems(documentedListing(written), delimiter);
          expect(pages.map(splitPage)).toEqual(documentedPages(items, maxKeys));
          expect(pages.map((page) => page.IsTruncated)).toEqual(pages.map((_, index) => index < pages.length - 1));
          expect(new Set(written.map((entry) => entry.versionId)).size).toBe(written.length);
        },
      ),
      { numRuns: 12 },
    );
  });

  it('selects by prefix, rolls folders into common prefixes, and starts after a key marker', async () => {
    // Prepare
    const bucket = await versionedBucket('versions-prefix');
    for (const key of ['docs/a.html', 'docs/a.html', 'docs/img/x.png', 'docs/z.html', 'other.html']) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: key }));
    }
    // Act
    const folder = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: 'docs/', Delimiter: '/' }));
    const after = await s3.send(
      new ListObjectVersionsCommand({ Bucket: bucket, Prefix: 'docs/', KeyMarker: 'docs/a.html' }),
    );
    // Assess
    expect(folder.Versions?.map((v) => [v.Key, v.IsLatest])).toEqual([
      ['docs/a.html', true],
      ['docs/a.html', false],
      ['docs/z.html', true],
    ]);
    expect(folder.CommonPrefixes).toEqual([{ Prefix: 'docs/img/' }]);
    expect(after.Versions?.map((v) => v.Key)).toEqual(['docs/img/x.png', 'docs/z.html']);
  });

  it('gives a Suspended write the null version id, replacing the earlier null version', async () => {
    // Prepare
    const bucket = uniqueName('versions-suspended');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: '1' }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    const kept = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: '2' }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Suspended' } }));
    // Act
    const written = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: '3' }));
    const listing = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket }));
    // Assess
    expect(written.VersionId).toBe('null');
    expect(listing.Versions?.map((v) => [v.VersionId, v.Size, v.IsLatest])).toEqual([
      ['null', 1, true],
      [kept.VersionId, 1, false],
    ]);
  });

  it('refuses what it does not emulate or S3 refuses, rather than answering wrongly', async () => {
    // Prepare
    const bucket = await versionedBucket('versions-refusals');
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: '1' }));
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'k' }));
    // Act
    const noKeyMarker = await captureRejection(
      s3.send(new ListObjectVersionsCommand({ Bucket: bucket, VersionIdMarker: 'null' })),
    );
    const unknownVersion = await captureRejection(
      s3.send(new ListObjectVersionsCommand({ Bucket: bucket, KeyMarker: 'k', VersionIdMarker: 'nope' })),
    );
    const notEmpty = await captureRejection(s3.send(new DeleteBucketCommand({ Bucket: bucket })));
    const byVersion = await captureRejection(
      s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'k', VersionId: 'null' })),
    );
    // Assess
    expect([noKeyMarker.name, unknownVersion.name, notEmpty.name, byVersion.name]).toEqual([
      'InvalidArgument',
      'InvalidArgument',
      'BucketNotEmpty',
      'NotImplemented',
    ]);
  });
});
