import type { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudFrontErrorCaching } from '../../shared/adapters/cloudfront-error-caching.ts';
import { NewKeyEvidenceError } from '../../shared/adapters/errors.ts';
import { S3VersionHistory } from '../../shared/adapters/s3-version-history.ts';
import { type CloudFrontEmulator, startCloudFrontEmulator } from '../../shared/local/cloudfront-emulator/index.ts';
import { createCloudFrontClient, createS3Client, uniqueName } from '../helpers/aws-clients.ts';
import { captureRejection, createAssetsDistribution, createSiteDistribution } from '../helpers/cloudfront-emulator.ts';

describe('CloudFrontErrorCaching', () => {
  let emulator: CloudFrontEmulator;
  let cloudFront: CloudFrontClient;

  beforeAll(async () => {
    emulator = await startCloudFrontEmulator({
      distributions: [
        createSiteDistribution(),
        createAssetsDistribution({
          customErrorResponses: [
            { errorCode: 404, errorCachingMinTtl: 300 },
            { errorCode: 403 },
            { errorCode: 500, errorCachingMinTtl: 3600 },
          ],
        }),
      ],
    });
    cloudFront = createCloudFrontClient(emulator.endpoint);
  });

  afterAll(async () => {
    cloudFront.destroy();
    await emulator.stop();
  });

  it("reads CloudFront's 10 s default, or the longest 403/404 TTL, through GetDistribution", async () => {
    // Prepare
    const reader = new CloudFrontErrorCaching(cloudFront, { cacheMs: 60_000, now: Date.now });
    // Act
    const site = await reader.errorCachingMs('E1SITE0000000A');
    const assets = await reader.errorCachingMs('E2ASSETS00000B');
    // Assess
    expect([site, assets]).toEqual([10_000, 300_000]);
  });

  it('says which distribution failed, retryable', async () => {
    // Prepare
    const reader = new CloudFrontErrorCaching(cloudFront, { cacheMs: 0, now: Date.now });
    // Act
    const error = await captureRejection(reader.errorCachingMs('E9MISSING0000Z'));
    // Assess
    expect(error).toBeInstanceOf(NewKeyEvidenceError);
    expect(error.message).toBe('GetDistribution E9MISSING0000Z failed: NoSuchDistribution');
    expect((error as NewKeyEvidenceError).retryable).toBe(true);
  });
});

describe('S3VersionHistory', () => {
  let s3: S3Client;

  beforeAll(() => {
    s3 = createS3Client();
  });

  afterAll(() => {
    s3.destroy();
  });

  it('answers undefined for a bucket that is not versioned, so every created key stays must', async () => {
    // Prepare
    const bucket = uniqueName('unversioned');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'assets/app.js', Body: 'x' }));
    const reader = new S3VersionHistory(s3, { maxRequests: 5, versioningCacheMs: 60_000, now: Date.now });
    // Act
    const { histories, requests } = await reader.histories(bucket, ['assets/app.js']);
    // Assess: the versioning check is the only request (GET tier)
    expect(histories).toBeUndefined();
    expect(requests).toEqual({ list: 0, get: 1 });
  });

  it('counts versions and delete markers of a versioned bucket, folder by folder', async () => {
    // Prepare: a new key, a modified key and a re-created key (paging: test/unit/s3-version-history.test.ts).
    const bucket = uniqueName('versioned');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    const put = (Key: string) => s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: Key }));
    await put('assets/app.1a2b.js');
    await put('about.html');
    await put('about.html');
    await put('old.html');
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'old.html' }));
    await put('old.html');
    const reader = new S3VersionHistory(s3, { maxRequests: 5, versioningCacheMs: 60_000, now: Date.now });
    // Act
    const { histories, requests } = await reader.histories(bucket, ['assets/app.1a2b.js', 'about.html', 'old.html']);
    // Assess: one ListObjectVersions page per folder ('' and assets/)
    expect(requests).toEqual({ list: 2, get: 1 });
    expect(Object.fromEntries(histories ?? [])).toEqual({
      'assets/app.1a2b.js': { versions: 1, deleteMarkers: 0 },
      'about.html': { versions: 2, deleteMarkers: 0 },
      'old.html': { versions: 2, deleteMarkers: 1 },
    });
  });
});
